"""The breaking-change rules: operations, parameters, bodies, responses, security, schemas.

Direction matters for schemas: a request schema may only get *more permissive* (clients keep
sending what they sent), a response schema only *more precise* (clients keep reading what they
read). Every rule id is in :data:`RULES` with its level and meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from invoice_contracts.oas import escape_pointer, iter_operations, resolve_refs

from ..findings import Finding

__all__ = ["RULES", "diff_documents"]

BREAKING, NON_BREAKING, INFO = "breaking", "non-breaking", "info"

RULES: dict[str, tuple[str, str]] = {
    "path-removed": (BREAKING, "a path and all its operations removed"),
    "operation-removed": (BREAKING, "an operation removed"),
    "operation-added": (INFO, "an operation added"),
    "operation-deprecated": (NON_BREAKING, "an operation marked deprecated"),
    "request-parameter-required-added": (BREAKING, "a new required parameter"),
    "request-parameter-became-required": (BREAKING, "an optional parameter made required"),
    "request-parameter-added": (INFO, "a new optional parameter"),
    "request-parameter-removed": (NON_BREAKING, "a parameter removed (clients still sending it may be refused)"),
    "parameter-location-changed": (BREAKING, "a parameter moved, e.g. from query to header"),
    "request-body-required-added": (BREAKING, "a required request body added"),
    "request-body-became-required": (BREAKING, "an optional request body made required"),
    "request-property-required-added": (BREAKING, "a new required request property"),
    "request-property-became-required": (BREAKING, "an optional request property made required"),
    "request-property-added": (INFO, "a new optional request property"),
    "request-property-removed": (NON_BREAKING, "a request property removed"),
    "request-type-changed": (BREAKING, "a request value's type changed"),
    "request-format-changed": (BREAKING, "a request value's format changed"),
    "request-enum-narrowed": (BREAKING, "a value removed from a request enum"),
    "request-enum-widened": (INFO, "a value added to a request enum"),
    "request-nullable-removed": (BREAKING, "a request value no longer accepts null"),
    "request-max-length-decreased": (BREAKING, "maxLength added or lowered on a request value"),
    "request-min-length-increased": (BREAKING, "minLength added or raised on a request value"),
    "request-maximum-decreased": (BREAKING, "maximum added or lowered on a request value"),
    "request-minimum-increased": (BREAKING, "minimum added or raised on a request value"),
    "request-max-items-decreased": (BREAKING, "maxItems added or lowered on a request array"),
    "request-pattern-changed": (BREAKING, "a pattern added or changed on a request value"),
    "request-default-changed": (
        BREAKING,
        "a request default changed (clients that omit the value get other behaviour)",
    ),
    "response-type-changed": (BREAKING, "a response value's type changed"),
    "response-format-changed": (BREAKING, "a response value's format changed"),
    "response-enum-widened": (BREAKING, "a value added to a response enum (clients meet a value they do not know)"),
    "response-enum-narrowed": (INFO, "a value removed from a response enum"),
    "response-property-removed": (BREAKING, "a response property removed"),
    "response-property-became-optional": (BREAKING, "a required response property made optional"),
    "response-property-became-nullable": (BREAKING, "a response property made nullable"),
    "response-property-added": (INFO, "a response property added"),
    "response-header-removed": (BREAKING, "a documented response header removed"),
    "success-status-removed": (BREAKING, "a documented success status removed"),
    "error-status-removed": (BREAKING, "a documented error status removed"),
    "response-status-added": (INFO, "a response status added"),
    "security-requirement-added": (BREAKING, "an operation that needed no credentials now does"),
    "security-tightened": (BREAKING, "an accepted scheme removed, a scope or x-permission added or changed"),
    "description-changed": (INFO, "a summary or description changed"),
}

_TEMPLATE = re.compile(r"\{[^}]+\}")
_CONSTRAINTS: tuple[tuple[str, str, Callable[[Any, Any], bool]], ...] = (
    # keyword, rule, does `new` tighten `old`? (None means "absent")
    ("maxLength", "request-max-length-decreased", lambda old, new: new is not None and (old is None or new < old)),
    ("minLength", "request-min-length-increased", lambda old, new: new is not None and (old is None or new > old)),
    ("maximum", "request-maximum-decreased", lambda old, new: new is not None and (old is None or new < old)),
    ("minimum", "request-minimum-increased", lambda old, new: new is not None and (old is None or new > old)),
    ("maxItems", "request-max-items-decreased", lambda old, new: new is not None and (old is None or new < old)),
    ("pattern", "request-pattern-changed", lambda old, new: new is not None and new != old),
)


class _Diff:
    def __init__(self, where: str) -> None:
        self.where = where
        self.findings: list[Finding] = []

    def add(self, rule: str, pointer: str, message: str, operation: str) -> None:
        level = RULES[rule][0]
        self.findings.append(Finding(pointer, rule, level, message, f"{self.where} {operation}".strip()))

    # --- schemas ---------------------------------------------------------------------------

    @staticmethod
    def _flatten(schema: Any) -> dict[str, Any]:
        """Merge ``allOf`` parts into one object schema, so composition changes compare by meaning."""
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(merged.get("properties", {}))
        required: list[str] = list(merged.get("required", []))
        for part in schema["allOf"]:
            flat = _Diff._flatten(part)
            for key, value in flat.items():
                if key == "properties":
                    properties.update(value)
                elif key == "required":
                    required.extend(value)
                else:
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = sorted(set(required))
        return merged

    def schema(self, old: Any, new: Any, pointer: str, direction: str, operation: str, depth: int = 0) -> None:
        if depth > 25:
            return
        old, new = self._flatten(old), self._flatten(new)
        if not old or not new:
            return
        prefix = direction
        if old.get("type") and new.get("type") and old["type"] != new["type"]:
            self.add(f"{prefix}-type-changed", pointer, f"type {old['type']} → {new['type']}", operation)
            return
        if old.get("format") != new.get("format") and (old.get("format") or new.get("format")):
            self.add(
                f"{prefix}-format-changed", pointer, f"format {old.get('format')} → {new.get('format')}", operation
            )
        self._enums(old, new, pointer, direction, operation)
        if direction == "request":
            if old.get("nullable") and not new.get("nullable"):
                self.add("request-nullable-removed", pointer, "null is no longer accepted", operation)
            for keyword, rule, tightens in _CONSTRAINTS:
                if tightens(old.get(keyword), new.get(keyword)):
                    self.add(rule, pointer, f"{keyword} {old.get(keyword)} → {new.get(keyword)}", operation)
            if "default" in old and old.get("default") != new.get("default"):
                self.add(
                    "request-default-changed",
                    pointer,
                    f"default {old.get('default')!r} → {new.get('default')!r}",
                    operation,
                )
        elif new.get("nullable") and not old.get("nullable") and depth > 0:
            self.add("response-property-became-nullable", pointer, "may now be null", operation)
        self._properties(old, new, pointer, direction, operation, depth)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.schema(old["items"], new["items"], f"{pointer}/items", direction, operation, depth + 1)
        if isinstance(old.get("additionalProperties"), dict) and isinstance(new.get("additionalProperties"), dict):
            self.schema(
                old["additionalProperties"],
                new["additionalProperties"],
                f"{pointer}/additionalProperties",
                direction,
                operation,
                depth + 1,
            )

    def _enums(self, old: dict[str, Any], new: dict[str, Any], pointer: str, direction: str, operation: str) -> None:
        if "enum" not in old and "enum" not in new:
            return
        before = {repr(v) for v in old.get("enum", [])}
        after = {repr(v) for v in new.get("enum", [])}
        removed, added = sorted(before - after), sorted(after - before)
        if direction == "request":
            if removed or ("enum" in new and "enum" not in old):
                self.add(
                    "request-enum-narrowed",
                    pointer,
                    f"no longer accepted: {', '.join(removed) or 'any value outside the new enum'}",
                    operation,
                )
            if added and "enum" in old:
                self.add("request-enum-widened", pointer, f"now also accepted: {', '.join(added)}", operation)
        else:
            if added or ("enum" in old and "enum" not in new):
                self.add(
                    "response-enum-widened",
                    pointer,
                    f"may now be returned: {', '.join(added) or 'any value'}",
                    operation,
                )
            if removed and "enum" in new:
                self.add("response-enum-narrowed", pointer, f"no longer returned: {', '.join(removed)}", operation)

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str, direction: str, operation: str, depth: int
    ) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props)):
            where = f"{pointer}/properties/{escape_pointer(name)}"
            if name not in new_props:
                rule = "response-property-removed" if direction == "response" else "request-property-removed"
                self.add(rule, where, f"property {name} removed", operation)
            elif name not in old_props:
                if direction == "request":
                    rule = "request-property-required-added" if name in new_required else "request-property-added"
                    self.add(
                        rule, where, f"property {name} added{' as required' if name in new_required else ''}", operation
                    )
                else:
                    self.add("response-property-added", where, f"property {name} added", operation)
            else:
                if direction == "request" and name in new_required and name not in old_required:
                    self.add("request-property-became-required", where, f"property {name} is now required", operation)
                if direction == "response" and name in old_required and name not in new_required:
                    self.add(
                        "response-property-became-optional",
                        where,
                        f"property {name} is no longer always present",
                        operation,
                    )
                self.schema(old_props[name], new_props[name], where, direction, operation, depth + 1)

    # --- operations ------------------------------------------------------------------------

    @staticmethod
    def _security(document: dict[str, Any], operation: dict[str, Any]) -> set[frozenset[tuple[str, tuple[str, ...]]]]:
        requirements = operation.get("security", document.get("security", []))
        return {
            frozenset((name, tuple(sorted(scopes))) for name, scopes in requirement.items())
            for requirement in requirements
        }

    def security(
        self,
        old_doc: dict[str, Any],
        new_doc: dict[str, Any],
        old: dict[str, Any],
        new: dict[str, Any],
        pointer: str,
        operation: str,
    ) -> None:
        before, after = self._security(old_doc, old), self._security(new_doc, new)
        open_before = not before or frozenset() in before
        open_after = not after or frozenset() in after
        if open_before and not open_after:
            self.add("security-requirement-added", f"{pointer}/security", "credentials are now required", operation)
        elif not open_before and before - after:
            removed = ["+".join(f"{n}{list(s) if s else ''}" for n, s in sorted(r)) for r in before - after]
            self.add(
                "security-tightened", f"{pointer}/security", f"no longer accepted: {', '.join(removed)}", operation
            )
        if new.get("x-permission") and new.get("x-permission") != old.get("x-permission"):
            self.add(
                "security-tightened",
                f"{pointer}/x-permission",
                f"x-permission {old.get('x-permission')} → {new['x-permission']}",
                operation,
            )

    def parameters(self, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str) -> None:
        old_params = {(p["name"], p["in"]): p for p in old.get("parameters", [])}
        new_params = {(p["name"], p["in"]): (index, p) for index, p in enumerate(new.get("parameters", []))}
        new_by_name = dict(new_params.keys())
        for (name, location), param in old_params.items():
            if (name, location) not in new_params:
                if name in new_by_name:
                    self.add(
                        "parameter-location-changed",
                        f"{pointer}/parameters",
                        f"{name} moved from {location} to {new_by_name[name]}",
                        operation,
                    )
                else:
                    self.add(
                        "request-parameter-removed",
                        f"{pointer}/parameters",
                        f"{location} parameter {name} removed",
                        operation,
                    )
                continue
            index, new_param = new_params[(name, location)]
            where = f"{pointer}/parameters/{index}"
            if new_param.get("required") and not param.get("required"):
                self.add(
                    "request-parameter-became-required",
                    where,
                    f"{location} parameter {name} is now required",
                    operation,
                )
            self.schema(param.get("schema"), new_param.get("schema"), f"{where}/schema", "request", operation)
        for (name, location), (index, param) in new_params.items():
            if (name, location) in old_params or any(n == name for n, _ in old_params):
                continue
            rule = "request-parameter-required-added" if param.get("required") else "request-parameter-added"
            self.add(rule, f"{pointer}/parameters/{index}", f"{location} parameter {name} added", operation)

    def request_body(self, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str) -> None:
        old_body, new_body = old.get("requestBody"), new.get("requestBody")
        if new_body is None:
            return
        if old_body is None:
            if new_body.get("required"):
                self.add(
                    "request-body-required-added", f"{pointer}/requestBody", "a request body is now required", operation
                )
            return
        if new_body.get("required") and not old_body.get("required"):
            self.add(
                "request-body-became-required", f"{pointer}/requestBody", "the request body is now required", operation
            )
        for media, content in new_body.get("content", {}).items():
            before = old_body.get("content", {}).get(media)
            if before is not None:
                where = f"{pointer}/requestBody/content/{escape_pointer(media)}/schema"
                self.schema(before.get("schema"), content.get("schema"), where, "request", operation)

    def responses(self, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str) -> None:
        old_responses, new_responses = old.get("responses", {}), new.get("responses", {})
        for status, response in old_responses.items():
            where = f"{pointer}/responses/{escape_pointer(str(status))}"
            if status not in new_responses:
                rule = "success-status-removed" if str(status).startswith("2") else "error-status-removed"
                self.add(rule, where, f"status {status} no longer documented", operation)
                continue
            new_response = new_responses[status]
            for header, definition in (response.get("headers") or {}).items():
                if header not in (new_response.get("headers") or {}):
                    self.add(
                        "response-header-removed",
                        f"{where}/headers/{escape_pointer(header)}",
                        f"header {header} removed",
                        operation,
                    )
                elif definition.get("schema") and new_response["headers"][header].get("schema"):
                    self.schema(
                        definition["schema"],
                        new_response["headers"][header]["schema"],
                        f"{where}/headers/{escape_pointer(header)}/schema",
                        "response",
                        operation,
                    )
            for media, content in (new_response.get("content") or {}).items():
                before = (response.get("content") or {}).get(media)
                if before is not None:
                    self.schema(
                        before.get("schema"),
                        content.get("schema"),
                        f"{where}/content/{escape_pointer(media)}/schema",
                        "response",
                        operation,
                    )
        for status in new_responses:
            if status not in old_responses:
                self.add(
                    "response-status-added",
                    f"{pointer}/responses/{escape_pointer(str(status))}",
                    f"status {status} added",
                    operation,
                )


def _operations(document: dict[str, Any]) -> Iterator[tuple[tuple[str, str], str, str, dict[str, Any]]]:
    for entry in iter_operations(document):
        operation = {**entry.operation, "parameters": entry.parameters}
        yield (entry.method, _TEMPLATE.sub("{}", entry.path)), entry.path, entry.pointer, operation


def _rename_path_parameters(operation: dict[str, Any], old_path: str, new_path: str) -> dict[str, Any]:
    """Clients address path parameters by position, so a renamed one (``{id}`` → ``{thingId}``) is the same."""
    renames = dict(zip(_TEMPLATE.findall(old_path), _TEMPLATE.findall(new_path), strict=True))
    renamed = dict(operation)
    renamed["parameters"] = [
        {**p, "name": renames.get("{" + p["name"] + "}", "{" + p["name"] + "}")[1:-1]} if p["in"] == "path" else p
        for p in operation.get("parameters", [])
    ]
    return renamed


def diff_documents(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[Finding]:
    """Every classified change from ``old`` to ``new``."""
    old_doc, new_doc = resolve_refs(old), resolve_refs(new)
    diff = _Diff(where)
    old_ops = {key: (path, pointer, op) for key, path, pointer, op in _operations(old_doc)}
    new_ops = {key: (path, pointer, op) for key, path, pointer, op in _operations(new_doc)}
    new_paths = {_TEMPLATE.sub("{}", path) for path in new_doc.get("paths", {})}
    for key, (path, pointer, operation) in old_ops.items():
        name = operation.get("operationId") or f"{key[0].upper()} {path}"
        if key not in new_ops:
            rule = "operation-removed" if key[1] in new_paths else "path-removed"
            diff.add(rule, pointer, f"{key[0].upper()} {path} removed", name)
            continue
        new_path, new_pointer, new_operation = new_ops[key]
        before = _rename_path_parameters(operation, path, new_path)
        diff.security(old_doc, new_doc, before, new_operation, new_pointer, name)
        diff.parameters(before, new_operation, new_pointer, name)
        diff.request_body(before, new_operation, new_pointer, name)
        diff.responses(before, new_operation, new_pointer, name)
        if new_operation.get("deprecated") and not operation.get("deprecated"):
            diff.add("operation-deprecated", new_pointer, f"{name} is deprecated", name)
        for field in ("summary", "description"):
            if operation.get(field) != new_operation.get(field):
                diff.add("description-changed", f"{new_pointer}/{field}", f"{field} changed", name)
    for key, (path, pointer, operation) in new_ops.items():
        if key not in old_ops:
            diff.add("operation-added", pointer, f"{key[0].upper()} {path} added", operation.get("operationId", ""))
    return diff.findings
