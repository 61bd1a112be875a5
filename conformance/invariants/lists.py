"""Lists as sets: every page walked is the whole set, without gap or duplicate, and the counts
the API reports (a total, a page count, the page and size served) agree with what was walked."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

from ..scenarios import Context, Scenario, ScenarioFailure
from .contract import ListOperation
from .paging import Page, Reported, Walk, detect_paging, reported_counts
from .session import Session, identity

__all__ = ["check_counts", "list_invariants"]

SHOWN = 5


def list_invariants(session: Session) -> list[Scenario]:
    found = []
    for listop in session.lists:
        paging = detect_paging(listop)
        if paging is not None:
            source = (
                listop.operation.parameter_pointer(paging.pointer_names[0])
                if paging.pointer_names
                else f"#{listop.operation.pointer}/responses/200/headers"
            )
            found.append(
                Scenario(
                    f"{listop.operation_id}: its pages are the whole set, without gap or duplicate",
                    source,
                    partial(_whole_set, session, listop, source),
                    False,
                )
            )
        reported = reported_counts(listop)
        if reported:
            found.append(
                Scenario(
                    f"{listop.operation_id}: the counts it reports agree with the pages walked",
                    f"#{listop.operation.pointer}/responses/200",
                    partial(_counts_agree, session, listop, reported, f"#{listop.operation.pointer}/responses/200"),
                    False,
                )
            )
    return found


def _few(values: Any) -> str:
    shown = sorted(values, key=str)
    more = f" and {len(shown) - SHOWN} more" if len(shown) > SHOWN else ""
    return ", ".join(map(str, shown[:SHOWN])) + more


def _whole_set(session: Session, listop: ListOperation, source: str, context: Context) -> None:
    full = session.full_walk(context, listop)
    ids = [identity(listop, item) for item in full.small.items]
    repeated = [key for key, count in Counter(ids).items() if count > 1]
    size = full.small.size or "the server's size"
    context.expect(
        not repeated, f"walking the pages at {size} a page lists some items twice: {_few(repeated)}", rests_on=source
    )
    if full.large is full.small:
        return
    reference = {identity(listop, item) for item in full.large.items}
    missing, extra = reference - set(ids), set(ids) - reference
    context.expect(
        not missing,
        f"the pages at {size} a page miss {len(missing)} of the {len(reference)} items one read at"
        f" {full.large.size} a page returns: {_few(missing)}",
        rests_on=source,
    )
    context.expect(
        not extra, f"the pages at {size} a page list items one large read does not: {_few(extra)}", rests_on=source
    )


def _value(page: Page, reported: Reported) -> int:
    if reported.where == "header":
        raw = page.response.headers.get(reported.name)
        if raw is None:
            raise ScenarioFailure(f"the documented header {reported.name} is missing")
    else:
        raw = page.response.json().get(reported.name)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ScenarioFailure(f"{reported.name} is {raw!r}, not a count") from None


def _counts_agree(
    session: Session, listop: ListOperation, reported: list[Reported], source: str, context: Context
) -> None:
    check_counts(context, listop, session.full_walk(context, listop).small, reported, source)


def check_counts(
    context: Context,
    listop: ListOperation,
    walked: Walk,
    reported: list[Reported],
    source: str,
    *,
    total: int | None = None,
    inferred: bool = False,
) -> None:
    """On every page of ``walked`` each reported count is what the walk found: the total (the
    distinct items walked, or ``total``), the pages that held items, the page and size asked.
    An empty set's page count is left open (0 and 1 are both read)."""
    paging = detect_paging(listop)
    numbered = paging is not None and paging.style == "page"
    items = len({identity(listop, item) for item in walked.items})
    total = items if total is None else total
    pages = sum(1 for page in walked.pages if page.items)
    for number, page in enumerate(walked.pages, start=1):
        for count in reported:
            value = _value(page, count)
            expected = {
                "total_items": total,
                "total_pages": pages if items else None,
                "page": page.position if numbered else None,
                "page_size": page.size,
            }[count.kind]
            if expected is None:
                continue
            context.expect(
                value == expected,
                f"page {number} of {len(walked.pages)} ({page.response.request.url}) reports {count.name} = {value};"
                f" the walk found {expected} ({total} items on {pages} pages at {walked.size or page.size} a page)",
                rests_on=source,
                inferred=inferred,
            )
