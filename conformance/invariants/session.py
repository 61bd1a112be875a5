"""State shared by the invariants of one run: the contract's operations, walks already made,
and the records the run itself learned about (from the links of the responses it got)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..report import Exchange
from ..scenarios import Context, ScenarioPack, find_pack
from ..targets import Credentials, Target
from .contract import ListOperation, Operation, list_operations, operations
from .paging import Paging, Walk, detect_paging, small_size, walk

__all__ = ["Session", "identity", "other_tenant"]

LARGE_DEFAULT = 100


def other_tenant(target: Target) -> Credentials | None:
    """The credential of another tenant, if the target has one (the one place that knows its name)."""
    credentials = target.other_tenant
    return credentials if credentials else None


def identity(listop: ListOperation, item: Any) -> Any:
    """What identifies an item: its id field, or (without one) the whole item."""
    if listop.id_field is not None and isinstance(item, dict):
        return item.get(listop.id_field)
    return json.dumps(item, sort_keys=True)


@dataclass
class FullWalk:
    """A list read in large pages (the reference) and again in small ones."""

    paging: Paging | None
    large: Walk
    small: Walk
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass
class Session:
    target: Target
    operations: list[Operation] = field(default_factory=list)
    lists: list[ListOperation] = field(default_factory=list)
    known: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # operationId → path values linked to it
    pack: ScenarioPack | None = None  # the API's derivations and action checks, if it has a pack
    # The responses of the run read through the contract so far (see observed.py), and the
    # records each shows by its index: each body is decoded and matched once.
    seen: list[Any] = field(default_factory=list)
    seen_upto: int = 0
    shown: dict[int, list[Any]] = field(default_factory=dict)
    _full: dict[tuple[str, str], FullWalk] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.operations = operations(self.target.contract)
        self.lists = list_operations(self.operations)
        self.pack = find_pack(self.target.source)

    def operation(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.operation_id == operation_id), None)

    def full_walk(self, context: Context, listop: ListOperation, credentials: Credentials | None = None) -> FullWalk:
        """The whole list, read once in large pages and once in small ones (cached per credential)."""
        key = (listop.operation_id, repr(credentials))
        if key in self._full:
            # A later invariant that fails on this walk shows its requests in the report.
            context.exchanges.extend(self._full[key].exchanges)
        else:
            start = len(context.exchanges)
            paging = detect_paging(listop)
            if paging is None or paging.size is None:
                large = walk(context, listop, paging, size=None, credentials=credentials)
                self._full[key] = FullWalk(paging, large, large)
            else:
                size = paging.size_max or LARGE_DEFAULT
                large = walk(context, listop, paging, size=size, credentials=credentials)
                small = walk(
                    context, listop, paging, size=small_size(paging, len(large.items)), credentials=credentials
                )
                self._full[key] = FullWalk(paging, large, small)
            self._full[key].exchanges = context.exchanges[start:]
        return self._full[key]

    def filtered(self, context: Context, listop: ListOperation, params: dict[str, Any]) -> list[Any]:
        """Every item of the list under ``params``, read in large pages."""
        paging = detect_paging(listop)
        size = (paging.size_max or LARGE_DEFAULT) if paging is not None and paging.size is not None else None
        return walk(context, listop, paging, size=size, params=params).items

    def forget_walks(self) -> None:
        """After a write, lists must be read again."""
        self._full.clear()

    def owning_list(self, operation: Operation) -> ListOperation | None:
        """The list whose read operation addresses the record ``operation`` acts on."""
        for listop in self.lists:
            read = listop.read
            if read is None or listop.id_field is None:
                continue
            on_record = operation.path == read.path or operation.path.startswith(read.path + "/")
            if on_record and set(operation.path_params) <= set(read.path_params):
                return listop
        return None
