"""The shape helpers of a schema comparison: ``allOf`` merged, messages' field names,
``oneOf``/``anyOf`` members and how members of two lists are paired."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["field", "flatten", "members", "pairs", "wrap"]

Deref = Callable[[Any], Any]


def flatten(schema: Any, deref: Deref) -> dict[str, Any]:
    """Merge ``allOf`` parts (followed through ``$ref``) into one schema, and ``const`` into ``enum``."""
    schema = deref(schema)
    if not isinstance(schema, dict):
        return {}
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    if "const" in merged:
        merged["enum"] = [merged.pop("const")]
    if not isinstance(schema.get("allOf"), list):
        return merged
    properties: dict[str, Any] = dict(merged.get("properties", {}))
    required: list[str] = list(merged.get("required", []))
    for part in schema["allOf"]:
        for key, value in flatten(part, deref).items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(value)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = sorted(set(required), key=str)
    return merged


def field(pointer: str) -> str:
    """The value a pointer names below its schema, for messages: ``lines[].net.amount`` (empty at the root)."""
    tokens = iter(pointer.rpartition("/schema")[2].split("/")[1:])
    name = ""
    for token in tokens:
        if token == "properties":
            name += "." + next(tokens, "").replace("~1", "/").replace("~0", "~")
        elif token == "items":
            name += "[]"
        elif token == "additionalProperties":
            name += "{*}"
        elif token in ("oneOf", "anyOf"):
            name += f"|{token}[{next(tokens, '')}]"
    return name.lstrip(".")


def members(schema: dict[str, Any]) -> tuple[str, list[Any]] | None:
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list):
            return keyword, schema[keyword]
    return None


def wrap(plain: dict[str, Any], composed: dict[str, Any], keyword: str) -> dict[str, Any]:
    """``plain`` as a one-member composition shaped like ``composed`` (shared top-level keys stay on top)."""
    top = {k: v for k, v in plain.items() if k in composed}
    return {**top, keyword: [{k: v for k, v in plain.items() if k not in composed}]}


def pairs(
    old: list[Any],
    new: list[Any],
    meaning: tuple[Callable[[Any], str], Callable[[Any], str]],
    deref: tuple[Deref, Deref],
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match members: same meaning, then same type, then position. Returns pairs, removed, added."""
    left, right = list(range(len(old))), list(range(len(new)))
    old_meaning = [meaning[0](m) for m in old]
    new_meaning = [meaning[1](m) for m in new]
    old_type = [deref[0](m).get("type") if isinstance(deref[0](m), dict) else None for m in old]
    new_type = [deref[1](m).get("type") if isinstance(deref[1](m), dict) else None for m in new]
    matched: list[tuple[int, int]] = []
    tests: tuple[Callable[[int, int], bool], ...] = (
        lambda a, b: old_meaning[a] == new_meaning[b],
        lambda a, b: old_type[a] == new_type[b],
        lambda a, b: True,
    )
    for same in tests:
        for a in list(left):
            match = next((b for b in right if same(a, b)), None)
            if match is not None:
                matched.append((a, match))
                left.remove(a)
                right.remove(match)
        if not left or not right:
            break
    return matched, left, right
