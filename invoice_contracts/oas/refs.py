"""Inline a document's local ``$ref``s, bounded on recursive schemas and shared, not copied.

Inlining every ``$ref`` as a tree is exponential on a DAG of references (a schema used by two
schemas each used by two...) and unbounded on recursive ones; Stripe's 4 MB document has both.
So :func:`resolve_refs`:

- inlines each reference target once per document and *shares* the result wherever the
  reference occurs (the value is a DAG in memory; walking it still reads like a tree);
- keeps a reference to a *recursive* schema (one that can reach itself) as a ``$ref`` where it
  recurs on the current path, or once :data:`RECURSIVE_DEPTH` recursive schemas are already
  inlined on that path. Walkers that generate or compare data follow such a ``$ref`` themselves.

Both rules depend only on the reference and its path, never on what was resolved earlier, so
the result is the same whatever the order of calls. Within one call each target is inlined
once. Between calls the memo is kept only for a document declared :func:`unchanging` (the
loader declares its documents so; the mock resolves parts of its contract 80,000 times while it
starts on Stripe), by identity, for the last few such documents; any other document, one a
caller builds or edits, is resolved afresh on every call. A caller that wants to change a
result copies it first: results share their inlined parts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

__all__ = ["RECURSIVE_DEPTH", "resolve_refs", "unchanging"]

# Recursive schemas inlined along one path before their references stay ``$ref``s.
RECURSIVE_DEPTH = 2
_KEPT_DOCUMENTS = 8
_WHOLE = object()


def _pointer(document: dict[str, Any], ref: str) -> Any:
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        target = target[int(key)] if isinstance(target, list) else target[key]
    return target


def _local_refs(node: Any) -> Iterator[str]:
    """Every local ``$ref`` string inside ``node`` (not following them)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                yield ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _reference_graph(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each local reference of the document → the references inside its target."""
    edges: dict[str, list[str]] = {}
    todo = list(dict.fromkeys(_local_refs(document)))
    while todo:
        ref = todo.pop()
        if ref in edges:
            continue
        try:
            target = _pointer(document, ref)
        except (KeyError, IndexError, TypeError, ValueError):
            edges[ref] = []  # reported when it is resolved
            continue
        edges[ref] = list(dict.fromkeys(_local_refs(target)))
        todo.extend(r for r in edges[ref] if r not in edges)
    return edges


def _recursive_groups(edges: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """Each reference that can reach itself, with the references it shares a cycle with
    (its strongly connected component; Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: dict[str, frozenset[str]] = {}
    for root, successors_of_root in edges.items():
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors_of_root))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            ref, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[ref] = min(low[ref], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[ref])
            if low[ref] == index[ref]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == ref:
                        break
                if len(members) > 1 or ref in edges[ref]:
                    group = frozenset(members)
                    groups.update(dict.fromkeys(members, group))
    return groups


def _reaching(edges: dict[str, list[str]], targets: set[str]) -> set[str]:
    """The references from which one of ``targets`` can be reached (``targets`` included)."""
    callers: dict[str, list[str]] = {}
    for ref, successors in edges.items():
        for successor in successors:
            callers.setdefault(successor, []).append(ref)
    found = set(targets)
    todo = list(targets)
    while todo:
        for caller in callers.get(todo.pop(), []):
            if caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


class _Inliner:
    """The memo of one document: each reference inlined once per (depth left, relevant path)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        edges = _reference_graph(document)
        self.groups = _recursive_groups(edges)
        self.reaches_recursion = _reaching(edges, set(self.groups))
        self.memo: dict[tuple[str, int, frozenset[str]], Any] = {}
        # Whole results by the identity of the node asked for, the node kept so its id stays its own.
        self.results: dict[int, tuple[Any, Any]] = {}
        self.produced: dict[int, Any] = {}

    def resolve(self, node: Any) -> Any:
        """A node's result, its top container new so a caller may change its own keys."""
        found = self.results.get(id(node))
        if found is None or found[0] is not node:
            found = (node, self.inline(node, RECURSIVE_DEPTH, frozenset()))
            self.results[id(node)] = found
        result = found[1]
        if isinstance(result, dict):
            return dict(result)
        return list(result) if isinstance(result, list) else result

    def inline(self, node: Any, budget: int, path: frozenset[str]) -> Any:
        if not isinstance(node, (dict, list)) or self.produced.get(id(node)) is node:
            return node  # a scalar, or a part of an earlier result: inlined already
        if isinstance(node, list):
            return self._made([self.inline(item, budget, path) for item in node])
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return self._made({key: self.inline(value, budget, path) for key, value in node.items()})
        group = self.groups.get(ref)
        if group is not None and (budget <= 0 or ref in path):
            return node  # kept as a $ref: siblings and all, as written
        resolved = self._target(ref, group, budget, path)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if not siblings:
            return resolved
        return self._made({**resolved, **self.inline(siblings, budget, path)})

    def _made(self, container: Any) -> Any:
        """Remember a container this inliner made, so walking it again (a caller resolving part
        of a result) returns it instead of copying a shared DAG out into a tree."""
        self.produced[id(container)] = container
        return container

    def _target(self, ref: str, group: frozenset[str] | None, budget: int, path: frozenset[str]) -> Any:
        # What the result can depend on: the depth left, and which members of its own cycle
        # are already being inlined above it (nothing else on the path is reachable from it);
        # with one level left, not even those: every recursive reference inside stays a $ref.
        relevant = path & group if group is not None and budget > 1 else frozenset()
        # A target that reaches no recursive schema is the same at every depth.
        key = (ref, budget if ref in self.reaches_recursion else 0, relevant)
        if key not in self.memo:
            try:
                target = _pointer(self.document, ref)
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                from .document import DocumentError

                raise DocumentError(f"unresolvable reference {ref}") from exc
            if group is None:
                self.memo[key] = self.inline(target, budget, frozenset())
            else:
                self.memo[key] = self.inline(target, budget - 1, relevant | {ref})
        return self.memo[key]


_INLINERS: OrderedDict[int, _Inliner] = OrderedDict()


def unchanging(document: dict[str, Any]) -> dict[str, Any]:
    """Declare that ``document`` is never changed again, so its inlined references are kept
    between calls (for the last few documents so declared); returns it."""
    _INLINERS[id(document)] = _Inliner(document)
    while len(_INLINERS) > _KEPT_DOCUMENTS:
        _INLINERS.popitem(last=False)
    return document


def _inliner(document: dict[str, Any]) -> _Inliner:
    found = _INLINERS.get(id(document))
    if found is None or found.document is not document:
        return _Inliner(document)  # not declared unchanging: nothing kept for the next call
    _INLINERS.move_to_end(id(document))
    return found


def resolve_refs(document: dict[str, Any], node: Any = _WHOLE) -> Any:
    """``node`` (default: the whole document) with its local ``$ref``s inlined (see the module
    docstring); sibling keys of a ``$ref`` are kept beside the inlined target. The returned
    container is new; what is inside it is shared with earlier and later results."""
    return _inliner(document).resolve(document if node is _WHOLE else node)
