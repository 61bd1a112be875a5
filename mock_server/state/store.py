"""In-memory state, namespaced per API and tenant, changed only through transactions.

Every request that changes state runs its read-modify-write inside ``Store.transaction``:
the store's lock is held for the whole of it, writes are staged and applied only when the
block ends without an exception, so no reader ever sees a half-written change and a failed
rule leaves nothing behind. Stored objects are shared with readers and must not be mutated
in place: ``Transaction.get_for_update`` hands out a private copy, ``put`` replaces it.

Records are kept as encoded bytes with a bounded cache of decoded ones (``records.py``), so a
stored record costs its compressed JSON rather than its Python objects; ``get`` returns the
same object for as long as the record stays cached, and an equal one after.
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..process import heap
from ..serving.responses.encoding import dump_json
from .records import RecordCache, Slots, fresh

__all__ = ["Commit", "Store", "StoreFull", "Transaction"]

Record = dict[str, Any]
_Namespace = dict[str, Slots]


@dataclass(frozen=True)
class Commit:
    """What one transaction wrote: records and id counters of one API's tenant."""

    api: str
    tenant: str
    records: list[tuple[str, Any, Record]]
    counters: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "tenant": self.tenant,
            "records": [list(r) for r in self.records],
            "counters": self.counters,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commit:
        return cls(data["api"], data["tenant"], [(c, k, r) for c, k, r in data["records"]], dict(data["counters"]))


class StoreFull(Exception):
    """Raised when a write would exceed the store's record cap."""


class Transaction:
    """A staged view of one tenant's namespace."""

    def __init__(self, namespace: _Namespace, counters: dict[str, int], cache: RecordCache) -> None:
        self._namespace = namespace
        self._cache = cache
        self._counters = counters
        self._staged: dict[str, dict[Any, Record]] = {}
        self._staged_counters: dict[str, int] = {}

    def get(self, collection: str, key: Any) -> Record | None:
        """The current record, shared: read it, never mutate it."""
        staged = self._staged.get(collection)
        if staged is not None and key in staged:
            return staged[key]
        slots = self._namespace.get(collection)
        return None if slots is None else self._cache.load(slots, key)

    def get_for_update(self, collection: str, key: Any) -> Record | None:
        """A private deep copy of the record, to change and ``put`` back."""
        staged = self._staged.get(collection)
        if staged is not None and key in staged:
            return copy.deepcopy(staged[key])
        packed = self._namespace.get(collection, {}).get(key)
        return None if packed is None else fresh(packed)

    def values(self, collection: str) -> list[Record]:
        """All records of a collection in insertion order, staged writes included."""
        slots = self._namespace.get(collection, {})
        staged = self._staged.get(collection)
        if not staged:
            return self._cache.load_all(slots)
        merged = dict(zip(slots, self._cache.load_all(slots), strict=True))
        merged.update(staged)
        return list(merged.values())

    def sorted_values(
        self, collection: str, key: Callable[[Record], Any], *, reverse: bool = False, order: Hashable
    ) -> list[Record]:
        """All records of a collection sorted by ``key``, which ``order`` names (equal names must
        mean equal keys): the sorted list is reused by later calls until something is written."""
        slots = self._namespace.get(collection)
        if self._staged.get(collection) or slots is None:
            return sorted(self.values(collection), key=key, reverse=reverse)
        return self._cache.load_sorted(slots, order, key, reverse)

    def put(self, collection: str, key: Any, record: Record) -> None:
        self._staged.setdefault(collection, {})[key] = record

    def next_id(self, collection: str) -> int:
        """The next integer id of a collection (1-based, never reused)."""
        current = self._staged_counters.get(collection, self._counters.get(collection, 0))
        self._staged_counters[collection] = current + 1
        return current + 1

    def _staged_count(self) -> int:
        return sum(
            1
            for collection, records in self._staged.items()
            for key in records
            if key not in self._namespace.get(collection, {})
        )

    def _changes(self, api: str, tenant: str) -> Commit:
        records = [
            (collection, key, record) for collection, staged in self._staged.items() for key, record in staged.items()
        ]
        return Commit(api, tenant, records, dict(self._staged_counters))

    def _encode(self) -> list[tuple[str, Any, Record, bytes]]:
        """Every staged record with its JSON, made before anything is applied: a record that
        cannot be encoded fails the whole transaction, not half of it."""
        return [
            (collection, key, record, dump_json(record))
            for collection, records in self._staged.items()
            for key, record in records.items()
        ]

    def _commit(self, encoded: list[tuple[str, Any, Record, bytes]]) -> None:
        for collection, key, record, json in encoded:
            self._cache.store(self._namespace.setdefault(collection, {}), key, record, json)
        self._counters.update(self._staged_counters)


