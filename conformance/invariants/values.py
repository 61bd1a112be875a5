"""Comparing values read from an API with care: numbers as Decimal, date-times as instants,
records field by field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoice_contracts.oas import merged

__all__ = ["compatible", "differences", "same", "sort_key"]


def compatible(sent: dict[str, Any], read: dict[str, Any]) -> bool:
    """Two schemas that can describe the same field: one type and format, overlapping enums."""
    if sent.get("type") != read.get("type") or sent.get("format") != read.get("format"):
        return False
    if "enum" in sent and "enum" in read:
        return bool(set(map(str, sent["enum"])) & set(map(str, read["enum"])))
    return True


def _instant(value: str, kind: str | None) -> Any:
    try:
        if kind == "date-time":
            return datetime.fromisoformat(value)
        if kind == "date":
            return date.fromisoformat(value)
    except ValueError:
        return None
    return None


def same(sent: Any, read: Any, kind: str | None = None) -> bool:
    """Whether a scalar read back equals the one sent (``kind`` is the schema's format)."""
    if isinstance(sent, bool) or isinstance(read, bool):
        return sent is read
    if isinstance(sent, (int, float, Decimal)) and isinstance(read, (int, float, Decimal)):
        return Decimal(str(sent)) == Decimal(str(read))
    if isinstance(sent, str) and isinstance(read, str) and sent != read:
        left, right = _instant(sent, kind), _instant(read, kind)
        return left is not None and left == right
    return bool(sent == read)


def sort_key(value: Any) -> tuple[int, Any]:
    """Orders numbers numerically and everything else as text."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return 0, Decimal(str(value))
    return 1, str(value)


def differences(
    sent: Any, read: Any, schema: Any, where: str = "", words: tuple[str, str] = ("sent", "read")
) -> list[str]:
    """Where ``read`` differs from ``sent``, comparing only what was sent (``words`` name the two
    sides in the messages: what was sent and what was read, what a list shows and a read)."""
    schema = merged(schema)
    said, got = words
    if isinstance(sent, dict):
        if not isinstance(read, dict):
            return [f"{where or '/'}: {said} an object, {got} {read!r:.120}"]
        properties = schema.get("properties", {})
        found = []
        for key, value in sent.items():
            if key not in read:
                if value is not None:
                    found.append(f"{where}/{key}: {said} {value!r:.120}, {got} nothing")
            else:
                found += differences(value, read[key], properties.get(key, {}), f"{where}/{key}", words)
        return found
    if isinstance(sent, list):
        if not isinstance(read, list) or len(read) != len(sent):
            return [f"{where}: {said} {len(sent)} item(s), {got} {read!r:.120}"]
        items = schema.get("items", {})
        return [
            d
            for i, (s, r) in enumerate(zip(sent, read, strict=True))
            for d in differences(s, r, items, f"{where}/{i}", words)
        ]
    return [] if same(sent, read, schema.get("format")) else [f"{where}: {said} {sent!r:.120}, {got} {read!r:.120}"]
