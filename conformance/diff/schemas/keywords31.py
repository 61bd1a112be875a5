"""OpenAPI 3.1 (JSON Schema 2020-12) in ``diff``: one spelling per meaning, and rules for the
keywords 3.0 does not have.

:func:`same_meaning_31` rewrites a schema node so that a 3.0 and a 3.1 spelling of the same
meaning compare equal, before any rule runs:

| 3.1 | compared as (the 3.0 spelling) |
|---|---|
| ``type: [string, "null"]`` | ``type: string, nullable: true`` |
| ``type: "null"`` alone | stays ``null`` (no 3.0 spelling) |
| ``anyOf``/``oneOf`` with a ``{type: "null"}`` member | the other members, ``nullable: true`` |
| ``enum`` listing ``null`` on a nullable schema | the enum without ``null`` |
| ``exclusiveMinimum: 5`` (a number) | ``minimum: 5, exclusiveMinimum: true`` (the tighter of it and ``minimum``) |
| ``const: x`` | ``enum: [x]`` (:mod:`.schema`) |
| ``examples: [...]`` | an annotation, ignored like ``example`` |
| ``$ref`` with siblings | the target with the siblings applied too (:mod:`.refs`) |

:func:`compare_31` judges the keywords only 2020-12 has, by direction like every constraint
(:mod:`.constraints`): a keyword *added* narrows what is valid (a request breaks, a response is
fine) and one removed widens it, except ``prefixItems``, where each position listed is one more
accepted, as oasdiff reads it. Sub-schemas present on both sides (``contains``,
``propertyNames``, each ``patternProperties``/``dependentSchemas`` entry, ``if``/``then``/
``else``, ``unevaluated*``, ``contentSchema``, ``prefixItems`` positions) are compared as schemas.
A ``contentMediaType`` or ``contentEncoding`` changed is breaking both ways: the string's bytes
are read differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .constraints import REQUEST

__all__ = ["compare_31", "same_meaning_31"]

Compare = Callable[[Any, Any, str, int], None]
Report = Callable[[str, str, str], None]

_NULL = {"type": "null"}
# keywords whose presence narrows what is valid; their value is a schema
_SCHEMA_KEYWORDS = (
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
# keywords whose value maps names to schemas (or to lists of names)
_MAP_KEYWORDS = ("patternProperties", "dependentSchemas", "dependentRequired")


def _without_null_members(schema: dict[str, Any]) -> dict[str, Any]:
    for keyword in ("anyOf", "oneOf"):
        members = schema.get(keyword)
        if not isinstance(members, list) or _NULL not in members:
            continue
        rest = [m for m in members if m != _NULL]
        merged = {k: v for k, v in schema.items() if k != keyword}
        merged["nullable"] = True
        if len(rest) == 1 and isinstance(rest[0], dict):
            return {**rest[0], **merged, "nullable": True}
        if rest:
            merged[keyword] = rest
        return merged
    return schema


def _exclusive(schema: dict[str, Any], keyword: str, bound: str, upper: bool) -> None:
    value = schema.get(keyword)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    current = schema.get(bound)
    tighter = current is None or (value <= current if upper else value >= current)
    if tighter:
        schema[bound], schema[keyword] = value, True
    else:
        schema.pop(keyword)


def same_meaning_31(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its 3.1 spellings replaced by the 3.0 ones of the same meaning (a copy)."""
    node = _without_null_members(dict(schema))
    declared = node.get("type")
    if isinstance(declared, list):
        names = [t for t in declared if t != "null"]
        if len(names) < len(declared) and names:
            node["nullable"] = True
        node["type"] = names[0] if len(names) == 1 else (names or "null")
    if node.get("nullable") and isinstance(node.get("enum"), list):
        node["enum"] = [value for value in node["enum"] if value is not None]
    _exclusive(node, "exclusiveMinimum", "minimum", upper=False)
    _exclusive(node, "exclusiveMaximum", "maximum", upper=True)
    return node


