"""The request journal: what each API request was and how it was answered, for verification.

An entry keeps the method, path, query, headers (secrets redacted: the header and query
names come from the contract's security schemes), request and response bodies (parsed JSON
when they are JSON; cut at ``--journal-body-bytes``), status, latency, the operation, and the
stub or fault that answered. The journal finds and counts entries with the matchers stubs use
(``matching.py``), and explains near misses: the entries that came closest to a matcher and
what differed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..controls.matching import BodyCapture, RequestMatcher, RequestView

__all__ = ["Journal", "JournalEntry"]


@dataclass(frozen=True)
class JournalEntry:
    at: str
    api: str | None
    method: str
    path: str
    status: int | None
    milliseconds: float
    fault: str | None = None
    stub: str | None = None
    operation_id: str | None = None
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    request_body: BodyCapture = field(default_factory=BodyCapture)
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: BodyCapture = field(default_factory=BodyCapture)

    def view(self) -> RequestView:
        return RequestView(
            api=self.api,
            method=self.method,
            path=self.path,
            operation_id=self.operation_id,
            query=self.query,
            headers=self.headers,
            body=self.request_body,
        )

    def to_json(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in self.__dataclass_fields__}
        for key in ("request_body", "response_body"):
            capture: BodyCapture = getattr(self, key)
            data[key] = capture.value
            data[f"{key}_truncated"] = capture.truncated
        data["operationId"] = data.pop("operation_id")
        return data


class Journal:
    """The last ``capacity`` API requests, oldest first."""

    def __init__(self, capacity: int, body_limit: int = 16_384) -> None:
        self.capacity = capacity
        self.body_limit = body_limit
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)

    def record(self, entry: JournalEntry) -> None:
        self._entries.append(entry)

    def find(self, matcher: RequestMatcher | None = None) -> list[JournalEntry]:
        entries = list(self._entries)
        return entries if matcher is None else [e for e in entries if matcher.matches(e.view())]

    def entries(self, limit: int, matcher: RequestMatcher | None = None) -> list[dict[str, Any]]:
        return [entry.to_json() for entry in self.find(matcher)[-limit:]]

    def near_misses(self, matcher: RequestMatcher, limit: int = 3) -> list[dict[str, Any]]:
        """The entries that came closest to ``matcher`` without matching, closest (then newest) first."""
        scored = []
        for position, entry in enumerate(self._entries):
            differences = matcher.differences(entry.view())
            if differences:
                scored.append((len(differences), -position, entry, differences))
        scored.sort(key=lambda item: item[:2])
        return [{"request": entry.to_json(), "differences": differences} for _, _, entry, differences in scored[:limit]]

    def clear(self) -> None:
        self._entries.clear()
