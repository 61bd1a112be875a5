"""Tenants as sets: with a credential of another tenant, whole id sets are compared.

No record listed under one credential is listed, or readable, under the other (records are
compared by their scalar fields, so APIs that count ids per tenant pass); and a write with
the other tenant's credential to a record of the first (an operation with path ids and an unsafe
method) is refused as not found or forbidden (401, 403, 404: a business refusal would show the
record exists) and leaves the record as the owner reads it. Generated only when the target
has a credential of another tenant.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from ..scenarios import Context, Scenario, ScenarioFailure, Skip
from ..targets import Credentials
from .contract import ListOperation, Operation
from .session import Session, identity, other_tenant

__all__ = ["tenant_invariants"]

READS = 10
# Another tenant's record must look absent or forbidden; a business refusal (400, 409, 422)
# would mean the server looked the record up for them.
HIDDEN = (401, 403, 404)


def tenant_invariants(session: Session) -> list[Scenario]:
    other = other_tenant(session.target)
    if other is None:
        return []
    found = [
        Scenario(
            f"{listop.operation_id}: no record of another tenant is listed or readable",
            f"#{listop.operation.pointer}",
            partial(_isolated, session, listop, other, f"#{listop.operation.pointer}"),
            False,
        )
        for listop in session.lists
        if listop.id_field is not None
    ]
    for operation in session.operations:
        listop = None if operation.safe or not operation.path_params else session.owning_list(operation)
        if listop is not None:
            found.append(
                Scenario(
                    f"{operation.operation_id}: another tenant's write is refused and changes nothing",
                    f"#{operation.pointer}",
                    partial(_write_refused, session, listop, operation, other, f"#{operation.pointer}"),
                    True,
                )
            )
    return found


def _items(session: Session, context: Context, listop: ListOperation, credentials: Credentials | None) -> list[Any]:
    return session.full_walk(context, listop, credentials).large.items


def fingerprint(record: Any) -> str:
    """A record's scalar fields: the same record shows them alike in a list and a read, while two
    tenants' records that merely share an id (ids counted per tenant) differ in some of them."""
    if not isinstance(record, dict):
        return json.dumps(record, sort_keys=True, default=str)
    scalars = {k: v for k, v in record.items() if isinstance(v, (str, int, float, bool)) or v is None}
    return json.dumps(scalars, sort_keys=True)


def _isolated(session: Session, listop: ListOperation, other: Credentials, source: str, context: Context) -> None:
    mine, theirs = _items(session, context, listop, None), _items(session, context, listop, other)
    if not theirs:
        raise Skip("the other tenant's credential lists nothing to compare with")
    shared = {fingerprint(item) for item in mine} & {fingerprint(item) for item in theirs}
    leaked = [identity(listop, item) for item in theirs if fingerprint(item) in shared]
    context.expect(not leaked, f"{len(leaked)} record(s) are listed under both tenants: {leaked[:5]}", rests_on=source)
    if listop.read is None:
        return
    for item, credentials, whose in [
        *((item, None, "the other tenant's") for item in theirs[:READS]),
        *((item, other, "this tenant's") for item in mine[:READS]),
    ]:
        path = listop.read_path(identity(listop, item))
        response = context.get(path, credentials=credentials)
        seen = response.status_code < 300 and fingerprint(listop.read_record(context.json(response))) == fingerprint(
            item
        )
        context.expect(not seen, f"GET {path} returned {whose} record {identity(listop, item)}", rests_on=source)


def _read(context: Context, listop: ListOperation, record: Any, source: str) -> Any:
    response = context.get(listop.read_path(record))
    context.expect_status(response, 200, rests_on=source)
    return context.json(response)


def _write_refused(
    session: Session, listop: ListOperation, operation: Operation, other: Credentials, source: str, context: Context
) -> None:
    theirs = {identity(listop, item) for item in _items(session, context, listop, other)}
    mine = [identity(listop, item) for item in _items(session, context, listop, None)]
    candidates = [record for record in mine if record not in theirs]
    if not candidates:
        raise Skip(f"{listop.operation_id} lists no record of this tenant whose id the other tenant lacks")
    record = candidates[0]
    assert listop.read is not None
    path = operation.url_path({**listop.fixed, listop.read.path_params[-1]: record})
    before = _read(context, listop, record, source)
    body = operation.request_example()
    response = context.request(
        operation.method, path, credentials=other, **({"json": body} if body is not None else {})
    )
    context.expect(
        response.status_code in HIDDEN,
        f"{operation.method} {path} with another tenant's credential answered {response.status_code}"
        f" (expected one of {', '.join(map(str, HIDDEN))}: the record is not theirs to see): {response.text[:200]}",
        rests_on=source,
    )
    after = _read(context, listop, record, source)
    if after != before:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        raise ScenarioFailure(
            f"the refused {operation.method} {path} still changed record {record}: {', '.join(changed[:8])}"
            f" ({json.dumps({k: after.get(k) for k in changed[:3]}, default=str)[:300]})"
        )
