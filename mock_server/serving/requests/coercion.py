"""Strings from a query, a path or a form cast to the JSON values their schema describes.

A URI or a form carries only strings. Connexion casts them by a schema's top-level ``type``
and nothing else: a union of different types (``anyOf: [{type: object}, {type: integer}]``)
has none (its parser raised ``KeyError``, a 500), and the leaves of a nested object were cast
only one level deep. :func:`coerce` casts by the whole schema: through ``allOf``, through
``anyOf``/``oneOf`` (the first member the cast value is valid against), object properties,
``additionalProperties`` and array items. A string that does not parse as its type stays a
string, so validation refuses it with the contract's error rather than the cast failing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from invoice_contracts.oas import has_json_type

from .validation import compiled

__all__ = ["coerce", "coerce_values", "is_union", "kind_of"]

_MAX_DEPTH = 32
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INDEX = re.compile(r"[0-9]+")


def is_union(schema: Any) -> bool:
    """Whether ``schema`` is an ``anyOf``/``oneOf`` (whose members may disagree on a type)."""
    return isinstance(schema, Mapping) and bool(schema.get("anyOf") or schema.get("oneOf"))


def _members(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [m for key in ("anyOf", "oneOf") for m in schema.get(key) or () if isinstance(m, Mapping)]


def kind_of(schema: Any) -> str | None:
    """The JSON type a schema states, or its keywords imply (``properties``, ``items``)."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if isinstance(kind, list):  # OpenAPI 3.1: the first type that is not null
        return next((str(k) for k in kind if k != "null"), None)
    for member in schema.get("allOf") or ():
        found = kind_of(member)
        if found is not None:
            return found
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    return "array" if "items" in schema else None


def coerce(value: Any, schema: Any, depth: int = 0) -> Any:
    """``value`` (a string, a list or a dict of them, as decoded) cast by ``schema``."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return value
    for member in schema.get("allOf") or ():
        value = coerce(value, member, depth + 1)
    if is_union(schema):
        value = _choose([(coerce(value, member, depth + 1), member) for member in _members(schema)], value)
    return _cast(value, kind_of(schema), schema, depth)


def coerce_values(values: Sequence[Any], schema: Any, split: Callable[[Sequence[Any]], list[Any]] | None = None) -> Any:
    """The repeated values of one parameter or form field cast by ``schema``: an array (or an
    array member of a union) takes all of them, or ``split`` of them when given; anything else
    the last one (a dict, decoded from ``deepObject`` keys, is taken whole)."""

    def shaped(member: Any) -> Any:
        last = values[-1]
        if isinstance(last, dict) or kind_of(member) != "array":
            return last
        return split(values) if split is not None else list(values)

    if is_union(schema):
        candidates = [(coerce(shaped(member), member), member) for member in _members(schema)]
        return _choose(candidates, values[-1])
    return coerce(shaped(schema), schema)


def _choose(candidates: list[tuple[Any, Mapping[str, Any]]], fallback: Any) -> Any:
    """The first candidate valid against its member; else the first of its member's type (the
    union's validation then reports it); else ``fallback``."""
    for candidate, member in candidates:
        if _valid(member, candidate):
            return candidate
    for candidate, member in candidates:
        kind = kind_of(member)
        if kind is not None and has_json_type(candidate, kind):
            return candidate
    return fallback


def _valid(schema: Mapping[str, Any], value: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    try:
        return compiled(schema).is_valid(value)
    except RecursionError:
        return False


def _cast(value: Any, kind: str | None, schema: Mapping[str, Any], depth: int) -> Any:
    if kind == "array":
        return _array(value, schema, depth)
    if kind == "object":  # an empty value (``mandate_options=``) is how a form sends {}
        return _object(value, schema, depth) if isinstance(value, dict) else {} if value == "" else value
    if not isinstance(value, str):
        return value
    if kind == "integer" and _INTEGER.fullmatch(value):
        return int(value)
    if kind == "number" and _NUMBER.fullmatch(value):
        number = float(value)
        return int(value) if _INTEGER.fullmatch(value) else number if math.isfinite(number) else value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def _array(value: Any, schema: Mapping[str, Any], depth: int) -> Any:
    """A list, a dict indexed ``0``, ``1`` ... (``a[0][b]``) in index order, or one string
    (a form cannot tell ``expand=a`` from a one-item array) as a list, items cast; an empty
    string (``permissions=``, how clients send an empty array in a form) as an empty list."""
    if isinstance(value, dict) and value and all(_INDEX.fullmatch(key) for key in value):
        value = [value[key] for key in sorted(value, key=int)]
    elif isinstance(value, str):
        value = [value] if value else []
    if not isinstance(value, list):
        return value
    items = schema.get("items")
    return [coerce(item, items, depth + 1) for item in value]


def _object(value: dict[str, Any], schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    others = schema.get("additionalProperties")
    return {key: coerce(item, properties.get(key, others), depth + 1) for key, item in value.items()}
