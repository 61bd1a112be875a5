"""Time moves with writes only: a record's update stamp moves on a write and never on a read, and
its creation stamp never changes nor comes after its update stamp.

The stamps are a record's date-time properties named for creation (``created_at``...) and
update (``updated_at``...): a meaning taken from a name, so each check is an inference (a
warning unless ``--strict-assumptions``) unless the property's description states it. Over
every record of every response the run received, in order:

- the creation stamp is not later than the update stamp, and never changes;
- between two sightings of a record with no successful write of the run in between, the update
  stamp is the same (a read does not move it);
- a write that changes a record moves its update stamp forward: checked on a fresh record per
  write that addresses a record (PUT, PATCH, a POST that adds to it), sent more than a second
  after the record was read, so a clock with whole seconds must show it.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import partial
from typing import Any

from ...scenarios import Context, Scenario
from ..bodies import request_body
from ..contract import ListOperation, Operation
from ..session import Session
from ..write_read import candidates, target_ids, with_ids
from .derived import part_writes
from .problems import Problem, expect_none
from .responses import observed, records

__all__ = ["clock_invariants", "stamps"]

CREATED = ("created_at", "created", "creation_date", "created_on", "inserted_at")
UPDATED = ("updated_at", "updated", "modified_at", "last_modified", "updated_on")
PAUSE = 1.1  # seconds: a clock with whole seconds shows a write this long after a read


def stamps(listop: ListOperation) -> tuple[str | None, str | None]:
    """The item's creation and update stamp properties (date-time), where it has them."""
    properties = listop.item_properties

    def pick(names: tuple[str, ...]) -> str | None:
        return next((n for n in names if properties.get(n, {}).get("format") == "date-time"), None)

    return pick(CREATED), pick(UPDATED)


def clock_invariants(session: Session) -> list[Scenario]:
    found = []
    for listop in session.lists:
        created, updated = stamps(listop)
        if updated is None:
            continue
        source = f"#{listop.operation.pointer}/responses/200"
        found.append(
            Scenario(
                f"{listop.operation_id}: {updated} moves with writes only"
                + (f", never before {created}" if created else ""),
                source,
                partial(_check, session, listop, created, updated, source),
                False,  # its writes are left out of a read-only run
            )
        )
    return found


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _stated(listop: ListOperation, name: str) -> bool:
    return "write" in str(listop.item_properties.get(name, {}).get("description", "")).lower()


def _check(
    session: Session, listop: ListOperation, created: str | None, updated: str, source: str, context: Context
) -> None:
    problems: list[Problem] = []
    if not context.read_only:
        problems += _writes_move_it(session, context, listop, updated, source)
    everything = observed(session, context)
    writes = [seen.index for seen in everything if not seen.operation.safe and seen.ok]
    last: dict[str, tuple[int, dict[str, Any]]] = {}
    guess = not _stated(listop, updated)
    for seen in everything:
        for record in records(session, seen):
            if record.listop is not listop:
                continue
            fields, key = record.fields, record.identity
            made, moved = _instant(fields.get(created)) if created else None, _instant(fields.get(updated))
            where = f"{record.key} in {seen.operation.operation_id} ({seen.response.request.url.path})"
            if made and moved and made > moved:
                problems.append(
                    Problem(f"{where}: {created} {made} is after {updated} {moved}", source, guess, seen.response)
                )
            if key in last:
                index, before = last[key]
                if created and fields.get(created) and before.get(created) and _instant(before.get(created)) != made:
                    message = f"{where}: {created} changed from {before.get(created)} to {fields.get(created)}"
                    problems.append(Problem(message, source, guess, seen.response))
                quiet = not any(index < w <= seen.index for w in writes)
                if quiet and before.get(updated) and moved and _instant(before.get(updated)) != moved:
                    message = (
                        f"{where}: {updated} moved from {before.get(updated)} to {fields.get(updated)} with no write"
                    )
                    problems.append(Problem(message, source, guess, seen.response))
            last[key] = (seen.index, fields)
    expect_none(context, problems, f"{updated} of {listop.operation_id}'s records")


def _addressing_writes(session: Session, listop: ListOperation) -> list[Operation]:
    read = listop.read
    if read is None:
        return []
    own = [op for op in session.operations if op.method in ("PUT", "PATCH") and op.path == read.path]
    return own + part_writes(session, listop)


def _writes_move_it(
    session: Session, context: Context, listop: ListOperation, updated: str, source: str
) -> list[Problem]:
    """Each write addressing a record, sent to a fresh one well after reading it."""
    assert listop.read is not None
    ids = target_ids(session, context)
    planned: list[tuple[Operation, dict[str, Any], Any, dict[str, Any]]] = []
    for write in _addressing_writes(session, listop):
        for values in candidates(session, context, write)[:3]:
            response = context.get(listop.read_path(values[listop.read.path_params[-1]]), headers=listop.read_headers)
            if response.status_code == 200:
                planned.append((write, values, with_ids(request_body(write), ids), listop.read_record(response.json())))
                break
    if not planned:
        return []
    time.sleep(PAUSE)
    problems = []
    for write, values, body, before in planned:
        response = context.request(write.method, write.url_path(values), json=body)
        if not response.is_success:
            continue
        session.forget_walks()
        after = listop.read_record(
            context.json(
                context.get(listop.read_path(values[listop.read.path_params[-1]]), headers=listop.read_headers)
            )
        )
        changed = {k for k in set(before) | set(after) if k != updated and before.get(k) != after.get(k)}
        old, new = _instant(before.get(updated)), _instant(after.get(updated))
        if changed and old and new and not new > old:
            message = (
                f"{write.operation_id} changed {', '.join(sorted(changed)[:4])} of {values}"
                f" {PAUSE} s after it was read, but {updated} stayed {after.get(updated)}"
            )
            problems.append(Problem(message, source, not _stated(listop, updated)))
    return problems
