"""A schema read as one object: its ``allOf`` parts merged, its OpenAPI 3.1 value keywords read
the 3.0 way. The mock (lists, filters) and the conformance invariants read schemas through it,
so both derive the same meaning from the same document."""

from __future__ import annotations

from typing import Any

from .schema31 import keywords_30

__all__ = ["merged"]


def merged(schema: Any) -> dict[str, Any]:
    """A schema with its ``allOf`` parts merged into one (later parts override earlier ones), its
    OpenAPI 3.1 value keywords read the 3.0 way (``type: [T, "null"]`` as ``T`` + ``nullable``)."""
    if not isinstance(schema, dict):
        return {}
    plain = keywords_30(schema)
    if "allOf" not in plain:
        return plain
    schema = plain
    result: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in [*schema["allOf"], {k: v for k, v in schema.items() if k in ("properties", "required")}]:
        flat = merged(part)
        for key, value in flat.items():
            if key == "properties":
                for name, prop in value.items():
                    properties[name] = merged({"allOf": [properties[name], prop]}) if name in properties else prop
            elif key == "required":
                required += [name for name in value if name not in required]
            else:
                result.setdefault(key, value)
    if properties:
        result["properties"] = properties
    if required:
        result["required"] = required
    return result
