"""Local ``$ref``s followed where the diff reads them, instead of inlining the whole document first.

Inlining copies a shared component once per use; on a large API whose schemas refer to each other
(Stripe's expandable objects) the copy grows exponentially and a diff never ends. Here the
structure of a document (path items, operations, parameters, request bodies, responses, headers,
links, security schemes) is dereferenced once by :func:`structure_view`, and schemas are followed
lazily by a :class:`Resolver`, so every use of a component is the very same object and
:class:`.schema.SchemaDiff` compares each pair of objects once.
"""

from __future__ import annotations

import json
from typing import Any

from invoice_contracts.oas import HTTP_METHODS, DocumentError

__all__ = ["Resolver", "structure_view"]

_HOPS = 20


class Resolver:
    """Follows a node's local ``$ref`` chain; siblings of a ``$ref`` apply on top of its target."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._merged: dict[int, tuple[Any, Any]] = {}  # id(node) -> (node, its merged view): same object each time

    def _target(self, ref: str) -> Any:
        node: Any = self.document
        for token in ref[2:].split("/") if ref != "#" else []:
            part = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise DocumentError(f"unresolvable reference {ref}")
        return node

    def __call__(self, node: Any) -> Any:
        for _ in range(_HOPS):
            if not isinstance(node, dict):
                return node
            ref = node.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#"):
                return node
            if len(node) == 1:
                node = self._target(ref)
                continue
            if id(node) not in self._merged:
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                target = self(self._target(ref))
                merged = {**target, **siblings} if isinstance(target, dict) else target
                self._merged[id(node)] = (node, merged)
            return self._merged[id(node)][1]
        return node

    def canonical(self, node: Any, depth: int = 6, skip: frozenset[str] = frozenset()) -> str:
        """A node's JSON with ``$ref``s followed to ``depth`` (deeper ones stay references) and
        the keys in ``skip`` and ``x-`` extensions left out: equal text, equal meaning."""

        def walk(value: Any, left: int) -> Any:
            if isinstance(value, dict):
                if left > 0:
                    value = self(value)
                if not isinstance(value, dict):
                    return walk(value, left)
                return {k: walk(v, left - 1) for k, v in value.items() if k not in skip and not k.startswith("x-")}
            if isinstance(value, list):
                return [walk(item, left) for item in value]
            return value

        return json.dumps(walk(node, depth), sort_keys=True, default=str)


def _content(node: Any, deref: Resolver) -> Any:
    """A request body, response or header with its own parts dereferenced (schemas stay as written)."""
    node = deref(node)
    if not isinstance(node, dict):
        return node
    view = dict(node)
    for key in ("headers", "links"):
        if isinstance(node.get(key), dict):
            view[key] = {name: _content(value, deref) for name, value in node[key].items()}
    return view


def _operation(operation: dict[str, Any], deref: Resolver) -> dict[str, Any]:
    view = dict(operation)
    if isinstance(operation.get("parameters"), list):
        view["parameters"] = [deref(p) for p in operation["parameters"]]
    if "requestBody" in operation:
        view["requestBody"] = _content(operation["requestBody"], deref)
    if isinstance(operation.get("responses"), dict):
        view["responses"] = {status: _content(r, deref) for status, r in operation["responses"].items()}
    return view


def structure_view(document: dict[str, Any], deref: Resolver) -> dict[str, Any]:
    """A shallow copy of ``document`` whose structure is dereferenced; schema objects are the
    document's own (a ``$ref`` in a schema stays, for :class:`Resolver` to follow)."""
    view = dict(document)
    for section in ("paths", "webhooks"):
        items: dict[str, Any] = {}
        for path, raw in (document.get(section) or {}).items():
            item = deref(raw)
            if not isinstance(item, dict):
                continue
            items[path] = dict(item)
            if isinstance(item.get("parameters"), list):
                items[path]["parameters"] = [deref(p) for p in item["parameters"]]
            for method in HTTP_METHODS:
                operation = deref(item.get(method))
                if isinstance(operation, dict):
                    items[path][method] = _operation(operation, deref)
        if section in document:
            view[section] = items
    components = document.get("components")
    if isinstance(components, dict) and isinstance(components.get("securitySchemes"), dict):
        schemes = {name: deref(s) for name, s in components["securitySchemes"].items()}
        view["components"] = {**components, "securitySchemes": schemes}
    return view
