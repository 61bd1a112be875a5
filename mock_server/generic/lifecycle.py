"""Which operations of a contract make up a resource lifecycle: create → read → update → delete.

A create is a POST on a collection path ``P`` whose success response is an object with an id
property; its read is the GET the create response's OpenAPI ``links`` point to (the link's
parameter ``$response.body#/FIELD`` names the id property), or, without links, ``GET P/{x}``
whose record has the same properties as the create response (the REST convention); a record
both responses wrap in the same one-key envelope (``{"customer": {...}}``, Rails style) is
the record inside it, and a read answering a union (``anyOf: [customer, deleted_customer]``,
Stripe style) answers the branch that is the created record. A request body's fields are read
from its JSON schema, else its form one (a form's fields arrive as a JSON body's do). The item
path's PUT, PATCH and DELETE and the collection's GET (an array of records, or an object with
one) join the lifecycle.

A collection the contract lists (``GET P``) and reads (``GET P/{x}``) but never creates is a
*listed* resource: its records start as the items its list documents (``listed``), and its
item path's operations join it as above; its id property is the read's path parameter, ``id``
or ``<singular last segment>_id``, the first the list's items have (as the conformance suite
pairs a list with its read). Every other operation is answered statelessly.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from invoice_contracts.oas import id_candidates, resolve_refs

from ..contracts import Contract, Operation

__all__ = [
    "Part",
    "Resource",
    "Role",
    "Success",
    "envelope_of",
    "find_lifecycles",
    "properties_of",
    "record_of",
    "success_of",
]


class Role(enum.Enum):
    CREATE = "create"
    LIST = "list"
    READ = "read"
    REPLACE = "replace"
    MERGE = "merge"
    DELETE = "delete"


@dataclass(frozen=True, eq=False)
class Resource:
    """A collection of records kept in the store under its collection path."""

    collection_path: str
    item_path: str
    id_param: str
    id_field: str
    record: dict[str, Any]
    envelope: str | None = None  # the one key a response wraps the record in (Rails style)
    listed: bool = False  # never created: its records start as the items its list documents

    @property
    def integer_ids(self) -> bool:
        return bool(properties_of(self.record)[0][self.id_field].get("type") == "integer")


@dataclass(frozen=True)
class Success:
    """An operation's documented success response: status, headers and body schema (inlined)."""

    status: int
    headers: Mapping[str, Any]
    schema: dict[str, Any] | None
    media_types: tuple[str, ...] = ()  # as documented; the JSON one the schema is from first


@dataclass(frozen=True)
class Part:
    """One operation's role in a resource's lifecycle."""

    resource: Resource
    role: Role
    success: Success
    request: dict[str, Any] | None
    list_property: str | None = None


