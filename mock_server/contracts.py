"""Load an OpenAPI contract and read what the mock needs from it.

The contract is the single source of truth: the base path comes from its first server, the
required permission of an operation from ``x-permission``, and which operations take an
``Idempotency-Key`` from their declared header parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from oas import DocumentError, load_document, resolve_refs

__all__ = ["Contract", "ContractError", "Operation", "load_contract"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class ContractError(Exception):
    """A contract file that cannot be used."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    permission: str | None
    statuses: tuple[str, ...]
    header_parameters: tuple[str, ...]
    argument_names: frozenset[str]

    @property
    def idempotent_by_key(self) -> bool:
        return "idempotency-key" in self.header_parameters


@dataclass(frozen=True)
class Contract:
    name: str
    path: Path
    spec: dict[str, Any]
    base_path: str
    operations: dict[str, Operation]

    @property
    def title(self) -> str:
        return str(self.spec["info"]["title"])


def _base_path(spec: dict[str, Any]) -> str:
    servers = spec.get("servers") or [{"url": "/"}]
    url = str(servers[0]["url"])
    for name, variable in (servers[0].get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return urlparse(url).path.rstrip("/")


def _operations(spec: dict[str, Any]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in spec.get("paths", {}).items():
        shared = [resolve_refs(spec, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            parameters = shared + [resolve_refs(spec, p) for p in operation.get("parameters", [])]
            operation_id = operation.get("operationId")
            if not operation_id:
                raise ContractError(f"{method.upper()} {path} has no operationId")
            operations[operation_id] = Operation(
                operation_id=operation_id,
                method=method,
                path=path,
                permission=operation.get("x-permission"),
                statuses=tuple(str(code) for code in operation.get("responses", {})),
                header_parameters=tuple(str(p["name"]).lower() for p in parameters if p.get("in") == "header"),
                argument_names=frozenset(str(p["name"]) for p in parameters if p.get("in") in ("path", "query")),
            )
    return operations


def load_contract(path: Path) -> Contract:
    """Read and index one contract file; raises :class:`ContractError` with the file's name."""
    try:
        spec = load_document(path)
    except DocumentError as exc:
        raise ContractError(str(exc)) from exc
    return Contract(
        name=path.stem,
        path=path.resolve(),
        spec=spec,
        base_path=_base_path(spec),
        operations=_operations(spec),
    )
