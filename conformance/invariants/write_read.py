"""Write, then read back: what a write did is what a read shows.

For each read-back (see :mod:`.links`) the write is sent once, with the contract's example body,
to a record it accepts, and the read operation is called as the link says. Two properties,
each where the contract supports it:

- *fields sent read back equal*: for a POST to a collection read back one level down, or a PUT
  or PATCH read back at its own path, every field of the body that the read schema has (with a
  compatible schema) reads back equal: numbers as Decimal, dates and date-times as instants;
  a server may add fields and defaults, only fields sent are compared;
- *the response reads back equal*: when the link addresses the resource the write answered
  with and both have the same schema, the read returns what the write answered (a write that
  answers success but is never recorded fails here).

Ids in the example body that name records of a list (``customer_id``, ``item_id``) are replaced
by the first id that list has on the target. The record written to is, in order: one an earlier
response linked to this operation; a fresh one from an operation that creates records read at
this path; or the records of the list that holds them, until one is accepted (a documented
refusal moves on to the next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import urljoin

import httpx

from invoice_contracts.oas import merged

from ..scenarios import Context, Scenario, ScenarioFailure, Skip
from .bodies import request_body
from .contract import Operation
from .links import LOCATION, ReadBack, evaluate, read_backs
from .session import Session, identity
from .values import compatible, differences

__all__ = [
    "Comparison",
    "candidates",
    "comparison",
    "read_after",
    "send_write",
    "target_ids",
    "with_ids",
    "write_read_invariants",
]

ATTEMPTS = 60
SHOWN = 6


def _unwrap(
    body: Any, schema: dict[str, Any], read_properties: dict[str, Any]
) -> tuple[Any, dict[str, Any], str | None]:
    """A body that wraps the resource in one root key (``{"invoice": {...}}``) without the
    wrapper, the resource's schema and the wrapper's name (None: no wrapper)."""
    properties = schema.get("properties", {})
    if isinstance(body, dict) and len(properties) == 1:
        ((key, inner),) = properties.items()
        if key not in read_properties and merged(inner).get("type") == "object" and isinstance(body.get(key), dict):
            return body[key], merged(inner), str(key)
    return body, schema, None


def _resource(schema: dict[str, Any], names: set[str]) -> tuple[str | None, dict[str, Any]]:
    """Where the resource sits in a read response: the root, or the one property (an envelope's
    payload) whose schema shares the most fields with ``names``."""
    properties = {k: merged(v) for k, v in schema.get("properties", {}).items()}
    best: tuple[int, str | None, dict[str, Any]] = (len(names & set(properties)), None, schema)
    for key, prop in properties.items():
        overlap = len(names & set(prop.get("properties", {})))
        if overlap > best[0]:
            best = (overlap, key, prop)
    return best[1], best[2]


@dataclass(frozen=True)
class Comparison:
    body: Any  # as sent
    sent: dict[str, Any]  # the resource's fields in it
    fields: dict[str, dict[str, Any]]  # the fields compared, with their read schemas
    key: str | None  # where the resource sits in the read response
    wrapper: str | None  # the body's root key around the resource, if any
    writable: dict[str, tuple[dict[str, Any], dict[str, Any]]]  # every field written and read: (write, read) schema

    def wrap(self, resource: dict[str, Any]) -> dict[str, Any]:
        return resource if self.wrapper is None else {self.wrapper: resource}


def comparison(read_back: ReadBack) -> Comparison | None:
    """What to compare after the write; None when its body does not describe the read resource."""
    write, read = read_back.write, read_back.read
    collection = write.method == "POST" and re.fullmatch(re.escape(write.path) + r"/\{[^}]+\}", read.path)
    if not (collection or (write.method in ("PUT", "PATCH") and read.path == write.path)):
        return None
    body = request_body(write)
    if not isinstance(body, dict):
        return None
    read_schema = read.body_schema("200")
    sent, sent_schema, wrapper = _unwrap(body, write.request_schema(), read_schema.get("properties", {}))
    key, resource = _resource(read_schema, set(sent))
    read_properties = {k: merged(v) for k, v in resource.get("properties", {}).items()}
    sent_properties = {k: merged(v) for k, v in sent_schema.get("properties", {}).items()}
    writable = {
        name: (sent_properties.get(name, read_properties[name]), read_properties[name])
        for name in [*sent, *sent_properties]
        if name in read_properties
        and not read_properties[name].get("readOnly")
        and compatible(sent_properties.get(name, read_properties[name]), read_properties[name])
    }
    fields = {name: schemas[1] for name, schemas in writable.items() if name in sent}
    return Comparison(body, sent, fields, key, wrapper, writable) if fields else None


def _same_schema(read_back: ReadBack) -> bool:
    return (
        read_back.reads_response
        and read_back.write.body_schema(read_back.status) == read_back.read.body_schema("200") != {}
    )


def write_read_invariants(session: Session) -> list[Scenario]:
    found = []
    for read_back in read_backs(session.operations):
        compared = comparison(read_back)
        whole = _same_schema(read_back)
        if compared is None and not whole:
            continue
        what = {
            (True, False): "the fields sent read back equal",
            (False, True): "the response reads back equal",
            (True, True): "the fields sent and the response read back equal",
        }[(compared is not None, whole)]
        found.append(
            Scenario(
                f"{read_back.write.operation_id}: {what} through {read_back.name}",
                read_back.source,
                partial(_check, session, read_back, compared, whole, read_back.source),
                True,
            )
        )
    return found


def candidates(session: Session, context: Context, write: Operation) -> list[dict[str, Any]]:
    """Path values to try for ``write``, best first."""
    fixed = write.fixed_path_values()
    if fixed is not None:
        return [fixed]
    found = list(reversed(session.known.get(write.operation_id, [])))
    found += [values for values in _fresh(session, context, write) if values not in found]
    listop = session.owning_list(write)
    if listop is not None and listop.read is not None:
        for item in session.full_walk(context, listop).large.items:
            values = {**listop.fixed, listop.read.path_params[-1]: identity(listop, item)}
            if values not in found:
                found.append(values)
    return found[:ATTEMPTS]


def _fresh(session: Session, context: Context, write: Operation) -> list[dict[str, Any]]:
    """A record made for ``write`` by an operation that creates records read at its path."""
    for read_back in read_backs(session.operations):
        creator, read = read_back.write, read_back.read
        if creator.path_params or creator.method != "POST" or not read_back.reads_response:
            continue
        if write.path == read.path or write.path.startswith(read.path + "/"):
            sent = request_body(creator)
            path = creator.url_path(creator.fixed_path_values() or {})
            response = context.request("POST", path, **({"json": sent} if sent is not None else {}))
            if response.is_success:
                session.forget_walks()
                values = {name: evaluate(v, {}, sent, response) for name, v in read_back.parameters.items()}
                return [{name: values[name] for name in write.path_params if name in values}]
    return []


def send_write(
    session: Session, context: Context, read_back: ReadBack, body: Any
) -> tuple[dict[str, Any], httpx.Response]:
    write = read_back.write
    refusals = []
    for values in candidates(session, context, write):
        path = write.url_path(values)
        response = context.request(write.method, path, **({"json": body} if body is not None else {}))
        if response.is_success:
            session.forget_walks()
            _learn(session, write, values, body, response)
            return values, response
        if response.status_code >= 500 or response.status_code < 400:
            raise ScenarioFailure(f"{write.method} {path}: {response.status_code}: {response.text[:300]}")
        refusals.append(f"{values} → {response.status_code}")
    shown = "; ".join(refusals[:3]) + (f" and {len(refusals) - 3} more" if len(refusals) > 3 else "")
    raise Skip(f"no record was accepted by {write.operation_id} ({shown or 'none to try'})")


def _learn(session: Session, write: Operation, values: dict[str, Any], body: Any, response: httpx.Response) -> None:
    """Remember the records the response links to other operations (a credit → its refund)."""
    for status, spec in write.success():
        if status != str(response.status_code):
            continue
        for link in (spec.get("links") or {}).values():
            try:
                learned = {k: evaluate(v, values, body, response) for k, v in (link.get("parameters") or {}).items()}
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            session.known.setdefault(str(link.get("operationId")), []).append(learned)


def target_ids(session: Session, context: Context) -> dict[str, Any]:
    """The first id of each list whose items carry a ``<thing>_id`` (``customer_id``, ``item_id``):
    an example's ids are the contract author's, the target's records have their own."""
    found: dict[str, Any] = {}
    for listop in session.lists:
        if listop.id_field and listop.id_field.endswith("_id") and listop.id_field not in found:
            items = session.filtered(context, listop, {})
            if items:
                found[listop.id_field] = identity(listop, items[0])
    return found


