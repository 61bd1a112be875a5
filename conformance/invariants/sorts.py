"""Every documented sort is honoured where its direction is documented.

A direction parameter is a query parameter whose enum holds ``asc`` and ``desc``. With a sort
key parameter (``order_by``, ``sort``, ``sort_by``) whose values are documented (an enum naming
item properties), each key is checked in both directions. Without documented keys, the list in
one direction must be the other direction's list reversed (ties broken the same way both ways).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from invoice_contracts.oas import merged

from ..scenarios import Context, Scenario
from .contract import ListOperation
from .session import Session, identity
from .values import sort_key

__all__ = ["Sort", "detect_sort", "sort_invariants"]

KEY_NAMES = ("order_by", "orderby", "sort", "sort_by", "sort_field")
KEYS_TRIED = 3


@dataclass(frozen=True)
class Sort:
    direction: str
    ascending: str
    descending: str
    key: str | None
    keys: tuple[str, ...]


def detect_sort(listop: ListOperation) -> Sort | None:
    query = {str(p["name"]): merged(p.get("schema")) for p in listop.operation.query()}
    for name, schema in query.items():
        values = {str(v).lower(): str(v) for v in schema.get("enum", []) if v is not None}
        if "asc" in values and "desc" in values:
            key = next((k for k in query if k.lower() in KEY_NAMES), None)
            documented = [str(v) for v in (query[key].get("enum", []) if key else []) if v is not None]
            keys = tuple(k for k in documented if k in listop.item_properties)[:KEYS_TRIED]
            return Sort(name, values["asc"], values["desc"], key, keys)
    return None


def sort_invariants(session: Session) -> list[Scenario]:
    found = []
    for listop in session.lists:
        sort = detect_sort(listop)
        if sort is not None:
            found.append(
                Scenario(
                    f"{listop.operation_id}: sort {sort.direction} is honoured",
                    listop.operation.parameter_pointer(sort.direction),
                    partial(_honoured, session, listop, sort, listop.operation.parameter_pointer(sort.direction)),
                    False,
                )
            )
    return found


def _honoured(session: Session, listop: ListOperation, sort: Sort, source: str, context: Context) -> None:
    if not sort.keys:
        ascending = session.filtered(context, listop, {sort.direction: sort.ascending})
        descending = session.filtered(context, listop, {sort.direction: sort.descending})
        up = [identity(listop, item) for item in ascending]
        down = [identity(listop, item) for item in reversed(descending)]
        first = next((i for i, (a, b) in enumerate(zip(up, down, strict=False)) if a != b), None)
        context.expect(
            up == down,
            f"{sort.direction}={sort.ascending} is not {sort.direction}={sort.descending} reversed"
            + (
                f": position {first} holds {up[first]} one way and {down[first]} the other"
                if first is not None
                else f": {len(up)} items one way, {len(down)} the other"
            ),
            rests_on=source,
        )
        return
    assert sort.key is not None
    for key in sort.keys:
        for direction, reverse in ((sort.ascending, False), (sort.descending, True)):
            items = session.filtered(context, listop, {sort.key: key, sort.direction: direction})
            values = [sort_key(item.get(key)) for item in items if item.get(key) is not None]
            context.expect(
                values == sorted(values, reverse=reverse),
                f"{sort.key}={key}&{sort.direction}={direction}: the items are not in that order",
                rests_on=source,
            )
