"""Every documented derivation holds on every record the run sees, and after every write that
changes a record's parts.

The derivations are the API's (its scenario pack states each formula once, next to the contract
statement it rests on, :class:`~conformance.scenarios.base.Derivation`); this module applies
them: to every record of every response of the operations they name, to each record a
successful write of the run addressed (read again at the end), and once more after the
invariants themselves change the parts of a fresh record (each POST that adds to a record,
such as a line item, sent with the contract's example).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from ...scenarios import Context, Derivation, Scenario
from ..bodies import request_body
from ..contract import ListOperation, Operation
from ..session import Session
from ..write_read import candidates, target_ids, with_ids
from .problems import Problem, expect_none
from .responses import observed, records

__all__ = ["derivation_invariants", "part_writes"]

REREADS = 60
TRIES = 5


def derivation_invariants(session: Session) -> list[Scenario]:
    if session.pack is None:
        return []
    return [
        Scenario(
            f"{derivation.name}, on every record the run saw and after every write to its parts",
            derivation.rests_on,
            partial(_check, session, derivation),
            False,  # its writes are left out of a read-only run
        )
        for derivation in session.pack.derivations
    ]


def part_writes(session: Session, listop: ListOperation) -> list[Operation]:
    """POSTs below a record's path that take a body: they add to its parts (a line item)."""
    read = listop.read
    if read is None:
        return []
    return [
        op
        for op in session.operations
        if op.method == "POST"
        and op.path.startswith(read.path + "/")
        and (op.spec.get("requestBody") or {}).get("required")
        and session.owning_list(op) is listop
    ]


def _check(session: Session, derivation: Derivation, context: Context) -> None:
    context.cite(derivation.rests_on, inferred=derivation.inferred)
    problems: list[Problem] = []
    seen_records = 0

    def judge(where: str, record: Any, response: httpx.Response | None = None) -> None:
        nonlocal seen_records
        if isinstance(record, dict):
            seen_records += 1
            problems.extend(
                Problem(f"{where}: {found}", derivation.rests_on, derivation.inferred, response)
                for found in derivation.check(record)
            )

    lists = [lo for lo in session.lists if lo.read is not None and lo.read.operation_id in derivation.operations]
    if not context.read_only:
        for listop in lists:
            for write in part_writes(session, listop):
                _change_parts(session, context, listop, write)
    addressed: dict[str, ListOperation] = {}
    for seen in observed(session, context):
        for record in records(session, seen):
            if seen.operation.operation_id in derivation.operations or (
                record.listop.read is not None and record.listop.read.operation_id in derivation.operations
            ):
                where = f"{seen.operation.operation_id} {seen.response.request.url.path} ({record.key})"
                judge(where, record.fields, seen.response)
        owner = session.owning_list(seen.operation)
        if not seen.operation.safe and seen.ok and owner in lists and owner is not None and owner.read is not None:
            key = seen.values.get(owner.read.path_params[-1])
            if key is not None:
                addressed[owner.read_path(key)] = owner
    for path, owner in list(addressed.items())[:REREADS]:
        response = context.get(path)
        if response.status_code == 200:
            judge(f"{path}, read again after the run's writes", owner.read_record(context.json(response)))
    expect_none(context, problems, f"{derivation.name} ({seen_records} records seen)")


def _change_parts(session: Session, context: Context, listop: ListOperation, write: Operation) -> None:
    """Send ``write`` (the example body) to a fresh record, then read the record: both responses
    join what the run saw."""
    body = with_ids(request_body(write), target_ids(session, context))
    for values in candidates(session, context, write)[:TRIES]:
        response = context.request("POST", write.url_path(values), json=body)
        if response.is_success:
            session.forget_walks()
            assert listop.read is not None
            context.get(listop.read_path(values[listop.read.path_params[-1]]), headers=listop.read_headers)
            return
