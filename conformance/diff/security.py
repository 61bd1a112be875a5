"""Security rules: what each operation requires (requirements, scopes, ``x-permission``) and what
each scheme in ``components/securitySchemes`` means (type, where the key goes, HTTP scheme,
bearer format, OAuth flows, URLs and scopes). A scheme that keeps its name but changes its
definition breaks every client that uses it, so definitions are compared once per document."""

from __future__ import annotations

from typing import Any

from invoice_contracts.oas import escape_pointer

from .changes import Changes

__all__ = ["compare_requirements", "compare_schemes"]

Requirement = frozenset[tuple[str, tuple[str, ...]]]


def _requirements(document: dict[str, Any], operation: dict[str, Any]) -> set[Requirement]:
    requirements = operation.get("security", document.get("security", []))
    return {frozenset((name, tuple(sorted(scopes))) for name, scopes in r.items()) for r in requirements}


def _satisfies(have: Requirement, need: Requirement) -> bool:
    """Whether credentials meeting ``have`` also meet ``need`` (same schemes, no scope more)."""
    granted = dict(have)
    return all(name in granted and set(scopes) <= set(granted[name]) for name, scopes in need)


def _label(requirement: Requirement) -> str:
    return "+".join(f"{name}{list(scopes) if scopes else ''}" for name, scopes in sorted(requirement)) or "none"


def compare_requirements(
    changes: Changes,
    documents: tuple[dict[str, Any], dict[str, Any]],
    old: dict[str, Any],
    new: dict[str, Any],
    pointer: str,
    operation: str,
) -> None:
    before, after = _requirements(documents[0], old), _requirements(documents[1], new)
    open_before = not before or frozenset() in before
    open_after = not after or frozenset() in after
    where = f"{pointer}/security"
    if open_before and not open_after:
        changes.add("security-requirement-added", where, "credentials are now required", operation)
    elif open_after and not open_before:
        changes.add("security-relaxed", where, "credentials are no longer required", operation)
    elif not open_before:
        lost = sorted(_label(r) for r in before if not any(_satisfies(r, n) for n in after))
        if lost:
            changes.add("security-tightened", where, f"no longer enough: {', '.join(lost)}", operation)
        gained = sorted(_label(n) for n in after if not any(_satisfies(n, r) for r in before))
        if gained:
            changes.add("security-relaxed", where, f"now also enough: {', '.join(gained)}", operation)
    before_permission, after_permission = old.get("x-permission"), new.get("x-permission")
    if after_permission and after_permission != before_permission:
        message = f"x-permission {before_permission} → {after_permission}"
        changes.add("security-tightened", f"{pointer}/x-permission", message, operation)
    elif before_permission and not after_permission:
        changes.add("security-relaxed", pointer, f"x-permission {before_permission} dropped", operation)


_FIELD_RULES = (
    ("type", "security-scheme-type-changed"),
    ("in", "security-scheme-parameter-changed"),
    ("name", "security-scheme-parameter-changed"),
    ("scheme", "security-scheme-http-changed"),
    ("bearerFormat", "security-scheme-bearer-format-changed"),
    ("openIdConnectUrl", "security-scheme-url-changed"),
)
_FLOW_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")


def _used(document: dict[str, Any]) -> set[str]:
    """The schemes some security requirement names (the document's or an operation's)."""
    requirements = list(document.get("security") or [])
    for item in (document.get("paths") or {}).values():
        for operation in (item or {}).values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("security"), list):
                requirements += operation["security"]
    return {str(name) for requirement in requirements if isinstance(requirement, dict) for name in requirement}


def compare_schemes(changes: Changes, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
    old_schemes = (old_doc.get("components") or {}).get("securitySchemes") or {}
    new_schemes = (new_doc.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in old_schemes.items():
        pointer = f"/components/securitySchemes/{escape_pointer(name)}"
        if name not in new_schemes:
            if name in _used(old_doc):
                changes.add("security-scheme-removed", pointer, f"scheme {name} removed")
            else:
                changes.add(
                    "security-scheme-unused-removed", pointer, f"scheme {name}, which no requirement used, removed"
                )
            continue
        after = new_schemes[name]
        # a new type redefines every other field: report only the type
        fields = _FIELD_RULES[:1] if scheme.get("type") != after.get("type") else _FIELD_RULES
        for field, rule in fields:
            before_value, after_value = str(scheme.get(field, "")), str(after.get(field, ""))
            if field == "scheme" or (field == "name" and after.get("in") == "header"):
                before_value, after_value = before_value.lower(), after_value.lower()  # case-insensitive on the wire
            if before_value != after_value:
                message = f"scheme {name}: {field} {scheme.get(field)} → {after.get(field)}"
                changes.add(rule, f"{pointer}/{field}", message)
        if scheme.get("type") == after.get("type") == "oauth2":
            _flows(changes, name, scheme.get("flows") or {}, after.get("flows") or {}, pointer)
    for name in new_schemes:
        if name not in old_schemes:
            changes.add(
                "security-scheme-added", f"/components/securitySchemes/{escape_pointer(name)}", f"scheme {name} added"
            )


def _flows(changes: Changes, name: str, old: dict[str, Any], new: dict[str, Any], pointer: str) -> None:
    for flow, definition in old.items():
        where = f"{pointer}/flows/{escape_pointer(flow)}"
        if flow not in new:
            changes.add("security-scheme-flow-removed", where, f"scheme {name}: flow {flow} removed")
            continue
        after = new[flow]
        for url in _FLOW_URLS:
            if definition.get(url) != after.get(url):
                message = f"scheme {name}: {flow} {url} {definition.get(url)} → {after.get(url)}"
                changes.add("security-scheme-url-changed", f"{where}/{url}", message)
        old_scopes, new_scopes = definition.get("scopes") or {}, after.get("scopes") or {}
        for scope in sorted(set(old_scopes) - set(new_scopes)):
            changes.add("security-scheme-scope-removed", f"{where}/scopes", f"scheme {name}: scope {scope} removed")
        for scope in sorted(set(new_scopes) - set(old_scopes)):
            changes.add("security-scheme-scope-added", f"{where}/scopes", f"scheme {name}: scope {scope} added")
    for flow in new:
        if flow not in old:
            changes.add(
                "security-scheme-flow-added",
                f"{pointer}/flows/{escape_pointer(flow)}",
                f"scheme {name}: flow {flow} added",
            )
