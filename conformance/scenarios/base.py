"""Scenarios: documented behaviour that Schemathesis cannot know, checked over plain HTTP.

A scenario gets its data through the public API (discovery through list endpoints, or
creation), so it runs against staging as well as against the mock. When a precondition cannot
be met on a target it raises :class:`Skip` with the reason; it never passes instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft4Validator, FormatChecker

from invoice_contracts.oas import iter_operations, resolve_refs, server_base_path, to_json_schema

from ..report import Exchange, Result, Status
from ..targets import Credentials, Target

__all__ = ["Context", "Scenario", "ScenarioFailure", "ScenarioPack", "SchemaTuning", "Skip"]


class Skip(Exception):
    """The target cannot meet a precondition of the scenario."""


class ScenarioFailure(AssertionError):
    """The target did not behave as documented."""


@dataclass(frozen=True)
class SchemaTuning:
    """What the schema layer needs to know about an API beyond its contract.

    ``fixed_parameters``: Schemathesis parameter values pinned for every operation (for example
    the only API version a target serves). ``business_refusals``: per operationId, statuses with
    which the contract says a schema-valid request may still be refused (a business rule).
    ``discover``: finds ids on the target for operations whose path needs an existing resource;
    a parameter's value may be a list of candidates, which Schemathesis draws from.
    """

    fixed_parameters: Mapping[str, str] = field(default_factory=dict)
    business_refusals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    discover: Callable[[Context], dict[str, dict[str, Any]]] | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str
    check: Callable[[Context], None]


@dataclass
class ScenarioPack:
    api: str
    tuning: SchemaTuning = field(default_factory=SchemaTuning)
    scenarios: list[Scenario] = field(default_factory=list)

    def scenario(self, name: str, *, source: str) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
        """Register a scenario; ``source`` cites the seed or contract line it checks."""

        def register(check: Callable[[Context], None]) -> Callable[[Context], None]:
            self.scenarios.append(Scenario(name, source, check))
            return check

        return register


class Context:
    """HTTP access to the target for one scenario, recording every exchange."""

    def __init__(self, target: Target, client: httpx.Client) -> None:
        self.target = target
        self.client = client
        self.exchanges: list[Exchange] = []
        self._document = resolve_refs(target.contract)
        self._validators: dict[tuple[str, str], Draft4Validator | None] = {}

    # --- HTTP -------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.target.base_url.rstrip("/") + self.base_path + path

    @property
    def base_path(self) -> str:
        return server_base_path(self.target.contract)

    def request(
        self,
        method: str,
        path: str,
        *,
        credentials: Credentials | None = None,
        anonymous: bool = False,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        sent = {} if anonymous else self.target.auth_headers(credentials)
        sent.update(headers or {})
        try:
            response = self.client.request(
                method, self.url(path) if path.startswith("/") else path, headers=sent, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ScenarioFailure(f"{method} {path}: no response ({exc})") from exc
        request = response.request
        self.exchanges.append(
            Exchange(
                method=request.method,
                url=str(request.url),
                request_headers={
                    name: "<redacted>" if name.lower() in self.target.secret_headers else value
                    for name, value in request.headers.items()
                },
                request_body=request.content.decode("utf-8", "replace"),
                status=response.status_code,
                response_body=response.text,
            )
        )
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    # --- expectations -----------------------------------------------------------------------

    @staticmethod
    def expect(condition: object, message: str) -> None:
        if not condition:
            raise ScenarioFailure(message)

    def expect_status(self, response: httpx.Response, *statuses: int) -> None:
        self.expect(
            response.status_code in statuses,
            f"{response.request.method} {response.request.url.path}: expected {' or '.join(map(str, statuses))},"
            f" got {response.status_code}: {response.text[:300]}",
        )

    def json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except json.JSONDecodeError:
            raise ScenarioFailure(f"{response.request.url.path}: the body is not JSON: {response.text[:200]}") from None

    def operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        for found_id, method, path, operation in self.operations():
            if found_id == operation_id:
                return method, path, operation
        raise KeyError(operation_id)

    def operations(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for entry in iter_operations(self._document):
            yield entry.operation["operationId"], entry.method.upper(), entry.path, entry.operation

    def expect_documented(self, response: httpx.Response, operation_id: str) -> Any:
        """The status is documented for the operation and the body matches its schema; returns the body."""
        key = (operation_id, str(response.status_code))
        if key not in self._validators:
            _, _, operation = self.operation(operation_id)
            responses = operation["responses"]
            documented = responses.get(str(response.status_code)) or responses.get("default")
            if documented is None:
                raise ScenarioFailure(
                    f"{operation_id}: status {response.status_code} is not documented"
                    f" (documented: {', '.join(responses)}): {response.text[:300]}"
                )
            schema = documented.get("content", {}).get("application/json", {}).get("schema")
            self._validators[key] = (
                Draft4Validator(to_json_schema(schema), format_checker=FormatChecker()) if schema else None
            )
        validator = self._validators[key]
        if validator is None:
            return None
        body = self.json(response)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "the root"
            raise ScenarioFailure(
                f"{operation_id} {response.status_code}: body breaks the contract at {where}: {errors[0].message}"
            )
        return body


def run_scenario(scenario: Scenario, target: Target, client: httpx.Client, context: Context | None = None) -> Result:
    context = context or Context(target, client)
    started = time.perf_counter()
    try:
        scenario.check(context)
    except Skip as skip:
        return Result("scenario", scenario.name, Status.SKIP, str(skip), scenario.source, time.perf_counter() - started)
    except ScenarioFailure as failure:
        message = str(failure)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        # The target answered something the scenario could not even read (a missing header,
        # a body of the wrong shape): that is a violation, reported like one.
        message = f"the response could not be read as documented: {exc.__class__.__name__}: {exc}"
    else:
        return Result("scenario", scenario.name, Status.PASS, "", scenario.source, time.perf_counter() - started)
    return Result(
        "scenario",
        scenario.name,
        Status.FAIL,
        message,
        scenario.source,
        time.perf_counter() - started,
        context.exchanges[-3:],
    )
