"""Scenarios: documented behaviour that Schemathesis cannot know, checked over plain HTTP.

A scenario gets its data through the public API (discovery through list endpoints, or
creation), so it runs against staging as well as against the mock. When a precondition cannot
be met on a target it raises :class:`Skip` with the reason; it never passes instead.

Every expectation names the contract statement it rests on (``rests_on``, see
:mod:`.citations`); a broken statement that is only inferred or assumed is a warning, not a
failure, unless the run is strict. A scenario declares whether it writes; a read-only run
skips the ones that do and refuses any unsafe request the others would send.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from invoice_contracts.oas import escape_pointer, iter_operations, resolve_refs, schema_validator, server_base_path

from ..report import Exchange, Result, Status
from ..targets import Credentials, Target
from .citations import Citation, CitationError, Citations, is_weak

__all__ = [
    "ActionCheck",
    "Context",
    "Derivation",
    "RunOptions",
    "Scenario",
    "ScenarioFailure",
    "ScenarioPack",
    "SchemaTuning",
    "Skip",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Skip(Exception):
    """The target cannot meet a precondition of the scenario."""


class ScenarioFailure(AssertionError):
    """The target did not behave as the statement ``citation`` says (``None``: it did not answer)."""

    def __init__(self, message: str, citation: Citation | None = None) -> None:
        super().__init__(message)
        self.citation = citation


@dataclass
class RunOptions:
    """What holds for every scenario of one run.

    ``claimed``: ids of records a scenario of this run has used up or changed, so the next
    one prefers records nobody touched (data the run creates or finds fresh). ``seen``: every
    response the run received, with the moment its request was sent (``time.monotonic()``),
    for the checks that follow from every response. ``without``: check families left out
    (``conformance run --without FAMILY``).
    """

    strict_assumptions: bool = False
    read_only: bool = False
    claimed: set[str] = field(default_factory=set)
    seen: list[tuple[float, httpx.Response]] = field(default_factory=list)
    without: frozenset[str] = frozenset()


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
    writes: bool


@dataclass(frozen=True)
class Derivation:
    """A value the contract documents as derived from others (a total from the lines), stated
    once next to the statement it rests on; the invariants check it on every record the run sees
    in a response of ``operations`` (a list's items, a read, a write's answer) and after every
    write that changes the record's parts. ``check`` returns what it found wrong in one record."""

    name: str
    rests_on: str
    operations: tuple[str, ...]
    check: Callable[[dict[str, Any]], list[str]]
    inferred: bool = False  # the formula reads more into the statement than it says


@dataclass(frozen=True)
class ActionCheck:
    """What every result of an action (a credit, a refund, a reversal) must be, given the record it
    acted on as last seen before it and what it answered; ``kind`` sorts source records into the
    documented ``kinds`` (a credit of a STANDARD or of a ONE_OFF invoice), each of which the
    invariants make sure the run has acted on."""

    operation_id: str
    name: str
    rests_on: str
    check: Callable[[dict[str, Any], dict[str, Any]], list[str]]
    kind: Callable[[dict[str, Any]], str] | None = None
    kinds: tuple[str, ...] = ()
    inferred: bool = False


@dataclass
class ScenarioPack:
    """``not_exercised``: documented (operationId, status) pairs no scenario provokes, with why.
    ``derivations`` and ``actions``: what the generic invariants check on every record and every
    action result the run sees, for what only the API's documentation states."""

    api: str
    tuning: SchemaTuning = field(default_factory=SchemaTuning)
    scenarios: list[Scenario] = field(default_factory=list)
    not_exercised: Mapping[tuple[str, str], str] = field(default_factory=dict)
    derivations: list[Derivation] = field(default_factory=list)
    actions: list[ActionCheck] = field(default_factory=list)

    def scenario(
        self, name: str, *, source: str, writes: bool
    ) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
        """Register a scenario; ``source`` cites the seed or contract line it checks, ``writes``
        says whether it sends unsafe requests (a read-only run skips it)."""

        def register(check: Callable[[Context], None]) -> Callable[[Context], None]:
            self.scenarios.append(Scenario(name, source, check, writes))
            return check

        return register


