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

A bare ``expand=a`` for an array property is a one-item array, whatever the encoding says
(clients, Schemathesis among them, send arrays as repeated bare keys even under
``deepObject``). An empty object or array has no encoding at all (``shipping[address]`` with
nothing inside sends no key), so a *required* property of a nesting object, or a required
nesting property of the body, that did not arrive is read as empty when its schema allows empty
(an object requiring nothing, an array without ``minItems``): a client cannot send it otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .coercion import coerce, is_union, kind_of

__all__ = ["nested_fields"]

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
        segments = _segments(bracket + tail)
        if not segments or len(segments) > _MAX_SEGMENTS or not _nests(properties.get(root), encoding.get(root)):
            rest[key] = values
            continue
        for index, value in enumerate(values):
            _insert(tree, [root, *segments], value, index)
    decoded = {root: _filled(coerce(value, properties[root]), properties[root]) for root, value in tree.items()}
    for name in _required(schema):
        if name not in decoded and name not in rest and _nests(properties.get(name), encoding.get(name)):
            empty = _empty(properties[name])
            if empty is not None:
                decoded[name] = empty
    return decoded, rest


def _required(schema: Any) -> list[str]:
    required = schema.get("required") if isinstance(schema, Mapping) else None
    return [str(name) for name in required] if isinstance(required, list) else []


def _empty(schema: Any) -> Any:
    """The empty value of a container schema that allows one (else None)."""
    kind = kind_of(schema)
    if kind == "object" and not _required(schema):
        return {}
    if kind == "array" and not int(schema.get("minItems", 0) or 0):
        return []
    return None


def _filled(value: Any, schema: Any, depth: int = 0) -> Any:
    """``value`` with the required empty containers it could not carry put back, at every level."""
    if not isinstance(value, dict) or not isinstance(schema, Mapping) or depth > _MAX_SEGMENTS:
        return value
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    filled = {key: _filled(item, properties.get(key), depth + 1) for key, item in value.items()}
    for name in _required(schema):
        empty = _empty(properties.get(name)) if name not in filled else None
        if empty is not None:
            filled[name] = empty
    return filled


def _segments(path: str) -> list[str]:
    """``[a][b]`` → ``["a", "b"]``: the inverse of an encoder joining the keys with ``][``, so a
    key that holds a bracket itself (``[o]x][y]`` → ``o]x``, ``y``; generated ones do) comes
    back whole; ``[]`` if ``path`` is not bracketed."""
    if len(path) < 2 or not path.startswith("[") or not path.endswith("]"):
        return []
    return path[1:-1].split("][")


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
