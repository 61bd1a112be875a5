"""The walk over two documents: servers and security schemes once, then every operation matched by
method and path template (path parameters match by position, so ``{id}`` → ``{thingId}`` is no
change), with its own rules (removed, added, deprecated, operationId, tags, descriptions) and
those of :mod:`.parameters`, :mod:`.bodies` and :mod:`.security`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from invoice_contracts.oas import iter_operations

from ..findings import Finding
from .bodies import compare_request_body, compare_responses
from .changes import Changes
from .lifecycle import Lifecycle, allows_breaking, stability_of
from .parameters import compare_parameters
from .policy import Policy
from .schemas.refs import Resolver, structure_view
from .security import compare_requirements, compare_schemes

__all__ = ["diff_documents"]

_TEMPLATE = re.compile(r"\{[^}]+\}")
Key = tuple[str, str]


_WEBHOOK = "webhook "


def _operations(document: dict[str, Any]) -> Iterator[tuple[Key, str, str, dict[str, Any]]]:
    """Every operation of ``paths``, then of 3.1 ``webhooks`` (keyed ``webhook NAME``), as (key, path, pointer, op)."""
    for entry in iter_operations(document):
        operation = {**entry.operation, "parameters": entry.parameters}
        servers = entry.operation.get("servers") or document["paths"][entry.path].get("servers")
        if servers:
            operation["servers"] = servers
        yield (entry.method, _TEMPLATE.sub("{}", entry.path)), entry.path, entry.pointer, operation
    for entry in iter_operations({"paths": document.get("webhooks") or {}}):
        operation = {**entry.operation, "parameters": entry.parameters}
        pointer = "/webhooks" + entry.pointer.removeprefix("/paths")
        yield (entry.method, _WEBHOOK + entry.path), _WEBHOOK + entry.path, pointer, operation


def _rename_path_parameters(operation: dict[str, Any], old_path: str, new_path: str) -> dict[str, Any]:
    renames = dict(zip(_TEMPLATE.findall(old_path), _TEMPLATE.findall(new_path), strict=True))
    renamed = dict(operation)
    renamed["parameters"] = [
        {**p, "name": renames.get("{" + p["name"] + "}", "{" + p["name"] + "}")[1:-1]} if p["in"] == "path" else p
        for p in operation.get("parameters", [])
    ]
    return renamed


def _servers(changes: Changes, old: Any, new: Any, pointer: str, operation: str = "") -> None:
    before = {str(s.get("url")) for s in old or []}
    after = {str(s.get("url")) for s in new or []}
    for url in sorted(before - after):
        changes.add("server-removed", pointer, f"server {url} removed", operation)
    for url in sorted(after - before):
        changes.add("server-added", pointer, f"server {url} added", operation)


def _metadata(changes: Changes, old: dict[str, Any], new: dict[str, Any], pointer: str, name: str) -> None:
    def report(rule: str, where: str, message: str) -> None:
        changes.add(rule, where, message, name)

    changes.lifecycle.stability_change(report, old, new, pointer, name)
    changes.lifecycle.deprecation(report, old, new, pointer, name, ("operation-deprecated", "operation-reactivated"))
    before_id, after_id = old.get("operationId"), new.get("operationId")
    if before_id and before_id != after_id:
        changes.add("operation-id-changed", pointer, f"operationId {before_id} → {after_id}", name)
    elif after_id and not before_id:
        changes.add("operation-id-added", pointer, f"operationId {after_id} added", name)
    before_tags, after_tags = set(old.get("tags") or []), set(new.get("tags") or [])
    for tag in sorted(before_tags - after_tags):
        changes.add("tag-removed", f"{pointer}/tags", f"tag {tag} removed", name)
    for tag in sorted(after_tags - before_tags):
        changes.add("tag-added", f"{pointer}/tags", f"tag {tag} added", name)
    for field in ("summary", "description"):
        if old.get(field) != new.get(field):
            changes.add("description-changed", f"{pointer}/{field}", f"{field} changed", name)


def _removed(changes: Changes, operation: dict[str, Any], where: tuple[str, str], name: str, path_kept: bool) -> None:
    """An operation gone: breaking, unless its old side was unstable or announced its removal in time."""
    pointer, label = where
    level = stability_of(operation)
    if level is None:
        value = operation.get("x-stability-level")
        changes.add("stability-level-invalid", pointer, f"{name}: x-stability-level {value!r} (old side)", name)
        return
    changes.lifecycle = Lifecycle(changes.lifecycle.policy, level)
    announced = changes.lifecycle.removal(operation)
    if announced is not None:
        changes.add(announced[0], pointer, f"{label} {announced[1]}", name)
        return
    start = len(changes.findings)
    changes.add("operation-removed" if path_kept else "path-removed", pointer, f"{label} removed", name)
    if allows_breaking(level):
        changes.allow_breaking(start, f"x-stability-level {level}: breaking changes allowed")


def diff_documents(
    old: dict[str, Any], new: dict[str, Any], file: str = "", policy: Policy | None = None
) -> list[Finding]:
    """Every classified change from ``old`` to ``new``; ``file`` names the new contract in the findings."""
    policy = policy or Policy()
    changes = Changes(file, policy)
    changes.refs = (Resolver(old), Resolver(new))
    old_doc, new_doc = structure_view(old, changes.refs[0]), structure_view(new, changes.refs[1])
    _servers(changes, old_doc.get("servers"), new_doc.get("servers"), "/servers")
    compare_schemes(changes, old_doc, new_doc)
    old_ops = {key: (path, pointer, op) for key, path, pointer, op in _operations(old_doc)}
    new_ops = {key: (path, pointer, op) for key, path, pointer, op in _operations(new_doc)}
    new_paths = {_TEMPLATE.sub("{}", path) for path in new_doc.get("paths", {})}
    new_paths |= {_WEBHOOK + name for name in new_doc.get("webhooks") or {}}
    old_paths = {_WEBHOOK + name for name in old_doc.get("webhooks") or {}}
    for key, (path, pointer, operation) in old_ops.items():
        name = operation.get("operationId") or f"{key[0].upper()} {path}"
        if key not in new_ops:
            if path.startswith(_WEBHOOK) and path not in new_paths:
                changes.add("webhook-removed", pointer, f"{path} removed", name)
            else:
                _removed(changes, operation, (pointer, f"{key[0].upper()} {path}"), name, key[1] in new_paths)
            continue
        new_path, new_pointer, new_operation = new_ops[key]
        changes.lifecycle = Lifecycle(policy, stability_of(new_operation))
        start = len(changes.findings)
        before = _rename_path_parameters(operation, path, new_path)
        compare_requirements(changes, (old_doc, new_doc), before, new_operation, new_pointer, name)
        compare_parameters(changes, before, new_operation, new_pointer, name)
        compare_request_body(changes, before, new_operation, new_pointer, name)
        compare_responses(changes, before, new_operation, new_pointer, name)
        if "servers" in before or "servers" in new_operation:
            old_servers = before.get("servers", old_doc.get("servers"))
            _servers(
                changes,
                old_servers,
                new_operation.get("servers", new_doc.get("servers")),
                f"{new_pointer}/servers",
                name,
            )
        _metadata(changes, before, new_operation, new_pointer, name)
        level = stability_of(new_operation)
        if allows_breaking(level):
            changes.allow_breaking(start, f"x-stability-level {level}: breaking changes allowed")
    for key, (path, pointer, operation) in new_ops.items():
        if key not in old_ops:
            rule = "webhook-added" if path.startswith(_WEBHOOK) and path not in old_paths else "operation-added"
            changes.add(rule, pointer, f"{key[0].upper()} {path} added", operation.get("operationId", ""))
    return changes.findings
