"""Which documented response answers a request, the way Prism chooses it.

OpenAPI lists responses by status key: an exact code (``"201"``), a range (``"2XX"``) or
``default``. Without a preference the mock answers the lowest exact 2xx; else the ``2XX`` range
(as 200); else ``default`` (as 200); else the first documented response (a range as its
``X00``). ``Prefer: code=N`` takes the exact key, else N's range, else ``default``, always
answered with N. Nothing here invents a status: an operation that documents only ``204``
answers 204, one that documents ``default`` alone answers 200 with ``default``'s content, and
a condition the mock would report with an undocumented status (a reused Idempotency-Key, a
missing record) takes the closest documented one or is not reported at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["chosen_key", "documented_status", "key_for_code", "status_of"]


def _range(key: str) -> bool:
    return len(key) == 3 and key[0].isdigit() and key[1:].upper() == "XX"


def chosen_key(responses: Mapping[Any, Any]) -> str | None:
    """The response key answered when the client asks for nothing in particular."""
    keys = [str(key) for key in responses]
    exact = sorted((key for key in keys if key.isdigit() and key.startswith("2")), key=int)
    if exact:
        return exact[0]
    for key in keys:
        if _range(key) and key.startswith("2"):
            return key
    for key in keys:
        if key.lower() == "default":
            return key
    return keys[0] if keys else None


def key_for_code(responses: Mapping[Any, Any], code: str) -> str | None:
    """The response key that documents status ``code`` (exact, its range, or ``default``)."""
    keys = [str(key) for key in responses]
    if code in keys:
        return code
    if not (code.isdigit() and len(code) == 3):
        return None
    for key in keys:
        if _range(key) and key[0] == code[0]:
            return key
    return next((key for key in keys if key.lower() == "default"), None)


def status_of(key: str) -> int:
    """The status a response key is answered with: its code, a range's ``X00``, ``default``'s 200."""
    if key.isdigit():
        return int(key)
    if _range(key):
        return int(key[0]) * 100
    return 200


def documented_status(statuses: Iterable[str], wanted: int, *alternatives: int) -> int | None:
    """``wanted`` if the operation documents it (exactly, by its range or by ``default``), else
    the first of ``alternatives`` it documents, else ``None``: the mock answers only statuses
    a contract documents, so the caller then behaves as if the condition did not arise."""
    responses = dict.fromkeys(statuses)
    for status in (wanted, *alternatives):
        if key_for_code(responses, str(status)) is not None:
            return status
    return None
