"""Load an OpenAPI contract and read what the mock needs from it.

The contract is the single source of truth: the base path comes from its first server, the
required permission of an operation from ``x-permission``, and which operations take an
``Idempotency-Key`` from their declared header parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from invoice_contracts import oas
from invoice_contracts.oas import (
    HTTP_METHODS,
    DocumentError,
    LoadWarning,
    iter_operations,
    openapi31,
    resolve_refs,
    server_base_path,
    tenant_header,
)

__all__ = ["Contract", "ContractError", "Operation", "load_contract"]


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


@dataclass(frozen=True, eq=False)
class Contract:
    name: str
    path: Path | str  # a file, or the URL it was fetched from
    spec: dict[str, Any]
    base_path: str
    operations: dict[str, Operation]
    warnings: tuple[LoadWarning, ...] = ()
    version: str = "3.0"
    routing_spec: dict[str, Any] | None = None

    @property
    def connexion_spec(self) -> dict[str, Any]:
        """What Connexion is given: ``spec`` for 3.0, its 3.0 view for 3.1 (:mod:`invoice_contracts.oas.openapi31`)."""
        return self.spec if self.routing_spec is None else self.routing_spec

    @property
    def title(self) -> str:
        return str(self.spec["info"]["title"])

    @cached_property
    def tenant_header(self) -> str | None:
        """The header that selects the tenant (the parameter marked ``x-tenant: true``), if any."""
        return tenant_header(self.spec)

    def allowed_methods(self, url_path: str) -> list[str]:
        """The methods the contract documents for a request path (for ``Allow`` on a 405)."""
        for pattern, operations in self._path_patterns:
            if pattern.fullmatch(url_path):
                return [operation.method.upper() for operation in operations]
        return []

    def match(self, method: str, url_path: str) -> Operation | None:
        """The operation a request addresses, if the contract documents it."""
        for pattern, operations in self._path_patterns:
            if pattern.fullmatch(url_path):
                return next((o for o in operations if o.method == method.lower()), None)
        return None

    @cached_property
    def routing_order(self) -> list[str]:
        """The path templates, concrete before templated: segment by segment, a literal segment
        comes before a partly templated one (``fixed.{format}``), which comes before a whole
        parameter (``{id}``); the document's order otherwise. A request path is matched against
        them in this order, so ``/users/me`` wins over ``/users/{id}`` wherever each is listed."""
        return sorted(self.spec.get("paths", {}), key=_specificity)

    @cached_property
    def _path_patterns(self) -> list[tuple[re.Pattern[str], list[Operation]]]:
        """Each path's pattern, a literal segment before a template one (``/invoices/preview``
        before ``/invoices/{id}``), as Connexion routes them."""
        patterns = []
        for template in self.routing_order:
            regex = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(self.base_path + template))
            operations = [o for o in self.operations.values() if o.path == template]
            operations.sort(key=lambda o: HTTP_METHODS.index(o.method))
            patterns.append((re.compile(regex), operations))
        return patterns

    def empty_parameter(self, method: str, url_path: str) -> tuple[Operation, str] | None:
        """The operation a path with an empty segment (``/things//parts``) would address if the
        segment were filled, and the path parameter left empty; ``None`` if there is none."""
        if "//" not in url_path:
            return None
        for template in self.routing_order:
            names = re.findall(r"{([^}/]+)}", template)
            regex = re.sub(r"\\{[^/]+?\\}", "([^/]*)", re.escape(self.base_path + template))
            found = re.fullmatch(regex, url_path)
            operation = next(
                (o for o in self.operations.values() if (o.path, o.method) == (template, method.lower())), None
            )
            if found is not None and operation is not None:
                empty = [name for name, value in zip(names, found.groups(), strict=True) if not value]
                if empty:
                    return operation, empty[0]
        return None


def _specificity(template: str) -> tuple[int, ...]:
    return tuple(
        0 if "{" not in segment else 2 if re.fullmatch(r"{[^}]+}", segment) else 1 for segment in template.split("/")
    )


def _operations(spec: dict[str, Any]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for entry in iter_operations(spec):
        path, method, operation = entry.path, entry.method, entry.operation
        parameters = [resolve_refs(spec, p) for p in entry.parameters]
        operation_id = operation["operationId"]  # the loader names every operation
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


def load_contract(path: Path | str) -> Contract:
    """Read and index one contract file (or URL); raises :class:`ContractError` naming it."""
    try:
        loaded = oas.load_contract(path)
    except DocumentError as exc:
        raise ContractError(str(exc)) from exc
    spec = loaded.document
    routing_spec = None
    if loaded.version == "3.1":
        spec = openapi31.inline_path_items(spec)
        routing_spec = openapi31.routing_view(spec)
    return Contract(
        name=loaded.stem,
        path=path.resolve() if isinstance(path, Path) else path,
        spec=spec,
        base_path=server_base_path(spec),
        operations=_operations(spec),
        warnings=tuple(warning for warning in loaded.warnings if warning.invalid),
        version=loaded.version,
        routing_spec=routing_spec,
    )
