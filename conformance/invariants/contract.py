"""What the invariants read from a contract: operations, list operations and their items.

Everything here is structural: a list operation is a GET whose path parameters all have a
default (a version, say) and whose 200 response is an array or an object holding one array;
its read operation is the GET one path parameter deeper. No API name appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from invoice_contracts.oas import escape_pointer, id_candidates, iter_operations, merged, resolve_refs, schema_validator

__all__ = ["ListOperation", "Operation", "find_read", "list_operations", "normalized", "operations"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PARAM = re.compile(r"\{([^}]+)\}")


def normalized(name: str) -> str:
    """A parameter or header name compared loosely: lower case, ``-`` as ``_``."""
    return name.lower().replace("-", "_")


@dataclass(frozen=True)
class Operation:
    """One operation of the contract, with ``$ref``s inlined."""

    operation_id: str
    method: str
    path: str
    pointer: str
    spec: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]
    # Path parameters that name a record: the path up to them is itself a documented path
    # (``/plans/{code}`` for ``/plans/{code}/charges``); an example of one names a record the
    # target may not have.
    record_params: frozenset[str] = frozenset()

    @property
    def path_params(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def safe(self) -> bool:
        return self.method in SAFE_METHODS

    def parameter(self, name: str, location: str) -> dict[str, Any] | None:
        return next((p for p in self.parameters if p.get("name") == name and p.get("in") == location), None)

    def query(self) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p.get("in") == "query"]

    def parameter_pointer(self, name: str) -> str:
        index = next((i for i, p in enumerate(self.parameters) if p.get("name") == name), None)
        return f"#{self.pointer}/parameters/{index}" if index is not None else f"#{self.pointer}"

    def fixed_path_values(self) -> dict[str, str] | None:
        """Values for every path parameter that has a default, a single enum value or (unless it
        names a record) an example: a version, say. None when one names a record instead."""
        values: dict[str, str] = {}
        for name in self.path_params:
            parameter = self.parameter(name, "path") or {}
            schema = parameter.get("schema", {})
            if "default" in schema:
                values[name] = str(schema["default"])
            elif len(schema.get("enum", [])) == 1:
                values[name] = str(schema["enum"][0])
            elif (
                ("example" in parameter or "example" in schema)
                and not name.lower().endswith("id")
                and name not in self.record_params
            ):
                values[name] = str(parameter.get("example", schema.get("example")))
            else:
                return None
        return values

    def required_headers(self) -> dict[str, str] | None:
        """Values for every required header parameter (but the run's tenant header) from its
        default, single enum value or example (invoiceninja's ``X-Requested-With:
        XMLHttpRequest``); None when one has none."""
        values: dict[str, str] = {}
        for parameter in self.parameters:
            if not parameter.get("required") or parameter.get("in") != "header" or parameter.get("x-tenant"):
                continue
            schema = parameter.get("schema") or {}
            if "default" in schema:
                values[str(parameter["name"])] = str(schema["default"])
            elif len(schema.get("enum", [])) == 1:
                values[str(parameter["name"])] = str(schema["enum"][0])
            elif "example" in parameter or "example" in schema:
                values[str(parameter["name"])] = str(parameter.get("example", schema.get("example")))
            else:
                return None
        return values

    def needs_unknown_input(self) -> bool:
        """Whether a call needs a query or header value the contract gives no value for: a
        required parameter without a default (the tenant header is the run's to send)."""
        return any(
            p.get("required")
            and p.get("in") in ("query", "header")
            and not p.get("x-tenant")
            and "default" not in (p.get("schema") or {})
            for p in self.parameters
        )

    def success(self) -> list[tuple[str, dict[str, Any]]]:
        return [(status, r) for status, r in self.spec.get("responses", {}).items() if str(status).startswith("2")]

    def body_schema(self, status: str) -> dict[str, Any]:
        response = self.spec.get("responses", {}).get(status) or {}
        return merged(response.get("content", {}).get("application/json", {}).get("schema"))

    def request_example(self) -> Any:
        """The request body's example (or first named example); None without one."""
        content = (self.spec.get("requestBody") or {}).get("content", {}).get("application/json", {})
        if "example" in content:
            return content["example"]
        examples: dict[str, Any] = content.get("examples") or {}
        first: dict[str, Any] = next(iter(examples.values()), {})
        return first.get("value")

    def request_schema(self) -> dict[str, Any]:
        content = (self.spec.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return merged(content.get("schema"))

    def url_path(self, values: dict[str, Any]) -> str:
        return _PARAM.sub(lambda m: str(values[m.group(1)]), self.path)


def _record_params(path: str, paths: set[str]) -> frozenset[str]:
    """The path parameters of ``path`` that end a prefix of it which is itself a documented path."""
    return frozenset(
        match.group(1) for match in _PARAM.finditer(path) if path[: match.end()] in paths and match.end() < len(path)
    )


def operations(document: dict[str, Any]) -> list[Operation]:
    resolved = resolve_refs(document)
    paths = set(resolved.get("paths") or {})
    found = []
    for entry in iter_operations(resolved):
        operation_id = entry.operation.get("operationId") or f"{entry.method.upper()} {entry.path}"
        found.append(
            Operation(
                operation_id,
                entry.method.upper(),
                entry.path,
                f"/paths/{escape_pointer(entry.path)}/{entry.method}",
                entry.operation,
                tuple(entry.parameters),
                _record_params(entry.path, paths),
            )
        )
    return found


def items_location(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]] | None:
    """Where a list response keeps its items: the root (``None``) or one array property."""
    if schema.get("type") == "array" or "items" in schema:
        return None, merged(schema.get("items"))
    arrays = [
        (name, merged(prop).get("items"))
        for name, prop in schema.get("properties", {}).items()
        if merged(prop).get("type") == "array"
    ]
    if len(arrays) == 1:
        return arrays[0][0], merged(arrays[0][1])
    return None


def find_read(all_operations: list[Operation], path: str) -> Operation | None:
    """The GET one path parameter below ``path`` (``/things`` → ``/things/{id}``)."""
    pattern = re.compile(re.escape(path) + r"/\{[^}]+\}$")
    return next((op for op in all_operations if op.method == "GET" and pattern.match(op.path)), None)


@dataclass(frozen=True)
class ListOperation:
    """A GET that lists items, with what the contract says about them."""

    operation: Operation
    fixed: dict[str, str]
    items_key: str | None
    item_schema: dict[str, Any]
    read: Operation | None

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id

    @property
    def item_properties(self) -> dict[str, dict[str, Any]]:
        return {name: merged(prop) for name, prop in self.item_schema.get("properties", {}).items()}

    @cached_property
    def id_field(self) -> str | None:
        """The item property that identifies an item: the read operation's path parameter,
        ``id``, or ``<singular last path segment>_id``; None when there is none."""
        properties = self.item_properties
        reads = (self.read.path_params[-1],) if self.read is not None else ()
        return next((name for name in id_candidates(self.operation.path, reads) if name in properties), None)

    def items(self, body: Any) -> list[Any]:
        found = body if self.items_key is None else body[self.items_key]
        if not isinstance(found, list):
            raise TypeError(f"{self.operation_id}: the items are not an array")
        return found

    def read_record(self, body: Any) -> Any:
        """The record in a read response: the body, or the envelope property that holds it."""
        if self.read is None or not isinstance(body, dict) or self.id_field in body:
            return body
        schema = self.read.body_schema("200")
        for key, prop in schema.get("properties", {}).items():
            if self.id_field in merged(prop).get("properties", {}):
                return body.get(key)
        return body

    def readable(self, item_id: Any) -> bool:
        """Whether ``item_id`` is a value the read's path parameter accepts: a document may list
        ids its own read's schema refuses (a ``code`` of ``acme_corp`` read as a uuid), and such
        a read tests the document, not the target."""
        if self.read is None:
            return False
        parameter = self.read.parameter(self.read.path_params[-1], "path") or {}
        schema = merged(parameter.get("schema"))
        value = item_id if schema.get("type") != "string" else str(item_id)
        return bool(schema_validator(schema, "3.0").is_valid(value))

    def read_path(self, item_id: Any) -> str:
        assert self.read is not None
        return self.read.url_path({**self.fixed, self.read.path_params[-1]: item_id})

    @property
    def read_headers(self) -> dict[str, str]:
        """The header parameters the read requires (``list_operations`` keeps no read without)."""
        return (self.read.required_headers() if self.read is not None else None) or {}


def list_operations(all_operations: list[Operation]) -> list[ListOperation]:
    found = []
    for op in all_operations:
        if op.method != "GET" or "200" not in op.spec.get("responses", {}):
            continue
        fixed = op.fixed_path_values()
        location = items_location(op.body_schema("200"))
        if fixed is None or location is None or op.needs_unknown_input():
            continue
        read = find_read(all_operations, op.path)
        if read is not None and read.required_headers() is None:
            read = None  # a read the run cannot send as the document requires
        found.append(ListOperation(op, fixed, location[0], location[1], read))
    return found