class Store:
    """State of every API and tenant, with one lock for all writes."""

    def __init__(self, max_records: int = 1_000_000, cached_records: int = 4096) -> None:
        self._lock = threading.RLock()
        self._cache = RecordCache(cached_records)
        self._data: dict[str, dict[str, _Namespace]] = {}
        self._counters: dict[str, dict[str, dict[str, int]]] = {}
        self._records = 0
        self.max_records = max_records
        # Called with every commit before it is applied; if it raises, nothing is applied.
        # Persistence uses it to make each write durable before the client hears of it.
        self.on_commit: Callable[[Commit], None] | None = None

    @contextmanager
    def transaction(self, api: str, tenant: str) -> Iterator[Transaction]:
        """Run a read-modify-write atomically; writes land only if the block succeeds."""
        with self._lock:
            namespace = self._data.setdefault(api, {}).setdefault(tenant, {})
            counters = self._counters.setdefault(api, {}).setdefault(tenant, {})
            tx = Transaction(namespace, counters, self._cache)
            yield tx
            encoded = tx._encode()
            added = tx._staged_count()
            if self._records + added > self.max_records:
                raise StoreFull(f"the store holds {self._records} records; its cap is {self.max_records}")
            if self.on_commit is not None and (tx._staged or tx._staged_counters):
                self.on_commit(tx._changes(api, tenant))
            tx._commit(encoded)
            self._records += added

    def apply(self, commit: Commit) -> None:
        """Replay a commit recorded earlier (from a journal), without calling ``on_commit``."""
        with self._lock:
            namespace = self._data.setdefault(commit.api, {}).setdefault(commit.tenant, {})
            for collection, key, record in commit.records:
                slots = namespace.setdefault(sys.intern(collection), {})
                self._records += key not in slots
                self._cache.store_cold(slots, _own(key), record)
            self._counters.setdefault(commit.api, {}).setdefault(commit.tenant, {}).update(commit.counters)

    def snapshot(self) -> list[Commit]:
        """The whole state as one commit per API and tenant (JSON keeps non-string keys this way)."""
        with self._lock:
            return [
                Commit(
                    api,
                    tenant,
                    [
                        (collection, key, fresh(packed))
                        for collection, slots in namespace.items()
                        for key, packed in slots.items()
                    ],
                    dict(self._counters.get(api, {}).get(tenant, {})),
                )
                for api, tenants in self._data.items()
                for tenant, namespace in tenants.items()
            ]

    def replace(self, commits: list[Commit]) -> None:
        """Drop everything and load ``commits`` instead (an import or a snapshot)."""
        with self._lock:
            self._data.clear()
            self._counters.clear()
            self._cache.forget()
            self._records = 0
            for commit in commits:
                self.apply(commit)
        heap.trim_soon()

    def clear(self, api: str) -> None:
        with self._lock:
            for namespace in self._data.pop(api, {}).values():
                self._records -= sum(len(slots) for slots in namespace.values())
                self._cache.forget(namespace.values())
            self._counters.pop(api, None)

    @property
    def record_count(self) -> int:
        return self._records

    def json_of(self, record: Any) -> bytes | None:
        """The stored JSON of a record a transaction handed out, while it is cached."""
        return self._cache.json_of(record)


def _own(key: Any) -> Any:
    """A string key in its own memory: a key parsed from a large import would otherwise keep
    the whole block of the parsed document it was allocated in resident after the import."""
    return "".join(key) if isinstance(key, str) and len(key) > 1 else key
