"""JSON encoding of replies, with the bytes of recently sent objects remembered.

Profiling the mock under load (py-spy, ``GET /v1/invoices?limit=50``) put a third of the time in
``json.dumps``. Stored records are never mutated (a change replaces them, see ``store.py``), so
the bytes of a record sent once can be sent again; a list reply is spliced from the bytes of
its items, remembered by the identity of each object (``identity.py``, bounded). Records read from
the store come with their stored JSON (``known``), so a reply that is a stored record, or a
list of them, is never encoded at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ...state.identity import IdentityCache

__all__ = ["EncodingCache", "dump_json"]


def dump_json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class EncodingCache:
    def __init__(self, capacity: int = 20_000, known: Callable[[Any], bytes | None] | None = None) -> None:
        self._known = known or (lambda _: None)
        self._encoded: IdentityCache[bytes] = IdentityCache(capacity)

    def _item(self, item: Any) -> bytes:
        if not isinstance(item, dict):
            return dump_json(item)
        known = self._known(item)
        if known is not None:
            return known
        encoded = self._encoded.get(item)
        if encoded is None:
            encoded = dump_json(item)
            self._encoded.put(item, encoded)
        return encoded

    def _list(self, items: list[Any]) -> bytes:
        return b"[" + b",".join(self._item(item) for item in items) + b"]"

    def encode(self, body: Any) -> bytes:
        """``body`` as JSON: a record, a list of records, or an object whose lists hold records."""
        if isinstance(body, list):
            return self._list(body)
        known = self._known(body)
        if known is not None:
            return known
        if isinstance(body, dict) and any(
            isinstance(value, list) and value and isinstance(value[0], dict) for value in body.values()
        ):
            parts = [
                dump_json(key)
                + b":"
                + (
                    self._list(value)
                    if isinstance(value, list) and value and isinstance(value[0], dict)
                    else dump_json(value)
                )
                for key, value in body.items()
            ]
            return b"{" + b",".join(parts) + b"}"
        return self._item(body)
