"""Request bodies and responses: required flags, media types, status codes, headers, links, and the
schemas under them (requests compared as requests, responses and headers as responses)."""

from __future__ import annotations

import json
from typing import Any

from invoice_contracts.oas import escape_pointer

from .changes import Changes
from .schemas.compare import SchemaDiff
from .schemas.constraints import REQUEST, RESPONSE

__all__ = ["compare_request_body", "compare_responses"]


def _schemas(
    changes: Changes, direction: str, operation: str, old: dict[str, Any], new: dict[str, Any], where: str, prefix: str
) -> None:
    """Media types removed/added, then the schema of every media type on both sides."""
    old_content, new_content = old.get("content") or {}, new.get("content") or {}

    def report(rule: str, pointer: str, message: str) -> None:
        changes.add(rule, pointer, message, operation)

    for media in old_content:
        if media not in new_content:
            changes.add(
                f"{direction}-media-type-removed", f"{where}/content", f"{prefix}{media} no longer offered", operation
            )
    for media, content in new_content.items():
        pointer = f"{where}/content/{escape_pointer(media)}"
        if media not in old_content:
            changes.add(f"{direction}-media-type-added", pointer, f"{prefix}{media} added", operation)
            continue
        # no schema means any value: a schema appearing narrows, one disappearing widens
        before, after = old_content[media].get("schema", {}), content.get("schema", {})
        loose = not _json(media)
        SchemaDiff(direction, report, changes, loose).compare(before, after, f"{pointer}/schema")


def _json(media: str) -> bool:
    """JSON media types, where ``1`` and ``"1"`` differ (in XML or text every value is a string)."""
    essence = media.split(";", 1)[0].strip().lower()
    return essence in ("application/json", "*/*") or essence.endswith("+json")


def compare_request_body(
    changes: Changes, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str
) -> None:
    old_body, new_body = old.get("requestBody"), new.get("requestBody")
    where = f"{pointer}/requestBody"
    if old_body is None and new_body is None:
        return
    if old_body is None or new_body is None:
        if new_body is None:
            changes.add("request-body-removed", pointer, "the request body was removed", operation)
        elif new_body.get("required"):
            changes.add("request-body-required-added", where, "a request body is now required", operation)
        else:
            changes.add("request-body-added", where, "an optional request body was added", operation)
        return
    if bool(new_body.get("required")) != bool(old_body.get("required")):
        rule = "request-body-became-required" if new_body.get("required") else "request-body-became-optional"
        changes.add(
            rule, where, f"the request body is now {'required' if new_body.get('required') else 'optional'}", operation
        )
    _schemas(changes, REQUEST, operation, old_body, new_body, where, "request body ")


def compare_responses(changes: Changes, old: dict[str, Any], new: dict[str, Any], pointer: str, operation: str) -> None:
    old_responses, new_responses = old.get("responses", {}), new.get("responses", {})
    for status, response in old_responses.items():
        where = f"{pointer}/responses/{escape_pointer(str(status))}"
        if status not in new_responses:
            rule = "success-status-removed" if str(status).startswith("2") else "error-status-removed"
            changes.add(rule, where, f"status {status} no longer documented", operation)
            continue
        new_response = new_responses[status]
        _headers(changes, response, new_response, where, operation)
        _links(changes, response, new_response, where, operation)
        _schemas(changes, RESPONSE, operation, response, new_response, where, f"{status} ")
    for status in new_responses:
        if status not in old_responses:
            where = f"{pointer}/responses/{escape_pointer(str(status))}"
            changes.add("response-status-added", where, f"status {status} added", operation)


def _headers(changes: Changes, old: dict[str, Any], new: dict[str, Any], where: str, operation: str) -> None:
    old_headers, new_headers = old.get("headers") or {}, new.get("headers") or {}

    def report(rule: str, pointer: str, message: str) -> None:
        changes.add(rule, pointer, message, operation)

    for header, definition in old_headers.items():
        pointer = f"{where}/headers/{escape_pointer(header)}"
        if header not in new_headers:
            changes.add("response-header-removed", pointer, f"header {header} removed", operation)
            continue
        after = new_headers[header]
        if definition.get("required") and not after.get("required"):
            changes.add(
                "response-header-became-optional", pointer, f"header {header} is no longer always sent", operation
            )
        elif after.get("required") and not definition.get("required"):
            changes.add("response-constraint-tightened", pointer, f"header {header} is now always sent", operation)
        SchemaDiff(RESPONSE, report, changes).compare(
            definition.get("schema"), after.get("schema"), f"{pointer}/schema"
        )
    for header in new_headers:
        if header not in old_headers:
            changes.add(
                "response-header-added",
                f"{where}/headers/{escape_pointer(header)}",
                f"header {header} added",
                operation,
            )


def _links(changes: Changes, old: dict[str, Any], new: dict[str, Any], where: str, operation: str) -> None:
    old_links, new_links = old.get("links") or {}, new.get("links") or {}
    for name, link in old_links.items():
        pointer = f"{where}/links/{escape_pointer(name)}"
        if name not in new_links:
            changes.add("link-removed", pointer, f"link {name} removed", operation)
        elif _link_meaning(link) != _link_meaning(new_links[name]):
            changes.add("link-changed", pointer, f"link {name} now leads elsewhere or passes other values", operation)
    for name in new_links:
        if name not in old_links:
            changes.add("link-added", f"{where}/links/{escape_pointer(name)}", f"link {name} added", operation)


def _link_meaning(link: dict[str, Any]) -> str:
    keys = ("operationId", "operationRef", "parameters", "requestBody", "server")
    return json.dumps({k: link.get(k) for k in keys}, sort_keys=True, default=str)
