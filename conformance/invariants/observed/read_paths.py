"""Every read path agrees: each record a list shows equals the same record read alone.

For every list whose items are read one by one (``/things`` → ``/things/{id}``), the list is read
in its largest pages with every view parameter on (a boolean query parameter that is neither a
filter nor paging, such as ``include_lines``: on, the list shows all it can), and its items are
read alone, the records the run wrote first. Every field the list shows must read the same
(numbers as Decimal, date-times as instants, lists item by item). A field the list leaves out,
or shows as null, is what a list view may differ by; a field it shows otherwise is not. An id
the read's own path parameter schema refuses is not read (that tests the document, not the
target).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from invoice_contracts.oas import merged

from ...scenarios import Context, Scenario, Skip
from ..contract import ListOperation
from ..filters import detect_filters
from ..paging import detect_paging
from ..session import Session, identity
from ..values import differences
from .responses import observed, records

__all__ = ["read_path_invariants", "view_parameters"]

READS = 40
SHOWN = 6


def view_parameters(listop: ListOperation) -> dict[str, str]:
    """The list's boolean query parameters that are neither filters nor paging, all on."""
    paging = detect_paging(listop)
    taken = {f.name for f in detect_filters(listop)} | set(paging.pointer_names if paging else [])
    return {
        str(p["name"]): "true"
        for p in listop.operation.query()
        if merged(p.get("schema")).get("type") == "boolean" and p["name"] not in taken
    }


def read_path_invariants(session: Session) -> list[Scenario]:
    found = []
    for listop in session.lists:
        if listop.read is None or listop.id_field is None:
            continue
        source = f"#{listop.operation.pointer}/responses/200"
        found.append(
            Scenario(
                f"{listop.operation_id}: every item listed equals the record {listop.read.operation_id} reads",
                source,
                partial(_agrees, session, listop, source),
                False,
            )
        )
    return found


def _written_first(session: Session, context: Context, listop: ListOperation, items: list[Any]) -> list[Any]:
    """The items, those the run's own writes answered with first."""
    written = {
        record.key
        for seen in observed(session, context)
        if not seen.operation.safe
        for record in records(session, seen)
        if record.listop is listop
    }
    return sorted(items, key=lambda item: identity(listop, item) not in written)


def _agrees(session: Session, listop: ListOperation, source: str, context: Context) -> None:
    assert listop.read is not None
    listed = session.filtered(context, listop, view_parameters(listop))
    items = [item for item in listed if listop.readable(identity(listop, item))]
    if listed and not items:
        raise Skip(f"no id {listop.operation_id} lists fits the path parameter of {listop.read.operation_id}")
    problems = []
    for item in _written_first(session, context, listop, items)[:READS]:
        key = identity(listop, item)
        response = context.get(listop.read_path(key), headers=listop.read_headers)
        context.expect(
            response.status_code == 200,
            f"{listop.operation_id} lists {key}, but {listop.read.operation_id} answers {response.status_code}:"
            f" {response.text[:200]}",
            rests_on=source,
        )
        record = listop.read_record(context.json(response))
        problems += [
            f"{key}{where}"
            for where in differences(item, record, listop.item_schema, words=("the list shows", "the read"))
        ]
    context.expect(
        not problems,
        f"{len(problems)} field(s) of listed records differ from the records read alone: {'; '.join(problems[:SHOWN])}",
        rests_on=source,
    )
