"""``mock-server proxy``: forward to a real server and check every exchange against the contract.

Like Prism's validation proxy: requests and responses pass through unchanged (the upstream's
``date`` and ``server`` headers included, not doubled by ours), but for a ``Location`` that
points at the upstream, which is rewritten to point at the proxy so that clients that follow
it stay behind it. What breaks the contract is reported in the ``sl-violations`` response
header (Prism's name, a JSON list; exposed to browser code when the upstream answers CORS),
in the log and in the proxy's journal (``GET /__mock/journal``). CORS preflights are passed on
unchecked. An upstream that does not answer gives a 502 in the API's own error shape. With
``--strict`` a request that breaks the contract is answered with the error the API itself
gives for it (the API's error renderer decides the status: 422 for a Keyline body), and a
response that does with a 500 in the API's shape, instead of being passed on. With
``--record DIR`` every answered exchange is also written as a stub the mock loads
(``recording.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from invoice_contracts.oas import resolve_refs
from invoice_contracts.registry import RegistryError, add_api_dir_option

from .contracts import Contract
from .controls.recording import Recorder
from .discovery import SetupError, load_source, registry
from .errors import ErrorKind, MockError, render_status
from .process.listen import EVENT_LOOP, bind
from .rules import ApiRules
from .serving.requests.validation31 import compiled_for
from .serving.responses.encoding import dump_json
from .settings import MockSettings

__all__ = ["ValidationProxy", "Violation", "main"]

logger = logging.getLogger("mock_server.proxy")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


@dataclass(frozen=True)
class Violation:
    location: str  # "request" or "response"
    message: str
    error: MockError | None = field(default=None, compare=False)  # how --strict answers a request violation

    def to_json(self) -> dict[str, str]:
        return {"location": self.location, "severity": "Error", "message": self.message}


class ValidationProxy:
    def __init__(
        self,
        contract: Contract,
        rules: ApiRules,
        upstream: str,
        *,
        strict: bool = False,
        journal_size: int = 1000,
        recorder: Recorder | None = None,
    ) -> None:
        self.contract = contract
        self.rules = rules
        self.upstream = upstream.rstrip("/")
        self.strict = strict
        self.recorder = recorder
        self.journal: list[dict[str, Any]] = []
        self.journal_size = journal_size
        self._document = resolve_refs(contract.spec)
        self._client = httpx.AsyncClient(timeout=30)

    def _check_body(self, location: str, schema: dict[str, Any] | None, raw: bytes) -> list[Violation]:
        if schema is None:
            return []
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return [Violation(location, "body is not JSON")]
        error = compiled_for(self._document, schema).first_error(body)
        if error is None:
            return []
        field_path = ".".join(str(p) for p in error.absolute_path)
        message = f"{field_path or 'the body'}: {error.message}"
        return [
            Violation(
                location,
                message,
                MockError(400, message, kind=ErrorKind.VALIDATION, field=field_path or None, extra={"in": "body"}),
            )
        ]

    def check_request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[dict[str, Any] | None, list[Violation]]:
        operation = self.contract.match(method, path)
        if operation is None:
            message = f"{method} {path} is not an operation of the contract"
            return None, [Violation("request", message, MockError(404, message, kind=ErrorKind.NOT_FOUND))]
        spec = self._document["paths"][operation.path][operation.method]
        violations: list[Violation] = []
        request_body = spec.get("requestBody")
        if request_body is not None:
            if not body and request_body.get("required"):
                message = "the request body is required"
                violations.append(
                    Violation(
                        "request", message, MockError(400, message, kind=ErrorKind.VALIDATION, extra={"in": "body"})
                    )
                )
            elif body:
                media = request_body.get("content", {}).get("application/json")
                violations += self._check_body("request", media.get("schema") if media else None, body)
        for parameter in spec.get("parameters", []):
            if parameter["in"] == "header" and parameter.get("required") and parameter["name"].lower() not in headers:
                message = f"required header {parameter['name']} is missing"
                error = MockError(400, message, kind=ErrorKind.MISSING_PARAMETER, field=parameter["name"])
                violations.append(Violation("request", message, error))
        return spec, violations

    def check_response(
        self, spec: Mapping[str, Any], status: int, headers: Mapping[str, str], body: bytes
    ) -> list[Violation]:
        responses = spec.get("responses", {})
        documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if documented is None:
            return [Violation("response", f"status {status} is not documented (documented: {', '.join(responses)})")]
        violations = [
            Violation("response", f"required header {name} is missing")
            for name, header in (documented.get("headers") or {}).items()
            if header.get("required") and name.lower() not in headers
        ]
        content = documented.get("content") or {}
        if content:
            media = content.get("application/json")
            content_type = headers.get("content-type", "")
            if media is not None and "json" not in content_type:
                violations.append(
                    Violation("response", f"content type {content_type or 'none'} is not application/json")
                )
            elif media is not None:
                violations += self._check_body("response", media.get("schema"), body)
        return violations

    def _error(self, status: int, message: str) -> tuple[int, bytes]:
        return render_status(self.rules.render_error, status, message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await self._client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"] == "/__mock/journal":
            await Response(json.dumps({"entries": self.journal}), media_type="application/json")(scope, receive, send)
            return
        started = time.perf_counter()
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method, path = scope["method"], scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        preflight = method == "OPTIONS" and "access-control-request-method" in headers
        spec, violations = (None, []) if preflight else self.check_request(method, path, headers, body)
        if self.strict and violations:
            status, response_body = self._strict_error(violations)
            response_headers = {"content-type": "application/json"}
        else:
            url = f"{self.upstream}{path}" + (f"?{query}" if query else "")
            forwarded = {k: v for k, v in headers.items() if k not in HOP_BY_HOP}
            try:
                upstream = await self._client.request(method, url, headers=forwarded, content=body)
            except httpx.HTTPError as exc:
                status, response_body = self._error(502, f"upstream {self.upstream} did not answer: {exc}")
                response_headers = {"content-type": "application/json"}
                violations.append(Violation("response", f"upstream did not answer: {exc}"))
            else:
                status, response_body = upstream.status_code, upstream.content
                response_headers = {k.lower(): v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                self._rewrite_location(response_headers, headers)
                if spec is not None:
                    response_violations = self.check_response(spec, status, response_headers, response_body)
                    violations += response_violations
                    if self.recorder is not None:
                        self.recorder.record(
                            method, path, query, body, status, response_headers, response_body, not response_violations
                        )
                    if self.strict and response_violations:
                        status, response_body = self._error(
                            500,
                            "upstream response breaks the contract: "
                            + "; ".join(v.message for v in response_violations),
                        )
                        response_headers = {"content-type": "application/json"}
        if violations:
            response_headers["sl-violations"] = json.dumps([v.to_json() for v in violations])
            if "access-control-allow-origin" in response_headers:
                exposed = response_headers.get("access-control-expose-headers", "")
                response_headers["access-control-expose-headers"] = ", ".join(filter(None, [exposed, "sl-violations"]))
            logger.warning("%s %s: %s", method, path, "; ".join(f"{v.location}: {v.message}" for v in violations))
        self.journal.append(
            {
                "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "method": method,
                "path": path,
                "status": status,
                "milliseconds": round((time.perf_counter() - started) * 1000, 2),
                "violations": [v.to_json() for v in violations],
            }
        )
        del self.journal[: -self.journal_size]
        await Response(response_body, status_code=status, headers=response_headers)(scope, receive, send)

    def _strict_error(self, violations: list[Violation]) -> tuple[int, bytes]:
        """The API's own answer to the first request violation (its renderer picks the status)."""
        first = next((v.error for v in violations if v.error is not None), None)
        if first is None:
            return self._error(400, "; ".join(v.message for v in violations))
        rendered = self.rules.render_error(first)
        return rendered.status, dump_json(rendered.body)

    def _rewrite_location(self, response_headers: dict[str, str], request_headers: Mapping[str, str]) -> None:
        """A ``Location`` on the upstream points at the proxy instead, so clients stay behind it."""
        location = response_headers.get("location")
        if location is None or "host" not in request_headers:
            return
        upstream = urlsplit(self.upstream)
        target = urlsplit(location)
        if (target.scheme, target.netloc) == (upstream.scheme, upstream.netloc):
            proxied = target._replace(scheme="http", netloc=request_headers["host"])
            if upstream.path and proxied.path.startswith(upstream.path):
                proxied = proxied._replace(path=proxied.path[len(upstream.path) :] or "/")
            response_headers["location"] = urlunsplit(proxied)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mock-server proxy", description="Validate traffic to a real server against a contract."
    )
    parser.add_argument("--api", required=True, help="the API's name (see `conformance apis`)")
    parser.add_argument(
        "--upstream", required=True, help="the real server's base URL, e.g. https://staging.example.com"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4011)
    parser.add_argument("--contracts", type=Path, help="take the contract from this folder instead of the shipped ones")
    add_api_dir_option(parser)
    parser.add_argument("--strict", action="store_true", help="answer violations with the API's documented errors")
    parser.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="write each answered exchange to DIR as a stub (mock-server --stubs DIR)",
    )
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(name)s: %(message)s")
    try:
        found = registry(MockSettings(contracts_dir=args.contracts, api_dirs=tuple(args.api_dirs))).get(args.api)
        source = load_source(found)
    except (SetupError, RegistryError) as exc:
        print(f"mock-server proxy: {exc}", file=sys.stderr)
        return 2
    contract, rules = source.contract, source.rules
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"mock-server proxy: {exc}", file=sys.stderr)
        return 2
    recorder: Recorder | None = None
    if args.record is not None:
        try:
            recorder = Recorder(args.record, contract)
        except OSError as exc:
            sock.close()
            print(f"mock-server proxy: cannot record into {args.record}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    import uvicorn

    print(
        f"mock-server proxy: {args.api} at http://{args.host}:{args.port} → {args.upstream}"
        + (" (strict)" if args.strict else "")
        + (f", recording into {args.record}" if recorder else ""),
        file=sys.stderr,
    )
    config = uvicorn.Config(
        ValidationProxy(contract, rules, args.upstream, strict=args.strict, recorder=recorder),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        server_header=False,  # the upstream's own date and server headers pass through
        date_header=False,
        loop=EVENT_LOOP,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0
