"""The records a listed resource starts with: the items its list documents.

A collection the contract lists and reads but never creates (``lifecycle.Resource.listed``) is
still one set of records: what the list shows, a read of one of its ids must show too. Its
records are the items its list operation documents — the example Prism would answer with, else
generated data, the same for every ``--seed`` — each completed to the record its read answers
(fields of another shape than the read's left out, required ones generated). A collection is
filled on its first use in each tenant, so a path below a parent (``/plans/{code}/charges``)
starts full for whatever parent it names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from invoice_contracts.oas import resolve_refs

from ..contracts import Contract, Operation
from ..errors import ErrorRenderer, MockError
from ..serving.responses.prefer import documented_reply
from .fields import completed, listed_fields
from .lifecycle import Resource
from .listing import items_key_of

if TYPE_CHECKING:
    from .handlers import Generator

__all__ = ["InitialRecords"]


class InitialRecords:
    """The items ``lister`` documents, as records of ``resource``."""

    def __init__(
        self,
        contract: Contract,
        lister: Operation,
        resource: Resource,
        generator: Generator,
        render_error: ErrorRenderer,
    ) -> None:
        self._contract = contract
        self._lister = lister
        self._resource = resource
        self._generator = generator
        self._render_error = render_error

    def records(self, collection: str) -> Iterator[tuple[Any, dict[str, Any]]]:
        """(key, record) for each distinct item the list documents for ``collection``."""
        node = resolve_refs(self._contract.spec, self._contract.spec["paths"][self._lister.path][self._lister.method])
        fake = self._generator.fake("listed", collection)
        try:
            reply = documented_reply(
                self._lister.operation_id, node, fake, self._render_error, accept="application/json", prism=True
            )
        except MockError:
            return
        body = reply.body
        if reply.status != 200:
            return
        content = (node.get("responses") or {}).get("200", {}).get("content") or {}
        schema = next((media.get("schema") for name, media in content.items() if "json" in name), None)
        key_name = items_key_of(schema)[1]
        items = body if key_name is None else body.get(key_name) if isinstance(body, Mapping) else None
        seen: set[Any] = set()
        resource = self._resource
        for item in items if isinstance(items, list) else ():
            key = item.get(resource.id_field) if isinstance(item, Mapping) else None
            if not _fits_key(key, resource) or key in seen:
                continue
            seen.add(key)
            record = completed(resource, listed_fields(resource, item), self._generator.fake(collection, key))
            yield key, record


def _fits_key(key: Any, resource: Resource) -> bool:
    if resource.integer_ids:
        return isinstance(key, int) and not isinstance(key, bool)
    return isinstance(key, str) and key != ""
