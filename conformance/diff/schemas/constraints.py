"""Keyword-level comparison of one schema node, judged by direction: type, format, enum/const,
nullable, numeric and size bounds, multipleOf, exclusive bounds, uniqueItems, pattern, default, not.

A request may only accept *more* (clients keep sending what they sent), a response may only
return *less* (clients keep reading what they read). A change that widens a response or
narrows a request is breaking; one that does neither (e.g. a pattern replaced) is breaking too;
the harmless direction is reported at level info.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = ["REQUEST", "RESPONSE", "Report", "compare_constraints", "type_changed"]

REQUEST, RESPONSE = "request", "response"
Report = Callable[[str, str, str], None]  # rule, pointer, message

# keyword, upper (True) or lower bound, its value when absent, request rule, response rule
_BOUNDS: tuple[tuple[str, bool, float, str, str], ...] = (
    ("maxLength", True, float("inf"), "request-max-length-decreased", "response-max-length-increased"),
    ("minLength", False, 0, "request-min-length-increased", "response-min-length-decreased"),
    ("maximum", True, float("inf"), "request-maximum-decreased", "response-maximum-increased"),
    ("minimum", False, float("-inf"), "request-minimum-increased", "response-minimum-decreased"),
    ("maxItems", True, float("inf"), "request-max-items-decreased", "response-max-items-increased"),
    ("minItems", False, 0, "request-min-items-increased", "response-min-items-decreased"),
    ("maxProperties", True, float("inf"), "request-max-properties-decreased", "response-max-properties-increased"),
    ("minProperties", False, 0, "request-min-properties-increased", "response-min-properties-decreased"),
)
# (narrower, wider) formats of one type: int32 values are int64 values
_FORMAT_WIDENINGS = {("int32", "int64"), ("float", "double")}


def _types(schema: dict[str, Any]) -> frozenset[str] | None:
    """The declared JSON types (None: any); ``number`` includes ``integer``."""
    declared = schema.get("type")
    if declared is None:
        return None
    names = {declared} if isinstance(declared, str) else set(declared)
    return frozenset(names | ({"integer"} if "number" in names else set()))


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    return wide is None or (narrow is not None and narrow <= wide)


_STRING = frozenset({"string"})


def type_changed(
    old: dict[str, Any], new: dict[str, Any], pointer: str, direction: str, report: Report, loose: bool = False
) -> bool:
    """Report a type change; True when it is breaking (the caller stops comparing below it).

    ``loose``: the media type is not JSON (XML, text, a form), where every value is written as
    text, so a request that now takes a string, or a response that used to be a string, still
    reads the same bytes.
    """
    before, after = _types(old), _types(new)
    if before == after:
        return False
    label = f"type {old.get('type', 'any')} → {new.get('type', 'any')}"
    harmless = _covers(after, before) if direction == REQUEST else _covers(before, after)
    if loose and (after == _STRING if direction == REQUEST else before == _STRING):
        harmless = True
    if harmless:
        report("request-type-widened" if direction == REQUEST else "response-type-narrowed", pointer, label)
        return False
    report(f"{direction}-type-changed", pointer, label)
    return True


def _tightened_bound(upper: bool, absent: float, old: Any, new: Any) -> bool | None:
    """True when ``new`` accepts fewer values than ``old``, False when more, None when equal."""
    before = absent if old is None else old
    after = absent if new is None else new
    if before == after:
        return None
    narrowed: bool = after < before if upper else after > before
    return narrowed


def _divides(divisor: Any, number: Any) -> bool:
    quotient = float(number) / float(divisor)
    return abs(quotient - round(quotient)) < 1e-9


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class _Judge:
    """Reports one change in the direction it goes: ``narrowed`` True means fewer values accepted."""

    def __init__(self, pointer: str, direction: str, report: Report) -> None:
        self.pointer, self.direction, self.report = pointer, direction, report

    def judge(self, narrowed: bool, breaking_rule: str, message: str) -> None:
        breaks = narrowed if self.direction == REQUEST else not narrowed
        if breaks:
            self.report(breaking_rule, self.pointer, message)
        else:
            harmless = "request-constraint-relaxed" if self.direction == REQUEST else "response-constraint-tightened"
            self.report(harmless, self.pointer, message)


def _format(old: dict[str, Any], new: dict[str, Any], judge: _Judge) -> None:
    before, after = old.get("format"), new.get("format")
    if before == after or old.get("type") != new.get("type"):
        return  # a format belongs to its type: a type change is judged by the type rules
    message = f"format {before} → {after}"
    rule = f"{judge.direction}-format-changed"
    if before is None or after is None:
        judge.judge(after is not None, rule, message)
    elif (before, after) in _FORMAT_WIDENINGS:
        judge.judge(False, rule, message)
    elif (after, before) in _FORMAT_WIDENINGS:
        judge.judge(True, rule, message)
    else:
        judge.report(rule, judge.pointer, message)


def _enum(old: dict[str, Any], new: dict[str, Any], judge: _Judge) -> None:
    if "enum" not in old and "enum" not in new:
        return
    before = {_canonical(v) for v in old.get("enum", [])}
    after = {_canonical(v) for v in new.get("enum", [])}
    removed, added = sorted(before - after), sorted(after - before)
    became_enum, lost_enum = "enum" not in old, "enum" not in new
    if judge.direction == REQUEST:
        if removed or became_enum:
            narrowed = ", ".join(removed) or "any value outside " + ", ".join(sorted(after))
            judge.report("request-enum-narrowed", judge.pointer, f"no longer accepted: {narrowed}")
        if (added and not became_enum) or lost_enum:
            judge.report("request-enum-widened", judge.pointer, f"now also accepted: {', '.join(added) or 'any value'}")
    else:
        if (added and not became_enum) or lost_enum:
            judge.report(
                "response-enum-widened", judge.pointer, f"may now be returned: {', '.join(added) or 'any value'}"
            )
        if removed or became_enum:
            judge.report(
                "response-enum-narrowed", judge.pointer, f"no longer returned: {', '.join(removed) or 'others'}"
            )


def _extensible_enum(old: dict[str, Any], new: dict[str, Any], judge: _Judge) -> None:
    """``x-extensible-enum`` (Zalando): the values known today; clients must accept others in responses."""
    before, after = old.get("x-extensible-enum"), new.get("x-extensible-enum")
    if not isinstance(before, list) or not isinstance(after, list):
        return
    removed = sorted({_canonical(v) for v in before} - {_canonical(v) for v in after})
    added = sorted({_canonical(v) for v in after} - {_canonical(v) for v in before})
    if removed:
        rule = "request-extensible-enum-value-removed" if judge.direction == REQUEST else "response-enum-narrowed"
        judge.report(rule, judge.pointer, f"x-extensible-enum no longer lists {', '.join(removed)}")
    if added:
        rule = "request-enum-widened" if judge.direction == REQUEST else "response-extensible-enum-value-added"
        judge.report(rule, judge.pointer, f"x-extensible-enum now also lists {', '.join(added)}")


def _flags(old: dict[str, Any], new: dict[str, Any], judge: _Judge) -> None:
    nullable_before, nullable_after = bool(old.get("nullable")), bool(new.get("nullable"))
    if nullable_before != nullable_after:
        rule = "request-nullable-removed" if judge.direction == REQUEST else "response-property-became-nullable"
        judge.judge(nullable_before, rule, "null no longer accepted" if nullable_before else "may now be null")
    for keyword, bound in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        before, after = old.get(keyword), new.get(keyword)
        if old.get(bound) is None or new.get(bound) is None:
            continue  # a bound added or removed with its flag: the bound rules tell it
        if isinstance(before, bool | None) and isinstance(after, bool | None) and bool(before) != bool(after):
            rule = "request-exclusive-bound-added" if judge.direction == REQUEST else "response-exclusive-bound-removed"
            judge.judge(bool(after), rule, f"{keyword} {bool(before)} → {bool(after)}")
    if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
        rule = "request-unique-items-added" if judge.direction == REQUEST else "response-unique-items-removed"
        judge.judge(
            bool(new.get("uniqueItems")),
            rule,
            f"uniqueItems {bool(old.get('uniqueItems'))} → {bool(new.get('uniqueItems'))}",
        )


def _bounds(old: dict[str, Any], new: dict[str, Any], judge: _Judge) -> None:
    for keyword, upper, absent, request_rule, response_rule in _BOUNDS:
        narrowed = _tightened_bound(upper, absent, old.get(keyword), new.get(keyword))
        if narrowed is not None:
            rule = request_rule if judge.direction == REQUEST else response_rule
            flag = "exclusiveMaximum" if keyword == "maximum" else "exclusiveMinimum"
            exclusive = " (exclusive)" if keyword in ("maximum", "minimum") and new.get(flag) is True else ""
            judge.judge(narrowed, rule, f"{keyword} {old.get(keyword)} → {new.get(keyword)}{exclusive}")
    before, after = old.get("multipleOf"), new.get("multipleOf")
    if before != after:
        message = f"multipleOf {before} → {after}"
        rule = f"{judge.direction}-multiple-of-changed"
        if after is None or (before is not None and _divides(after, before)):
            judge.judge(False, rule, message)
        elif before is None or _divides(before, after):
            judge.judge(True, rule, message)
        else:
            judge.report(rule, judge.pointer, message)


_SAMPLES = ("", "a", "Z", "0", " ", "-", "\n", "é", "ab\ncd")


def _any_string(pattern: Any) -> bool:
    """A pattern every string matches (``''``, ``.*``, ``^.*$``) restricts nothing: it is no pattern."""
    try:
        compiled = re.compile(str(pattern))
    except re.error:
        return False
    return all(compiled.search(sample) for sample in _SAMPLES)


def _replaced(old: dict[str, Any], new: dict[str, Any], keyword: str, rule: str, judge: _Judge) -> None:
    """``pattern`` and ``not``: adding one narrows, removing one widens, replacing one does neither."""
    before, after = old.get(keyword), new.get(keyword)
    if keyword == "pattern":
        before = None if _any_string(before) else before
        after = None if _any_string(after) else after
    if _canonical(before) == _canonical(after):
        return
    message = f"{keyword} {_canonical(before)} → {_canonical(after)}"
    if before is None or after is None:
        judge.judge(after is not None, rule, message)
    else:
        judge.report(rule, judge.pointer, message)


def compare_constraints(old: dict[str, Any], new: dict[str, Any], pointer: str, direction: str, report: Report) -> None:
    """Every keyword change of one node except type, properties, items and composition."""
    judge = _Judge(pointer, direction, report)
    _format(old, new, judge)
    _enum(old, new, judge)
    _extensible_enum(old, new, judge)
    _flags(old, new, judge)
    _bounds(old, new, judge)
    _replaced(old, new, "pattern", f"{direction}-pattern-changed", judge)
    _replaced(old, new, "not", f"{direction}-not-changed", judge)
    if _canonical(old.get("default")) != _canonical(new.get("default")):
        message = f"default {old.get('default')!r} → {new.get('default')!r}"
        report(f"{direction}-default-changed", pointer, message)
