"""Parameter rules: added, removed, required, moved, deprecated, serialization, and their schemas."""

from __future__ import annotations

from typing import Any

from invoice_contracts.oas import escape_pointer

from .changes import Changes
from .schemas.compare import SchemaDiff
from .schemas.constraints import REQUEST

__all__ = ["compare_parameters"]

_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def _serialization(param: dict[str, Any]) -> tuple[str, bool, bool, tuple[str, ...]]:
    """How a parameter is written on the wire, with the spec's defaults filled in."""
    style = str(param.get("style", _DEFAULT_STYLE.get(str(param.get("in")), "form")))
    explode = bool(param.get("explode", style == "form"))
    return style, explode, bool(param.get("allowReserved")), tuple(sorted(param.get("content") or {}))


def _schema(param: dict[str, Any]) -> tuple[Any, str]:
    """A parameter's schema and its pointer below the parameter (``schema`` or ``content/<media>/schema``)."""
    if "schema" in param:
        return param["schema"], "/schema"
    for media, content in (param.get("content") or {}).items():
        return content.get("schema"), f"/content/{escape_pointer(media)}/schema"
    return None, "/schema"


def _key(param: dict[str, Any]) -> tuple[str, str]:
    """Name and location; header names are case-insensitive."""
    name, location = str(param["name"]), str(param["in"])
    return (name.lower() if location == "header" else name), location


def compare_parameters(
    changes: Changes, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str
) -> None:
    old_params = {_key(p): p for p in old.get("parameters", [])}
    new_params = {_key(p): (index, p) for index, p in enumerate(new.get("parameters", []))}
    new_by_name = dict(new_params.keys())
    old_names = {name for name, _ in old_params}
    for (name, location), param in old_params.items():
        if (name, location) not in new_params:
            if name in new_by_name:
                message = f"{name} moved from {location} to {new_by_name[name]}"
                changes.add("parameter-location-changed", f"{pointer}/parameters", message, operation)
            else:
                label = f"{location} parameter {name}"
                rule, message = changes.lifecycle.removal(param) or ("request-parameter-removed", "removed")
                changes.add(rule, f"{pointer}/parameters", f"{label} {message}", operation)
            continue
        index, new_param = new_params[(name, location)]
        _compare_one(changes, param, new_param, f"{pointer}/parameters/{index}", operation)
    for (name, location), (index, param) in new_params.items():
        if name in old_names:
            continue
        rule = "request-parameter-required-added" if param.get("required") else "request-parameter-added"
        changes.add(rule, f"{pointer}/parameters/{index}", f"{location} parameter {name} added", operation)


def _compare_one(changes: Changes, old: dict[str, Any], new: dict[str, Any], where: str, operation: str) -> None:
    label = f"{new['in']} parameter {new['name']}"
    if bool(new.get("required")) != bool(old.get("required")):
        rule = "request-parameter-became-required" if new.get("required") else "request-parameter-became-optional"
        changes.add(rule, where, f"{label} is now {'required' if new.get('required') else 'optional'}", operation)

    def report(rule: str, pointer: str, message: str) -> None:
        changes.add(rule, pointer, message, operation)

    rules = ("request-parameter-deprecated", "request-parameter-reactivated")
    changes.lifecycle.deprecation(report, old, new, where, label, rules)
    if _serialization(old) != _serialization(new):
        before, after = _serialization(old), _serialization(new)
        message = f"{label} serialization (style, explode, allowReserved, content) {before} → {after}"
        changes.add("request-parameter-serialization-changed", where, message, operation)
    if old.get("allowEmptyValue") and not new.get("allowEmptyValue"):
        changes.add(
            "request-parameter-empty-value-disallowed", where, f"{label} no longer accepts an empty value", operation
        )
    elif new.get("allowEmptyValue") and not old.get("allowEmptyValue"):
        changes.add("request-constraint-relaxed", where, f"{label} now accepts an empty value", operation)

    def labelled(rule: str, pointer: str, message: str) -> None:
        changes.add(rule, pointer, f"{label}: {message}", operation)

    (old_schema, _), (new_schema, below) = _schema(old), _schema(new)
    old_schema, new_schema = changes.refs[0](old_schema), changes.refs[1](new_schema)
    if _exploded(new) and _is_array(new_schema) and not _is_array(old_schema):
        message = "one value → an array of them (`?x=1` is still a valid request)"
        labelled("request-type-widened", f"{where}{below}", message)
        new_schema, below = new_schema.get("items", {}), f"{below}/items"
    # a parameter is text on the wire: any value a client sends is also a valid string
    loose = "schema" in new
    SchemaDiff(REQUEST, labelled, changes, loose).compare(old_schema, new_schema, f"{where}{below}")


def _is_array(schema: Any) -> bool:
    declared = schema.get("type") if isinstance(schema, dict) else None
    return declared == "array" or (isinstance(declared, list) and "array" in declared)


def _exploded(param: dict[str, Any]) -> bool:
    """A form-exploded query or cookie parameter: an array is the parameter repeated (``?x=1&x=2``)."""
    style, explode, _, _ = _serialization(param)
    return param.get("in") in ("query", "cookie") and style == "form" and explode