class _Judge31:
    def __init__(self, direction: str, report: Report, pointer: str) -> None:
        self.direction, self.report, self.pointer = direction, report, pointer

    def judge(self, narrowed: bool, where: str, message: str) -> None:
        request = self.direction == REQUEST
        if narrowed == request:
            self.report("request-keyword-narrowed" if request else "response-keyword-widened", where, message)
        else:
            self.report("request-constraint-relaxed" if request else "response-constraint-tightened", where, message)


def _presence(judge: _Judge31, compare: Compare, old: Any, new: Any, where: str, depth: int) -> None:
    """A schema-valued keyword: added narrows, removed widens, on both sides compared as schemas."""
    name = where.rsplit("/", 1)[-1]
    if old is None and new is not None:
        judge.judge(True, where, f"{name} added")
    elif old is not None and new is None:
        judge.judge(False, where, f"{name} removed")
    elif isinstance(old, bool) or isinstance(new, bool):
        if old != new:
            judge.judge(new is False, where, f"{name} {old} → {new}")
    elif old is not None:
        compare(old, new, where, depth + 1)


def _maps(
    judge: _Judge31, compare: Compare, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int
) -> None:
    for keyword in _MAP_KEYWORDS:
        before, after = old.get(keyword) or {}, new.get(keyword) or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        for key in sorted(set(before) | set(after)):
            where = f"{pointer}/{keyword}/{key.replace('~', '~0').replace('/', '~1')}"
            if keyword == "dependentRequired" and key in before and key in after:
                gained, lost = set(after[key]) - set(before[key]), set(before[key]) - set(after[key])
                if gained:
                    judge.judge(True, where, f"{keyword} {key}: now also requires {', '.join(sorted(gained))}")
                if lost:
                    judge.judge(False, where, f"{keyword} {key}: no longer requires {', '.join(sorted(lost))}")
            elif keyword != "dependentRequired" or key not in before or key not in after:
                _presence(judge, compare, before.get(key), after.get(key), where, depth)


def _contains_bounds(judge: _Judge31, old: dict[str, Any], new: dict[str, Any], pointer: str) -> None:
    for keyword, upper, absent in (("minContains", False, 1), ("maxContains", True, float("inf"))):
        before, after = old.get(keyword, absent), new.get(keyword, absent)
        if before != after:
            judge.judge(after < before if upper else after > before, pointer, f"{keyword} {before} → {after}")


def _prefix_items(judge: _Judge31, compare: Compare, old: Any, new: Any, pointer: str, depth: int) -> None:
    before = old if isinstance(old, list) else []
    after = new if isinstance(new, list) else []
    for index in range(min(len(before), len(after))):
        compare(before[index], after[index], f"{pointer}/prefixItems/{index}", depth + 1)
    if len(after) != len(before):
        judge.judge(len(after) < len(before), f"{pointer}/prefixItems", f"prefixItems {len(before)} → {len(after)}")


def compare_31(
    old: dict[str, Any], new: dict[str, Any], pointer: str, direction: str, report: Report, compare: Compare, depth: int
) -> None:
    """Every 2020-12-only keyword of one node, judged by ``direction``; sub-schemas through ``compare``."""
    judge = _Judge31(direction, report, pointer)
    for keyword in _SCHEMA_KEYWORDS:
        _presence(judge, compare, old.get(keyword), new.get(keyword), f"{pointer}/{keyword}", depth)
    _maps(judge, compare, old, new, pointer, depth)
    _contains_bounds(judge, old, new, pointer)
    for keyword in ("contentMediaType", "contentEncoding"):
        if old.get(keyword) != new.get(keyword):
            message = f"{keyword} {old.get(keyword)} → {new.get(keyword)} (the string is encoded another way)"
            report("content-encoding-changed", f"{pointer}/{keyword}", message)
    if "prefixItems" in old or "prefixItems" in new:
        _prefix_items(judge, compare, old.get("prefixItems"), new.get("prefixItems"), pointer, depth)
