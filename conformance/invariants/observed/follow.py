"""Every link of every response is followed: each ``Location``, each documented link, each link
object in a body (``links: {first, current, next, ...}``) and each ``Link`` header of every
response the run received (the scenarios' and the invariants' own), once per distinct target.

- a ``Location`` and a link lead to a record that answers 200, the one the response names (its
  id, where the response shows one);
- a paging link keeps the request's filters, sort and page size (every query parameter but the
  position), answers 200, and leads where its name says: ``current``/``self`` to the same items,
  ``next``/``previous`` to items the page does not hold.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from invoice_contracts.oas import merged

from ...scenarios import Context, Scenario
from ..contract import ListOperation, normalized
from ..links import evaluate
from ..paging import detect_paging
from ..session import Session, identity
from .paging_edges import paging_edge_invariants
from .problems import Problem, expect_none
from .responses import Seen, match, observed

__all__ = ["follow_invariants"]

FOLLOWS = 150
PAGING_RELS = frozenset({"first", "prev", "previous", "current", "self", "next", "last"})
SAME_ITEMS = frozenset({"current", "self"})
OTHER_ITEMS = frozenset({"next", "prev", "previous"})


def follow_invariants(session: Session) -> list[Scenario]:
    found = [
        Scenario(
            "every Location, link and paging link the run received leads where it says",
            "#/paths",
            partial(_follow_all, session),
            False,
        )
    ]
    return found + paging_edge_invariants(session)


def _follow_all(session: Session, context: Context) -> None:
    done: set[str] = set()
    problems: list[Problem] = []
    for seen in observed(session, context):
        if not seen.ok or len(done) >= FOLLOWS:
            continue
        problems += _location(session, context, seen, done)
        problems += _links(session, context, seen, done)
        listop = next((lo for lo in session.lists if lo.operation is seen.operation), None)
        if listop is not None:
            problems += _paging_links(session, context, listop, seen, done)
    expect_none(context, problems, "links lead elsewhere")


def _get(context: Context, url: str, done: set[str], seen: Seen) -> httpx.Response | None:
    """``url`` read as the caller of ``seen`` (its credential and tenant), once per caller."""
    if f"{seen.who} {url}" in done:
        return None
    done.add(f"{seen.who} {url}")
    return context.get(url, anonymous=True, headers=dict(seen.auth))


def _location(session: Session, context: Context, seen: Seen, done: set[str]) -> list[Problem]:
    location = seen.response.headers.get("location")
    if not location:
        return []
    status = str(seen.response.status_code)
    documented = "location" in {
        normalized(h) for h in (seen.operation.spec["responses"].get(status) or {}).get("headers") or {}
    }
    source = f"#{seen.operation.pointer}/responses/{status}" + ("/headers/Location" if documented else "")
    url = urljoin(str(seen.response.url), location)
    response = _get(context, url, done, seen)
    if response is None:
        return []
    what = f"the Location {location} of {seen.operation.operation_id} ({seen.response.request.url.path})"
    if response.status_code != 200:
        return [Problem(f"{what} answers {response.status_code}", source)]
    named = _named_id(seen.body)
    target = match(session, context, "GET", urlsplit(url).path)
    if named is not None and target is not None and target[1] and str(list(target[1].values())[-1]) != str(named):
        return [Problem(f"{what} names {list(target[1].values())[-1]}, the response {named}", source)]
    return []


def _named_id(body: Any) -> Any:
    """The id a write's response names: its ``id``, or the ``id`` of the one object it wraps."""
    if not isinstance(body, dict):
        return None
    if "id" in body:
        return body["id"]
    inner = [value for value in body.values() if isinstance(value, dict) and "id" in value]
    return inner[0]["id"] if len(inner) == 1 else None


