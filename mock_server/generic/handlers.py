"""Handlers for a contract without a rules module: stored records where a lifecycle is clear,
the contract's examples or generated data otherwise.

Records live in the store under their collection's path (parent parameters filled in), keyed by
id; a deleted record is replaced by a tombstone (the store never removes). A listed resource's
collection is filled with its initial records (``listed.py``) on first use, marked by a tombstone
under a key no record has; an id it does not hold is answered as Prism answers (``fallback``). Generated data is
seeded per record (seed, collection, id) or per operation (seed, operationId): it does not
depend on requests elsewhere, and the same ``--seed`` gives the same bodies on every start.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from invoice_contracts.oas import resolve_refs

from ..contracts import Contract, Operation
from ..errors import ErrorKind, ErrorRenderer, MockError
from ..fakes import SchemaFaker, make_faker
from ..rules import Call, Handler, Reply, SeedContext
from ..serving.responses.media import is_json, root_name, textual
from ..serving.responses.negotiation import negotiate
from ..serving.responses.prefer import documented_reply, response_headers
from ..serving.responses.selection import documented_status
from ..state.store import Transaction
from .fields import completed, ordered, project, settable, shown, unwrapped, writable
from .lifecycle import Part, Resource, Role, properties_of
from .listed import InitialRecords
from .listing import Listing, items_key_of, report

__all__ = ["Generator", "lifecycle_handler", "stateless_handler", "under_records"]

_TOMBSTONE = "__deleted__"
_STARTED = "__listed__"


class Generator:
    """Seeded fake data and ids; reseeded from the mock's seed on every reset."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        self._faker = make_faker(0)
        # Until the first seeding (a state restored from --state-file skips it), data is still
        # valid but tied to the clock rather than to --seed.
        self._salt = 0
        self._epoch = datetime.now(UTC).replace(microsecond=0)

    def reseed(self, context: SeedContext) -> None:
        self._salt = context.faker.random.getrandbits(64)
        self._epoch = context.epoch

    def _digest(self, *parts: object) -> bytes:
        return hashlib.sha256(":".join(str(part) for part in (self._salt, *parts)).encode()).digest()

    def fake(self, *parts: object) -> SchemaFaker:
        """A faker for one record or operation. Handlers run under the store's lock, so the one
        Faker instance is never shared between two requests at a time."""
        self._faker.seed_instance(int.from_bytes(self._digest(*parts)[:8], "big"))
        return SchemaFaker(self._spec, self._faker, self._epoch, prism=True)

    def new_id(self, tx: Transaction, collection: str, resource: Resource) -> Any:
        while True:
            number = tx.next_id(collection)
            key: Any = (
                number
                if resource.integer_ids
                else str(uuid.UUID(bytes=self._digest(collection, number)[:16], version=4))
            )
            if tx.get(collection, key) is None:
                return key


