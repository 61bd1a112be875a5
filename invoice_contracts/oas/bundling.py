"""Bundle a contract's external ``$ref``s into the document itself.

A contract split over files (``$ref: ./schemas/pet.yaml#/Pet``, ``$ref: common.yaml``) becomes
one document with local references only, which is what Connexion, Schemathesis's loaded schema,
and our own walkers take. Each external target is copied once under ``components/<section>/``
(``schemas``, ``parameters``, ``responses``, ``requestBodies``, ``headers``, ``examples``,
``links``, ``callbacks``) and referenced there, so a recursive schema across files stays a cycle of
local references instead of an endless copy. A path item (OpenAPI 3.0 has no component for it)
is copied in place. References inside an external file are read relative to that file.

openapi-spec-validator and Schemathesis resolve external references for validation only; none of
the chosen libraries writes a bundled document, hence this module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .document import DocumentError, escape_pointer

__all__ = ["bundle_external_refs"]

_SECTION_OF_PARENT = {
    "headers": "headers",
    "examples": "examples",
    "links": "links",
    "callbacks": "callbacks",
    "securitySchemes": "securitySchemes",
    "requestBodies": "requestBodies",
    "schemas": "schemas",
    "parameters": "parameters",
    "responses": "responses",
}


def _section(path: tuple[str | int, ...]) -> str | None:
    """The component section a ``$ref`` at ``path`` points to, or ``None`` for a path item."""
    if len(path) == 2 and path[0] == "paths":
        return None
    if path and path[-1] == "requestBody":
        return "requestBodies"
    if len(path) >= 2 and isinstance(path[-1], int) and path[-2] == "parameters":
        return "parameters"
    if len(path) >= 3 and path[-3] in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
        if path[-2] == "responses":
            return "responses"
        if path[-2] == "callbacks":
            return "callbacks"
    if len(path) >= 2 and isinstance(path[-2], str) and path[-2] in _SECTION_OF_PARENT:
        in_schema = any(part in ("properties", "schema", "items", "allOf", "anyOf", "oneOf") for part in path[:-2])
        if not in_schema or path[-2] == "schemas":
            return _SECTION_OF_PARENT[path[-2]]
    return "schemas"


def _name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "External"


def _pointer_get(document: Any, fragment: str, where: str) -> Any:
    node = document
    for raw in fragment.lstrip("/").split("/") if fragment.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise DocumentError(f"{where}: unresolvable reference #{fragment}") from exc
    return node


class _Bundler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.files: dict[str, Any] = {}
        self.placed: dict[tuple[str, str], str] = {}
        self.added: dict[str, dict[str, Any]] = {}

    def _load(self, location: str) -> Any:
        if location not in self.files:
            from .loader import read_source
            from .reading import ReadError, parse_text

            _, text = read_source(location)
            try:
                self.files[location] = parse_text(text)
            except ReadError as exc:
                raise DocumentError(f"{location}: cannot read the referenced file: {exc}") from exc
        return self.files[location]

    def _locate(self, ref: str, base: str) -> tuple[str, str]:
        target, _, fragment = ref.partition("#")
        if not target:
            return base, fragment
        if base.startswith(("http://", "https://")) or target.startswith(("http://", "https://")):
            return urljoin(base, target), fragment
        return str((Path(base).parent / target).resolve()), fragment

    def _place(self, location: str, fragment: str, section: str) -> str:
        key = (location, fragment)
        if key in self.placed:
            return self.placed[key]
        stem = fragment.rstrip("/").rsplit("/", 1)[-1] if fragment.strip("/") else Path(location).stem
        existing = self.root.get("components", {}).get(section, {})
        components = self.added.setdefault(section, {})
        name, number = _name(stem), 1
        while name in components or name in existing:
            number += 1
            name = f"{_name(stem)}_{number}"
        local = f"#/components/{section}/{escape_pointer(name)}"
        self.placed[key] = local
        components[name] = None  # claimed before the walk, so a cycle finds it
        where = f"{location}#{fragment}"
        node = _pointer_get(self._load(location), fragment, where)
        components[name] = self.walk(node, location, ("components", section, name), external=True)
        return local

    def walk(self, node: Any, base: str, path: tuple[str | int, ...], external: bool) -> Any:
        if isinstance(node, list):
            return [self.walk(item, base, (*path, index), external) for index, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (external or not ref.startswith("#")):
            location, fragment = self._locate(ref, base)
            siblings = {k: self.walk(v, base, (*path, k), external) for k, v in node.items() if k != "$ref"}
            section = _section(path)
            if section is None:  # a path item: copied in place
                target = _pointer_get(self._load(location), fragment, f"{location}#{fragment}")
                return {**self.walk(target, location, path, external=True), **siblings}
            return {"$ref": self._place(location, fragment, section), **siblings}
        return {key: self.walk(value, base, (*path, key), external) for key, value in node.items()}


def _has_external(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_has_external(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_external(item) for item in node)
    return False


def bundle_external_refs(document: dict[str, Any], base: str) -> dict[str, Any]:
    """``document`` with every external reference bundled (the same object when it has none)."""
    if not _has_external(document):
        return document
    bundler = _Bundler(document)
    bundled: dict[str, Any] = bundler.walk(document, base, (), external=False)
    for section, entries in bundler.added.items():
        bundled.setdefault("components", {}).setdefault(section, {}).update(entries)
    return bundled
