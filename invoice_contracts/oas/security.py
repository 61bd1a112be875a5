"""What a contract says about who calls: its secret-carrying headers and its tenant header.

Read from the document alone, so generic code never names an API's headers: a security
scheme says where its secret travels, and a header parameter marked ``x-tenant: true`` (our
documented extension, see docs/contracts.md) says which header selects the tenant.
"""

from __future__ import annotations

from typing import Any

from .document import iter_operations, resolve_refs

__all__ = ["needs_credentials", "secret_headers", "tenant_header"]


def secret_headers(document: dict[str, Any]) -> frozenset[str]:
    """Lower-cased names of the headers that carry a credential of one of the document's schemes."""
    names: set[str] = set()
    for scheme in document.get("components", {}).get("securitySchemes", {}).values():
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") == "header":
            names.add(str(scheme["name"]).lower())
        elif kind == "apiKey" and scheme.get("in") == "cookie":
            names.add("cookie")
        elif kind in ("http", "oauth2", "openIdConnect"):
            names.add("authorization")
    return frozenset(names)


def tenant_header(document: dict[str, Any]) -> str | None:
    """The name of the header parameter marked ``x-tenant: true``, if the document has one."""
    candidates = [
        *document.get("components", {}).get("parameters", {}).values(),
        *(parameter for entry in iter_operations(document) for parameter in entry.parameters),
    ]
    for candidate in candidates:
        parameter = resolve_refs(document, candidate)
        if parameter.get("in") == "header" and parameter.get("x-tenant") is True:
            return str(parameter["name"])
    return None


def needs_credentials(document: dict[str, Any]) -> bool:
    """Whether some operation can only be called with a credential: its security (its own, else
    the document's) lists requirements and none of them is the empty one (``{}``: anonymous)."""
    default = document.get("security") or []
    for entry in iter_operations(document):
        requirements = entry.operation.get("security", default) or []
        if requirements and all(requirement for requirement in requirements):
            return True
    return False