def properties_of(schema: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The properties and required names of an object schema, ``allOf`` parts merged."""
    properties: dict[str, Any] = dict(schema.get("properties") or {})
    required = set(schema.get("required") or ())
    for part in schema.get("allOf") or ():
        more, more_required = properties_of(part)
        properties.update(more)
        required |= more_required
    return properties, required


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json_content(holder: Mapping[str, Any], forms: bool = False) -> tuple[str, dict[str, Any]] | None:
    """The first JSON media type of ``holder`` and its schema; with ``forms`` (a request body,
    whose fields arrive as a dict from a form as from JSON) a form one where no JSON one is."""
    contents = [(str(m), c) for m, c in (holder.get("content") or {}).items() if isinstance(c, Mapping)]
    for media_type, content in contents:
        if "json" in media_type and isinstance(content.get("schema"), dict):
            return media_type, content["schema"]
    for media_type, content in contents if forms else ():
        if media_type.split(";")[0].strip().lower() in _FORMS and isinstance(content.get("schema"), dict):
            return media_type, content["schema"]
    return None


def _json_schema(spec: dict[str, Any], holder: Mapping[str, Any], forms: bool = False) -> dict[str, Any] | None:
    found = _json_content(holder, forms)
    if found is None:
        return None
    schema: dict[str, Any] = resolve_refs(spec, found[1])
    return schema


def success_of(spec: dict[str, Any], node: Mapping[str, Any]) -> Success | None:
    """The lowest documented 2xx response of an operation node (the one Prism answers)."""
    responses = node.get("responses") or {}
    key = next(iter(sorted((str(s) for s in responses if str(s).isdigit() and str(s).startswith("2")), key=int)), None)
    if key is None:
        return None
    resolved = resolve_refs(spec, next(r for s, r in responses.items() if str(s) == key))
    found = _json_content(resolved)
    others = tuple(str(m) for m in resolved.get("content") or {} if found is None or m != found[0])
    return Success(
        int(key),
        resolved.get("headers") or {},
        _json_schema(spec, resolved),
        ((found[0],) if found else ()) + others,
    )


def _node(contract: Contract, operation: Operation) -> dict[str, Any]:
    node: dict[str, Any] = contract.spec["paths"][operation.path][operation.method]
    return node


def _item_param(collection: str, item: str) -> str | None:
    """``x`` when ``item`` is ``collection/{x}``."""
    rest = item.removeprefix(collection + "/")
    if rest == item or not (rest.startswith("{") and rest.endswith("}")) or "/" in rest:
        return None
    return rest[1:-1]


def _linked_read(
    contract: Contract, links: Mapping[str, Any], collection: str, envelope: str | None
) -> tuple[Operation, str] | None:
    """The GET a create response links to, and the id property the link reads."""
    for entry in links.values():
        link = resolve_refs(contract.spec, entry)
        target = contract.operations.get(str(link.get("operationId", "")))
        if target is None or target.method != "get":
            continue
        param = _item_param(collection, target.path)
        parameters = link.get("parameters") or {}
        expression = str(parameters.get(param) or parameters.get(f"path.{param}") or "")
        field = expression.removeprefix("$response.body#/")
        if envelope is not None:
            field = field.removeprefix(f"{envelope}/")
        if param is not None and field and field != expression and "/" not in field:
            return target, field
    return None


def _conventional_read(
    contract: Contract, collection: str, created: set[str], envelope: str | None
) -> tuple[Operation, str] | None:
    for operation in contract.operations.values():
        param = _item_param(collection, operation.path)
        if operation.method != "get" or param is None:
            continue
        success = success_of(contract.spec, _node(contract, operation))
        variants = _variants(record_of(success.schema, envelope)) if success and success.schema else []
        record = next((names for names in map(_names, variants) if names == created), set())
        if record != created:
            continue
        field = param if param in record else "id"
        if field in record:
            return operation, field
    return None


def envelope_of(schema: Mapping[str, Any]) -> str | None:
    """The key of a one-property object response whose value is an object record
    (``{"customer": {...}}``), else ``None``."""
    properties = properties_of(schema)[0]
    if len(properties) != 1:
        return None
    ((name, inner),) = properties.items()
    if not isinstance(inner, Mapping) or inner.get("type", "object") != "object":
        return None
    return str(name) if properties_of(inner)[0] else None


def record_of(schema: Mapping[str, Any], envelope: str | None) -> dict[str, Any]:
    """The record schema inside ``envelope`` (the schema itself without one)."""
    if envelope is None:
        return dict(schema)
    inner = properties_of(schema)[0].get(envelope)
    return dict(inner) if isinstance(inner, Mapping) else {}


def _names(schema: Mapping[str, Any]) -> set[str]:
    return set(properties_of(schema)[0])


def _variants(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record schemas a response may hold: the schema, or each object branch of its
    ``anyOf``/``oneOf`` (a read that answers the record or its tombstone, as Stripe's do)."""
    branches = [b for key in ("anyOf", "oneOf") for b in schema.get(key) or () if isinstance(b, Mapping)]
    return [b for b in branches if properties_of(b)[0]] if branches and not properties_of(schema)[0] else [schema]


def _read_record(schema: Mapping[str, Any], envelope: str | None, created: set[str], field: str) -> dict[str, Any]:
    """The record a read answers: the variant with the created record's properties, else the
    first with the id property, else ``{}``."""
    variants = _variants(record_of(schema, envelope))
    chosen = next((v for v in variants if _names(v) == created), None)
    chosen = chosen or next((v for v in variants if field in _names(v)), None)
    return dict(chosen) if chosen is not None else {}


def _resource(contract: Contract, create: Operation) -> Resource | None:
    node = _node(contract, create)
    success = success_of(contract.spec, node)
    if success is None or success.schema is None:
        return None
    envelope = envelope_of(success.schema)
    created = set(properties_of(record_of(success.schema, envelope))[0])
    response = next(r for s, r in node["responses"].items() if str(s) == str(success.status))
    links = resolve_refs(contract.spec, response).get("links") or {}
    found = _linked_read(contract, links, create.path, envelope) or _conventional_read(
        contract, create.path, created, envelope
    )
    if found is None:
        return None
    read, field = found
    read_success = success_of(contract.spec, _node(contract, read))
    if read_success is None or read_success.schema is None or field not in created:
        return None
    record = _read_record(read_success.schema, envelope, created, field)
    if field not in properties_of(record)[0]:
        return None
    param = _item_param(create.path, read.path)
    assert param is not None  # both finders return an item-path GET
    return Resource(create.path, read.path, param, field, record, envelope)


def _holds_records(resource: Resource, schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "array" and resource.id_field in properties_of(schema.get("items") or {})[0]


def _list_shape(resource: Resource, schema: dict[str, Any] | None) -> tuple[bool, str | None]:
    """Whether a collection GET lists the records, and the property holding them (``None``: bare)."""
    if schema is None:
        return False, None
    if _holds_records(resource, schema):
        return True, None
    held = next((str(name) for name, sub in properties_of(schema)[0].items() if _holds_records(resource, sub)), None)
    return held is not None, held


_ITEM_ROLES = {"get": Role.READ, "put": Role.REPLACE, "patch": Role.MERGE, "delete": Role.DELETE}


def _parts(contract: Contract, resource: Resource, create: Operation | None) -> Iterator[tuple[str, Part]]:
    for operation in contract.operations.values():
        if operation is not create and operation.path not in (resource.item_path, resource.collection_path):
            continue  # not part of this resource (checked first: 468 operations on Stripe)
        node = _node(contract, operation)
        success = success_of(contract.spec, node)
        if success is None:
            continue
        request = _json_schema(contract.spec, resolve_refs(contract.spec, node.get("requestBody") or {}), forms=True)
        if operation is create:
            yield operation.operation_id, Part(resource, Role.CREATE, success, request)
        elif operation.path == resource.item_path and operation.method in _ITEM_ROLES:
            yield operation.operation_id, Part(resource, _ITEM_ROLES[operation.method], success, request)
        elif operation.path == resource.collection_path and operation.method == "get":
            lists, held = _list_shape(resource, success.schema)
            if lists:
                yield operation.operation_id, Part(resource, Role.LIST, success, request, held)


def _listed_resource(contract: Contract, read: Operation, lister: Operation) -> Resource | None:
    """The resource a list and the read one path parameter below it make, without a create."""
    param = _item_param(lister.path, read.path)
    read_success = success_of(contract.spec, _node(contract, read))
    list_success = success_of(contract.spec, _node(contract, lister))
    if param is None or read_success is None or read_success.schema is None or list_success is None:
        return None
    envelope = envelope_of(read_success.schema)
    for field in id_candidates(lister.path, (param,)):
        record = _read_record(read_success.schema, envelope, set(), field)
        if field not in properties_of(record)[0]:
            continue
        resource = Resource(lister.path, read.path, param, field, record, envelope, listed=True)
        if _list_shape(resource, list_success.schema)[0]:
            return resource
    return None


def find_lifecycles(contract: Contract) -> dict[str, Part]:
    """``operationId`` → its part in a lifecycle, for every operation that has one: created
    resources first, then listed ones (operations a created resource took stay its own)."""
    found: dict[str, Part] = {}
    for create in contract.operations.values():
        if create.method != "post":
            continue
        resource = _resource(contract, create)
        if resource is not None:
            found.update(_parts(contract, resource, create))
    lists = {op.path: op for op in contract.operations.values() if op.method == "get"}
    for read in lists.values():
        lister = lists.get(read.path.rsplit("/", 1)[0])
        if read.operation_id in found or lister is None or lister.operation_id in found:
            continue
        resource = _listed_resource(contract, read, lister)
        if resource is not None:
            found.update((key, part) for key, part in _parts(contract, resource, None) if key not in found)
    return found
