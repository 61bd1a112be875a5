"""Which fields of a request a stored record takes, and how a record is shown in a response.

A record takes the request's fields that its schema declares, that are not read-only nor its
id, and whose type the record's schema agrees with: a field the request documents as one type
and the response as another (a number in, an object out) is not copied, nor is a value of the
wrong JSON type, so a record never breaks the schema it is answered with. Bodies wrapped in a
one-key envelope (``{"customer": {...}}``, Rails style) are unwrapped on the way in and wrapped
again on the way out when the resource says so (``Resource.envelope``). Identifiers the client
did not send are generated afresh for each record, never taken from the schema's example.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from invoice_contracts.oas import has_json_type

from ..fakes import SchemaFaker
from .lifecycle import Resource, properties_of

__all__ = ["completed", "listed_fields", "ordered", "project", "settable", "shown", "unwrapped", "writable"]


def _types_of(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The JSON types a schema allows (``type`` as a name or a 3.1 array, ``nullable`` adding
    ``null``), narrowed by its ``allOf`` parts; ``object`` for bare properties; an untyped
    ``anyOf``/``oneOf``'s branches' types; ``None``: any."""
    kind = schema.get("type")
    found: frozenset[str] | None = None
    if isinstance(kind, str):
        found = frozenset({kind})
    elif isinstance(kind, list):
        found = frozenset(str(k) for k in kind)
    for part in schema.get("allOf") or ():
        more = _types_of(part) if isinstance(part, Mapping) else None
        if more is not None:
            found = more if found is None else _narrowed(found, more)
    if found is None and "properties" in schema:
        found = frozenset({"object"})
    for key in ("anyOf", "oneOf"):
        branches = [_types_of(b) if isinstance(b, Mapping) else None for b in schema.get(key) or ()]
        if found is None and branches and all(b is not None for b in branches):
            found = frozenset().union(*(b for b in branches if b is not None))
    if found is not None and schema.get("nullable"):
        found |= {"null"}
    return found


def _narrowed(types: frozenset[str], more: frozenset[str]) -> frozenset[str]:
    both = types & more
    return both | {"integer"} if "integer" in types | more and "number" in types | more else both


def _allowed(sent: str, wanted: frozenset[str]) -> bool:
    return sent in wanted or (sent == "integer" and "number" in wanted)


def _agrees(value: Any, record: Mapping[str, Any], request: Mapping[str, Any] | None) -> bool:
    """Whether ``value`` (documented by ``request``, if at all) fits the record's ``record`` schema:
    a typed request whose every (non-null) type the record allows too, the same ``format``
    where the record's has one, and the shape it gives."""
    wanted = _types_of(record)
    sent = _types_of(request) if request else None
    if request and wanted is not None and (sent is None or not all(_allowed(t, wanted) for t in sent - {"null"})):
        return False
    if request and wanted is not None and record.get("format") and request.get("format") != record.get("format"):
        return False
    return _fits(value, record, 0)


def _fits(value: Any, schema: Mapping[str, Any], depth: int) -> bool:
    """Whether ``value`` has the shape ``schema`` gives: its types, its enum, each ``allOf``
    part, one ``anyOf``/``oneOf`` branch, and, for objects and arrays, required properties
    present and every documented part fitting (to a depth; a ``$ref`` left in place by a
    recursive schema is taken on trust)."""
    if depth > 8 or "$ref" in schema:
        return True
    kinds = _types_of(schema)
    if value is None and (schema.get("nullable") or (kinds is not None and "null" in kinds)):
        return True
    if "enum" in schema and value not in schema["enum"]:
        return False
    if kinds is not None and not any(has_json_type(value, kind) for kind in kinds):
        return False
    if not all(_fits(value, part, depth + 1) for part in schema.get("allOf") or () if isinstance(part, Mapping)):
        return False
    for key in ("anyOf", "oneOf"):
        branches = [b for b in schema.get(key) or () if isinstance(b, Mapping)]
        if branches and not any(_fits(value, branch, depth + 1) for branch in branches):
            return False
    if isinstance(value, list):
        items = schema.get("items")
        return not isinstance(items, Mapping) or all(_fits(item, items, depth + 1) for item in value)
    if isinstance(value, dict) and kinds is not None and "object" in kinds:
        properties, required = properties_of(schema)
        return required <= value.keys() and all(
            _fits(item, properties[name], depth + 1) for name, item in value.items() if name in properties
        )
    return True


