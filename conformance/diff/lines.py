"""Where a JSON pointer sits in a contract's YAML (or JSON) text, for annotations that open the
right line. ``$ref``s are followed, so a pointer into an inlined component lands in the component."""

from __future__ import annotations

from collections.abc import Callable

import yaml

__all__ = ["line_finder"]


def _child(node: yaml.Node, token: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                found: yaml.Node = value
                return found
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        item: yaml.Node = node.value[int(token)]
        return item
    return None


def line_finder(text: str) -> Callable[[str], int]:
    """A function from a JSON pointer to the 1-based line of the deepest node of it in ``text`` (0: unknown)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        root = None

    def walk(pointer: str) -> yaml.Node | None:
        node = root
        for raw in pointer.split("/")[1:]:
            if node is None:
                return None
            token = raw.replace("~1", "/").replace("~0", "~")
            child, hops = _child(node, token), 0
            while child is None and hops < 20:
                ref = _child(node, "$ref")
                if not (isinstance(ref, yaml.ScalarNode) and str(ref.value).startswith("#/")):
                    break
                target = walk(str(ref.value)[1:])
                if target is None:
                    break
                node, child, hops = target, _child(target, token), hops + 1
            if child is None:
                break
            node = child
        return node

    def line(pointer: str) -> int:
        node = walk(pointer) if root is not None else None
        return node.start_mark.line + 1 if node is not None else 0

    return line
