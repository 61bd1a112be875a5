"""The deprecation policy a diff judges removals and sunset dates by (oasdiff's
``--deprecation-days-beta`` / ``--deprecation-days-stable``, both 0 by default: no policy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["STABILITY_LEVELS", "Policy"]

# least stable first: a move to the left is a decrease
STABILITY_LEVELS = ("draft", "alpha", "beta", "stable")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class Policy:
    """Minimum days between a deprecation and its ``x-sunset`` date, per stability level."""

    deprecation_days_beta: int = 0
    deprecation_days_stable: int = 0
    today: dt.date = field(default_factory=_today)

    def deprecation_days(self, stability: str | None) -> int:
        """Days of notice owed to an element of this ``x-stability-level`` (none for draft and alpha)."""
        if stability in ("draft", "alpha"):
            return 0
        if stability == "beta":
            return self.deprecation_days_beta
        return self.deprecation_days_stable
