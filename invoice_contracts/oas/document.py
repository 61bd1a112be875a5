"""Walk an OpenAPI document: list its operations, read its base path (``$ref``s: :mod:`.refs`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .refs import resolve_refs  # re-exported: inlining lives in refs.py

__all__ = [
    "HTTP_METHODS",
    "DocumentError",
    "OperationEntry",
    "escape_pointer",
    "id_candidates",
    "iter_operations",
    "load_document",
    "resolve_refs",
    "server_base_path",
]


class DocumentError(Exception):
    """A document that cannot be interpreted; the message is one line naming the file."""


def load_document(path: Path | str) -> dict[str, Any]:
    """The normalised document of :func:`invoice_contracts.oas.load_contract`, without its warnings."""
    from .loader import load_contract

    return load_contract(path).document


def server_base_path(document: dict[str, Any]) -> str:
    """The path part of the first server URL (variables at their defaults), without a trailing slash."""
    servers = document.get("servers") or [{"url": "/"}]
    url = str(servers[0]["url"])
    for name, variable in (servers[0].get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return urlparse(url).path.rstrip("/")


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationEntry:
    """One operation of a document, with the path-level parameters it inherits merged in."""

    path: str
    method: str
    operation: dict[str, Any]
    parameters: list[Any]

    @property
    def pointer(self) -> str:
        return f"/paths/{escape_pointer(self.path)}/{self.method}"


def escape_pointer(part: str) -> str:
    """One JSON-pointer reference token (RFC 6901)."""
    return part.replace("~", "~0").replace("/", "~1")


def iter_operations(document: dict[str, Any]) -> Iterator[OperationEntry]:
    """Every operation in document order. An operation's own parameter overrides a path-level
    one with the same name and location; ``$ref`` parameters are kept as they are."""
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            own = operation.get("parameters", [])
            overridden = {(p.get("name"), p.get("in")) for p in own if "$ref" not in p}
            inherited = [p for p in shared if "$ref" in p or (p.get("name"), p.get("in")) not in overridden]
            yield OperationEntry(path, method, operation, [*inherited, *own])


def id_candidates(list_path: str, read_params: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The item properties that may identify the items a list at ``list_path`` holds, in order:
    the path parameters of the reads below it, ``id``, ``<singular last segment>_id``. The mock
    and the conformance suite pair a list with its read by the same names."""
    last = list_path.rstrip("/").rsplit("/", 1)[-1]
    return tuple(dict.fromkeys((*read_params, "id", f"{last.removesuffix('s')}_id")))
