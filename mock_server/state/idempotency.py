"""Replay of responses for a repeated ``Idempotency-Key``, bounded in size.

An operation takes part when its contract declares an ``Idempotency-Key`` header parameter.
The first successful response for a key is kept (least recently used keys are dropped past
the cap); the same key with the same request replays it, with another request is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from ..rules import Reply

__all__ = ["IdempotencyCache"]


class IdempotencyCache:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, ...], tuple[str, Reply]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def fingerprint(method: str, path: str, body: Any) -> str:
        canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def lookup(self, key: tuple[str, ...]) -> tuple[str, Reply] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def remember(self, key: tuple[str, ...], fingerprint: str, reply: Reply) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, reply)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