def with_ids(body: Any, ids: dict[str, Any]) -> Any:
    """``body`` with every field named like a list's id field set to that list's first id."""
    if isinstance(body, dict):
        return {
            k: ids[k] if k in ids and not isinstance(v, (dict, list)) else with_ids(v, ids) for k, v in body.items()
        }
    if isinstance(body, list):
        return [with_ids(item, ids) for item in body]
    return body


def read_after(
    session: Session,
    context: Context,
    read_back: ReadBack,
    values: dict[str, Any],
    body: Any,
    response: httpx.Response,
) -> httpx.Response:
    """The read the read-back names after the write answered ``response``."""
    if read_back.parameters.get(read_back.read.path_params[-1]) == LOCATION:
        location = response.headers.get("location")
        context.expect(
            location,
            f"{read_back.write.operation_id} answered {response.status_code} without a Location",
            rests_on=read_back.source,
        )
        # A URI reference, resolved against the request's URL (RFC 9110 §10.2.2).
        return context.get(urljoin(str(response.url), str(location)))
    parameters = {k: evaluate(v, values, body, response) for k, v in read_back.parameters.items()}
    # A read below the write's own path (/charges/{charge}/refunds/{refund}) shares its ids.
    shared = {k: v for k, v in values.items() if k in read_back.read.path_params}
    fixed = read_back.read.fixed_path_values() or {}
    return context.get(read_back.read.url_path({**fixed, **shared, **parameters}))


