"""Comparing values read from an API with care: numbers as Decimal, date-times as instants."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["compatible", "same", "sort_key"]


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
