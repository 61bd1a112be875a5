"""Written values read back at the schema's edges, through every read path.

For each write whose fields read back (see :mod:`.write_read`), every field the write takes and
the read shows is written once per value at its schema's edges (:mod:`.edge_values`: bounds,
zero, a negative, empty and longest strings, empty and long arrays, null, every enum value),
each alone on the contract's example body; each value the target accepts must read back as sent
through the read-back and, for a create, through the list that holds the record. A refusal
(4xx) is the target's right here: the schema layer judges what must be accepted. An empty value
of a field the server fills when it is not given may be filled too; elsewhere, that an empty
value reads back empty (not replaced by a default) is an inference.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ...scenarios import Context, Scenario, Skip
from ..contract import Operation
from ..links import LOCATION, ReadBack, evaluate, read_backs
from ..session import Session, identity
from ..values import differences
from ..write_read import Comparison, comparison, read_after, send_write, target_ids, with_ids
from .edge_values import NOTHING, edge_values
from .problems import Problem, expect_none
from .read_paths import view_parameters
from .responses import match

__all__ = ["edge_invariants"]

VARIANTS = 60


def edge_invariants(session: Session) -> list[Scenario]:
    found = []
    for read_back in read_backs(session.operations):
        compared = comparison(read_back)
        if compared is None:
            continue
        found.append(
            Scenario(
                f"{read_back.write.operation_id}: values at the schema's edges read back as written",
                read_back.source,
                partial(_check, session, read_back, compared),
                True,
            )
        )
    return found


def _variants(compared: Comparison, write: Operation) -> list[tuple[str, Any, dict[str, Any]]]:
    """(field, value, body) for each edge value of each field; a create keeps the example's other
    fields, an update sends the field alone (the example's own fields last: they may finalise)."""
    variants = []
    for name, (schema, _) in compared.writable.items():
        for value in edge_values(schema, compared.sent.get(name, NOTHING)):
            resource = {**compared.sent, name: value} if write.method == "POST" else {name: value}
            variants.append((name, value, compared.wrap(resource)))
    variants.sort(key=lambda variant: write.method != "POST" and variant[0] in compared.sent)
    return variants[:VARIANTS]


def _check(session: Session, read_back: ReadBack, compared: Comparison, context: Context) -> None:
    ids = target_ids(session, context)
    compared_ids = Comparison(
        with_ids(compared.body, ids),
        with_ids(compared.sent, ids),
        compared.fields,
        compared.key,
        compared.wrapper,
        compared.writable,
    )
    write = read_back.write
    values: dict[str, Any] | None = None
    problems: list[Problem] = []
    created: list[tuple[Any, str, Any]] = []
    accepted = 0
    filled = _filled(session, context, read_back, compared_ids)
    for name, value, body in _variants(compared_ids, write):
        if values is None:
            try:
                values, response = send_write(session, context, read_back, body)
            except Skip:
                continue
        else:
            response = context.request(write.method, write.url_path(values), json=body)
        if response.status_code >= 500:
            problems.append(Problem(f"{name}={_short(value)}: {response.status_code}", f"#{write.pointer}/responses"))
        if not response.is_success:
            continue
        accepted += 1
        session.forget_walks()
        reread = read_after(session, context, read_back, values, body, response)
        if reread.status_code != 200:
            problems.append(Problem(f"{name}={_short(value)}: read back {reread.status_code}", read_back.source))
            continue
        read = context.json(reread)
        resource = read if compared.key is None else read.get(compared.key)
        schema = compared.writable[name][1]
        if _blank(value) and name in filled:
            continue  # a field the server fills when not given may be filled when given empty
        found = differences({name: value}, resource, {"properties": {name: schema}})
        problems += [Problem(f"{name}={_short(value)}: {d}", read_back.source, _blank(value)) for d in found]
        if write.method == "POST":
            created.append((_created_id(session, context, read_back, values, body, response), name, value))
    if not accepted:
        raise Skip(f"{write.operation_id} refused every value at the schema's edges")
    problems += _through_the_list(session, context, read_back, compared, created)
    expect_none(context, problems, f"{accepted} value(s) at the schema's edges written")


def _filled(session: Session, context: Context, read_back: ReadBack, compared: Comparison) -> set[str]:
    """The fields a create with the example body reads back filled though the example leaves them out."""
    if read_back.write.method != "POST":
        return set()
    try:
        values, response = send_write(session, context, read_back, compared.body)
    except Skip:
        return set()
    reread = read_after(session, context, read_back, values, compared.body, response)
    read = context.json(reread) if reread.status_code == 200 else {}
    resource = read if compared.key is None else read.get(compared.key) or {}
    return {k for k, v in resource.items() if k not in compared.sent and v not in (None, "", [], {})}


def _created_id(
    session: Session,
    context: Context,
    read_back: ReadBack,
    values: dict[str, Any],
    body: Any,
    response: httpx.Response,
) -> Any:
    """The id of the record a create made: the read-back's parameter, or the id its Location names."""
    expression = read_back.parameters.get(read_back.read.path_params[-1])
    try:
        found = evaluate(expression, values, body, response)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if expression == LOCATION:
        matched = match(session, context, "GET", urlsplit(urljoin(str(response.url), str(found))).path)
        return matched[1].get(read_back.read.path_params[-1]) if matched else None
    return found


def _through_the_list(
    session: Session, context: Context, read_back: ReadBack, compared: Comparison, created: list[tuple[Any, str, Any]]
) -> list[Problem]:
    """The records the edge values created, as the list that holds them shows them."""
    listop = session.owning_list(read_back.read)
    if listop is None or not created:
        return []
    listed = {str(identity(listop, item)): item for item in session.filtered(context, listop, view_parameters(listop))}
    source = f"#{listop.operation.pointer}/responses/200"
    problems = []
    for key, name, value in created:
        item = listed.get(str(key))
        if item is None:
            problems.append(Problem(f"{name}={_short(value)}: record {key} is not listed", source))
        elif name in item and name in listop.item_properties:
            found = differences({name: value}, item, {"properties": {name: listop.item_properties[name]}})
            problems += [Problem(f"{name}={_short(value)} (listed): {d}", source, _blank(value)) for d in found]
    return problems


def _blank(value: Any) -> bool:
    """An empty value or null: a server may read it as "not given" and fill a default, which
    nothing documents either way, so that it reads back empty is an inference."""
    return value is None or value in ("", [], {})


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} chars)"
