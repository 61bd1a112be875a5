"""The mock as a user starts it: command line, startup, determinism under a seed, bad setup."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_server.process.listen import bind
from tests.conftest import CHARGEOVER_AUTH, KEYLINE_AUTH, ROOT, SOLVIMON_ALL, start_server, stop_server

SNAPSHOT = [
    ("/v1/invoices?limit=100&include_periods=true&include_lines=true", {"headers": SOLVIMON_ALL}),
    ("/v1/invoices/inv_beta_0001", {"headers": {**SOLVIMON_ALL, "x-platform-id": "plat_beta"}}),
    ("/api/v3/invoice?limit=100", {"auth": CHARGEOVER_AUTH}),
    ("/api/v3/customer", {"auth": CHARGEOVER_AUTH}),
    ("/api/v2/accounting/reversal_invoices", {"headers": KEYLINE_AUTH}),
    ("/api/v2/accounting/customer_invoices", {"headers": {**KEYLINE_AUTH, "X-Keyline-Requested-Page": "2"}}),
]


def snapshot(*args: str) -> list[bytes]:
    server = start_server(*args)
    try:
        with server.client() as client:
            # Links carry the server's own address, which differs between runs by design.
            port = server.base_url.encode()
            return [client.get(path, **options).content.replace(port, b"BASE") for path, options in SNAPSHOT]  # type: ignore[arg-type]
    finally:
        stop_server(server)


def test_same_seed_gives_byte_identical_responses_across_restarts() -> None:
    first, second = snapshot("--seed", "7"), snapshot("--seed", "7")
    assert all(len(body) > 100 for body in first)
    assert first == second


def test_another_seed_gives_other_fake_data() -> None:
    assert snapshot("--seed", "1") != snapshot("--seed", "2")


def test_startup_is_reported_and_serves_all_apis() -> None:
    server = start_server()
    try:
        print(f"\nmock startup to first 200: {server.startup_seconds:.2f} s")
        for path, options in SNAPSHOT:
            assert httpx.get(server.base_url + path, **options).status_code == 200  # type: ignore[arg-type]
    finally:
        stop_server(server)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_server", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_missing_contracts_dir_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("--contracts", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no contracts" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_contract_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "openapi", tmp_path / "openapi")
    (tmp_path / "openapi" / "keyline.yaml").write_text("openapi: 3.0.3\npaths: [\n")
    result = run_cli("--contracts", str(tmp_path / "openapi"))
    assert result.returncode == 2
    assert "keyline.yaml" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("breakage", ["missing", "not yaml", "bad reference"])
def test_broken_fixtures_name_the_file(tmp_path: Path, breakage: str) -> None:
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    target = tmp_path / "fixtures" / "solvimon.yaml"
    if breakage == "missing":
        target.unlink()
    elif breakage == "not yaml":
        target.write_text("platforms: [\n")
    else:
        target.write_text(target.read_text().replace("credits: inv_alpha_0006", "credits: inv_nope"))
    result = run_cli("--fixtures", str(tmp_path / "fixtures"))
    assert result.returncode == 2
    assert "solvimon.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_accepted_connections_send_without_nagle_delay() -> None:
    """uvicorn writes a response's headers and body separately: with Nagle's algorithm on, the
    body waited for the client's delayed ACK (40 ms a response). asyncio turns it off only on
    sockets made with ``IPPROTO_TCP``, so that is how ``bind`` makes them."""

    async def nodelay_of_accepted() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = bind("127.0.0.1", 0)
        listener.listen()
        server = await asyncio.get_running_loop().create_server(Protocol, sock=listener)
        try:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(accepted, 10)
            writer.close()
            return value
        finally:
            server.close()

    assert asyncio.run(nodelay_of_accepted()) != 0


def _raw_get(base_url: str, target: str) -> tuple[int, bytes]:
    """A GET sent byte for byte (httpx refuses URLs past 64 KB itself): status and raw response."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return int(received.split(b" ", 2)[1]), received


def test_a_request_target_past_64_kb_reaches_the_app(tmp_path: Path) -> None:
    """httptools' URL parser keeps 16-bit offsets: uvicorn answered such a request itself with
    a 400 text/plain the contract does not document (process/long_urls.py)."""
    catalog = ROOT / "tests" / "data" / "generic" / "listed_catalog.yaml"
    server = start_server(str(catalog), "--fixtures", str(tmp_path))
    try:
        status, answer = _raw_get(server.base_url, "/products?vendor_id=" + "%F0%9F%98%80" * 8_000)
        listed, _ = _raw_get(server.base_url, "/products?flag=1&vendor_id=" + "0" * 70_000)
    finally:
        stop_server(server)
    assert status == 422, answer[:300]
    assert b"application/problem+json" in answer.lower()
    assert b"vendor_id" in answer
    assert listed == 422