def _links(session: Session, context: Context, seen: Seen, done: set[str]) -> list[Problem]:
    status = str(seen.response.status_code)
    by_id = {op.operation_id: op for op in session.operations}
    problems = []
    for name, link in ((seen.operation.spec["responses"].get(status) or {}).get("links") or {}).items():
        read = by_id.get(str(link.get("operationId")))
        if read is None or read.method != "GET" or not read.path_params:
            continue
        parameters = dict(link.get("parameters") or {})
        try:
            values = {k: evaluate(v, seen.values, seen.request_body, seen.response) for k, v in parameters.items()}
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # the response has nothing there (an empty list's first item)
        path = read.url_path({**(read.fixed_path_values() or {}), **values})
        response = _get(context, context.url(path), done, seen)
        if response is None:
            continue
        source = f"#{seen.operation.pointer}/responses/{status}/links/{name}"
        if response.status_code != 200:
            message = f"link {name} of {seen.operation.operation_id} to {path} answers {response.status_code}"
            problems.append(Problem(message, source))
            continue
        found = _same_record(session, read.operation_id, values, context.json(response), name)
        problems += [Problem(message, source) for message in found]
    return problems


def _same_record(session: Session, read_id: str, values: dict[str, Any], body: Any, name: str) -> list[str]:
    listop = next((lo for lo in session.lists if lo.read is not None and lo.read.operation_id == read_id), None)
    if listop is None or listop.read is None:
        return []
    wanted = values.get(listop.read.path_params[-1])
    record = listop.read_record(body)
    if isinstance(record, dict) and listop.id_field in record and str(record[listop.id_field]) != str(wanted):
        return [f"link {name} asks for {wanted}, {read_id} answers {record[listop.id_field]}"]
    return []


def _query(url: str) -> dict[str, list[str]]:
    """A URL's query, each parameter's values sorted and in lower case (``True`` is ``true``)."""
    return {k: sorted(v.lower() for v in values) for k, values in parse_qs(urlsplit(url).query).items()}


def _link_object(listop: ListOperation) -> str | None:
    """The body property that holds paging links (its properties are first/next/...), if any."""
    for name, prop in listop.operation.body_schema("200").get("properties", {}).items():
        names = {normalized(key) for key in merged(prop).get("properties", {})}
        if names and names <= PAGING_RELS and "next" in names:
            return str(name)
    return None


def _paging_links(
    session: Session, context: Context, listop: ListOperation, seen: Seen, done: set[str]
) -> list[Problem]:
    """The response's paging links keep its filters, sort and size; the same page read again now
    (the list may have changed since) has links that answer 200 and lead where they say."""
    holder = _link_object(listop)
    body = f"/content/application~1json/schema/properties/{holder}" if holder else ""
    source = f"#{listop.operation.pointer}/responses/200{body}"
    paging = detect_paging(listop)
    position = paging.position[0] if paging and paging.position else None
    asked = {k: v for k, v in _query(str(seen.response.request.url)).items() if k != position}
    found = []
    for rel, raw in _paging_urls(listop, holder, seen.body, seen.response).items():
        lost = {k: v for k, v in asked.items() if _query(raw).get(k) != v}
        if lost:
            found.append(f"{rel} link {raw} of {seen.response.request.url} drops or changes {lost}")
    again = _get(context, str(seen.response.request.url), done, seen)
    if again is not None and again.status_code == 200:
        page = context.json(again)
        shown = {identity(listop, item) for item in listop.items(page)}
        for rel, url in _paging_urls(listop, holder, page, again).items():
            response = _get(context, url, done, seen)
            if response is None:
                continue
            if response.status_code != 200:
                found.append(f"{rel} link {url} answers {response.status_code}")
                continue
            items = {identity(listop, item) for item in listop.items(context.json(response))}
            if normalized(rel) in SAME_ITEMS and items != shown:
                found.append(f"{rel} link {url} shows other items than the page it is on")
            if normalized(rel) in OTHER_ITEMS and items & shown:
                found.append(f"{rel} link {url} shows items of the page it is on: the walk would repeat")
    return [Problem(message, source) for message in found]


def _paging_urls(listop: ListOperation, holder: str | None, body: Any, response: httpx.Response) -> dict[str, str]:
    """The paging links of one response (body link object, ``Link`` header), as absolute URLs."""
    links: dict[str, str] = {}
    if holder is not None and isinstance(body, dict):
        links.update({k: v for k, v in (body.get(holder) or {}).items() if isinstance(v, str) and v})
    links.update({rel: value["url"] for rel, value in response.links.items() if rel in PAGING_RELS})
    return {rel: urljoin(str(response.url), url) for rel, url in links.items()}
