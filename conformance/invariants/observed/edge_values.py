"""Values at a schema's edges, drawn from the schema alone.

Numbers: the minimum and maximum, zero, a negative and a fraction where the bounds allow them.
Strings: empty (where allowed), the longest allowed (capped), one with non-ASCII text; a
pattern's match and a longer one (Hypothesis' ``from_regex``); dates at a leap day and far
ahead. Arrays: empty and long (the example's first item repeated, capped). Objects: each
property's edges in turn on the example's object. ``null`` where nullable; every enum value;
both booleans. A value equal to the example's is left out (the plain write checks it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from invoice_contracts.oas import merged

from ..bodies import minimal

__all__ = ["NOTHING", "edge_values"]

NOTHING: Any = object()  # no example value

LONGEST = 10_000
LONGEST_ARRAY = 50
PER_FIELD = 6
_DATES = {
    "date": ["2000-02-29", "2099-12-31"],
    "date-time": ["2000-02-29T23:59:59Z", "2099-12-31T00:00:00Z"],
}


def edge_values(schema: Any, example: Any = NOTHING) -> list[Any]:
    schema = merged(schema)
    values: list[Any] = []
    if schema.get("enum"):
        values += [value for value in schema["enum"] if value is not None]
    elif schema.get("type") in ("integer", "number"):
        values += _numbers(schema)
    elif schema.get("type") == "boolean":
        values += [True, False]
    elif schema.get("type") == "string":
        values += _strings(schema)
    elif schema.get("type") == "array":
        values += _arrays(schema, example)
    elif schema.get("type") == "object" or "properties" in schema:
        values += _objects(schema, example)
    if schema.get("nullable"):
        values.append(None)
    unique: list[Any] = []
    for value in values:
        if (example is NOTHING or value != example) and value not in unique:
            unique.append(value)
    return unique[:PER_FIELD]


def _numbers(schema: dict[str, Any]) -> list[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    found = [bound for bound in (low, high) if bound is not None]
    inside = (low is None or low <= 0) and (high is None or high >= 0)
    if inside:
        found.append(0)
    if low is None or low < 0:
        found.append(-1 if low is None or low <= -1 else low)
    if schema.get("type") == "number" and (low is None or low <= 0.5) and (high is None or high >= 0.5):
        found.append(0.5)
    return found


def _strings(schema: dict[str, Any]) -> list[Any]:
    if schema.get("format") in _DATES:
        return list(_DATES[str(schema["format"])])
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", LONGEST))
    if "pattern" in schema:
        return _matches(str(schema["pattern"]), low, min(high, 64))
    longest = min(high, LONGEST)
    found: list[Any] = []
    if low == 0:
        found.append("")
    found.append(("edge-" * (longest // 5 + 1))[:longest])
    text = "Grüße, 東京 ✓"
    if low <= len(text) <= high:
        found.append(text)
    return found


@lru_cache(maxsize=256)
def _matches(pattern: str, low: int, high: int) -> list[Any]:
    """A match of ``pattern`` within the bounds and a longer one (8 characters or more), drawn by
    Hypothesis without shrinking (derandomized, so every run sends the same)."""
    strategy = st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    tried = settings(database=None, max_examples=50, phases=[Phase.generate], derandomize=True)
    found = []
    for wanted in (lambda s: True, lambda s: len(s) >= min(high, max(low, 8))):
        try:
            value = find(strategy, wanted, settings=tried)
        except NoSuchExample:
            continue
        if value not in found:
            found.append(value)
    return found


def _arrays(schema: dict[str, Any], example: Any) -> list[Any]:
    low, high = int(schema.get("minItems", 0)), int(schema.get("maxItems", LONGEST_ARRAY))
    item = example[0] if isinstance(example, list) and example else minimal(schema.get("items", {}))
    found: list[Any] = []
    if low == 0:
        found.append([])
    found.append([item] * max(low, min(high, LONGEST_ARRAY)))
    return found


def _objects(schema: dict[str, Any], example: Any) -> list[Any]:
    base = example if isinstance(example, dict) else {}
    found = []
    for name, prop in schema.get("properties", {}).items():
        if merged(prop).get("readOnly"):
            continue
        for value in edge_values(prop, base.get(name, NOTHING))[:2]:
            found.append({**base, name: value})
    return found
