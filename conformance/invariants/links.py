"""Read-backs: which read operation shows what a write did, from the contract's ``links``.

A link from a 2xx response of an unsafe operation to a GET with path parameters is a read-back.
Where an operation has no links at all, a documented ``Location`` header, or an ``id`` in the
response body with a GET one path parameter below the write's path, stands in for one.
Runtime expressions are evaluated here (OpenAPI 3.0 §4.7.20.4); Schemathesis evaluates them only
inside its own stateful runner, which cannot be driven one call at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from .contract import Operation, find_read

__all__ = ["LOCATION", "ReadBack", "evaluate", "read_backs"]

LOCATION = "$response.header.Location"


@dataclass(frozen=True)
class ReadBack:
    write: Operation
    status: str
    name: str  # the link's name, or "Location" / "id" for a stand-in
    read: Operation
    parameters: dict[str, Any]  # the read's parameters: runtime expressions or constants
    source: str

    @property
    def reads_response(self) -> bool:
        """The read addresses the resource the write answered with (not the one it acted on)."""
        return any(str(value).startswith(("$response.body", "$response.header")) for value in self.parameters.values())


def read_backs(operations: list[Operation]) -> list[ReadBack]:
    by_id = {op.operation_id: op for op in operations}
    found = []
    for write in operations:
        if write.safe:
            continue
        linked = False
        for status, response in write.success():
            for name, link in (response.get("links") or {}).items():
                linked = True
                read = by_id.get(str(link.get("operationId")))
                if read is not None and read.method == "GET" and read.path_params:
                    pointer = f"#{write.pointer}/responses/{status}/links/{name}"
                    found.append(ReadBack(write, status, name, read, dict(link.get("parameters") or {}), pointer))
        if not linked:
            found += _stand_ins(write, operations)
    return found


def _stand_ins(write: Operation, operations: list[Operation]) -> list[ReadBack]:
    read = find_read(operations, write.path)
    if read is None:
        return []
    for status, response in write.success():
        pointer = f"#{write.pointer}/responses/{status}"
        if "Location" in (response.get("headers") or {}):
            return [ReadBack(write, status, "Location", read, {read.path_params[-1]: LOCATION}, pointer + "/headers")]
        if "id" in write.body_schema(status).get("properties", {}):
            parameters = {read.path_params[-1]: "$response.body#/id"}
            return [ReadBack(write, status, "id", read, parameters, pointer)]
    return []


def _pointer(document: Any, pointer: str) -> Any:
    for token in [p for p in pointer.split("/") if p]:
        part = token.replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def evaluate(expression: Any, path_values: dict[str, Any], request_body: Any, response: httpx.Response) -> Any:
    """The value of a runtime expression after ``response`` (a constant stays itself)."""
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    source, _, pointer = expression.partition("#")
    if source == "$response.body":
        return _pointer(response.json(), pointer)
    if source == "$request.body":
        return _pointer(request_body, pointer)
    if source.startswith("$request.path."):
        return path_values[source.removeprefix("$request.path.")]
    if source.startswith("$response.header."):
        return response.headers[source.removeprefix("$response.header.")]
    raise ValueError(f"unsupported runtime expression {expression}")
