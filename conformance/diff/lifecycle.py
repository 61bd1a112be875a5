"""An element's lifecycle, as oasdiff's extensions state it: ``x-stability-level`` (draft, alpha,
beta, stable; none means stable), ``deprecated`` and the ``x-sunset`` date (RFC 3339 date or
date-time) after which a deprecated element may go.

The same rules hold for operations, parameters and properties:

- a stability level outside the four is breaking (tools cannot tell what they may rely on);
  a decrease is breaking (from beta or stable), an increase is info;
- a newly deprecated element owes the policy's notice (:class:`.policy.Policy`, per the
  *operation's* stability, none for draft and alpha): no ``x-sunset`` under a policy, an
  unreadable one, or one closer than the notice is breaking;
- once deprecated, deleting the ``x-sunset`` or moving it earlier than the notice is breaking;
- a removal is judged by what the old side announced: a deprecated element whose sunset has
  passed (or that named none) may go (info), one removed before its sunset breaks clients that
  were promised time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .policy import STABILITY_LEVELS, Policy
from .schemas.constraints import Report

__all__ = ["Lifecycle", "allows_breaking", "stability_of", "sunset_of"]

_BETA = STABILITY_LEVELS.index("beta")


def stability_of(node: Any) -> str | None:
    """The element's ``x-stability-level`` ("stable" when absent), or None when it is not a valid level."""
    if not isinstance(node, dict) or node.get("x-stability-level") is None:
        return "stable"
    level = node["x-stability-level"]
    return level if isinstance(level, str) and level in STABILITY_LEVELS else None


def sunset_of(node: dict[str, Any]) -> dt.date | None:
    """The ``x-sunset`` date (a date or an RFC 3339 date-time); ValueError when unreadable."""
    value = node.get("x-sunset")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def _sunset(node: dict[str, Any]) -> tuple[dt.date | None, str]:
    """The sunset date and an error text ('' when readable or absent)."""
    try:
        return sunset_of(node), ""
    except ValueError:
        return None, f"x-sunset {node.get('x-sunset')!r} is not an RFC 3339 date"


@dataclass
class Lifecycle:
    """Lifecycle rules of one operation's elements; ``stability`` is the operation's (new side)."""

    policy: Policy
    stability: str | None = "stable"

    @property
    def notice_days(self) -> int:
        return self.policy.deprecation_days(self.stability)

    def stability_change(self, report: Report, old: Any, new: Any, pointer: str, subject: str) -> None:
        """An invalid ``x-stability-level`` on either side, or a level that moved."""
        before, after = stability_of(old), stability_of(new)
        for side, node, level in (("old", old, before), ("new", new, after)):
            if level is None:
                value = node.get("x-stability-level")
                report("stability-level-invalid", pointer, f"{subject}: x-stability-level {value!r} ({side} side)")
        if before is None or after is None or before == after:
            return
        rank_before, rank_after = STABILITY_LEVELS.index(before), STABILITY_LEVELS.index(after)
        if rank_after < rank_before and rank_before >= _BETA:
            report("stability-decreased", pointer, f"{subject}: stability {before} → {after}")
        elif rank_after > rank_before:
            report("stability-increased", pointer, f"{subject}: stability {before} → {after}")

    def deprecation(
        self,
        report: Report,
        old: dict[str, Any],
        new: dict[str, Any],
        pointer: str,
        subject: str,
        rules: tuple[str, str],
    ) -> None:
        """Deprecated or reactivated (``rules``: the deprecated and reactivated rule ids), and sunset edits."""
        deprecated_rule, reactivated_rule = rules
        was, now = bool(old.get("deprecated")), bool(new.get("deprecated"))
        if was and not now:
            report(reactivated_rule, pointer, f"{subject} is no longer deprecated")
            return
        if not now or self.stability is None:
            return
        date, error = _sunset(new)
        if error and (not was or old.get("x-sunset") != new.get("x-sunset")):
            report("sunset-invalid", pointer, f"{subject}: {error}")
            return
        if was:
            self._sunset_edited(report, old, new, pointer, subject)
            return
        days = self.notice_days
        if date is None:
            if days > 0:
                report("sunset-missing", pointer, f"{subject} deprecated without x-sunset ({days} days of notice owed)")
            else:
                report(deprecated_rule, pointer, f"{subject} is deprecated")
        elif (date - self.policy.today).days < days:
            report("sunset-too-soon", pointer, f"{subject}: x-sunset {date} is less than {days} days away")
        else:
            report(deprecated_rule, pointer, f"{subject} is deprecated (sunset {date})")

    def _sunset_edited(
        self, report: Report, old: dict[str, Any], new: dict[str, Any], pointer: str, subject: str
    ) -> None:
        if "x-sunset" in old and "x-sunset" not in new:
            report("sunset-removed", pointer, f"{subject}: x-sunset {old['x-sunset']} removed")
            return
        if "x-sunset" not in old or old.get("x-sunset") == new.get("x-sunset"):
            return
        before, error = _sunset(old)
        after, _ = _sunset(new)
        if error:
            report("sunset-invalid", pointer, f"{subject}: the old {error}")
        elif before and after and after < before and (after - self.policy.today).days < self.notice_days:
            message = f"{subject}: x-sunset {before} → {after}, less than {self.notice_days} days away"
            report("sunset-moved-earlier", pointer, message)

    def removal(self, old: dict[str, Any]) -> tuple[str, str] | None:
        """The rule and message for removing ``old`` when its announcements decide it, else None."""
        if not old.get("deprecated"):
            return None
        date, error = _sunset(old)
        if error:
            return "sunset-invalid", f"removed, but its {error}"
        if date is not None and self.policy.today < date:
            return "removed-before-sunset", f"removed before its x-sunset {date}"
        return "deprecated-removed", "removed after its deprecation" + (f" (sunset {date})" if date else "")


def allows_breaking(stability: str | None) -> bool:
    """Whether an element of this stability may change in breaking ways (draft and alpha)."""
    return stability is not None and STABILITY_LEVELS.index(stability) < _BETA
