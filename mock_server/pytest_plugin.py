"""A pytest plugin: the mock as a real process for a test session, reset before every test.

Registered through the ``pytest11`` entry point, so installing the project is enough::

    def test_refund_outage(mock_server):
        mock_server.stub({"request": {"api": "solvimon", "operationId": "postInvoicesByResourceIdRefund"},
                          "fault": "error_503", "times": 1})
        url = mock_server.url("solvimon") + "/v1/invoices/inv_alpha_0008/refund"
        assert httpx.post(url, headers=mock_server.headers("solvimon")).status_code == 503
        assert mock_server.count({"operationId": "postInvoicesByResourceIdRefund"}) == 1

``mock_server_session`` starts ``python -m mock_server`` on a free loopback port once per
session (extra options from the ``--mock-server-args`` command-line option or the
``mock_server_args`` ini value) and stops it at the end; ``mock_server`` is the same server
after ``POST /__mock/reset`` (data, stubs, controls and journal as at start). Both talk to
the mock over HTTP only, through its admin API.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from .serving.requests.auth import presenting_headers

__all__ = ["MockServer", "mock_server", "mock_server_session"]


class MockServer:
    """A running mock: its URLs, credentials, stubs and journal, through the admin API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.admin = httpx.Client(base_url=f"{base_url}/__mock", timeout=30)
        self._index: list[dict[str, str]] = httpx.get(
            base_url + "/__mock/", headers={"Accept": "application/json"}, timeout=30
        ).json()["apis"]

    def _ok(self, response: httpx.Response) -> Any:
        if response.is_error:
            raise AssertionError(
                f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    # --- URLs and credentials -------------------------------------------------------------

    @property
    def apis(self) -> list[str]:
        return [entry["api"] for entry in self._index if entry["api"] != "admin"]

    def url(self, api: str) -> str:
        """The base URL a client of ``api`` uses (the contract's base path on this mock)."""
        for entry in self._index:
            if entry["api"] == api:
                return self.base_url + entry["base_path"].rstrip("/")
        raise KeyError(f"no API {api!r}; served: {', '.join(self.apis)}")

    @property
    def credentials(self) -> list[dict[str, Any]]:
        """Every credential the mock accepts (fixtures and minted), secrets included."""
        found: list[dict[str, Any]] = self._ok(self.admin.get("/credentials"))
        return found

    def headers(self, api: str, name: str | None = None) -> dict[str, str]:
        """Headers presenting a credential of ``api``: the one called ``name``, or the first with every permission."""
        candidates = [
            c for c in self.credentials if c["api"] == api and (c["name"] == name if name else "*" in c["permissions"])
        ]
        if not candidates:
            raise KeyError(f"no credential {name or 'with every permission'} for {api}")
        schemes = httpx.get(self.url(api) + "/openapi.json", timeout=30).json()["components"]["securitySchemes"]
        return presenting_headers(schemes[candidates[0]["scheme"]], candidates[0]["secret"])

    def mint(self, api: str, **fields: Any) -> dict[str, Any]:
        minted: dict[str, Any] = self._ok(self.admin.post("/credentials", json={"api": api, **fields}))
        return minted

    # --- state, stubs, controls -----------------------------------------------------------

    def reset(self, api: str | None = None, keep: tuple[str, ...] = ()) -> None:
        params = {k: v for k, v in (("api", api), ("keep", ",".join(keep))) if v}
        self._ok(self.admin.post("/reset", params=params))

    def stub(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Add a stub (see docs/mock-server.md); returns it as stored, with its id."""
        created: dict[str, Any] = self._ok(self.admin.post("/stubs", json=dict(definition)))
        return created

    @property
    def stubs(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = self._ok(self.admin.get("/stubs"))["stubs"]
        return listed

    def controls(self, **settings: Any) -> dict[str, Any]:
        """Replace the global latency and fault settings (``PUT /__mock/controls``)."""
        current: dict[str, Any] = self._ok(self.admin.put("/controls", json=settings))
        return current

    # --- verification ---------------------------------------------------------------------

    def find(self, matcher: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._ok(
            self.admin.post("/journal/find", params={"limit": 100000}, json=dict(matcher or {}))
        )["entries"]
        return found

    def count(self, matcher: Mapping[str, Any] | None = None) -> int:
        return int(self._ok(self.admin.post("/journal/count", json=dict(matcher or {})))["count"])

    def near_misses(self, matcher: Mapping[str, Any], limit: int = 3) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._ok(
            self.admin.post("/journal/near-misses", params={"limit": limit}, json=dict(matcher))
        )["near_misses"]
        return found

    def close(self) -> None:
        self.admin.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mock-server-args", default=None, help="extra mock-server options for the mock_server fixture")
    parser.addini("mock_server_args", "extra mock-server options for the mock_server fixture", default="")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the mock exited with {process.returncode}: {stderr.strip()}")
        try:
            if httpx.get(base_url + "/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the mock did not answer within {timeout:.0f} s")


@pytest.fixture(scope="session")
def mock_server_session(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """The mock in its own process on a free port, for the whole session."""
    extra = pytestconfig.getoption("--mock-server-args") or str(pytestconfig.getini("mock_server_args"))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", *shlex.split(extra), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    server: MockServer | None = None
    try:
        _wait(base_url, process, 60)
        server = MockServer(base_url)
        yield server
    finally:
        if server is not None:
            server.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stderr:
            process.stderr.close()


@pytest.fixture
def mock_server(mock_server_session: MockServer) -> MockServer:
    """The session's mock, reset to how it started before this test."""
    mock_server_session.reset()
    return mock_server_session
