"""Stored records kept as encoded bytes, with a bounded cache of their decoded form.

A Solvimon invoice is 4.5 KB of JSON but 23 KB as Python dicts, lists and strings, so a store
of 100,000 of them took 2.2 GB. Records are immutable once stored (a change replaces them), so
the store can keep each one as bytes and hand out a shared decoded copy:

- a record written by a transaction is kept as its compact JSON and its dict is cached *hot*;
- when it leaves the cache (least recently used first) its slot is compressed with zlib
  (4.5 KB of JSON become about 1.4 KB), and records loaded in bulk (an import, a saved state)
  are compressed straight away;
- reading decodes the bytes (decompressing cold ones) and caches the result, so repeated reads
  of the same record return the same object, and :meth:`RecordCache.json_of` gives the JSON of
  a cached record to the reply encoder without encoding it again.

Why by hand: no library in our tree keeps immutable JSON values compressed with a decoded
cache; ``functools.lru_cache`` cannot evict into the store's slots.
"""

from __future__ import annotations

import json
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ..serving.responses.encoding import dump_json

__all__ = ["Packed", "RecordCache", "Slots", "fresh"]

Record = dict[str, Any]
Packed = bytes  # compact UTF-8 JSON (hot, starts with "{") or zlib-compressed JSON (cold)
Slots = dict[Any, Packed]  # one collection: key -> packed record

_COMPRESSION_LEVEL = 6  # bulk loads, off the request path
# Records the cache evicts are compressed on the request path of the write that pushed them
# out: level 1 costs 21 instead of 34 µs on a 5 KB invoice and keeps it at 1.65 instead of 1.50 KB.
_EVICTION_COMPRESSION_LEVEL = 1


def _is_hot(packed: Packed) -> bool:
    return packed[:1] == b"{"


def pack_cold(record: Record) -> Packed:
    """A record as compressed JSON, for records loaded in bulk."""
    return zlib.compress(dump_json(record), _COMPRESSION_LEVEL)


def _json(packed: Packed) -> bytes:
    return packed if _is_hot(packed) else zlib.decompress(packed)


def fresh(packed: Packed) -> Record:
    """A private decoded copy of a packed record (to change, or to export)."""
    record: Record = json.loads(_json(packed))
    return record


class RecordCache:
    """Decoded records by packed value, least recently used first out.

    An entry remembers the slot its packed value came from; on eviction a hot slot that still
    holds that value is compressed. Entries are keyed by ``id`` of the packed bytes and hold a
    reference to them, so an id cannot be reused while its entry lives.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[Packed, Record, bytes, Slots, Any]] = OrderedDict()
        self._by_record: dict[int, bytes] = {}
        # Any write bumps the generation; the last collection read whole is kept as a list
        # while nothing was written (lists read whole collections on every request).
        self._generation = 0
        self._listed: tuple[Slots, int, list[Record]] | None = None
        # Sorted lists of this generation, by (collection, order, reverse): a list request sorts
        # the whole collection, which was 40 % of its time with 2,000 records.
        self._sorted: dict[tuple[int, Hashable, bool], tuple[Slots, list[Record]]] = {}
        self._sorted_generation = 0

    def store(self, slots: Slots, key: Any, record: Record, encoded: bytes) -> None:
        """Write ``record`` (encoded as ``encoded``) into ``slots[key]`` hot, and cache it."""
        self._forget_replaced(slots.get(key))
        slots[key] = encoded
        self._generation += 1
        self._remember(encoded, record, encoded, slots, key)

    def store_cold(self, slots: Slots, key: Any, record: Record) -> None:
        """Write ``record`` into ``slots[key]`` compressed, without caching it (bulk loads)."""
        self._forget_replaced(slots.get(key))
        slots[key] = pack_cold(record)
        self._generation += 1

    def _forget_replaced(self, packed: Packed | None) -> None:
        """Drop the entry of a value being replaced: no slot can reach it any more, and left in
        the cache it would take the place of a live record until it aged out."""
        if packed is None:
            return
        entry = self._entries.pop(id(packed), None)
        if entry is not None:
            self._by_record.pop(id(entry[1]), None)

    def load(self, slots: Slots, key: Any) -> Record | None:
        """The shared decoded record at ``slots[key]`` (never mutate it)."""
        packed = slots.get(key)
        if packed is None:
            return None
        entry = self._entries.get(id(packed))
        if entry is not None and entry[0] is packed:
            self._entries.move_to_end(id(packed))
            return entry[1]
        encoded = _json(packed)
        record: Record = json.loads(encoded)
        self._remember(packed, record, encoded, slots, key)
        return record

    def load_all(self, slots: Slots) -> list[Record]:
        """Every record of ``slots`` in order, decoded through the cache. Bulk reads do not
        refresh the recency of records already cached: a list over a collection must not cost
        an LRU update per record."""
        listed = self._listed
        if listed is not None and listed[0] is slots and listed[1] == self._generation:
            return list(listed[2])
        entries = self._entries
        loaded: list[Record] = []
        append = loaded.append
        for key, packed in slots.items():
            entry = entries.get(id(packed))
            if entry is not None and entry[0] is packed:
                append(entry[1])
            else:
                encoded = _json(packed)
                record: Record = json.loads(encoded)
                self._remember(packed, record, encoded, slots, key)
                append(record)
        self._listed = (slots, self._generation, loaded) if len(loaded) <= self.capacity else None
        return list(loaded)

    def load_sorted(self, slots: Slots, order: Hashable, key: Callable[[Record], Any], reverse: bool) -> list[Record]:
        """Every record of ``slots`` sorted by ``key`` (which ``order`` names), through the cache.
        The sorted list is kept until the next write, while the kept lists fit in the cache's size."""
        if self._sorted_generation != self._generation:
            self._sorted.clear()
            self._sorted_generation = self._generation
        tag = (id(slots), order, reverse)
        kept = self._sorted.get(tag)
        if kept is not None and kept[0] is slots:
            return list(kept[1])
        ordered = sorted(self.load_all(slots), key=key, reverse=reverse)
        # The kept lists hold at most ``capacity`` records between them, so what they keep alive
        # beyond the cache's own entries stays within the cache's bound.
        kept_records = sum(len(records) for _, records in self._sorted.values())
        if kept_records + len(ordered) <= self.capacity:
            self._sorted[tag] = (slots, ordered)
        return list(ordered)

    def json_of(self, record: Any) -> bytes | None:
        """The JSON of a record this cache handed out and still holds, else ``None``."""
        return self._by_record.get(id(record))

    def forget(self, slots: Iterable[Slots] | None = None) -> None:
        """Drop the entries of discarded ``slots`` (of every slot when ``None``)."""
        self._generation += 1
        self._listed = None
        self._sorted.clear()
        dropped = None if slots is None else {id(s) for s in slots}
        for packed_id, entry in list(self._entries.items()):
            if dropped is None or id(entry[3]) in dropped:
                del self._entries[packed_id]
                self._by_record.pop(id(entry[1]), None)

    def _remember(self, packed: Packed, record: Record, encoded: bytes, slots: Slots, key: Any) -> None:
        self._entries[id(packed)] = (packed, record, encoded, slots, key)
        self._by_record[id(record)] = encoded
        while len(self._entries) > self.capacity:
            self._evict()

    def _evict(self) -> None:
        _, (packed, record, encoded, slots, key) = self._entries.popitem(last=False)
        self._by_record.pop(id(record), None)
        if _is_hot(packed) and slots.get(key) is packed:
            slots[key] = zlib.compress(encoded, _EVICTION_COMPRESSION_LEVEL)
