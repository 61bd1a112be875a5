"""Mock controls against real server processes: admin API, Prefer, latency, faults, CORS, proxy,
persistence and hot reload."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SOLVIMON_ALL, LiveServer, free_port, kill_9, start_server, stop_server

CREDIT = "/v1/invoices/inv_alpha_0009/credit"


# --- admin API ---------------------------------------------------------------------------------


def test_reset_restores_the_fixtures(http: httpx.Client) -> None:
    assert http.post(CREDIT, headers=SOLVIMON_ALL).status_code == 200
    assert http.post(CREDIT, headers=SOLVIMON_ALL).status_code == 400  # fully credited
    assert http.post("/__mock/reset").status_code == 204
    assert http.post(CREDIT, headers=SOLVIMON_ALL).status_code == 200


def test_reset_of_one_api_leaves_the_others(http: httpx.Client) -> None:
    created = http.post(
        "/api/v3/invoice",
        json={"customer_id": 1, "line_items": [{"item_id": 1}]},
        auth=("co_test_user", "co_test_pass"),
    )
    assert http.post(CREDIT, headers=SOLVIMON_ALL).status_code in (200, 400)
    assert http.post("/__mock/reset", params={"api": "solvimon"}).status_code == 204
    assert http.get(created.headers["Location"], auth=("co_test_user", "co_test_pass")).status_code == 200
    assert http.post("/__mock/reset", params={"api": "nope"}).status_code == 404


def test_export_and_import_round_trip(http: httpx.Client) -> None:
    exported = http.get("/__mock/state").json()
    assert exported["format"] == "invoice-contracts-state"
    before = http.get("/v1/invoices/inv_alpha_0002", headers=SOLVIMON_ALL).json()
    assert http.post("/v1/invoices/inv_alpha_0002/credit", headers=SOLVIMON_ALL).status_code == 200
    assert http.put("/__mock/state", json=exported).status_code == 204
    assert http.get("/v1/invoices/inv_alpha_0002", headers=SOLVIMON_ALL).json() == before
    assert (
        http.get(
            "/api/v2/accounting/reversal_invoices/1", headers={"Authorization": "Bearer kl_test_token"}
        ).status_code
        == 200
    )
    assert http.get("/__mock/state").json() == exported
    bad = http.put("/__mock/state", json={"format": "other", "version": 1, "commits": []})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_minted_credentials_are_exactly_scoped(http: httpx.Client) -> None:
    minted = http.post(
        "/__mock/credentials", json={"api": "solvimon", "permissions": ["INVOICE.VIEW"], "platform_ids": ["plat_beta"]}
    )
    assert minted.status_code == 201
    headers = minted.json()["headers"]
    assert {i["platform_id"] for i in http.get("/v1/invoices", headers=headers).json()["data"]} == {"plat_beta"}
    assert http.post("/v1/invoices/inv_beta_0001/credit", headers=headers).status_code == 403
    assert http.get("/v1/invoices", headers={**headers, "x-platform-id": "plat_alpha"}).status_code == 403
    basic = http.post("/__mock/credentials", json={"api": "chargeover"}).json()
    assert http.get("/api/v3/item", headers=basic["headers"]).status_code == 200
    token = http.post("/__mock/credentials", json={"api": "keyline"}).json()
    assert http.get("/api/v2/accounting/reversal_invoices", headers=token["headers"]).status_code == 200
    assert http.post("/__mock/credentials", json={"api": "solvimon"}).status_code == 400
    assert http.post("/__mock/credentials", json={"api": "nope"}).status_code == 400
    http.post("/__mock/reset")
    assert http.get("/v1/invoices", headers=headers).status_code == 200, "a reset keeps minted credentials"


def test_journal_lists_requests(http: httpx.Client) -> None:
    http.delete("/__mock/journal")
    http.get("/v1/invoices/inv_nope", headers=SOLVIMON_ALL)
    entries = http.get("/__mock/journal").json()["entries"]
    assert [(e["method"], e["path"], e["status"], e["api"]) for e in entries] == [
        ("GET", "/v1/invoices/inv_nope", 404, "solvimon")
    ]
    assert entries[0]["milliseconds"] > 0


def test_journal_is_bounded() -> None:
    server = start_server("--journal-size", "5")
    try:
        with server.client() as client:
            for _ in range(12):
                client.get("/v1/invoices", headers=SOLVIMON_ALL)
            journal = client.get("/__mock/journal", params={"limit": 100}).json()
    finally:
        stop_server(server)
    assert journal["capacity"] == 5
    assert len(journal["entries"]) == 5


def test_admin_token_protects_the_admin_api() -> None:
    server = start_server("--admin-token", "s3cret")
    try:
        with server.client() as client:
            for method, path in [
                ("POST", "/__mock/reset"),
                ("GET", "/__mock/state"),
                ("GET", "/__mock/journal"),
                ("PUT", "/__mock/controls"),
            ]:
                assert client.request(method, path, json={}).status_code == 401
                assert (
                    client.request(method, path, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
                )
            assert client.post("/__mock/reset", headers={"Authorization": "Bearer s3cret"}).status_code == 204
    finally:
        stop_server(server)


# --- Prefer ------------------------------------------------------------------------------------


def test_prefer_code_returns_the_documented_response(http: httpx.Client) -> None:
    response = http.get("/v1/invoices/inv_alpha_0001", headers={**SOLVIMON_ALL, "Prefer": "code=404"})
    assert response.status_code == 404
    assert response.json()["code"] == "RESOURCE_NOT_FOUND"
    query = http.get("/v1/invoices/inv_alpha_0001", params={"__code": "500"}, headers=SOLVIMON_ALL)
    assert query.status_code == 500
    assert query.json()["code"] == "INTERNAL_ERROR"


def test_prefer_example_and_undocumented_code(http: httpx.Client) -> None:
    named = http.post(CREDIT, headers={**SOLVIMON_ALL, "Prefer": "code=400, example=unsupportedVersion"})
    assert named.status_code == 400
    assert named.json()["code"] == "UNSUPPORTED_VERSION"
    wrong = http.post(CREDIT, headers={**SOLVIMON_ALL, "Prefer": "code=400, example=nope"})
    assert wrong.status_code == 400
    assert "invalidOperation" in wrong.json()["message"]
    undocumented = http.get("/v1/invoices", headers={**SOLVIMON_ALL, "Prefer": "code=418"})
    assert undocumented.status_code == 400
    assert "200, 400, 401, 403, 500" in undocumented.json()["message"]
    co = http.post(
        "/api/v3/invoice",
        json={"line_items": [{"item_id": 1}]},
        auth=("co_test_user", "co_test_pass"),
        headers={"Prefer": "code=999"},
    )
    assert co.json()["response"] is False


def test_prefer_dynamic_generates_valid_fake_data(http: httpx.Client) -> None:
    # The live server validates responses, so a 200 here is also schema-valid.
    first = http.get("/v1/invoices/inv_alpha_0001", headers={**SOLVIMON_ALL, "Prefer": "dynamic=true"})
    second = http.get("/v1/invoices/inv_alpha_0001", params={"__dynamic": "true"}, headers=SOLVIMON_ALL)
    assert first.status_code == second.status_code == 200
    assert first.json() != second.json()
    assert first.json()["id"] != "inv_alpha_0001"
    created = http.post(
        "/api/v3/invoice",
        json={"customer_id": 1, "line_items": [{"item_id": 1}]},
        auth=("co_test_user", "co_test_pass"),
        headers={"Prefer": "dynamic=true"},
    )
    assert created.status_code == 201
    assert created.headers["Location"]


def test_forced_responses_do_not_touch_the_state(http: httpx.Client) -> None:
    before = http.get("/v1/invoices/inv_alpha_0006", headers=SOLVIMON_ALL).json()
    assert (
        http.post("/v1/invoices/inv_alpha_0006/credit", headers={**SOLVIMON_ALL, "Prefer": "code=200"}).status_code
        == 200
    )
    assert http.get("/v1/invoices/inv_alpha_0006", headers=SOLVIMON_ALL).json() == before


def test_prefer_still_needs_credentials(http: httpx.Client) -> None:
    assert http.get("/v1/invoices", headers={"Prefer": "code=200"}).status_code == 401


# --- latency and faults -----------------------------------------------------------------------


def timed(client: httpx.Client, prefer: str | None = None) -> float:
    headers = {**SOLVIMON_ALL, **({"Prefer": prefer} if prefer else {})}
    started = time.perf_counter()
    assert client.get("/v1/invoices/inv_alpha_0001", headers=headers).status_code == 200
    return time.perf_counter() - started


def quickest(client: httpx.Client, tries: int = 3) -> float:
    return min(timed(client) for _ in range(tries))


def test_latency_global_runtime_and_per_request(http: httpx.Client) -> None:
    assert quickest(http) < 0.15
    assert timed(http, "latency=300") >= 0.3
    assert http.put("/__mock/controls", json={"latency_ms": {"min": 200, "max": 250}}).status_code == 200
    try:
        assert 0.2 <= timed(http) < 1.0
    finally:
        http.put("/__mock/controls", json={"latency_ms": None})
    assert quickest(http) < 0.15
    bad = http.get("/v1/invoices", headers={**SOLVIMON_ALL, "Prefer": "latency=slow"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "INVALID_FIELD"


def test_fixed_latency_flag() -> None:
    server = start_server("--latency", "250")
    try:
        with server.client() as client:
            assert timed(client) >= 0.25
    finally:
        stop_server(server)


@pytest.mark.parametrize("fault", ["empty_response", "connection_reset", "malformed_chunk"])
def test_connection_faults_break_the_connection(http: httpx.Client, live_server: LiveServer, fault: str) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(
            live_server.base_url + "/v1/invoices", headers={**SOLVIMON_ALL, "Prefer": f"fault={fault}"}, timeout=5
        )
    entries = http.get("/__mock/journal", params={"limit": 1}).json()["entries"]
    assert entries[-1]["fault"] == fault


def test_error_faults_use_the_apis_error_shape(http: httpx.Client) -> None:
    solvimon = http.get("/v1/invoices", headers={**SOLVIMON_ALL, "Prefer": "fault=error_503"})
    assert solvimon.status_code == 503
    assert solvimon.json()["code"] == "INTERNAL_ERROR"
    chargeover = http.get("/api/v3/item", auth=("co_test_user", "co_test_pass"), headers={"Prefer": "fault=error_500"})
    assert chargeover.status_code == 500
    assert chargeover.json()["response"] is False


def test_failure_rate_affects_about_that_share(http: httpx.Client) -> None:
    assert http.put("/__mock/controls", json={"fault": "error_503", "fault_rate": 0.25}).status_code == 200
    try:
        statuses = [http.get("/v1/invoices", headers=SOLVIMON_ALL).status_code for _ in range(200)]
    finally:
        http.put("/__mock/controls", json={"fault": None, "fault_rate": 1.0})
    failures = statuses.count(503)
    assert set(statuses) == {200, 503}
    assert 25 <= failures <= 80, failures
    assert http.put("/__mock/controls", json={"fault": "meltdown"}).status_code == 400


def test_nothing_happens_by_default(http: httpx.Client) -> None:
    assert http.get("/__mock/controls").json() == {"latency_ms": None, "fault": None, "fault_rate": 1.0}


# --- CORS --------------------------------------------------------------------------------------


def preflight(client: httpx.Client, origin: str) -> httpx.Response:
    return client.options(
        "/api/v3/invoice",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


def test_cors_preflight_and_exposed_headers(http: httpx.Client) -> None:
    response = preflight(http, "http://localhost:3000")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    real = http.post(
        "/api/v3/invoice",
        json={"customer_id": 1, "line_items": [{"item_id": 1}]},
        auth=("co_test_user", "co_test_pass"),
        headers={"Origin": "http://localhost:3000"},
    )
    exposed = {h.strip().lower() for h in real.headers["access-control-expose-headers"].split(",")}
    assert {"location", "x-keyline-result-total", "idempotent-replayed"} <= exposed


def test_cors_can_be_restricted_or_turned_off() -> None:
    restricted = start_server("--cors-origins", "http://app.example")
    try:
        with restricted.client() as client:
            assert (
                preflight(client, "http://app.example").headers["access-control-allow-origin"] == "http://app.example"
            )
            assert "access-control-allow-origin" not in preflight(client, "http://evil.example").headers
    finally:
        stop_server(restricted)
    off = start_server("--no-cors")
    try:
        with off.client() as client:
            assert "access-control-allow-origin" not in preflight(client, "http://localhost:3000").headers
    finally:
        stop_server(off)


# --- validation proxy --------------------------------------------------------------------------


def start_proxy(upstream: str, *extra: str, api: str = "solvimon") -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_server",
            "proxy",
            "--api",
            api,
            "--upstream",
            upstream,
            "--port",
            str(port),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/__mock/journal", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("proxy did not start")


def test_proxy_passes_conforming_traffic_and_reports_violations(live_server: LiveServer) -> None:
    process, base = start_proxy(live_server.base_url)
    try:
        good = httpx.get(base + "/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
        assert good.status_code == 200
        assert "sl-violations" not in good.headers
        bad = httpx.post(
            base + CREDIT, json={"periods": [{"amount": {"quantity": "x", "currency": "EUR"}}]}, headers=SOLVIMON_ALL
        )
        assert bad.status_code == 400  # the upstream's own answer, passed through
        violations = json.loads(bad.headers["sl-violations"])
        assert violations[0]["location"] == "request"
        journal = httpx.get(base + "/__mock/journal").json()["entries"]
        assert [len(e["violations"]) for e in journal] == [0, 1]
    finally:
        process.terminate()
        process.wait(10)


def test_strict_proxy_turns_a_violating_response_into_a_documented_error() -> None:
    upstream = start_server("solvimon-amount-as-number", module="tests.broken")
    try:
        lenient, lenient_base = start_proxy(upstream.base_url)
        strict, strict_base = start_proxy(upstream.base_url, "--strict")
        try:
            passed = httpx.get(lenient_base + "/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
            assert passed.status_code == 200
            assert "invoice_amount_including_tax" in passed.headers["sl-violations"]
            blocked = httpx.get(strict_base + "/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
            assert blocked.status_code == 500
            assert blocked.json()["code"] == "INTERNAL_ERROR"
        finally:
            for process in (lenient, strict):
                process.terminate()
                process.wait(10)
    finally:
        stop_server(upstream)


# --- persistence -------------------------------------------------------------------------------


def test_state_file_survives_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    server = start_server("--state-file", str(state))
    with server.client() as client:
        credit_id = client.post(CREDIT, headers=SOLVIMON_ALL).json()["id"]
        created = client.post(
            "/api/v3/invoice",
            json={"customer_id": 1, "line_items": [{"item_id": 1}]},
            auth=("co_test_user", "co_test_pass"),
        )
        minted = client.post("/__mock/credentials", json={"api": "keyline"}).json()["headers"]
    kill_9(server)
    restarted = start_server("--state-file", str(state))
    try:
        with restarted.client() as client:
            assert client.get(f"/v1/invoices/{credit_id}", headers=SOLVIMON_ALL).status_code == 200
            assert (
                client.get(
                    created.headers["Location"].replace(server.base_url, restarted.base_url),
                    auth=("co_test_user", "co_test_pass"),
                ).status_code
                == 200
            )
            assert client.get("/api/v2/accounting/reversal_invoices", headers=minted).status_code == 200
            assert client.post(CREDIT, headers=SOLVIMON_ALL).status_code == 400, (
                "the credit was kept, so a second full credit is refused"
            )
    finally:
        stop_server(restarted)


def test_torn_last_journal_line_is_dropped(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = start_server("--state-file", str(state))
    with first.client() as client:
        credit_id = client.post(CREDIT, headers=SOLVIMON_ALL).json()["id"]
    kill_9(first)
    with open(state.with_name("state.json.journal"), "ab") as journal:
        journal.write(b'{"api": "solvimon", "tenant": "plat_al')  # a crash in the middle of a write
    second = start_server("--state-file", str(state))
    try:
        with second.client() as client:
            assert client.get(f"/v1/invoices/{credit_id}", headers=SOLVIMON_ALL).status_code == 200
    finally:
        stop_server(second)


@pytest.mark.parametrize("damage", ["snapshot", "journal", "version"])
def test_corrupt_state_file_stops_the_start_naming_the_file(tmp_path: Path, damage: str) -> None:
    state = tmp_path / "state.json"
    server = start_server("--state-file", str(state))
    with server.client() as client:
        client.post(CREDIT, headers=SOLVIMON_ALL)
    stop_server(server)
    if damage == "snapshot":
        state.write_text("{not json")
    elif damage == "journal":
        state.with_name("state.json.journal").write_bytes(b"garbage\n")
    else:
        state.write_text(state.read_text().replace('"version":1', '"version":99'))
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--state-file", str(state), "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "state.json" in result.stderr
    assert "Traceback" not in result.stderr


# --- hot reload --------------------------------------------------------------------------------


def test_watch_reloads_edits_and_keeps_serving_after_a_broken_one(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", fixtures)
    server = start_server("--watch", "--fixtures", str(fixtures))
    try:
        with server.client() as client:
            assert (
                client.get("/api/v3/item", auth=("co_test_user", "co_test_pass")).json()["response"][0]["name"]
                == "Monthly plan"
            )
            target = fixtures / "chargeover.yaml"
            target.write_text(target.read_text().replace("Monthly plan", "Yearly plan"))
            name = ""
            for _ in range(50):
                time.sleep(0.2)
                name = client.get("/api/v3/item", auth=("co_test_user", "co_test_pass")).json()["response"][0]["name"]
                if name == "Yearly plan":
                    break
            assert name == "Yearly plan"
            target.write_text("items: [\n")
            time.sleep(2.5)
            assert (
                client.get("/api/v3/item", auth=("co_test_user", "co_test_pass")).json()["response"][0]["name"]
                == "Yearly plan"
            )
    finally:
        stop_server(server)
