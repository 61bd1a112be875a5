"""Read a contract's text the way OpenAPI means it: JSON, or YAML with OpenAPI's reading of scalars.

PyYAML implements YAML 1.1, whose implicit typing is not what an OpenAPI author means:
- an unquoted status code (``200:``) is an integer key, but OpenAPI's response and component
  keys are strings, and JSON (which OpenAPI is defined over) has only string keys;
- an unquoted date in an example (``2024-01-31``) becomes a ``datetime.date``, which no JSON
  encoder or validator takes: OpenAPI examples are JSON values;
- ``yes``/``no``/``on``/``off`` become booleans; YAML 1.2, which OpenAPI 3.1 names, reads them as
  strings.
No maintained library offers a YAML 1.2 loader on libyaml's speed (ruamel is ~10x slower on the
4 MB documents real APIs publish), so this module keeps libyaml's parser and changes only the
constructor: every mapping key is the key's own text, and the timestamp and YAML 1.1 boolean
resolvers are dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

__all__ = ["ReadError", "parse_text"]


class ReadError(Exception):
    """The text is neither JSON nor YAML (the message is one line)."""


_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _OpenApiLoader(_BASE):  # type: ignore[valid-type, misc]
    """libyaml's parser with OpenAPI's reading of keys, dates and booleans."""


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = []
        for tag, regexp in resolvers:
            if tag == "tag:yaml.org,2002:timestamp":
                continue
            kept.append((tag, _YAML_12_BOOL if tag == "tag:yaml.org,2002:bool" else regexp))
        if kept:
            table[first] = kept
    return table


_OpenApiLoader.yaml_implicit_resolvers = _resolvers()


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = key_node.value
        else:
            key = json.dumps(loader.construct_object(key_node, deep=True), default=str)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_OpenApiLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def parse_text(text: str) -> Any:
    """The JSON value a contract's text stands for (JSON first: it is faster and exact)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML's flow style also starts with a brace
    try:
        return yaml.load(text, Loader=_OpenApiLoader)
    except yaml.YAMLError as exc:
        # One line: YAML's messages span several, with a caret drawing; the CLIs print one line.
        raise ReadError(" ".join(str(exc).split())) from exc
