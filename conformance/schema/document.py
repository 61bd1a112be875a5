"""The document Schemathesis reads: the contract, with what the document says spelled the way
Schemathesis reads it.

``nullable: true`` beside an ``enum`` without ``null`` (Lago's credit note ``reason``): the
OpenAPI 3.0 text says ``nullable`` adds ``null`` to the allowed types, and the author plainly
means ``null`` is allowed; Schemathesis follows the later clarification (an enum must list
``null`` itself) and so reported a target accepting ``null`` as accepting invalid data. The
copy handed to Schemathesis lists ``null`` in such an enum, which is what the mock and every
other layer already read. OpenAPI 3.1 documents (no ``nullable``) are handed over unchanged.
"""

from __future__ import annotations

from typing import Any

__all__ = ["for_schemathesis"]


def for_schemathesis(contract: dict[str, Any]) -> dict[str, Any]:
    """``contract`` as Schemathesis is given it (a copy where something changes)."""
    if str(contract.get("openapi", "")).startswith("3.1"):
        return contract
    copied: dict[str, Any] = _nullable_enums(contract)
    return copied


def _nullable_enums(node: Any, depth: int = 0) -> Any:
    if depth > 200:
        return node
    if isinstance(node, list):
        return [_nullable_enums(item, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _nullable_enums(value, depth + 1) for key, value in node.items()}
    enum = node.get("enum")
    if node.get("nullable") is True and isinstance(enum, list) and None not in enum:
        copied["enum"] = [*enum, None]
    return copied