def _live(record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    return None if record is None or _TOMBSTONE in record else record


def _path(template: str, params: Mapping[str, Any]) -> str:
    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def _key(resource: Resource, value: Any) -> Any:
    if not resource.integer_ids:
        return str(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _not_found(resource, value) from None


def _not_found(resource: Resource, key: Any) -> MockError:
    return MockError(404, f"No record {key} in {resource.collection_path}", kind=ErrorKind.NOT_FOUND)


class _Lifecycle:
    def __init__(
        self,
        part: Part,
        generator: Generator,
        base_path: str,
        operation: Operation,
        fallback: Handler,
        listing: Listing | None = None,
        initial: InitialRecords | None = None,
    ) -> None:
        self.part = part
        self.initial = initial
        self.listing = listing
        self.resource = part.resource
        self.generator = generator
        self.base_path = base_path
        self.statuses = operation.statuses
        self.fallback = fallback

    def __call__(self, call: Call) -> Reply:
        media_type = negotiate(dict.fromkeys(self.part.success.media_types), call.headers.get("accept"))
        try:
            reply = self._answer(call)
        except MockError as error:
            if self.resource.listed and error.kind is ErrorKind.NOT_FOUND:
                return self.fallback(call)
            return _undocumented_missing(error, self.statuses, self.fallback, call)
        if media_type is None or reply.body is None:
            return reply
        if not is_json(media_type):
            body = textual(reply.body, media_type, self.part.success.schema, root_name(self.part.success.schema))
            return Reply(reply.status, body, reply.headers, media_type)
        return Reply(reply.status, reply.body, reply.headers, media_type)

    def _answer(self, call: Call) -> Reply:
        collection = _path(self.resource.collection_path, call.params)
        if self.initial is not None and call.tx.get(collection, _STARTED) is None:
            for listed_key, listed in self.initial.records(collection):
                call.tx.put(collection, listed_key, listed)
            call.tx.put(collection, _STARTED, {_TOMBSTONE: True})
        role = self.part.role
        if role is Role.CREATE:
            return self._create(call, collection)
        if role is Role.LIST:
            return self._list(call, collection)
        key = _key(self.resource, call.params[self.resource.id_param])
        record = _live(call.tx.get(collection, key))
        if record is None:
            raise _not_found(self.resource, key)
        if role is Role.READ:
            return self._reply(record)
        if role is Role.DELETE:
            call.tx.put(collection, key, {_TOMBSTONE: True})
            return self._reply(record)
        changes = writable(self.resource, call.body, self.part.request)
        if role is Role.REPLACE:
            # What the request cannot set (the id, server-made fields) and what a record must
            # have stay; the rest is replaced by the body.
            settable_fields = settable(self.resource, self.part.request)
            required = properties_of(self.resource.record)[1]
            kept = {k: v for k, v in record.items() if k not in settable_fields or k in required}
            updated = ordered(self.resource, {**kept, **changes})
        else:
            updated = ordered(self.resource, {**record, **changes})
        call.tx.put(collection, key, updated)
        return self._reply(updated)

    def _create(self, call: Call, collection: str) -> Reply:
        resource = self.resource
        given = unwrapped(resource, call.body).get(resource.id_field)
        if given is not None:
            key = _key(resource, given)
            status = documented_status(self.statuses, 409)
            if status is not None and _live(call.tx.get(collection, key)) is not None:
                # Without a documented 409 the new record replaces the old one: a 422 or 400
                # to a schema-valid request reads as a validation error to every client (and
                # to Schemathesis' positive_data_acceptance), so only 409 says "conflict".
                message = f"{resource.id_field} {key} already exists"
                raise MockError(status, message, kind=ErrorKind.CONFLICT, field=resource.id_field)
        else:
            key = self.generator.new_id(call.tx, collection, resource)
        fields = {**writable(resource, call.body, self.part.request), resource.id_field: key}
        view = shown(resource, self.part.success.schema)
        record = completed(resource, fields, self.generator.fake(collection, key), view)
        call.tx.put(collection, key, record)
        location = call.base_url + self.base_path + _path(resource.item_path, {**call.params, resource.id_param: key})
        return Reply(self.part.success.status, self._body(record), self._headers(location=location))

    def _list(self, call: Call, collection: str) -> Reply:
        records = [self._body(r) for r in call.tx.values(collection) if _live(r) is not None]
        schema = self.part.success.schema or {}
        held = self.part.list_property
        if self.listing is not None:
            paged = self.listing.apply(records, call.params, call.headers)
            records = paged.items
        else:
            limit = (properties_of(schema)[0][held] if held else schema).get("maxItems")
            records = records[: int(limit)] if limit is not None else records
        total = paged.total if self.listing is not None else len(records)
        headers = self._headers(count=total)
        if held is None:
            return Reply(self.part.success.status, records, headers)
        envelope = self.generator.fake("list", collection).generate(schema)
        for name, sub in properties_of(schema)[0].items():
            if sub.get("type") == "integer" and name.lower() in ("count", "total", "total_count", "totalcount", "size"):
                envelope[name] = total
            elif sub.get("type") == "boolean" and name.lower() in ("has_more", "hasmore", "more"):
                envelope[name] = False
        if self.listing is not None and isinstance(envelope, dict):
            report(envelope, schema, paged)
        envelope[held] = records
        return Reply(self.part.success.status, envelope, headers)

    def _body(self, record: Mapping[str, Any]) -> Any:
        schema = self.part.success.schema
        if self.part.role is Role.LIST and schema is not None:
            held = self.part.list_property
            items = (properties_of(schema)[0][held] if held else schema).get("items") or {}
            return project(self.resource, record, items)
        return project(self.resource, record, schema)

    def _reply(self, record: Mapping[str, Any]) -> Reply:
        return Reply(self.part.success.status, self._body(record), self._headers())

    def _headers(self, *, location: str | None = None, count: int | None = None) -> dict[str, str]:
        """The documented response headers: ``Location``, a list's total, the others from their
        examples or schemas."""
        fake = self.generator.fake("headers", self.resource.collection_path, self.part.role.value)
        headers = response_headers({"headers": self.part.success.headers}, fake)
        for name in headers:
            lowered = name.lower()
            if lowered == "location" and location is not None:
                headers[name] = location
            elif count is not None and lowered.endswith(("total", "count")):
                headers[name] = str(count)
        return headers


def _undocumented_missing(error: MockError, statuses: tuple[str, ...], fallback: Handler, call: Call) -> Reply:
    """A missing record as the operation documents it: 404, else 410, else no error at all
    but the answer Prism would give (``fallback``)."""
    if error.kind is not ErrorKind.NOT_FOUND:
        raise error
    status = documented_status(statuses, 404, 410)
    if status is None:
        return fallback(call)
    if status != error.status:
        raise MockError(status, error.message, kind=ErrorKind.NOT_FOUND) from error
    raise error


def lifecycle_handler(
    part: Part,
    generator: Generator,
    base_path: str,
    operation: Operation,
    fallback: Handler,
    listing: Listing | None = None,
    initial: InitialRecords | None = None,
) -> Handler:
    """``part`` of a lifecycle kept in the store; ``fallback`` answers where a missing record
    has no documented status (and, for a listed resource, any id it does not hold); a list
    pages and filters as ``listing`` reads its contract; ``initial`` fills a listed resource."""
    return _Lifecycle(part, generator, base_path, operation, fallback, listing, initial)


def stateless_handler(
    contract: Contract,
    operation: Operation,
    generator: Generator,
    render_error: ErrorRenderer,
    listing: Listing | None = None,
) -> Handler:
    """The response Prism would choose (``serving/selection.py``), in the media type ``Accept``
    asks for, from its example or generated (the same on every call: seeded by the operation);
    a list's items filtered and paged as ``listing`` reads its contract."""
    resolved: list[dict[str, Any]] = []  # the operation with its $refs inlined, on first use

    def handler(call: Call) -> Reply:
        if not resolved:
            resolved.append(resolve_refs(contract.spec, contract.spec["paths"][operation.path][operation.method]))
        fake = generator.fake(operation.operation_id)
        reply = documented_reply(
            operation.operation_id, resolved[0], fake, render_error, accept=call.headers.get("accept"), prism=True
        )
        return reply if listing is None else _listed(reply, listing, call, resolved[0])

    return handler


def _listed(reply: Reply, listing: Listing, call: Call, node: Mapping[str, Any]) -> Reply:
    """A documented list reply with only the items ``listing`` keeps for ``call``, and its
    paging metadata to match."""
    if reply.status != 200 or (reply.media_type is not None and not is_json(reply.media_type)):
        return reply
    content = (node.get("responses") or {}).get("200", {}).get("content") or {}
    schema = next((media.get("schema") for name, media in content.items() if is_json(name)), None)
    _, key = items_key_of(schema)
    body = reply.body
    if key is None and isinstance(body, list):
        kept = listing.apply(listing.distinct(body), call.params, call.headers).items
        return Reply(reply.status, kept, reply.headers, reply.media_type)
    if key is None or not isinstance(body, dict) or not isinstance(body.get(key), list):
        return reply
    paged = listing.apply(listing.distinct(body[key]), call.params, call.headers)
    envelope = {**body, key: paged.items}
    report(envelope, schema or {}, paged)
    return Reply(reply.status, envelope, reply.headers, reply.media_type)


def under_records(parents: list[Resource], handler: Handler, operation: Operation, fallback: Handler) -> Handler:
    """``handler`` for an operation below records' item paths: 404 (as documented, see
    :func:`_undocumented_missing`) unless each record exists."""
    if not parents:
        return handler

    def checked(call: Call) -> Reply:
        try:
            for parent in parents:
                key = _key(parent, call.params[parent.id_param])
                if _live(call.tx.get(_path(parent.collection_path, call.params), key)) is None:
                    raise _not_found(parent, key)
        except MockError as error:
            return _undocumented_missing(error, operation.statuses, fallback, call)
        return handler(call)

    return checked
