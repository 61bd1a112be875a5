"""A loaded contract as its author wrote it, for comparing: the loader's repairs that only *invent*
a name or a placeholder are taken back, so that they cannot show up as changes.

The loader names an operation without ``operationId`` (``get_things``) and gives an operation
without responses a ``default`` one; both are notes for the mock's sake. In a diff they would
read as an operationId changed (when the new side names it) or a ``default`` response removed.
Every other repair (a response without description, a path parameter made required) is what
the document means, and stays.
"""

from __future__ import annotations

from typing import Any

from invoice_contracts.oas import LoadedContract

__all__ = ["as_written"]

_PLACEHOLDER_RESPONSES = {"default": {"description": ""}}


def _node(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.split("/")[1:]:
        part = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def as_written(contract: LoadedContract) -> dict[str, Any]:
    """The contract's document with invented operationIds and placeholder responses removed."""
    document = contract.document
    for warning in contract.warnings:
        parent_pointer, _, key = warning.pointer.rpartition("/")
        parent = _node(document, parent_pointer)
        if not isinstance(parent, dict):
            continue
        if key == "operationId" and not warning.invalid:
            parent.pop("operationId", None)
        elif key == "responses" and parent.get("responses") == _PLACEHOLDER_RESPONSES:
            parent["responses"] = {}
    return document
