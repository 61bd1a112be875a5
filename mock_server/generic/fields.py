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

from ..fakes import SchemaFaker
from .lifecycle import Resource, properties_of

__all__ = ["completed", "ordered", "project", "settable", "unwrapped", "writable"]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _type_of(schema: Mapping[str, Any]) -> str | None:
    """The JSON type a schema declares, directly or through its ``allOf`` parts or its properties."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    for part in schema.get("allOf") or ():
        if isinstance(part, Mapping) and _type_of(part) is not None:
            return _type_of(part)
    return "object" if "properties" in schema else None


def _agrees(value: Any, record: Mapping[str, Any], request: Mapping[str, Any] | None) -> bool:
    """Whether ``value`` (documented by ``request``, if at all) fits the record's ``record`` schema:
    the same type, the same ``format`` where the record's has one, and the shape it gives."""
    wanted = _type_of(record)
    if wanted is None:
        return _fits(value, record, 0)
    sent = _type_of(request) if request else None
    if request and (sent != wanted and not (sent == "integer" and wanted == "number")):
        return False
    if request and record.get("format") and request.get("format") != record.get("format"):
        return False
    return _fits(value, record, 0)


def _fits(value: Any, schema: Mapping[str, Any], depth: int) -> bool:
    """Whether ``value`` has the shape ``schema`` gives: its type, its enum, and, for objects
    and arrays, required properties present and every documented part fitting (to a depth;
    a ``$ref`` left in place by a recursive schema is taken on trust)."""
    if depth > 8 or "$ref" in schema:
        return True
    if value is None:
        return bool(schema.get("nullable")) or (_type_of(schema) is None and "enum" not in schema)
    if "enum" in schema and value not in schema["enum"]:
        return False
    kind = _type_of(schema)
    allowed = _JSON_TYPES.get(kind or "")
    if allowed is not None and (
        not isinstance(value, allowed) or (isinstance(value, bool) and kind in ("integer", "number"))
    ):
        return False
    if isinstance(value, list):
        items = schema.get("items")
        return not isinstance(items, Mapping) or all(_fits(item, items, depth + 1) for item in value)
    if isinstance(value, dict) and kind == "object":
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


def completed(resource: Resource, record: dict[str, Any], fake: SchemaFaker) -> dict[str, Any]:
    """Required (declared or not) and read-only properties the client did not send, generated: from the schema's
    example or default like any generated value, except identifiers, which are generated afresh
    so that two records never share one."""
    properties, required = properties_of(resource.record)
    for name, declared in properties.items():
        if name not in record and (name in required or declared.get("readOnly")):
            schema = (
                {k: v for k, v in declared.items() if k not in ("example", "default")}
                if _identifier(name, declared)
                else declared
            )
            record[name] = fake.generate(schema, name, 1)
    extra = resource.record.get("additionalProperties")
    for name in sorted(required - set(properties) - set(record)):
        # Required but not declared: a value of additionalProperties, else a string.
        record[name] = fake.generate(extra if isinstance(extra, dict) else {"type": "string"}, name, 1)
    return ordered(resource, record)
