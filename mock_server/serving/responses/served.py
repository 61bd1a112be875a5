"""Serve each contract as written at ``<base>/openapi.json`` and ``<base>/openapi.yaml``.

Connexion's own routes for these files dump its resolved copy of the specification (every
``$ref`` inlined: Solvimon's 46 KB contract became 1.3 MB, and generators made thousands of
anonymous models from it). Connexion keeps no route that serves the document as given, so the
dispatcher answers these two paths from here: the contract file's own document with its
``$ref``s and components intact, and only ``servers`` replaced by the mock's base path (as
Connexion does), so that Swagger UI's "Try it out" calls the mock.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import yaml
from starlette.responses import Response
from starlette.types import Scope

from ...contracts import Contract
from .encoding import dump_json

__all__ = ["served_document"]

_MEDIA_TYPES = {"/openapi.json": "application/json", "/openapi.yaml": "text/yaml"}


def _as_served(contract: Contract) -> dict[str, Any]:
    document = copy.deepcopy(contract.spec)
    document["servers"] = [{"url": contract.base_path or "/"}]
    return document


@lru_cache(maxsize=16)
def _encoded(contract: Contract, media_type: str) -> bytes:
    document = _as_served(contract)
    if media_type == "application/json":
        return dump_json(document)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")


def served_document(contract: Contract, scope: Scope) -> Response | None:
    """The response for a GET or HEAD of one of the contract's documents, else ``None``."""
    path = str(scope.get("path", ""))
    media_type = _MEDIA_TYPES.get(path.removeprefix(contract.base_path))
    if media_type is None or not path.startswith(contract.base_path) or scope.get("method") not in ("GET", "HEAD"):
        return None
    return Response(_encoded(contract, media_type), media_type=media_type)
