"""The request body an invariant sends: the contract's example, else a minimal valid instance.

The minimal instance holds only required properties, each from its default, first enum value,
example or a plain value of its type within the schema's bounds; a pattern's simplest match comes
from Hypothesis' shrinker. (Schemathesis generates bodies only inside its own test runner; a
read-back needs one deterministic body.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from invoice_contracts.oas import merged

from .contract import Operation

__all__ = ["minimal", "request_body"]

_DATES = {"date": "2026-01-15", "date-time": "2026-01-15T10:00:00Z"}


def minimal(schema: Any) -> Any:
    schema = merged(schema)
    for key in ("default", "example"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: minimal(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema.get("items", {})) for _ in range(int(schema.get("minItems", 0)))]
    if kind in ("integer", "number"):
        return min(max(schema.get("minimum", 1), 1), schema.get("maximum", 1))
    if kind == "boolean":
        return True
    if kind == "string" and "pattern" in schema:
        return _matching(str(schema["pattern"]))
    if kind == "string":
        text = _DATES.get(str(schema.get("format")), "conformance")
        return text[: int(schema.get("maxLength", len(text)))].ljust(int(schema.get("minLength", 0)), "x")
    return None


def _matching(pattern: str) -> str:
    """The simplest string matching ``pattern`` (Hypothesis' shrinker finds it, deterministically)."""
    strategy = st.from_regex(pattern, fullmatch=True)
    try:
        return str(find(strategy, lambda _: True, settings=settings(database=None, max_examples=50)))
    except NoSuchExample:
        return ""


def request_body(operation: Operation) -> Any:
    """None when the operation takes no body (or an optional one without an example)."""
    example = operation.request_example()
    if example is not None:
        return example
    body = operation.spec.get("requestBody") or {}
    return minimal(operation.request_schema()) if body.get("required") else None
