"""Where a JSON pointer sits in a contract's YAML (or JSON) text, for annotations that open the
right line. ``$ref``s are followed, so a pointer into an inlined component lands in the component."""

from __future__ import annotations

from collections.abc import Callable

import yaml

__all__ = ["line_finder"]


def _child(node: yaml.Node, token: str) -> tuple[yaml.Node, int] | None:
    """The child named ``token`` and the 0-based line that names it (a mapping key or a list item)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return value, key.start_mark.line
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        item: yaml.Node = node.value[int(token)]
        return item, item.start_mark.line
    return None


_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_finder(text: str) -> Callable[[str], int]:
    """A function from a JSON pointer to the 1-based line of the deepest node of it in ``text`` (0: unknown).

    The text is composed (with libyaml when there) on the first question only: a diff without
    findings never pays for it."""
    composed: list[yaml.Node | None] = []

    def compose() -> yaml.Node | None:
        if not composed:
            try:
                composed.append(yaml.compose(text, Loader=_LOADER))
            except yaml.YAMLError:
                composed.append(None)
        return composed[0]

    def walk(pointer: str) -> tuple[yaml.Node, int] | None:
        root = compose()
        if root is None:
            return None
        node, line = root, root.start_mark.line
        for raw in pointer.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            child, hops = _child(node, token), 0
            while child is None and hops < 20:
                ref = _child(node, "$ref")
                if ref is None or not isinstance(ref[0], yaml.ScalarNode) or not str(ref[0].value).startswith("#/"):
                    break
                target = walk(str(ref[0].value)[1:])
                if target is None:
                    break
                node, child, hops = target[0], _child(target[0], token), hops + 1
            if child is None:
                break
            node, line = child
        return node, line

    def line(pointer: str) -> int:
        found = walk(pointer)
        return found[1] + 1 if found is not None else 0

    return line