def project(resource: Resource, record: Mapping[str, Any], schema: Mapping[str, Any] | None) -> Any:
    """The record as an operation's response schema shows it (its properties only), in the
    resource's envelope when the schema has it."""
    if schema is None:
        return None
    properties, required = properties_of(schema)
    envelope = resource.envelope
    if envelope is not None and envelope in properties and envelope not in properties_of(resource.record)[0]:
        return {envelope: project(resource, record, properties[envelope])}
    return {k: v for k, v in record.items() if k in properties or k in required} if properties else dict(record)


def shown(resource: Resource, schema: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The record's schema as a response of ``schema`` shows it: inside the resource's envelope
    when :func:`project` wraps it in one."""
    if schema is None:
        return None
    properties = properties_of(schema)[0]
    envelope = resource.envelope
    if envelope is not None and envelope in properties and envelope not in properties_of(resource.record)[0]:
        inner = properties[envelope]
        return inner if isinstance(inner, Mapping) else None
    return schema


def unwrapped(resource: Resource, body: Any) -> dict[str, Any]:
    """The request's fields, out of a one-key envelope (``{"thing": {...}}``) if it has one."""
    if not isinstance(body, dict):
        return {}
    if len(body) == 1:
        ((name, inner),) = body.items()
        if isinstance(inner, dict) and name not in properties_of(resource.record)[0]:
            return inner
    return body


def _request_properties(resource: Resource, request: Mapping[str, Any] | None) -> dict[str, Any]:
    properties = properties_of(request or {})[0]
    record = properties_of(resource.record)[0]
    if len(properties) == 1:
        ((name, inner),) = properties.items()
        if name not in record and isinstance(inner, Mapping):
            return properties_of(inner)[0]
    return properties


def writable(resource: Resource, body: Any, request: Mapping[str, Any] | None) -> dict[str, Any]:
    """The body's fields a client may set: record properties, not read-only, not the id, of a
    type the record agrees with (``request`` is the operation's request schema, if any)."""
    properties = properties_of(resource.record)[0]
    sent = _request_properties(resource, request)
    return {
        k: v
        for k, v in unwrapped(resource, body).items()
        if k in properties
        and k != resource.id_field
        and not properties[k].get("readOnly")
        and _agrees(v, properties[k], sent.get(k))
    }


def listed_fields(resource: Resource, item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an item a list documents that its record keeps: record properties (the id
    and read-only ones included: the server made them) whose value fits the record's schema."""
    properties = properties_of(resource.record)[0]
    return {k: v for k, v in item.items() if k in properties and _fits(v, properties[k], 0)}


def settable(resource: Resource, request: Mapping[str, Any] | None) -> set[str]:
    """The record properties a request body of this schema can set."""
    return set(_request_properties(resource, request))


def ordered(resource: Resource, record: Mapping[str, Any]) -> dict[str, Any]:
    properties = properties_of(resource.record)[0]
    return {
        **{k: record[k] for k in properties if k in record},
        **{k: v for k, v in record.items() if k not in properties},
    }


def _identifier(name: str, schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "uuid" or name == "id" or name.endswith(("_id", "Id", "_uuid"))


def _fresh(name: str, schema: Mapping[str, Any], fake: SchemaFaker) -> Any:
    """A generated value; an identifier's without the schema's example or default, so that two
    records never share one."""
    if _identifier(name, schema):
        schema = {k: v for k, v in schema.items() if k not in ("example", "default")}
    return fake.generate(schema, name, 1)


def completed(
    resource: Resource, record: dict[str, Any], fake: SchemaFaker, view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Required (declared or not) and read-only properties the client did not send, generated
    (from the schema's example or default like any generated value, identifiers afresh). Where
    ``view``, the record as the create response shows it (:func:`shown`), narrows a property (an ``allOf``
    laying ``type: 'null'`` over it), a value that does not fit it is made from it, or left out
    when it is neither required nor read-only."""
    properties, required = properties_of(resource.record)
    views = properties_of(view)[0] if view is not None else {}
    for name, declared in properties.items():
        needed = name in required or bool(declared.get("readOnly"))
        narrowed = views.get(name)
        if name not in record and needed:
            record[name] = _fresh(name, declared, fake)
        if name in record and isinstance(narrowed, Mapping) and not _fits(record[name], narrowed, 0):
            if needed:
                record[name] = _fresh(name, narrowed, fake)
            else:
                del record[name]
    extra = resource.record.get("additionalProperties")
    for name in sorted(required - set(properties) - set(record)):
        # Required but not declared: a value of additionalProperties, else a string.
        record[name] = fake.generate(extra if isinstance(extra, dict) else {"type": "string"}, name, 1)
    return ordered(resource, record)
