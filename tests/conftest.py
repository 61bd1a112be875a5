"""Shared fixtures: the mock as a real uvicorn process on a free loopback port, and in-process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from mock_server import MockSettings, create_app

from starlette.testclient import TestClient  # isort: skip  (after mock_server, which silences its warning)

ROOT = Path(__file__).resolve().parent.parent

SOLVIMON_ALL = {"X-API-KEY": "sk_test_all"}
CHARGEOVER_AUTH = ("co_test_user", "co_test_pass")
KEYLINE_AUTH = {"Authorization": "Bearer kl_test_token"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    startup_seconds: float

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)


def start_server(*args: str, module: str = "mock_server", env: dict[str, str] | None = None) -> LiveServer:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"mock server exited with {process.returncode}: {stderr}")
        try:
            # Any answer means it listens: the mock's index is at /__mock/, the reference servers
            # (tests.reference, tests.reference_alt) have none and answer 404 there.
            httpx.get(base_url + "/__mock/", timeout=1)
            return LiveServer(base_url, process, time.perf_counter() - started)
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("mock server did not start within 30 s")


def run_conformance(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """The conformance CLI as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def conforms_in_the_ci_profile(module: str, api: str, flags: list[str], report_dir: Path, scenarios: int) -> str:
    """Start ``module``'s server, run ``conformance run --profile ci`` on ``api`` against it and
    assert it conforms with every scenario run (none failed, none skipped); the summary line."""
    server = start_server(module=module)
    try:
        result = run_conformance(
            "run",
            "--api",
            api,
            "--base-url",
            server.base_url,
            *flags,
            "--profile",
            "ci",
            "--report-dir",
            str(report_dir),
            "--quiet",
            timeout=600,
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    suite = ET.parse(report_dir / "conformance-junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", "0")) >= scenarios + 3
    assert suite.get("failures") == "0"
    assert suite.get("skipped") == "0", "with every credential given, no scenario may skip"
    return result.stdout.strip().splitlines()[-1]


def kill_9(server: LiveServer) -> None:
    """What a crash does: SIGKILL, no shutdown of any kind."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(10)
    if server.process.stderr:
        server.process.stderr.close()


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    if server.process.stderr:
        server.process.stderr.close()


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    """A fresh mock process per test module (responses checked against the contracts)."""
    server = start_server("--validate-responses")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture
def in_process() -> Iterator[TestClient]:
    """The same app without a process, with response validation on."""
    app = create_app(MockSettings(validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@contextlib.contextmanager
def generic_mock(folder: Path, *args: str) -> Iterator[httpx.Client]:
    """A real mock serving the contracts of ``folder`` generically, without fixtures files (so
    any non-empty credential of the right form is accepted), responses checked; a client on it."""
    with tempfile.TemporaryDirectory(prefix="no-fixtures-") as empty:
        live = start_server("--contracts", str(folder), "--fixtures", empty, "--validate-responses", *args)
        try:
            with live.client() as client:
                yield client
        finally:
            stop_server(live)
