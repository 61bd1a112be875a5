"""The range an integer's ``format`` (``int32``, ``int64``) implies, as ``minimum``/``maximum``.

OpenAPI's ``int32`` and ``int64`` formats bound an integer, but JSON Schema validators (jsonschema,
jsonschema-rs) know neither format, so ``?limit=2147483648`` passed an ``int32`` parameter and
Schemathesis rightly reported the invalid request as accepted. The bounds are written into the
schema (a copy; never below a bound the document states) before it is compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["with_integer_bounds"]

_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def with_integer_bounds(schema: Any, depth: int = 0) -> Any:
    """``schema`` with every ``int32``/``int64`` integer bounded by its format's range; the
    same object when nothing changes."""
    if depth > 64:
        return schema
    if isinstance(schema, list):
        items = [with_integer_bounds(item, depth + 1) for item in schema]
        return schema if all(new is old for new, old in zip(items, schema, strict=True)) else items
    if not isinstance(schema, Mapping):
        return schema
    changed = {key: with_integer_bounds(value, depth + 1) for key, value in schema.items()}
    bounds = _BOUNDS.get(str(schema.get("format"))) if _is_integer(schema.get("type")) else None
    if bounds is not None:
        low, high = bounds
        changed.setdefault("minimum", low)
        changed.setdefault("maximum", high)
    if bounds is None and all(changed[key] is schema[key] for key in schema):
        return schema
    return changed


def _is_integer(kind: Any) -> bool:
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)
