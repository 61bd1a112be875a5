"""A bounded cache of values derived from objects that are never changed, keyed by identity.

Stored records are never mutated (a change replaces them, ``store.py``), so what is derived
from one (its JSON, the view a list shows of it) stays right for as long as the object lives.
Entries hold a reference to their object, so its ``id`` cannot be reused while the entry lives;
the least recently used entry leaves first. Used by the reply encoder and by rules modules.

Why by hand: ``functools.lru_cache`` keys by equality (hashing whole records), and
``weakref`` cannot refer to dicts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["IdentityCache"]

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """Values by (the identity of an object, a variant), at most ``capacity`` of them."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[int, Hashable], tuple[Any, V]] = OrderedDict()

    def get(self, source: Any, variant: Hashable = None) -> V | None:
        """The value remembered for ``source`` (this very object) and ``variant``, else ``None``."""
        key = (id(source), variant)
        entry = self._entries.get(key)
        if entry is None or entry[0] is not source:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, source: Any, value: V, variant: Hashable = None) -> None:
        self._entries[(id(source), variant)] = (source, value)
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
