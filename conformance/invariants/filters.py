"""Every documented filter is honoured: each item returned satisfies it, and each known item
that satisfies it is returned.

A filter is a query parameter named after an item property with a compatible schema
(``customer_id`` → ``customer_id``), an array parameter named after its plural (``statuses`` →
``status``: the item's value is one of them), or a scalar named after an array property's
singular (``tag`` → ``tags``: the item's array holds it). Values tried: both booleans, an enum's
values, values the items have, and one value no item has (which must give an empty list).

A meaning taken from a name is an inference: unless the parameter's description names the
property it filters on, the check is no stronger than ``inferred`` (a warning unless
``--strict-assumptions``), whatever the parameter's own provenance.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any

from invoice_contracts.oas import merged, schema_validator

from ..scenarios import Context, Scenario
from .contract import ListOperation
from .paging import detect_paging
from .session import Session, identity
from .values import compatible, same

__all__ = ["Filter", "absent_value", "detect_filters", "filter_invariants"]

TRIED = 3
ABSENT = "conformance-absent-value"
# Tried in order when the plain one breaks the parameter's schema (a uuid, a date, an email):
# the first the schema accepts is the absent value, so the probe stays a valid request.
_ABSENT_STRINGS = (
    ABSENT,
    "00000000-0000-4000-8000-00000000abcd",
    "1970-01-01",
    "1970-01-01T00:00:00Z",
    "absent@conformance.invalid",
    "https://conformance.invalid/absent",
    "zz",
    "0",
)


@dataclass(frozen=True)
class Filter:
    name: str
    schema: dict[str, Any]
    prop: str
    mode: str  # "equal", "member" (parameter is an array) or "contains" (property is an array)
    stated: bool = False  # the parameter's description names the property

    def holds(self, item: dict[str, Any], value: Any) -> bool:
        actual = item.get(self.prop)
        if self.mode == "member":
            return any(same(one, actual) for one in value)
        if self.mode == "contains":
            return any(same(value, one) for one in actual or [])
        return same(value, actual)


_SCALARS = ("string", "integer", "number", "boolean")


def detect_filters(listop: ListOperation) -> list[Filter]:
    properties = listop.item_properties
    paging = detect_paging(listop)
    skip = set(paging.pointer_names) if paging else set()
    found = []
    for parameter in listop.operation.query():
        name = str(parameter["name"])
        description = str(parameter.get("description") or "")
        schema = merged(parameter.get("schema"))
        if name in skip:
            continue
        if schema.get("type") == "array":
            items = merged(schema.get("items"))
            if items.get("type") not in _SCALARS:
                continue
            for singular in (name.removesuffix("es"), name.removesuffix("s")):
                if singular != name and singular in properties and compatible(items, properties[singular]):
                    found.append(Filter(name, items, singular, "member", _names(description, singular)))
                    break
            continue
        if schema.get("type") not in _SCALARS:
            continue  # an object (deepObject) or a schema without a type: no value to compare
        if name in properties and compatible(schema, properties[name]):
            found.append(Filter(name, schema, name, "equal", _names(description, name)))
            continue
        plural = properties.get(f"{name}s") or {}
        if plural.get("type") == "array" and compatible(schema, merged(plural.get("items"))):
            found.append(Filter(name, schema, f"{name}s", "contains", _names(description, f"{name}s")))
    return found


def _names(description: str, prop: str) -> bool:
    """Whether a parameter's description names the item property (``status``, `` `status` ``)."""
    return re.search(rf"(?<![\w-]){re.escape(prop)}(?![\w-])", description) is not None


def filter_invariants(session: Session) -> list[Scenario]:
    return [
        Scenario(
            f"{listop.operation_id}: filter {found.name} is honoured",
            listop.operation.parameter_pointer(found.name),
            partial(_honoured, session, listop, found, listop.operation.parameter_pointer(found.name)),
            False,
        )
        for listop in session.lists
        for found in detect_filters(listop)
    ]


def _values(found: Filter, items: list[Any]) -> list[Any]:
    if found.schema.get("type") == "boolean":
        return [True, False]
    enum = [value for value in found.schema.get("enum", []) if value is not None]
    if enum:
        return enum[:TRIED]
    seen: Counter[Any] = Counter()
    for item in items:
        values = item.get(found.prop) if found.mode == "contains" else [item.get(found.prop)]
        seen.update(value for value in values or [] if isinstance(value, (str, int, float)))
    common = [value for value, _ in seen.most_common(TRIED - 1)]
    absent = absent_value(found.schema, set(seen))
    return [*common, *([] if absent is None else [absent])]


def absent_value(schema: dict[str, Any], seen: set[Any]) -> Any:
    """A value the parameter's schema accepts that no item has (outside an enum it would be
    refused: an unused enum value); None when none is found (the probe is then left out: an
    invalid value tests validation, not the filter)."""
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None and v not in seen), None)
    candidates = _ABSENT_STRINGS if schema.get("type") == "string" else (int(schema.get("maximum", 10**9)),)
    validator = schema_validator(schema, "3.0")
    return next((value for value in candidates if value not in seen and validator.is_valid(value)), None)


def _query(found: Filter, value: Any) -> dict[str, Any]:
    sent = [value] if found.mode == "member" else value
    if isinstance(value, bool):
        sent = str(value).lower()
    return {found.name: sent}


def _honoured(session: Session, listop: ListOperation, found: Filter, source: str, context: Context) -> None:
    everything = session.full_walk(context, listop).large.items
    for value in _values(found, everything):
        wanted = [value] if found.mode == "member" else value
        query = _query(found, value)
        returned = session.filtered(context, listop, query)
        wrong = [identity(listop, item) for item in returned if not found.holds(item, wanted)]
        context.expect(
            not wrong,
            f"{found.name}={query[found.name]} returned {len(wrong)} item(s) whose {found.prop} does not match:"
            f" {', '.join(map(str, wrong[:5]))}",
            rests_on=source,
            inferred=not found.stated,
        )
        expected = {identity(listop, item) for item in everything if found.holds(item, wanted)}
        missing = expected - {identity(listop, item) for item in returned}
        context.expect(
            not missing,
            f"{found.name}={query[found.name]} left out {len(missing)} matching item(s) the unfiltered list has:"
            f" {', '.join(map(str, sorted(missing, key=str)[:5]))}",
            rests_on=source,
            inferred=not found.stated,
        )
