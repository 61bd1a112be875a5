"""The validation proxy passes traffic faithfully, and ``--record`` turns a session into stubs (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHARGEOVER_AUTH, KEYLINE_AUTH, SOLVIMON_ALL, LiveServer, free_port, start_server, stop_server
from tests.test_mock_controls import start_proxy


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def proxies(live_server: LiveServer) -> Iterator[dict[str, str]]:
    started = {api: start_proxy(live_server.base_url, api=api) for api in ("solvimon", "chargeover")}
    strict = start_proxy(live_server.base_url, "--strict", api="keyline")
    yield {**{api: base for api, (_, base) in started.items()}, "keyline-strict": strict[1]}
    for process, _ in [*started.values(), strict]:
        stop(process)


def test_date_and_server_are_not_doubled(proxies: dict[str, str]) -> None:
    response = httpx.get(proxies["solvimon"] + "/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
    assert response.status_code == 200
    assert len(response.headers.get_list("date")) == 1
    assert len(response.headers.get_list("server")) <= 1


def test_location_points_at_the_proxy(proxies: dict[str, str]) -> None:
    created = httpx.post(
        proxies["chargeover"] + "/api/v3/invoice",
        json={"customer_id": 1, "line_items": [{"item_id": 1}]},
        auth=CHARGEOVER_AUTH,
    )
    assert created.status_code == 201
    assert created.headers["location"].startswith(proxies["chargeover"] + "/api/v3/invoice/")
    assert httpx.get(created.headers["location"], auth=CHARGEOVER_AUTH).status_code == 200


def test_cors_preflight_is_no_violation_and_violations_are_exposed(proxies: dict[str, str]) -> None:
    origin = {"Origin": "http://localhost:3000"}
    preflight = httpx.options(
        proxies["solvimon"] + "/v1/invoices/inv_alpha_0001/credit",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key"},
    )
    assert preflight.status_code == 200
    assert "sl-violations" not in preflight.headers
    bad = httpx.post(
        proxies["solvimon"] + "/v1/invoices/inv_alpha_0001/credit",
        json={"periods": "nope"},
        headers={**SOLVIMON_ALL, **origin},
    )
    assert "sl-violations" in bad.headers
    exposed = {h.strip().lower() for h in bad.headers["access-control-expose-headers"].split(",")}
    assert "sl-violations" in exposed


def test_an_unreachable_upstream_is_a_502_in_the_apis_shape() -> None:
    process, base = start_proxy(f"http://127.0.0.1:{free_port()}")
    try:
        response = httpx.get(base + "/v1/invoices", headers=SOLVIMON_ALL)
    finally:
        stop(process)
    assert response.status_code == 502
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "did not answer" in response.json()["message"]


def test_strict_mode_answers_with_the_apis_own_status(proxies: dict[str, str]) -> None:
    response = httpx.post(
        proxies["keyline-strict"] + "/api/v2/accounting/customer_invoices",
        json={"customer_invoice": {"customer_id": "not a number"}},
        headers=KEYLINE_AUTH,
    )
    assert response.status_code == 422, response.text
    assert "errors" in response.json()


def test_record_then_replay_gives_the_same_answers(tmp_path: Path) -> None:
    upstream = start_server()
    recorded = tmp_path / "recorded"
    session = [
        ("GET", "/v1/invoices/inv_alpha_0002", None),
        ("POST", "/v1/invoices/inv_alpha_0002/credit", {"note": "recorded"}),
        ("GET", "/v1/invoices/inv_alpha_0002", None),
        ("GET", "/v1/invoices?limit=2", None),
        ("POST", "/v1/invoices/inv_alpha_0002/credit", {"note": "recorded"}),
    ]
    try:
        process, base = start_proxy(upstream.base_url, "--record", str(recorded))
        try:
            seen = [_call(base, method, path, body) for method, path, body in session]
        finally:
            stop(process)
    finally:
        stop_server(upstream)
    files = sorted(recorded.glob("*.json"))
    assert len(files) == len(session)
    assert not any("sk_test_all" in f.read_text() for f in files), "credentials are not recorded"
    assert seen[0] != seen[2], "the invoice changed between the reads"
    replay = start_server("--stubs", str(recorded))
    try:
        replayed = [_call(replay.base_url, method, path, body) for method, path, body in session]
        journal = httpx.get(replay.base_url + "/__mock/journal").json()["entries"]
    finally:
        stop_server(replay)
    assert replayed == seen
    assert all(entry["stub"] for entry in journal), "every answer came from a recorded stub"


def _call(base: str, method: str, path: str, body: object) -> tuple[int, object]:
    response = httpx.request(method, base + path, json=body, headers=SOLVIMON_ALL)
    return response.status_code, response.json()


def test_a_broken_stubs_file_stops_the_start_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "stubs.json"
    bad.write_text(json.dumps({"request": {"api": "solvimon"}, "fault": "meltdown"}))
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--stubs", str(bad), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 2
    assert str(bad) in result.stderr
    assert "meltdown" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_stops_the_proxy_with_one_line(live_server: LiveServer) -> None:
    port = live_server.base_url.rsplit(":", 1)[1]
    command = ["proxy", "--api", "solvimon", "--upstream", live_server.base_url, "--port", port]
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", *command],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"mock-server proxy: cannot listen on 127.0.0.1:{port}: Address already in use"