def _check(
    session: Session,
    read_back: ReadBack,
    compared: Comparison | None,
    whole: bool,
    source: str,
    context: Context,
) -> None:
    ids = target_ids(session, context)
    body = with_ids(compared.body if compared is not None else request_body(read_back.write), ids)
    if compared is not None:
        compared = replace(compared, body=body, sent=with_ids(compared.sent, ids))
    values, response = send_write(session, context, read_back, body)
    written = context.json(response) if response.content else None
    reread = read_after(session, context, read_back, values, body, response)
    after = f"{read_back.read.operation_id} after {read_back.write.operation_id}"
    context.expect(reread.status_code == 200, f"{after}: {reread.status_code}: {reread.text[:300]}", rests_on=source)
    read = context.json(reread)
    found = []
    if compared is not None:
        resource = read if compared.key is None else read.get(compared.key)
        for name, schema in compared.fields.items():
            if name not in resource:
                found.append(f"/{name}: sent {compared.sent[name]!r}, not read back")
            else:
                found += differences(compared.sent[name], resource[name], schema, f"/{name}")
    if whole:
        found += differences(written, read, read_back.read.body_schema("200"))
        found += [f"/{key}: read back, not in the response" for key in set(read) - set(written or {})]
    if found:
        raise ScenarioFailure(
            f"{read_back.write.method} {read_back.write.url_path(values)} then {read_back.read.operation_id}:"
            f" {len(found)} difference(s): {'; '.join(found[:SHOWN])}"
        )
