"""Reporting many problems found over many responses as one result, resting on the strongest.

A check that reads every response collects what it finds as :class:`Problem`\\ s, each with the
statement it breaks; the result fails on the documented ones first, so a broken documented
statement is never hidden behind an inferred one found earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ...scenarios import Context
from ...scenarios.citations import is_weak

__all__ = ["Problem", "expect_none"]

SHOWN = 6


@dataclass(frozen=True)
class Problem:
    message: str
    rests_on: str
    inferred: bool = False  # the check reads more into the statement than it says
    response: httpx.Response | None = None  # the response that shows it, when the check sent nothing


def expect_none(context: Context, problems: list[Problem], what: str) -> None:
    """Fail when any problem was found, citing the strongest statement broken."""
    if not problems:
        return
    ranked = sorted(problems, key=lambda p: is_weak(context.cite(p.rests_on, inferred=p.inferred).level))
    first = ranked[0]
    for problem in [p for p in ranked[:3] if p.response is not None]:
        assert problem.response is not None
        context.show(problem.response)
    shown = "; ".join(p.message for p in ranked[:SHOWN]) + (
        f"; and {len(ranked) - SHOWN} more" if len(ranked) > SHOWN else ""
    )
    context.expect(
        False, f"{what}: {len(problems)} problem(s): {shown}", rests_on=first.rests_on, inferred=first.inferred
    )
