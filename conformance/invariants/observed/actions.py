"""Every result of an action is checked, not only the first: each credit, refund or reversal the
run made (the scenarios' and the invariants' own), against the record it acted on, by kind.

The checks are the API's (its pack's :class:`~conformance.scenarios.base.ActionCheck`): what a
result must be given its source. The source is the record as the run last saw it before the
action (else as it reads now). Where the pack names the kinds of source records (a STANDARD
and a ONE_OFF invoice), a kind the run has not acted on is acted on here: a listed record of
that kind gets the action with the contract's example body, a refusal moving on to the next.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

from ...scenarios import ActionCheck, Context, Scenario
from ..bodies import request_body
from ..contract import ListOperation, Operation
from ..session import Session, identity
from ..write_read import target_ids, with_ids
from .problems import Problem, expect_none
from .responses import Seen, observed, records

__all__ = ["action_invariants"]

TRIES = 10


def action_invariants(session: Session) -> list[Scenario]:
    if session.pack is None:
        return []
    found = []
    for action in session.pack.actions:
        operation = session.operation(action.operation_id)
        listop = session.owning_list(operation) if operation is not None else None
        if operation is None or listop is None:
            continue
        found.append(
            Scenario(
                f"{action.operation_id}: {action.name}, for every result the run made, by kind",
                action.rests_on,
                partial(_check, session, action, operation, listop),
                False,  # its writes are left out of a read-only run
            )
        )
    return found


def _source_key(listop: ListOperation, seen: Seen) -> Any:
    assert listop.read is not None
    return seen.values.get(listop.read.path_params[-1])


def _check(
    session: Session, action: ActionCheck, operation: Operation, listop: ListOperation, context: Context
) -> None:
    if action.kinds and not context.read_only:
        _cover_kinds(session, context, action, operation, listop)
    everything = observed(session, context)
    results = [s for s in everything if s.operation is operation and s.ok and isinstance(s.body, dict)]
    problems: list[Problem] = []
    kinds: Counter[str] = Counter()
    for result in results:
        key = _source_key(listop, result)
        source = _last_seen(session, everything, listop, key, result) or _read(context, listop, key)
        if source is None:
            continue
        kind = action.kind(source) if action.kind else "any"
        kinds[kind] += 1
        problems += [
            Problem(
                f"{operation.operation_id} on {key} ({kind}): {found}",
                action.rests_on,
                action.inferred,
                result.response,
            )
            for found in action.check(source, listop.read_record(result.body))
        ]
    expect_none(context, problems, f"{action.name} ({dict(kinds)} results)")


def _last_seen(session: Session, everything: list[Seen], listop: ListOperation, key: Any, result: Seen) -> Any:
    """The record as the last response before ``result`` showed it to the same caller."""
    found = None
    who = result.who
    for seen in everything:
        if seen.index >= result.index:
            break
        for record in records(session, seen):
            if record.listop is listop and str(record.key) == str(key) and seen.who == who:
                found = record.fields
    return found


def _read(context: Context, listop: ListOperation, key: Any) -> Any:
    response = context.get(listop.read_path(key), headers=listop.read_headers)
    return listop.read_record(context.json(response)) if response.status_code == 200 else None


def _cover_kinds(
    session: Session, context: Context, action: ActionCheck, operation: Operation, listop: ListOperation
) -> None:
    assert action.kind is not None
    assert listop.read is not None
    everything = observed(session, context)
    sources = [
        _last_seen(session, everything, listop, _source_key(listop, seen), seen)
        for seen in everything
        if seen.operation is operation and seen.ok
    ]
    done = {action.kind(source) for source in sources if isinstance(source, dict)}
    body = with_ids(request_body(operation), target_ids(session, context))
    for kind in [k for k in action.kinds if k not in done]:
        tried = 0
        for item in session.full_walk(context, listop).large.items:
            if tried >= TRIES or not isinstance(item, dict) or action.kind(item) != kind:
                continue
            tried += 1
            values = {**listop.fixed, listop.read.path_params[-1]: identity(listop, item)}
            path = operation.url_path({**(operation.fixed_path_values() or {}), **values})
            response = context.request(operation.method, path, **({"json": body} if body is not None else {}))
            if response.is_success:
                session.forget_walks()
                break
