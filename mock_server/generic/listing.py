"""A list operation's paging and filters, read from its contract alone, applied to its items.

Paging styles, by query or header parameter name (compared loosely, as clients and checkers
read them): a page number (``page``, ``…page``, ``page[number]``) with a size (``limit``,
``per_page``, ``page_size``, ``page[size]``); ``offset``/``skip`` with a size; or a cursor
(``cursor``, ``after``, ``page_token``…) where the response documents a next-cursor field.
A filter is a query parameter named after an item property (equality), an array parameter
named after its plural (the item's value is one of them), or a scalar named after an array
property's singular (the item's array holds it). Paging metadata the list schema documents (a
total, a page count, the page and size served, the next page or cursor) is filled in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from invoice_contracts.oas import merged, resolve_refs

__all__ = ["Listing", "Paged", "items_key_of", "listing_of", "parameters_of", "report"]

_SIZE = ("limit", "per_page", "page_size", "pagesize", "perpage", "size", "page_limit")
_OFFSET = ("offset", "skip", "page_offset")
_CURSOR = ("cursor", "after", "starting_after", "page_token", "next_token", "continuation_token", "page_cursor")
_NEXT = ("next_cursor", "next_page_token", "next_token", "cursor")
_SCALARS = ("string", "integer", "number", "boolean")


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace("[", "_").replace("]", "").strip("_")


@dataclass(frozen=True)
class _Filter:
    name: str
    prop: str
    mode: str  # "equal", "member" (the parameter is an array) or "contains" (the property is one)
    kind: str | None  # the property's format (dates compare as instants)

    def holds(self, item: Mapping[str, Any], value: Any) -> bool:
        actual = item.get(self.prop)
        if self.mode == "member":
            values = value if isinstance(value, list) else [value]
            return any(_same(one, actual, self.kind) for one in values)
        if self.mode == "contains":
            return isinstance(actual, list) and any(_same(value, one, self.kind) for one in actual)
        return _same(value, actual, self.kind)


@dataclass(frozen=True)
class Paged:
    """One page of a list and what the response reports about it."""

    items: list[Any]
    total: int
    page: int | None = None
    size: int | None = None
    next_page: int | None = None
    next_cursor: str | None = None
    more: bool = False  # items past this page that no page number or cursor reaches


@dataclass(frozen=True)
class Listing:
    """How one list operation pages and filters."""

    style: str | None = None  # "page", "offset", "cursor" or None (no paging)
    position: tuple[str, str] | None = None  # (name, in)
    size: tuple[str, str] | None = None
    default_size: int | None = None
    first: int = 1
    filters: tuple[_Filter, ...] = field(default_factory=tuple)
    pointer_names: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()  # the item properties that may identify an item, in order

    def distinct(self, items: list[Any]) -> list[Any]:
        """``items`` without repeats (an example that shows one item twice): an item equal to
        an earlier one, or with an earlier one's id, is left out."""
        seen: set[str] = set()
        kept = []
        for item in items:
            marks = {json.dumps(item, sort_keys=True, default=str)}
            if isinstance(item, Mapping):
                marks |= {f"{name}={item[name]!r}" for name in self.ids if item.get(name) is not None}
            if not marks & seen:
                kept.append(item)
            seen |= marks
        return kept

    def apply(self, items: list[Any], params: Mapping[str, Any], headers: Mapping[str, str]) -> Paged:
        """The page ``params`` and ``headers`` ask for, of the items its filters keep."""
        kept = [
            item
            for item in items
            if all(
                not isinstance(item, Mapping) or f.holds(item, params[f.name])
                for f in self.filters
                if params.get(f.name) not in (None, [])
            )
        ]
        size = _integer(self._read(self.size, params, headers)) or self.default_size
        if size is None or size <= 0:
            return Paged(kept, len(kept))
        if self.style is None:  # a size without a position it can be paged by: the first items
            return Paged(kept[:size], len(kept), size=size, more=len(kept) > size)
        raw = self._read(self.position, params, headers)
        if self.style == "page":
            number = _integer(raw)
            page = self.first if number is None else number
            start = (page - self.first) * size
            chosen = kept[max(start, 0) : max(start + size, 0)]
            following = page + 1 if start + size < len(kept) else None
            return Paged(chosen, len(kept), page, size, next_page=following)
        start = max(_integer(raw) or 0, 0)
        chosen = kept[start : start + size]
        more = start + size < len(kept)
        page = start // size + 1
        return Paged(chosen, len(kept), page, size, page + 1 if more else None, str(start + size) if more else None)

    @staticmethod
    def _read(parameter: tuple[str, str] | None, params: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
        if parameter is None:
            return None
        name, location = parameter
        if location == "header":
            return headers.get(name.lower())
        if name in params:
            return params[name]
        pythonic = name.replace("[", "_").replace("]", "")
        return params.get(pythonic, params.get(pythonic.rstrip("_")))


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _instant(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _same(sent: Any, held: Any, kind: str | None) -> bool:
    if isinstance(sent, bool) or isinstance(held, bool):
        return str(sent).lower() == str(held).lower()
    if isinstance(held, (int, float)) and isinstance(sent, (int, float, str)):
        try:
            return Decimal(str(sent)) == Decimal(str(held))
        except InvalidOperation:
            return False
    if isinstance(sent, str) and isinstance(held, str) and sent != held and kind in ("date-time", "date"):
        left, right = _instant(sent), _instant(held)
        return left is not None and left == right
    return bool(sent == held)


def _named(parameters: list[dict[str, Any]], names: tuple[str, ...], suffix: str = "") -> dict[str, Any] | None:
    for parameter in parameters:
        if parameter.get("in") not in ("query", "header"):
            continue
        name = _normalized(str(parameter.get("name", "")))
        other_kind = suffix == "page" and name.endswith("per_page")
        if name in names or (suffix and name.endswith(suffix) and not other_kind):
            return parameter
    return None


def _ref(parameter: dict[str, Any] | None) -> tuple[str, str] | None:
    return (str(parameter["name"]), str(parameter["in"])) if parameter else None


def items_key_of(schema: Mapping[str, Any] | None) -> tuple[bool, str | None]:
    """Whether a response schema is a list, and the property holding its items (None: the root)."""
    schema = merged(schema)
    if schema.get("type") == "array" or "items" in schema:
        return True, None
    arrays = [
        name
        for name, sub in (schema.get("properties") or {}).items()
        if merged(sub).get("type") == "array" and merged(merged(sub).get("items")).get("type") in ("object", None)
    ]
    return (True, arrays[0]) if len(arrays) == 1 else (False, None)


def _paging(parameters: list[dict[str, Any]], body: dict[str, Any], array: dict[str, Any]) -> Listing:
    size = _named(parameters, _SIZE) or _named(parameters, (), "per_page") or _named(parameters, (), "page_size")
    size_schema = merged((size or {}).get("schema"))
    default = size_schema.get("maximum", size_schema.get("default", array.get("maxItems")))
    default_size = _integer(default)
    offset = _named(parameters, _OFFSET)
    if offset is not None and size is not None:
        return Listing("offset", _ref(offset), _ref(size), default_size, 0)
    page = _named(parameters, ("page", "page_number"), "page") or _named(parameters, (), "page_number")
    if page is not None and (default_size is not None or size is not None):
        schema = merged(page.get("schema"))
        first = _integer(schema.get("minimum", schema.get("default", 1)))
        return Listing("page", _ref(page), _ref(size), default_size, 1 if first is None else first)
    cursor = _named(parameters, _CURSOR)
    if cursor is not None and any(_normalized(name) in _NEXT for name in body.get("properties") or {}):
        return Listing("cursor", _ref(cursor), _ref(size), default_size, 0)
    return Listing(default_size=default_size if size is not None else None, size=_ref(size))


def _compatible(sent: dict[str, Any], held: dict[str, Any]) -> bool:
    if sent.get("type") != held.get("type") or sent.get("format") != held.get("format"):
        return False
    if "enum" in sent and "enum" in held:
        return bool(set(map(str, sent["enum"])) & set(map(str, held["enum"])))
    return True


def _filters(parameters: list[dict[str, Any]], properties: dict[str, Any], skip: set[str]) -> list[_Filter]:
    found = []
    for parameter in parameters:
        name = str(parameter.get("name", ""))
        if parameter.get("in") != "query" or name in skip:
            continue
        schema = merged(parameter.get("schema"))
        if schema.get("type") == "array":
            items = merged(schema.get("items"))
            for singular in (name.removesuffix("es"), name.removesuffix("s")):
                held = merged(properties.get(singular))
                if singular != name and held and items.get("type") in _SCALARS and _compatible(items, held):
                    found.append(_Filter(name, singular, "member", held.get("format")))
                    break
            continue
        if schema.get("type") not in _SCALARS:
            continue
        held = merged(properties.get(name))
        if held and _compatible(schema, held):
            found.append(_Filter(name, name, "equal", held.get("format")))
            continue
        plural = merged(properties.get(f"{name}s"))
        if plural.get("type") == "array" and _compatible(schema, merged(plural.get("items"))):
            found.append(_Filter(name, f"{name}s", "contains", schema.get("format")))
    return found


def parameters_of(spec: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    """An operation's parameters, its path's included, $refs inlined (the operation's win)."""
    item = spec["paths"][path]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in [*(item.get("parameters") or []), *(item[method].get("parameters") or [])]:
        resolved = resolve_refs(spec, parameter)
        if isinstance(resolved, dict) and "name" in resolved:
            found[(str(resolved["name"]), str(resolved.get("in")))] = resolved
    return list(found.values())


def listing_of(
    parameters: list[dict[str, Any]], schema: Mapping[str, Any] | None, ids: tuple[str, ...] = ()
) -> Listing | None:
    """The paging and filters of a list whose (resolved) parameters and 200 schema are given
    (``ids``: the item properties that may identify an item); None unless the schema is a list."""
    is_list, key = items_key_of(schema)
    if not is_list:
        return None
    body = merged(schema)
    array = body if key is None else merged((body.get("properties") or {})[key])
    properties = dict(merged(array.get("items")).get("properties") or {})
    paging = _paging(parameters, body, array)
    pointers = {ref[0] for ref in (paging.position, paging.size) if ref}
    filters = tuple(_filters(parameters, properties, pointers))
    known = tuple(name for name in ids if name in properties)
    return Listing(
        paging.style,
        paging.position,
        paging.size,
        paging.default_size,
        paging.first,
        filters,
        frozenset(pointers),
        known,
    )


_KINDS = {
    "next_cursor": _NEXT,
    "next_page": ("next_page",),
    "prev_page": ("prev_page", "previous_page"),
    "total_pages": ("total_pages", "totalpages", "page_count", "pages"),
    "total_items": ("count", "total", "total_count", "totalcount", "total_items", "total_results", "total_entries"),
    "page_size": ("per_page", "page_size", "perpage", "pagesize", "limit"),
    "page": ("page", "current_page", "page_number", "currentpage"),
    "has_more": ("has_more", "hasmore", "more"),
}


def _count_kind(name: str) -> str | None:
    """What a response field named ``name`` reports about a page, by the names APIs give it."""
    name = _normalized(name)
    return next((kind for kind, names in _KINDS.items() if name in names), None)


def report(envelope: dict[str, Any], schema: Mapping[str, Any], paged: Paged) -> None:
    """Fill in the paging metadata ``schema`` documents, at the top level or in an object of
    paging metadata."""
    pages = math.ceil(paged.total / paged.size) if paged.size else (1 if paged.total else 0)
    values: dict[str, Any] = {
        "total_items": paged.total,
        "total_pages": pages,
        "page": paged.page if paged.page is not None else 1,
        "page_size": paged.size if paged.size is not None else len(paged.items),
        "next_page": paged.next_page,
        "prev_page": paged.page - 1 if paged.page and paged.page > 1 else None,
        "next_cursor": paged.next_cursor,
        "has_more": paged.more or paged.next_page is not None or paged.next_cursor is not None,
    }
    for name, documented in (merged(schema).get("properties") or {}).items():
        sub = merged(documented)
        kind = _count_kind(name)
        value = "" if kind == "next_cursor" and values[kind] is None and sub.get("type") == "string" else None
        if kind is not None and _fits(sub, values[kind]):
            envelope[name] = values[kind]
        elif value is not None and not sub.get("nullable"):
            envelope[name] = value
        elif _reports_paging(sub) and isinstance(envelope.get(name), dict):
            report(envelope[name], sub, paged)


def _reports_paging(schema: dict[str, Any]) -> bool:
    """An object of paging metadata (``meta``, ``pagination``): two or more fields named as such."""
    fields = schema.get("properties") or {} if schema.get("type") in ("object", None) else {}
    return sum(_count_kind(name) is not None for name in fields) >= 2


def _fits(schema: dict[str, Any], value: Any) -> bool:
    if value is None:
        return bool(schema.get("nullable")) or "null" in (schema.get("type") or [])
    wanted = {"integer": int, "boolean": bool, "string": str}.get(str(schema.get("type")))
    return wanted is not None and isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))