class Context:
    """HTTP access to the target for one scenario, recording every exchange."""

    def __init__(self, target: Target, client: httpx.Client, options: RunOptions | None = None) -> None:
        self.target = target
        self.client = client
        self.options = options or RunOptions()
        self.exchanges: list[Exchange] = []
        self.citations: dict[str, Citation] = {}
        # (operationId, status) of every response read as documented: what the scenario covers.
        self.statuses: set[tuple[str, str]] = set()
        self._document = resolve_refs(target.contract)
        self._cite = Citations(target.contract)
        self._validators: dict[tuple[str, str], Any] = {}
        self._version = str(target.contract.get("openapi", "3.0"))[:3]

    @property
    def read_only(self) -> bool:
        return self.options.read_only

    @property
    def claimed(self) -> set[str]:
        return self.options.claimed

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
        if self.read_only and method.upper() not in SAFE_METHODS:
            raise CitationError(f"a scenario declared read-only sent {method} {path}")
        sent = {} if anonymous else self.target.auth_headers(credentials)
        sent.update(headers or {})
        started = time.monotonic()
        try:
            response = self.client.request(
                method, self.url(path) if path.startswith("/") else path, headers=sent, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ScenarioFailure(f"{method} {path}: no response ({exc})") from exc
        self.options.seen.append((started, response))
        self.show(response)
        return response

    def show(self, response: httpx.Response) -> None:
        """Add an exchange to what a failure of this check shows (secrets redacted)."""
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

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    # --- expectations -----------------------------------------------------------------------

    def cite(self, rests_on: str, *, inferred: bool = False) -> Citation:
        """Resolve (and remember) the statement an expectation rests on. ``inferred``: the
        check reads more into the statement than it says (a meaning taken from a name, say),
        so it is no stronger than an inference whatever the statement's own provenance."""
        citation = self._cite.cite(rests_on)
        if inferred:
            citation = citation.at_most("inferred")
        known = self.citations.get(rests_on)
        self.citations[rests_on] = known.at_most(citation.level) if known is not None else citation
        return citation

    def expect(self, condition: object, message: str, *, rests_on: str, inferred: bool = False) -> None:
        """``condition`` holds, as the contract statement (or seed) ``rests_on`` says."""
        citation = self.cite(rests_on, inferred=inferred)
        if not condition:
            raise ScenarioFailure(message, citation)

    def expect_status(self, response: httpx.Response, *statuses: int, rests_on: str) -> None:
        self.expect(
            response.status_code in statuses,
            f"{response.request.method} {response.request.url.path}: expected {' or '.join(map(str, statuses))},"
            f" got {response.status_code}: {response.text[:300]}",
            rests_on=rests_on,
        )

    def pointer(self, operation_id: str, *parts: str) -> str:
        """A pointer into the operation's node of the contract, e.g. ``pointer(op, "responses", "400")``."""
        method, path, _ = self.operation(operation_id)
        return "/".join(["#/paths", escape_pointer(path), method.lower(), *(escape_pointer(p) for p in parts)])

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
        """The status is documented for the operation and the body matches its schema; returns the body.

        It rests on the operation's responses as the contract gives them."""
        key = (operation_id, str(response.status_code))
        status = str(response.status_code)
        self.statuses.add(key)
        _, _, operation = self.operation(operation_id)
        responses = operation["responses"]
        documented_as = status if status in responses else "default" if "default" in responses else None
        citation = self.cite(self.pointer(operation_id, "responses", *([documented_as] if documented_as else [])))
        if key not in self._validators:
            documented = responses.get(documented_as) if documented_as else None
            if documented is None:
                raise ScenarioFailure(
                    f"{operation_id}: status {response.status_code} is not documented"
                    f" (documented: {', '.join(responses)}): {response.text[:300]}",
                    citation,
                )
            schema = documented.get("content", {}).get("application/json", {}).get("schema")
            components = self._document.get("components") if self._version == "3.1" else None
            self._validators[key] = schema_validator(schema, self._version, components=components) if schema else None
        validator = self._validators[key]
        if validator is None:
            return None
        body = self.json(response)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "the root"
            raise ScenarioFailure(
                f"{operation_id} {response.status_code}: body breaks the contract at {where}: {errors[0].message}",
                citation,
            )
        return body


def run_scenario(
    scenario: Scenario, target: Target, client: httpx.Client, options: RunOptions, context: Context | None = None
) -> Result:
    """Run one scenario: pass, fail, skip, or warn (a broken statement that is only inferred or
    assumed, unless ``options.strict_assumptions``). ``context`` lets a caller that runs many
    checks share one resolved contract (copied per check, with its own exchanges)."""
    if options.read_only and scenario.writes:
        return Result("scenario", scenario.name, Status.SKIP, "writes; skipped in a read-only run", scenario.source)
    context = context or Context(target, client, options)
    started = time.perf_counter()

    def result(status: Status, message: str = "", exchanges: list[Exchange] | None = None) -> Result:
        weak = sorted(str(c) for c in context.citations.values() if is_weak(c.level))
        return Result(
            "scenario",
            scenario.name,
            status,
            message,
            scenario.source,
            time.perf_counter() - started,
            exchanges or [],
            weak,
        )

    citation: Citation | None = None
    try:
        scenario.check(context)
    except Skip as skip:
        return result(Status.SKIP, str(skip))
    except CitationError as error:
        message = f"the scenario itself is wrong: {error}"
    except ScenarioFailure as failure:
        message, citation = str(failure), failure.citation
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        # The target answered something the scenario could not even read (a missing header,
        # a body of the wrong shape): that is a violation, reported like one.
        message = f"the response could not be read as documented: {exc.__class__.__name__}: {exc}"
    else:
        return result(Status.PASS)
    if citation is not None:
        message = f"{message}\n(rests on {citation})"
        if is_weak(citation.level) and not options.strict_assumptions:
            return result(Status.WARN, message, context.exchanges[-3:])
    return result(Status.FAIL, message, context.exchanges[-3:])
