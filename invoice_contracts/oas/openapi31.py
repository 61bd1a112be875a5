"""A 3.0 view of an OpenAPI 3.1 document, for a library that reads only 3.0 (Connexion routes with it).

Connexion 3.3 refuses ``openapi: 3.1.x`` and checks the document against the OpenAPI 3.0 JSON
schema, whose Schema object admits no JSON Schema 2020-12 keyword. Its own 3.1 support is an
unmerged pull request, and no maintained library writes a 3.0 document from a 3.1 one (converters
go the other way), so this module does it by hand. The view is for routing, parameter parsing
and form coercion only: every schema position the mock validates (parameter, header, media type)
carries :data:`SOURCE_KEY`, the JSON pointer of the same schema in the original document, and the
mock validates against that original with a 2020-12 validator (``mock_server/serving/requests/validation31.py``).

Rules, each one-way (3.1 → 3.0):

| 3.1 | the 3.0 view |
|---|---|
| ``openapi: 3.1.x`` | ``openapi: 3.0.3`` |
| ``webhooks``, ``jsonSchemaDialect``, ``info.summary``, ``license.identifier`` | dropped |
| ``components.pathItems`` and a path item's ``$ref`` | the path item inlined (its siblings win) |
| a ``mutualTLS`` security scheme | dropped, with the requirements naming it |
| ``type: [T, "null"]`` | ``type: T`` + ``nullable: true`` |
| ``type: [T1, T2, ...]`` | ``anyOf: [{type: T1}, {type: T2}, ...]`` (+ ``nullable`` for ``null``) |
| ``type: "null"`` | ``nullable: true``, ``enum: [null]`` |
| ``const: v`` | ``enum: [v]`` (when there is no ``enum``) |
| ``examples: [a, ...]`` | ``example: a`` (when there is no ``example``) |
| numeric ``exclusiveMinimum: n`` | ``minimum: n`` + ``exclusiveMinimum: true`` (the stricter bound wins) |
| numeric ``exclusiveMaximum: n`` | ``maximum: n`` + ``exclusiveMaximum: true`` (the stricter bound wins) |
| ``contentEncoding: base64`` / ``contentMediaType`` on a string | ``format: byte`` / ``format: binary`` |
| boolean schemas ``true`` / ``false`` | ``{}`` / ``{not: {}}`` |
| ``$defs`` | ``x-$defs``, and ``$ref``s into it follow |
| ``$ref`` with sibling keywords | kept: Connexion merges the target into its siblings |
| any other keyword 3.0 lacks (``prefixItems``, ``contains``, ``if``, ``dependent*``, ...) | dropped |
| an empty ``required`` or ``enum`` (3.0 wants one entry) | dropped |
| a parameter schema (or its items) without ``type`` | the type its branches, ``$ref`` or enum share, else string |

A dropped keyword still holds: the mock validates against the original schema. (The parameter
``type`` is there because Connexion's URI parser reads it unguarded.)
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from .document import HTTP_METHODS, escape_pointer
from .schema31 import keywords_30, schema_to_30

__all__ = ["SOURCE_KEY", "inline_path_items", "keywords_30", "routing_view", "schema_to_30"]

SOURCE_KEY = "x-oas31-source"
"""In the 3.0 view, beside a parameter, header or media-type schema: that schema's JSON pointer in the original."""

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _pointer_get(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


class _View:
    """Walks the OpenAPI objects of a 3.1 document, translating schemas and marking their source."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        self.dropped_schemes = {
            name for name, scheme in schemes.items() if isinstance(scheme, dict) and scheme.get("type") == "mutualTLS"
        }

    def marked(self, schema: Any, pointer: str) -> Any:
        translated = schema_to_30(schema)
        if isinstance(translated, dict):
            translated[SOURCE_KEY] = pointer
        return translated

    def media_types(self, content: Any, pointer: str) -> Any:
        if not isinstance(content, dict):
            return content
        out = {}
        for media_type, entry in content.items():
            where = f"{pointer}/{escape_pointer(media_type)}"
            translated = dict(entry) if isinstance(entry, dict) else entry
            if isinstance(translated, dict):
                if "schema" in translated:
                    translated["schema"] = self.marked(translated["schema"], f"{where}/schema")
                if isinstance(translated.get("encoding"), dict):
                    translated["encoding"] = {
                        name: self.holder(enc, f"{where}/encoding/{escape_pointer(name)}", headers_only=True)
                        for name, enc in translated["encoding"].items()
                    }
            out[media_type] = translated
        return out

    def holder(self, node: Any, pointer: str, headers_only: bool = False) -> Any:
        """A parameter, header, request body, response or encoding: its schemas and content."""
        if not isinstance(node, dict) or "$ref" in node:
            return node
        out = dict(node)
        if "schema" in out and not headers_only:
            out["schema"] = self.marked(out["schema"], f"{pointer}/schema")
            self.typed(out["schema"], node["schema"])
        if "content" in out and not headers_only:
            out["content"] = self.media_types(out["content"], f"{pointer}/content")
        if isinstance(out.get("headers"), dict):
            out["headers"] = {
                name: self.holder(header, f"{pointer}/headers/{escape_pointer(name)}")
                for name, header in out["headers"].items()
            }
        return out

    def typed(self, view: Any, original: Any) -> None:
        """Give a parameter schema of the view (and its array items) a ``type``: Connexion's URI
        parser reads both unguarded."""
        if not isinstance(view, dict):
            return
        if "type" not in view:
            view["type"] = self.first_type(original) or "string"
        if view["type"] == "array":
            items = view.get("items")
            if not isinstance(items, dict):
                view["items"] = items = {}
            if "type" not in items:
                source = self.resolved(original).get("items") if isinstance(original, dict) else None
                items["type"] = self.first_type(source) or "string"

    def resolved(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with a ``$ref`` followed (one level), else itself."""
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            with contextlib.suppress(KeyError, IndexError, TypeError):
                target = _pointer_get(self.document, ref)
                if isinstance(target, dict):
                    return target
        return schema

    def first_type(self, schema: Any) -> str | None:
        """The one type a schema's values have (through ``$ref``s, branches and enums), ``string``
        when they have several (Connexion then passes the text on; the 2020-12 check reads it)."""
        types = self.types_of(schema, 0)
        if len(types) > 1:
            return "string"
        return next(iter(types), None)

    def types_of(self, schema: Any, depth: int) -> set[str]:
        if depth > 10 or not isinstance(schema, dict):
            return set()
        kind = schema.get("type")
        kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
        kinds.discard("null")
        if kinds:
            return kinds
        branches = [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            with contextlib.suppress(KeyError, IndexError, TypeError):
                branches.append(_pointer_get(self.document, ref))
        for branch in branches:
            kinds |= self.types_of(branch, depth + 1)
        enum = schema.get("enum")
        values: list[Any] = enum if isinstance(enum, list) else [schema.get("const")]
        kinds |= {_JSON_TYPES.get(type(value), "string") for value in values if value is not None}
        return kinds

    def security(self, requirements: Any) -> Any:
        if not self.dropped_schemes or not isinstance(requirements, list):
            return requirements
        return [r for r in requirements if not (isinstance(r, dict) and self.dropped_schemes & r.keys())]

    def operation(self, operation: dict[str, Any], pointer: str) -> dict[str, Any]:
        out = dict(operation)
        if isinstance(out.get("parameters"), list):
            out["parameters"] = [self.holder(p, f"{pointer}/parameters/{i}") for i, p in enumerate(out["parameters"])]
        if "requestBody" in out:
            out["requestBody"] = self.holder(out["requestBody"], f"{pointer}/requestBody")
        if isinstance(out.get("responses"), dict):
            out["responses"] = {
                status: self.holder(response, f"{pointer}/responses/{escape_pointer(str(status))}")
                for status, response in out["responses"].items()
            }
        if isinstance(out.get("callbacks"), dict):
            out["callbacks"] = {
                name: self.callback(callback, f"{pointer}/callbacks/{escape_pointer(name)}")
                for name, callback in out["callbacks"].items()
            }
        if "security" in out:
            out["security"] = self.security(out["security"])
        return out

    def callback(self, callback: Any, pointer: str) -> Any:
        if not isinstance(callback, dict) or "$ref" in callback:
            return callback
        return {
            expression: self.path_item(item, f"{pointer}/{escape_pointer(expression)}")
            for expression, item in callback.items()
        }

    def path_item(self, item: Any, pointer: str) -> Any:
        if not isinstance(item, dict):
            return item
        seen: set[str] = set()
        while isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/") and item["$ref"] not in seen:
            seen.add(item["$ref"])
            pointer = item["$ref"][1:]
            siblings = {k: v for k, v in item.items() if k != "$ref"}
            item = {**_pointer_get(self.document, item["$ref"]), **siblings}
        out = dict(item)
        if isinstance(out.get("parameters"), list):
            out["parameters"] = [self.holder(p, f"{pointer}/parameters/{i}") for i, p in enumerate(out["parameters"])]
        for method in HTTP_METHODS:
            if isinstance(out.get(method), dict):
                out[method] = self.operation(out[method], f"{pointer}/{method}")
        return out

    def components(self, components: dict[str, Any]) -> dict[str, Any]:
        out = {key: value for key, value in components.items() if key != "pathItems"}
        if isinstance(out.get("schemas"), dict):
            out["schemas"] = {name: schema_to_30(schema) for name, schema in out["schemas"].items()}
        for section in ("parameters", "requestBodies", "responses", "headers"):
            if isinstance(out.get(section), dict):
                out[section] = {
                    name: self.holder(node, f"/components/{section}/{escape_pointer(name)}")
                    for name, node in out[section].items()
                }
        if isinstance(out.get("callbacks"), dict):
            out["callbacks"] = {
                name: self.callback(node, f"/components/callbacks/{escape_pointer(name)}")
                for name, node in out["callbacks"].items()
            }
        if self.dropped_schemes and isinstance(out.get("securitySchemes"), dict):
            out["securitySchemes"] = {
                name: scheme for name, scheme in out["securitySchemes"].items() if name not in self.dropped_schemes
            }
        return out

    def document_view(self) -> dict[str, Any]:
        document = self.document
        out = {key: value for key, value in document.items() if key not in ("webhooks", "jsonSchemaDialect")}
        out["openapi"] = "3.0.3"
        if isinstance(out.get("info"), dict):
            info = {key: value for key, value in out["info"].items() if key != "summary"}
            if isinstance(info.get("license"), dict):
                info["license"] = {key: value for key, value in info["license"].items() if key != "identifier"}
            out["info"] = info
        out["paths"] = {
            path: self.path_item(item, f"/paths/{escape_pointer(path)}")
            for path, item in (document.get("paths") or {}).items()
        }
        if isinstance(document.get("components"), dict):
            out["components"] = self.components(document["components"])
        if "security" in out:
            out["security"] = self.security(out["security"])
        return copy.deepcopy(out)


def routing_view(document: dict[str, Any]) -> dict[str, Any]:
    """A new OpenAPI 3.0.3 document with ``document``'s routes, for a 3.0-only library."""
    return _View(document).document_view()


def inline_path_items(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (3.1) with every path item that is a local ``$ref`` replaced by its target
    and siblings, so ``document["paths"][path][method]`` is the operation (a shallow copy; the
    same object when no path item is a reference)."""
    paths = document.get("paths") or {}
    if not any(isinstance(item, dict) and "$ref" in item for item in paths.values()):
        return document
    inlined = {}
    for path, item in paths.items():
        node, seen = item, set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = {**_pointer_get(document, node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
        inlined[path] = node
    return {**document, "paths": inlined}
