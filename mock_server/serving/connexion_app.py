"""Connexion's ``AsyncApp`` with the work it repeats on every request done once per operation.

Profiling the mock under load (py-spy, ``GET /v1/invoices/{id}``, see docs/performance.md)
showed Connexion 3.3 redoing, for every request, work whose result never changes for an
operation: ``AsyncOperation.fn`` builds a new ``StarletteDecorator`` whose wrapper decorates
the view function again (parameter and response decorators, ``inspect.signature`` of the view)
and builds a new URI parser; the security handlers inspect the signature of their check
function twice. This subclass keeps Connexion's routing, security, parsing and validation and
only builds those objects once: the same decorators, parser and check functions, reused.

``add_api`` also skips Connexion's validation of the document against the OpenAPI meta-schema
(and of every parameter default against its schema): the contract loader has already made the
document interpretable, repairing what it could with a warning, and that validation alone took
most of the start-up on large documents (9 s of 29 on Invoice Ninja's 740 KB, minutes on
Stripe's 4 MB). Lint is where a document's validity is judged.

The view's arguments are Connexion's, except for a parameter whose schema is a union
(``anyOf``/``oneOf``): Connexion casts every path and query argument again by its schema's
``type``, which a union has none of (``KeyError``, a 500); such a parameter is passed as the URI
parser resolved it (:class:`_Parameters`, tested in tests/test_mock_parameters.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import operation, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator, prep_kwargs, unwrap_decorators
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.spec import OpenAPISpecification
from connexion.utils import inspect_function_arguments

from .requests.coercion import is_union

__all__ = ["AsyncApp"]


class _WithoutUnions:
    """A request as Connexion's argument casting reads it, without the union parameters."""

    def __init__(self, request: ConnexionRequest, unions: frozenset[str]) -> None:
        self._request = request
        self.path_params = {k: v for k, v in request.path_params.items() if k not in unions}
        self.query_params = {k: v for k, v in request.query_params.items() if k not in unions}
        self.mimetype = request.mimetype


class _Parameters(AsyncParameterDecorator):
    """Connexion's parameter decorator, passing union parameters as the URI parser resolved them."""

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> Any:
            body = self._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
            while asyncio.iscoroutine(body):
                body = await body
            unions = frozenset(
                str(p["name"])
                for p in operation.parameters
                if p.get("in") in ("path", "query") and is_union(p.get("schema"))
            )
            seen = _WithoutUnions(request, unions) if unions else request
            kwargs = prep_kwargs(
                seen,
                request_body=body,
                files=await request.files(),
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            given = {**request.path_params, **request.query_params} if unions else {}
            for name in unions & given.keys():
                if has_kwargs or self.sanitize_fn(name) in arguments:
                    kwargs[self.sanitize_fn(name)] = given[name]
            return await function(**kwargs)

        return wrapper


class _DecorateOnce(StarletteDecorator):
    """``StarletteDecorator`` that decorates its view function once, not on every call."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _Parameters

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)
        parser: list[Any] = []  # the operation's URI parser, made on the first call

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not parser:
                # ``uri_parser`` reads the operation of the current request; one decorator
                # serves one operation, so the parser is the same on every call.
                parser.append(self.uri_parser)
            request = self.framework.get_request(uri_parser=parser[0], scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _Operation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _Operation.from_operation(operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


@functools.lru_cache(maxsize=1024)
def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
    arguments, has_kwargs = inspect_function_arguments(func)
    return bool(has_kwargs or keyword in arguments)


def _checked_once(security_map: Mapping[str, type] | None) -> dict[str, type] | None:
    """Security handler classes whose check-function signatures are inspected once."""
    if security_map is None:
        return None
    return {
        name: type(handler.__name__, (handler,), {"_accepts_kwarg": staticmethod(_accepts_kwarg)})
        for name, handler in security_map.items()
    }


@contextlib.contextmanager
def _meta_schema_validation_skipped() -> Iterator[None]:
    """While adding our own (already loaded) document: no meta-schema validation by Connexion."""
    own = OpenAPISpecification.__dict__.get("_validate_spec")
    OpenAPISpecification._validate_spec = classmethod(lambda cls, spec: None)
    try:
        yield
    finally:
        if own is None:
            del OpenAPISpecification._validate_spec
        else:
            OpenAPISpecification._validate_spec = own


class AsyncApp(connexion.AsyncApp):
    """``connexion.AsyncApp`` with per-operation objects built once (see the module docstring)."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(import_name, **kwargs)
        # No API is added yet, so swapping the innermost app is safe: Connexion builds its
        # middleware stack around ``middleware.app`` only when the first request or lifespan comes.
        self._middleware_app = _ASGIApp()
        self.middleware.app = self._middleware_app

    def add_api(self, specification: Any, *, security_map: Mapping[str, type] | None = None, **kwargs: Any) -> Any:
        with _meta_schema_validation_skipped():
            return super().add_api(specification, security_map=_checked_once(security_map), **kwargs)
