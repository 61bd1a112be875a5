"""How a list operation pages, read from its contract, and a bounded walk over its pages.

Styles, by parameter name (query or header, compared loosely): a page number (``page``,
``…_page``) with an optional size (``limit``, ``per_page``, ``page_size``); ``offset`` with a
size; a cursor (``cursor``, ``after``, ``page_token``) whose next value the response body
carries; or, without any of these, a documented ``Link`` header whose ``rel="next"`` URL is
followed (RFC 8288, parsed by httpx). The counts an API reports about its pages (a total, a
page count, the page and size it served) are found the same way among the documented response
headers and body fields.
A walk that shows a page it already showed is a failure (it would never end), not a skip.
Schemathesis has no notion of paging, so this is written here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from invoice_contracts.oas import merged

from ..scenarios import Context, ScenarioFailure, Skip
from ..targets import Credentials
from .contract import ListOperation, normalized

__all__ = ["MAX_PAGES", "Page", "Paging", "Reported", "Walk", "detect_paging", "reported_counts", "small_size", "walk"]

MAX_PAGES = 60
_SIZE = ("limit", "per_page", "page_size", "pagesize", "perpage", "size")
_OFFSET = ("offset", "skip")
_CURSOR = ("cursor", "after", "starting_after", "page_token", "next_token", "continuation_token")
_NEXT = ("next_cursor", "next_page_token", "next_token", "cursor")


@dataclass(frozen=True)
class Paging:
    style: str  # "page", "offset", "cursor" or "link"
    position: tuple[str, str] | None  # (name, in); None for a cursor's first page too
    size: tuple[str, str] | None
    size_min: int
    size_max: int | None  # the documented maximum, or the fixed page size without a size parameter
    first: int
    cursor_field: str | None = None

    @property
    def pointer_names(self) -> list[str]:
        return [p[0] for p in (self.position, self.size) if p]


@dataclass(frozen=True)
class Reported:
    """A count the API reports: ``kind`` is total_items, total_pages, page or page_size."""

    kind: str
    where: str  # "header" or "body"
    name: str


def _named(parameters: list[dict[str, Any]], names: tuple[str, ...], suffix: str = "") -> dict[str, Any] | None:
    """The first query or header parameter called one of ``names`` or ending in ``suffix``."""
    for parameter in parameters:
        if parameter.get("in") not in ("query", "header"):
            continue
        name = normalized(str(parameter["name"]))
        other_kind = suffix == "page" and name.endswith("per_page")
        if name in names or (suffix and name.endswith(suffix) and not other_kind):
            return parameter
    return None


def _ref(parameter: dict[str, Any] | None) -> tuple[str, str] | None:
    return (str(parameter["name"]), str(parameter["in"])) if parameter else None


def detect_paging(listop: ListOperation) -> Paging | None:
    parameters = list(listop.operation.parameters)
    size = _named(parameters, _SIZE) or _named(parameters, (), "per_page")
    size_schema = (size or {}).get("schema", {})
    size_min = int(size_schema.get("minimum", 1))
    size_max = size_schema.get("maximum")
    if size is None:
        size_max = _fixed_size(listop)
    offset = _named(parameters, _OFFSET)
    if offset is not None and size is not None:
        return Paging(
            "offset", _ref(offset), _ref(size), size_min, size_max, int(offset.get("schema", {}).get("minimum", 0))
        )
    page = _named(parameters, ("page", "page_number"), "page")
    if page is not None and (size is not None or size_max is not None):
        schema = page.get("schema", {})
        first = int(schema.get("minimum", schema.get("default", 1)))
        return Paging("page", _ref(page), _ref(size), size_min, size_max, first)
    cursor = _named(parameters, _CURSOR)
    body = listop.operation.body_schema("200")
    next_field = next((name for name in body.get("properties", {}) if normalized(name) in _NEXT), None)
    if cursor is not None and next_field is not None:
        return Paging("cursor", _ref(cursor), _ref(size), size_min, size_max, 0, next_field)
    headers = listop.operation.spec["responses"]["200"].get("headers") or {}
    if any(normalized(name) == "link" for name in headers):
        return Paging("link", None, _ref(size), size_min, size_max, 0)
    return None


def _fixed_size(listop: ListOperation) -> int | None:
    """The page size of a list without a size parameter: a one-value per-page header, or maxItems."""
    for name, header in (listop.operation.spec["responses"]["200"].get("headers") or {}).items():
        enum = header.get("schema", {}).get("enum", [])
        if normalized(name).endswith("per_page") and len(enum) == 1:
            return int(enum[0])
    schema = listop.operation.body_schema("200")
    array = schema if listop.items_key is None else merged(schema["properties"][listop.items_key])
    maximum = array.get("maxItems")
    return int(maximum) if maximum is not None else None


def _kind(name: str) -> str | None:
    name = normalized(name)
    if "total" in name and "page" in name:
        return "total_pages"
    if "total" in name or name in ("count", "total_count"):
        return "total_items"
    if name.endswith(("per_page", "page_size")) or name == "limit":
        return "page_size"
    if name.endswith("page"):
        return "page"
    return None


def reported_counts(listop: ListOperation) -> list[Reported]:
    response = listop.operation.spec["responses"]["200"]
    found = [
        Reported(kind, "header", name) for name in response.get("headers") or {} if (kind := _kind(name)) is not None
    ]
    for name, prop in listop.operation.body_schema("200").get("properties", {}).items():
        kind = _kind(name)
        if kind is not None and merged(prop).get("type") == "integer":
            found.append(Reported(kind, "body", name))
    return found


@dataclass
class Page:
    position: Any
    size: int | None
    items: list[Any]
    response: httpx.Response


@dataclass
class Walk:
    size: int | None
    pages: list[Page] = field(default_factory=list)

    @property
    def items(self) -> list[Any]:
        return [item for page in self.pages for item in page.items]


def _send(
    context: Context,
    path: str,
    query: dict[str, Any],
    headers: dict[str, str],
    credentials: Credentials | None,
) -> httpx.Response:
    # params=None, not {}: httpx replaces a URL's own query with an empty one.
    response = context.request("GET", path, params=query or None, headers=headers, credentials=credentials)
    if response.status_code != 200:
        raise ScenarioFailure(
            f"GET {path} with {query or headers}: expected 200, got {response.status_code}: {response.text[:300]}"
        )
    return response


def walk(
    context: Context,
    listop: ListOperation,
    paging: Paging | None,
    *,
    size: int | None,
    params: dict[str, Any] | None = None,
    credentials: Credentials | None = None,
    start: Any = None,
) -> Walk:
    """Every page of the list at ``size`` items a page (None: the server's size), in order, from
    the first page or from position ``start``."""
    query: dict[str, Any] = dict(params or {})
    result = Walk(size)
    path = listop.operation.url_path(listop.fixed)
    if paging is None:
        response = _send(context, path, query, {}, credentials)
        result.pages.append(Page(None, None, listop.items(context.json(response)), response))
        return result
    headers: dict[str, str] = {}
    if paging.size is not None and size is not None:
        _place(paging.size, size, query, headers)
    expected = size if size is not None else paging.size_max
    position: Any = paging.first if start is None else start
    next_url: str | None = None
    pages_seen: dict[str, Any] = {}
    for _ in range(MAX_PAGES):
        page_query, page_headers = dict(query), dict(headers)
        if paging.position is not None and not (paging.style == "cursor" and position == paging.first):
            _place(paging.position, position, page_query, page_headers)
        if next_url is None:
            response = _send(context, path, page_query, page_headers, credentials)
        else:
            response = _send(context, next_url, {}, headers, credentials)
        body = context.json(response)
        items = listop.items(body)
        _no_repeat(listop, pages_seen, position, items, response)
        result.pages.append(Page(position, expected, items, response))
        if paging.style == "link":
            following = response.links.get("next", {}).get("url")
            if not following:
                return result
            next_url, position = urljoin(str(response.url), following), position + 1
        elif paging.style == "cursor":
            position = body.get(paging.cursor_field or "") if isinstance(body, dict) else None
            if not position:
                return result
        elif not items or (expected is not None and len(items) < expected):
            return result
        else:
            position = position + len(items) if paging.style == "offset" else position + 1
    raise Skip(f"{listop.operation_id}: more than {MAX_PAGES} pages at {size} a page; the walk is bounded")


def _no_repeat(
    listop: ListOperation, pages_seen: dict[str, Any], position: Any, items: list[Any], response: httpx.Response
) -> None:
    """A walk that shows a page it showed before repeats itself and would never end: a failure."""
    if not items:
        return
    key = json.dumps(items, sort_keys=True, default=str)
    if key in pages_seen:
        raise ScenarioFailure(
            f"{listop.operation_id}: the walk repeats itself: {response.request.url} (page {position}) shows"
            f" the {len(items)} item(s) page {pages_seen[key]} showed, so it would never end"
        )
    pages_seen[key] = position


def _place(parameter: tuple[str, str], value: Any, query: dict[str, Any], headers: dict[str, str]) -> None:
    name, location = parameter
    if location == "header":
        headers[name] = str(value)
    else:
        query[name] = value


def small_size(paging: Paging, count: int) -> int:
    """A page size that makes a set of ``count`` items span many pages, in at most ~25 requests."""
    return max(paging.size_min, 2, math.ceil(count / 25))
