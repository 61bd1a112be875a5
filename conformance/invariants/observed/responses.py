"""Every response the run received, read through the contract: which operation answered, with
which path values, and which records of which list it shows.

The run keeps each response with the moment its request was sent (``RunOptions.seen``); the
checks that follow from every response (links, read paths, derivations, actions, time) read
them here instead of looking only where a scenario pointed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import httpx

from ...scenarios import Context
from ..contract import ListOperation, Operation
from ..session import Session

__all__ = ["Record", "Seen", "match", "observed", "records"]


@dataclass(frozen=True)
class Seen:
    """One response of the run, matched to the operation that answered it."""

    index: int
    sent: float  # time.monotonic() when its request left
    operation: Operation
    values: dict[str, str]  # the path parameters of the request
    response: httpx.Response
    auth: tuple[tuple[str, str], ...]  # the request's credential and tenant headers

    @property
    def who(self) -> str:
        """Whose request it was (records of two tenants may share ids)."""
        return "|".join(f"{name}={value}" for name, value in self.auth)

    @property
    def ok(self) -> bool:
        return self.response.is_success

    @cached_property
    def body(self) -> Any:
        try:
            return self.response.json() if self.response.content else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    @cached_property
    def request_body(self) -> Any:
        content = self.response.request.content
        try:
            return json.loads(content) if content else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class Record:
    """A record of a list as one response showed it."""

    seen: Seen
    listop: ListOperation
    key: Any  # its id
    fields: dict[str, Any]

    @property
    def identity(self) -> str:
        """The record across responses: its list, its id and whose it is."""
        return f"{self.listop.operation_id}|{self.key}|{self.seen.who}"


@lru_cache(maxsize=512)
def _compiled(base: str, path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("([^/]+)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(re.escape(base.rstrip("/")) + regex + "/?")


def _pattern(base: str, operation: Operation) -> re.Pattern[str]:
    return _compiled(base, operation.path)


def match(session: Session, context: Context, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation that answers ``method path`` (a URL path, with the base path), and its path values."""
    for operation in session.operations:
        found = _pattern(context.base_path, operation).fullmatch(path)
        if found is not None and method == operation.method:
            return operation, dict(zip(operation.path_params, found.groups(), strict=True))
    return None


def observed(session: Session, context: Context) -> list[Seen]:
    """Every response of the run so far that an operation of the contract answered, in order
    (read once: the session keeps what it read)."""
    private = context.target.secret_headers | {name.lower() for name in context.target.tenant_headers}
    every = context.options.seen
    for index in range(session.seen_upto, len(every)):
        sent, response = every[index]
        matched = match(session, context, response.request.method, response.request.url.path)
        if matched is not None:
            headers = response.request.headers
            auth = tuple((name, headers[name]) for name in sorted(private) if name in headers)
            session.seen.append(Seen(index, sent, matched[0], matched[1], response, auth))
    session.seen_upto = len(every)
    return list(session.seen)


def records(session: Session, seen: Seen) -> list[Record]:
    """The records of the contract's lists that one response shows: a list's items, the record a
    read answers, or the one a write answers with the read's schema."""
    if seen.index not in session.shown:
        session.shown[seen.index] = _records(session, seen)
    return list(session.shown[seen.index])


def _records(session: Session, seen: Seen) -> list[Record]:
    if not seen.ok or seen.body is None:
        return []
    found = []
    for listop in session.lists:
        if listop.id_field is None:
            continue
        shown: list[Any] = []
        if seen.operation is listop.operation:
            try:
                shown = listop.items(seen.body)
            except (TypeError, KeyError):
                shown = []
        elif listop.read is not None and _answers_record(seen, listop.read):
            shown = [listop.read_record(seen.body)]
        for item in shown:
            if isinstance(item, dict) and item.get(listop.id_field) is not None:
                found.append(Record(seen, listop, item[listop.id_field], item))
    return found


def _answers_record(seen: Seen, read: Operation) -> bool:
    if seen.operation is read:
        return True
    status = str(seen.response.status_code)
    schema = read.body_schema("200")
    return not seen.operation.safe and schema != {} and seen.operation.body_schema(status) == schema
