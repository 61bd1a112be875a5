"""Repair what is invalid but interpretable in a contract, naming each repair's JSON pointer.

Real contracts are often not strictly valid, and the tools that teams already use (Prism,
oasdiff, Schemathesis) take them anyway. Each repair below is what those tools assume, and each
yields a :class:`LoadWarning`; ``lint`` reports the invalid ones as errors, every other tool
prints them as one line each and goes on.

| what is missing or wrong | repaired as |
|---|---|
| ``info``, ``info.title``, ``info.version`` | the file's stem, ``0.0.0`` |
| ``paths`` (required in 3.0) | no paths |
| an operation's ``responses`` | ``default`` with an empty description |
| a response's ``description`` | an empty description |
| a key of a response's ``content`` that is no media type object (``description: ok``) | dropped |
| a parameter's ``schema`` and ``content`` | an empty schema (any value) |
| a path parameter not marked ``required: true`` | required (a path segment is always there) |
| a path template variable with no parameter | a required string path parameter |
| an ``operationId`` used twice | the second and later ones get ``_2``, ``_3`` ... |
| an operation without ``operationId`` (valid) | ``<method>_<path words>``, a note, not an error |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .document import HTTP_METHODS, escape_pointer

__all__ = ["LoadWarning", "repair"]


@dataclass(frozen=True)
class LoadWarning:
    """One repair: where, what, and whether the document was invalid there (else it is a note)."""

    pointer: str
    message: str
    invalid: bool = True

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.message}"


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """A local ``$ref`` followed (one level at a time, at most 20)."""
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = document
        for token in node["$ref"][2:].split("/"):
            part = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return None
            target = target[part]
        node = target
    return None


class _Repairs:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.warnings: list[LoadWarning] = []

    def warn(self, pointer: str, message: str, invalid: bool = True) -> None:
        self.warnings.append(LoadWarning(pointer, message, invalid))

    def info(self, title: str) -> None:
        info = self.document.get("info")
        if not isinstance(info, dict):
            self.document["info"] = {"title": title, "version": "0.0.0"}
            self.warn("/info", f"no info object; using title {title!r}, version 0.0.0")
            return
        if not isinstance(info.get("title"), str):
            info["title"] = title
            self.warn("/info/title", f"no title; using {title!r}")
        if "version" not in info:
            info["version"] = "0.0.0"
            self.warn("/info/version", "no version; using 0.0.0")
        elif not isinstance(info["version"], str):
            info["version"] = str(info["version"])
            self.warn("/info/version", "the version is not a string")

    def response(self, response: Any, pointer: str) -> None:
        if isinstance(response, dict) and "$ref" not in response and not isinstance(response.get("description"), str):
            response["description"] = ""
            self.warn(pointer, "a response without description")
        content = response.get("content") if isinstance(response, dict) else None
        if isinstance(content, dict):
            for key in [k for k, value in content.items() if not isinstance(value, dict)]:
                del content[key]
                self.warn(f"{pointer}/content/{escape_pointer(key)}", f"{key!r} is not a media type object; ignored")

    def parameter(self, parameter: Any, pointer: str) -> None:
        if not isinstance(parameter, dict) or "$ref" in parameter:
            return
        if "schema" not in parameter and "content" not in parameter:
            parameter["schema"] = {}
            self.warn(pointer, "a parameter without schema or content; any value is taken")
        if parameter.get("in") == "path" and parameter.get("required") is not True:
            parameter["required"] = True
            self.warn(pointer, "a path parameter must be required")

    def operation(
        self, path: str, method: str, operation: dict[str, Any], shared: list[Any], seen: set[str], reserved: set[str]
    ) -> None:
        pointer = f"/paths/{escape_pointer(path)}/{method}"
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root"
            operation_id = f"{method}_{words}"
            operation["operationId"] = self._unique(operation_id, seen | reserved)
            self.warn(f"{pointer}/operationId", f"no operationId; named {operation['operationId']}", invalid=False)
        elif operation_id in seen:
            operation["operationId"] = self._unique(operation_id, seen)
            self.warn(
                f"{pointer}/operationId", f"operationId {operation_id} is used twice; named {operation['operationId']}"
            )
        seen.add(operation["operationId"])
        responses = operation.get("responses")
        if not isinstance(responses, dict) or not responses:
            operation["responses"] = {"default": {"description": ""}}
            self.warn(f"{pointer}/responses", "an operation without responses")
        else:
            for status, response in responses.items():
                self.response(response, f"{pointer}/responses/{escape_pointer(status)}")
        own = operation.get("parameters")
        if own is not None and not isinstance(own, list):
            operation["parameters"] = own = []
            self.warn(f"{pointer}/parameters", "parameters is not a list")
        for index, parameter in enumerate(own or []):
            self.parameter(parameter, f"{pointer}/parameters/{index}")
        declared = {
            p.get("name")
            for p in (_resolve(self.document, raw) for raw in [*shared, *(own or [])])
            if isinstance(p, dict) and p.get("in") == "path"
        }
        for name in re.findall(r"{([^}/]+)}", path):
            if name not in declared:
                operation.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
                self.warn(f"{pointer}/parameters", f"path parameter {name} is not declared; taken as a string")

    @staticmethod
    def _unique(name: str, seen: set[str]) -> str:
        candidate, number = name, 1
        while candidate in seen:
            number += 1
            candidate = f"{name}_{number}"
        return candidate

    def paths(self) -> None:
        paths = self.document.get("paths")
        if paths is None:
            self.document["paths"] = {}
            if str(self.document.get("openapi", "")).startswith("3.0"):
                self.warn("/paths", "no paths object")
            return
        seen: set[str] = set()
        reserved = {
            operation["operationId"]
            for item in paths.values()
            if isinstance(item, dict)
            for method in HTTP_METHODS
            if isinstance(operation := item.get(method), dict) and isinstance(operation.get("operationId"), str)
        }
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            shared: list[Any] = item["parameters"] if isinstance(item.get("parameters"), list) else []
            for index, parameter in enumerate(shared):
                self.parameter(parameter, f"/paths/{escape_pointer(path)}/parameters/{index}")
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    self.operation(path, method, item[method], shared, seen, reserved)

    def components(self) -> None:
        components = self.document.get("components")
        if not isinstance(components, dict):
            return
        for name, response in (components.get("responses") or {}).items():
            self.response(response, f"/components/responses/{escape_pointer(name)}")
        for name, parameter in (components.get("parameters") or {}).items():
            self.parameter(parameter, f"/components/parameters/{escape_pointer(name)}")


def repair(document: dict[str, Any], fallback_title: str) -> list[LoadWarning]:
    """Repair ``document`` in place; the repairs made, in document order."""
    repairs = _Repairs(document)
    repairs.info(fallback_title)
    repairs.paths()
    repairs.components()
    return repairs.warnings
