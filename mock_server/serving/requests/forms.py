"""Form fields that nest: bracketed keys decoded into the objects and arrays they encode.

``application/x-www-form-urlencoded`` and ``multipart/form-data`` bodies are flat lists of
name/value pairs. OpenAPI's ``encoding`` gives a property ``style: deepObject`` to nest it the
way Rails, Rack, PHP and Stripe do: ``shipping[address][line1]=y`` is
``{"shipping": {"address": {"line1": "y"}}}``, ``items[0][price]=p`` and ``expand[]=a`` are
arrays (where the schema says array). Connexion leaves such keys as they are ("TODO support
more form encoding styles"), so a valid body was refused for its additional properties.

A property is decoded when its ``encoding`` says ``style: deepObject``, and also when its
encoding gives no style (nor a ``contentType``) and its schema is an object or an array (or a
union with such a member). Why the second: a form's default style, ``form``, defines no
serialization of a nested object or of an array of objects at all, so a bracketed key of such
a property can mean nothing else, and servers built on Rails, Rack or PHP (Stripe's among them)
read it so without any ``encoding``; a property whose encoding states another style is left
to Connexion. Leaves are cast by their schema (:func:`.coercion.coerce`); validation follows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .coercion import coerce, is_union, kind_of

__all__ = ["nested_fields"]

_PATH = re.compile(r"(?:\[[^\[\]]*\])+")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_MAX_SEGMENTS = 32


def nested_fields(
    form: Mapping[str, Sequence[Any]], schema: Mapping[str, Any], encoding: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Sequence[Any]]]:
    """The decoded and cast values of the nesting properties, and the rest of ``form`` as given."""
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    tree: dict[str, Any] = {}
    rest: dict[str, Sequence[Any]] = {}
    for key, values in form.items():
        root, bracket, tail = key.partition("[")
        segments = _SEGMENT.findall(bracket + tail) if _PATH.fullmatch(bracket + tail) else []
        if not segments or len(segments) > _MAX_SEGMENTS or not _nests(properties.get(root), encoding.get(root)):
            rest[key] = values
            continue
        for index, value in enumerate(values):
            _insert(tree, [root, *segments], value, index)
    return {root: coerce(value, properties[root]) for root, value in tree.items()}, rest


def _nests(schema: Any, encoding: Any) -> bool:
    """Whether a property's bracketed keys are decoded: by its encoding, or by its schema."""
    if not isinstance(schema, Mapping):
        return False
    if isinstance(encoding, Mapping) and ("style" in encoding or "contentType" in encoding):
        return encoding.get("style") == "deepObject"
    kinds = {kind_of(schema)}
    if is_union(schema):
        kinds |= {kind_of(m) for key in ("anyOf", "oneOf") for m in schema.get(key) or ()}
    return bool(kinds & {"object", "array"})


def _insert(tree: dict[str, Any], path: list[str], value: Any, index: int) -> None:
    """Set ``value`` at ``path``; an empty segment (``a[]``, ``a[][b]``) is this key's
    ``index``-th value's position, so ``a[]=x&a[]=y`` is ``{"0": "x", "1": "y"}``, which
    :func:`.coercion.coerce` makes a list where the schema says array."""
    node = tree
    for segment in path[:-1]:
        key = segment or str(index)
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1] or str(index)] = value
