"""A minimal TOML writer for the Schemathesis configuration we generate.

Schemathesis reads its per-operation settings only from a TOML file, and none of our
dependencies writes TOML (the standard library only reads it). The configuration is a small
tree of tables, arrays of tables, strings, numbers, booleans and lists, which is all this emits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["dumps"]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() else json.dumps(key)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)


def _table(prefix: str, table: Mapping[str, Any], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping) and not _is_table_array(v)}
    if prefix and (scalars or not table):
        lines.append(f"[{prefix}]")
    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in scalars.items())
    for key, value in table.items():
        name = f"{prefix}.{_key(key)}" if prefix else _key(key)
        if isinstance(value, Mapping):
            _table(name, value, lines)
        elif _is_table_array(value):
            for item in value:
                lines.append(f"[[{name}]]")
                lines.extend(f"{_key(k)} = {_value(v)}" for k, v in item.items())


def dumps(document: Mapping[str, Any]) -> str:
    """TOML text for ``document``; inside arrays of tables, nested mappings become inline tables."""
    lines: list[str] = []
    _table("", document, lines)
    return "\n".join(lines) + "\n"
