"""Pages at their edges: an exact multiple of the page size, a page past the end, a filter on,
an empty result; each walk is the set and reports the counts it documents.

- *exact multiple*: the list walked at a page size that divides its item count (where the size
  can be chosen): the same set, and the page after the last full one is empty;
- *past the end*: a page two past the last answers 200 with no items, and still reports the
  total (an empty page past the end is an inference: a warning unless ``--strict-assumptions``);
- *with a filter*: the list under its commonest filter value walked in small pages is that
  filter's set, and its counts are those of the filtered set;
- *empty*: under a filter value no item has, the walk is empty and a reported total is 0.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from ...scenarios import Context, Scenario
from ..contract import ListOperation
from ..filters import absent_value, detect_filters
from ..lists import check_counts
from ..paging import Paging, detect_paging, reported_counts, small_size, walk
from ..session import Session, identity

__all__ = ["paging_edge_invariants"]

MAX_PAGES_CHOSEN = 25


def paging_edge_invariants(session: Session) -> list[Scenario]:
    found = []
    for listop in session.lists:
        paging = detect_paging(listop)
        if paging is None or paging.style not in ("page", "offset"):
            continue
        source = f"#{listop.operation.pointer}/responses/200"
        found.append(
            Scenario(
                f"{listop.operation_id}: its pages hold at an exact multiple of the size, past the end,"
                " with a filter and when empty",
                source,
                partial(_edges, session, listop, paging, source),
                False,
            )
        )
    return found


def _ids(listop: ListOperation, items: list[Any]) -> set[Any]:
    return {identity(listop, item) for item in items}


def _divisor(count: int, paging: Paging) -> int | None:
    """A page size the documented bounds allow that divides ``count`` in at most 25 pages."""
    if paging.size is None:
        return paging.size_max if paging.size_max and count % paging.size_max == 0 else None
    high = min(paging.size_max or count, count)
    for size in range(high, max(paging.size_min, 1) - 1, -1):
        if count % size == 0 and count // size <= MAX_PAGES_CHOSEN:
            return size
    return None


def _edges(session: Session, listop: ListOperation, paging: Paging, source: str, context: Context) -> None:
    everything = session.full_walk(context, listop).large.items
    count = len(_ids(listop, everything))
    reported = reported_counts(listop)
    size = _divisor(count, paging) if count else None
    if size is not None:
        exact = walk(context, listop, paging, size=size)
        context.expect(
            _ids(listop, exact.items) == _ids(listop, everything),
            f"at {size} a page ({count} items, an exact multiple) the pages are not the list's set",
            rests_on=source,
        )
        context.expect(
            not exact.pages[-1].items or paging.size is None,
            f"at {size} a page, the page after the last full one is not empty",
            rests_on=source,
        )
        check_counts(context, listop, exact, reported, source)
    _past_the_end(context, listop, paging, count, reported, source)
    _filtered(session, context, listop, paging, reported, source)


def _past_the_end(
    context: Context, listop: ListOperation, paging: Paging, count: int, reported: list[Any], source: str
) -> None:
    size = paging.size_max or 100
    pages = max(1, math.ceil(count / size))
    position = paging.first + pages + 1 if paging.style == "page" else paging.first + (pages + 1) * size
    beyond = walk(context, listop, paging, size=size if paging.size else None, start=position)
    context.expect(
        not beyond.items,
        f"the page two past the end ({paging.position[0] if paging.position else 'position'} {position})"
        f" shows {len(beyond.items)} item(s)",
        rests_on=source,
        inferred=True,
    )
    totals = [r for r in reported if r.kind == "total_items"]
    if totals:
        check_counts(context, listop, beyond, totals, source, total=count, inferred=True)


def _filtered(
    session: Session, context: Context, listop: ListOperation, paging: Paging, reported: list[Any], source: str
) -> None:
    filters = [f for f in detect_filters(listop) if f.mode == "equal" and f.schema.get("type") == "string"]
    if not filters:
        return
    found = filters[0]
    everything = session.full_walk(context, listop).large.items
    values = [item.get(found.prop) for item in everything if isinstance(item.get(found.prop), str)]
    common = max(set(values), key=values.count) if values else None
    absent = absent_value(found.schema, set(values))
    for value in [v for v in (common, absent) if v is not None]:
        expected = [item for item in everything if found.holds(item, value)]
        small = walk(context, listop, paging, size=small_size(paging, len(expected)), params={found.name: value})
        context.expect(
            _ids(listop, small.items) == _ids(listop, expected),
            f"walked in small pages with {found.name}={value}, the list is not that filter's set"
            f" ({len(small.items)} items walked, {len(expected)} expected)",
            rests_on=source,
            inferred=not found.stated,
        )
        check_counts(context, listop, small, reported, source, inferred=not found.stated)
