"""A response body as the bytes of its media type: JSON for ``json`` and ``+json`` types, XML
for ``xml`` and ``+xml`` ones, text for everything else.

A string example for an XML or text type is sent as it is written. A structured value for an
XML type is serialised from its schema, honouring the ``xml`` object (``name``, ``attribute``,
``wrapped``, ``prefix``, ``namespace``); the root element is named by the schema's ``xml.name``,
else the component the schema references, else ``xml`` (Prism's choice). A structured value
for a text type has no text form of its own and goes out as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

__all__ = ["is_json", "is_xml", "root_name", "textual"]

_MAX_DEPTH = 32


def is_json(media_type: str) -> bool:
    subtype = media_type.split(";", 1)[0].strip().lower().partition("/")[2]
    return subtype == "json" or subtype.endswith("+json") or subtype == "*"


def is_xml(media_type: str) -> bool:
    subtype = media_type.split(";", 1)[0].strip().lower().partition("/")[2]
    return subtype == "xml" or subtype.endswith("+xml")


def root_name(raw_schema: Mapping[str, Any] | None) -> str:
    """The root element's name for a (not yet inlined) response schema."""
    if not raw_schema:
        return "xml"
    named = (raw_schema.get("xml") or {}).get("name")
    if named:
        return str(named)
    reference = str(raw_schema.get("$ref", ""))
    if reference.startswith("#/components/schemas/"):
        return reference.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
    return "xml"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _tag(name: str, schema: Mapping[str, Any]) -> str:
    xml = schema.get("xml") or {}
    name = str(xml.get("name") or name)
    return f"{xml['prefix']}:{name}" if xml.get("prefix") else name


def _element(parent: ET.Element | None, tag: str, value: Any, schema: Mapping[str, Any], depth: int) -> ET.Element:
    element = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    namespace = (schema.get("xml") or {}).get("namespace")
    if namespace:
        prefix = (schema.get("xml") or {}).get("prefix")
        element.set(f"xmlns:{prefix}" if prefix else "xmlns", str(namespace))
    _fill(element, value, schema, depth)
    return element


def _fill(element: ET.Element, value: Any, schema: Mapping[str, Any], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties") or {}
        for name, item in value.items():
            sub = properties.get(name) or {}
            if (sub.get("xml") or {}).get("attribute"):
                element.set(_tag(str(name), sub), _scalar(item))
            elif isinstance(item, list):
                _items(element, str(name), item, sub, depth + 1)
            else:
                _element(element, _tag(str(name), sub), item, sub, depth + 1)
    elif isinstance(value, list):
        for item in value:
            items = schema.get("items") or {}
            _element(element, _tag("item", items), item, items, depth + 1)
    else:
        element.text = _scalar(value)


def _items(parent: ET.Element, name: str, values: list[Any], schema: Mapping[str, Any], depth: int) -> None:
    """An array property: repeated elements, inside a wrapper when ``xml.wrapped`` says so."""
    items: Mapping[str, Any] = schema.get("items") or {}
    holder = ET.SubElement(parent, _tag(name, schema)) if (schema.get("xml") or {}).get("wrapped") else parent
    for value in values:
        _element(holder, _tag(name, items), value, items, depth + 1)


def textual(body: Any, media_type: str, schema: Mapping[str, Any] | None, root: str = "xml") -> str:
    """``body`` (an example or generated value) as the text of a non-JSON media type."""
    if isinstance(body, str):
        return body
    if is_xml(media_type):
        element = _element(None, root, body, schema or {}, 0)
        return ET.tostring(element, encoding="unicode")
    if isinstance(body, (dict, list)):
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return _scalar(body)
