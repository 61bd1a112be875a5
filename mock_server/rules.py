"""How an API's business rules plug into the engine.

A rules module builds one :class:`ApiRules`: the contract it implements (by file stem), its
error renderer, how it seeds the store from its fixtures file, and one handler per
``operationId``. A handler gets a :class:`Call` (already authenticated, authorised and
validated, inside an open store transaction) and returns a :class:`Reply` or raises
:class:`~mock_server.errors.MockError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from faker import Faker

from .contracts import Operation
from .errors import ErrorRenderer
from .fakes import SchemaFaker
from .serving.requests.auth import Principal
from .state.store import Store, Transaction

__all__ = ["ApiRules", "Call", "Handler", "Handlers", "Reply", "SeedContext", "Seeder"]


@dataclass(frozen=True)
class Call:
    operation: Operation
    principal: Principal
    tenant: str
    params: Mapping[str, Any]
    headers: Mapping[str, str]
    body: Any
    tx: Transaction
    base_url: str
    now: datetime


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # None: JSON as application/json; otherwise the media type the body goes out as (a
    # ``json``/``+json`` type encodes the body as JSON, any other type sends it as text).
    media_type: str | None = None


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class SeedContext:
    """What a seeder may use: the store, its fixtures file, seeded fakers and the fixed clock."""

    api: str
    store: Store
    fixtures: Mapping[str, Any]
    faker: Faker
    fake: SchemaFaker
    epoch: datetime


class Seeder(Protocol):
    def __call__(self, context: SeedContext) -> None: ...


class Handlers(dict[str, Handler]):
    """``operationId`` → handler, filled with the :meth:`operation` decorator."""

    def operation(self, operation_id: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if operation_id in self:
                raise ValueError(f"two handlers for {operation_id}")
            self[operation_id] = handler
            return handler

        return register


@dataclass(frozen=True)
class ApiRules:
    name: str
    render_error: ErrorRenderer
    handlers: Handlers
    seed: Seeder
    # Served as Prism serves a contract: forced (Prefer) replies negotiate Accept (406 when
    # nothing documented is acceptable) and generated data takes schema defaults and examples
    # at every level, and a request body sent to an operation that documents none is refused
    # with 415. The generic rules set it; rules modules keep their JSON-only answers.
    prism_compatible: bool = False
