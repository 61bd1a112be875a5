"""Stubs, verification and admin safety against a real mock process (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHARGEOVER_AUTH, KEYLINE_AUTH, ROOT, SOLVIMON_ALL, LiveServer, start_server, stop_server

REFUND = "/v1/invoices/inv_alpha_0008/refund"
CREDIT = "/v1/invoices/inv_alpha_0002/credit"
NEW_INVOICE = {"customer_id": 1, "line_items": [{"item_id": 1}]}


@pytest.fixture(autouse=True)
def clean(http: httpx.Client) -> Iterator[None]:
    yield
    assert http.post("/__mock/reset").status_code == 204


def stub(http: httpx.Client, definition: dict[str, object]) -> dict[str, object]:
    response = http.post("/__mock/stubs", json=definition)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    created: dict[str, object] = response.json()
    return created


# --- stubs -------------------------------------------------------------------------------------


def test_a_per_route_fault_hits_only_its_route(http: httpx.Client) -> None:
    created = stub(
        http,
        {"request": {"api": "solvimon", "method": "POST", "path": "/v1/invoices/{id}/refund"}, "fault": "error_503"},
    )
    refused = http.post(REFUND, headers=SOLVIMON_ALL)
    assert refused.status_code == 503
    assert refused.json()["code"] == "INTERNAL_ERROR", "the API's own error shape"
    assert http.post(CREDIT, headers=SOLVIMON_ALL).status_code == 200
    assert http.get("/v1/invoices/inv_alpha_0008", headers=SOLVIMON_ALL).status_code == 200
    entries = http.get("/__mock/journal", params={"limit": 3}).json()["entries"]
    assert [(e["path"], e["stub"], e["fault"]) for e in entries] == [
        (REFUND, created["id"], "error_503"),
        (CREDIT, None, None),
        ("/v1/invoices/inv_alpha_0008", None, None),
    ]


def test_times_runs_out(http: httpx.Client) -> None:
    created = stub(http, {"request": {"operationId": "createInvoice"}, "fault": "error_503", "times": 2})
    statuses = [http.post("/api/v3/invoice", json=NEW_INVOICE, auth=CHARGEOVER_AUTH).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    listed = http.get(f"/__mock/stubs/{created['id']}").json()
    assert (listed["hits"], listed["remaining"]) == (2, 0)


def test_rate_applies_to_about_that_share(http: httpx.Client) -> None:
    stub(http, {"request": {"operationId": "getInvoices"}, "fault": "error_500", "rate": 0.5})
    statuses = [http.get("/v1/invoices", headers=SOLVIMON_ALL).status_code for _ in range(100)]
    assert set(statuses) == {200, 500}
    assert 20 <= statuses.count(500) <= 80


def test_fixed_responses_are_checked_against_the_contract(http: httpx.Client) -> None:
    invoice = http.get("/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL).json()
    changed = {**invoice, "number": "STUBBED-1"}
    stub(
        http, {"request": {"api": "solvimon", "operationId": "getInvoicesByResourceId"}, "response": {"body": changed}}
    )
    assert http.get("/v1/invoices/inv_alpha_0003", headers=SOLVIMON_ALL).json()["number"] == "STUBBED-1"

    wrong = http.post(
        "/__mock/stubs",
        json={"request": {"operationId": "getInvoicesByResourceId"}, "response": {"body": {**invoice, "id": 5}}},
    )
    assert wrong.status_code == 400
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "id: 5 is not of type" in wrong.json()["detail"]
    undocumented = http.post(
        "/__mock/stubs", json={"request": {"operationId": "getInvoicesByResourceId"}, "response": {"status": 418}}
    )
    assert "not documented" in undocumented.json()["detail"]
    unpinned = http.post("/__mock/stubs", json={"request": {"method": "GET"}, "response": {"body": {}}})
    assert "exactly one operation" in unpinned.json()["detail"]

    stub(
        http,
        {
            "request": {"method": "GET", "path": "/api/v3/item"},
            "response": {"status": 418, "body": "teapot", "validate": False},
            "priority": 1,
        },
    )
    teapot = http.get("/api/v3/item", auth=CHARGEOVER_AUTH)
    assert (teapot.status_code, teapot.json()) == (418, "teapot")


def test_an_error_status_without_body_has_the_apis_shape(http: httpx.Client) -> None:
    stub(http, {"request": {"operationId": "getReversalInvoice"}, "response": {"status": 404}})
    response = http.get("/api/v2/accounting/reversal_invoices/1", headers=KEYLINE_AUTH)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_a_forced_example_still_needs_credentials(http: httpx.Client) -> None:
    stub(http, {"request": {"operationId": "getInvoicesByResourceId"}, "prefer": {"code": "404"}})
    forced = http.get("/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
    assert forced.status_code == 404
    assert forced.json()["field"] is None, "a forced error carries what real errors carry"
    assert http.get("/v1/invoices/inv_alpha_0001").status_code == 401


def test_priority_then_newest_wins(http: httpx.Client) -> None:
    base = {"request": {"operationId": "listItems"}}
    stub(http, {**base, "fault": "error_500", "priority": 3})
    stub(http, {**base, "fault": "error_503", "priority": 3})
    assert http.get("/api/v3/item", auth=CHARGEOVER_AUTH).status_code == 503, "the newest of equal priority"
    stub(http, {**base, "response": {"status": 401}, "priority": 7})
    assert http.get("/api/v3/item", auth=CHARGEOVER_AUTH).status_code == 503
    stub(http, {**base, "response": {"status": 401}, "priority": 1})
    assert http.get("/api/v3/item", auth=CHARGEOVER_AUTH).status_code == 401


def test_matching_on_query_headers_and_body(http: httpx.Client) -> None:
    stub(
        http,
        {
            "request": {
                "operationId": "postInvoicesByResourceIdCredit",
                "headers": {"X-Platform-Id": "plat_alpha"},
                "body": {"note": "fail me"},
            },
            "fault": "error_503",
        },
    )
    stub(http, {"request": {"operationId": "getInvoices", "query": {"limit": "3"}}, "fault": "error_500"})
    alpha = {**SOLVIMON_ALL, "x-platform-id": "plat_alpha"}
    assert http.post(CREDIT, headers=alpha, json={"note": "fail me", "periods": []}).status_code == 503
    assert http.post(CREDIT, headers=alpha, json={"note": "other"}).status_code == 200
    assert http.post(
        CREDIT, headers={**SOLVIMON_ALL, "x-platform-id": "plat_beta"}, json={"note": "fail me"}
    ).status_code in (
        400,
        404,
    )
    assert http.get("/v1/invoices", params={"limit": 3}, headers=SOLVIMON_ALL).status_code == 500
    assert http.get("/v1/invoices", params={"limit": 4}, headers=SOLVIMON_ALL).status_code == 200


def test_stubs_are_listed_replaced_and_removed(http: httpx.Client) -> None:
    first = stub(http, {"id": "slow-items", "request": {"operationId": "listItems"}, "latency_ms": 300})
    assert first["id"] == "slow-items"
    assert http.post("/__mock/stubs", json={"id": "slow-items", "latency_ms": 1}).status_code == 400
    response = http.get("/api/v3/item", auth=CHARGEOVER_AUTH)
    assert response.status_code == 200
    assert http.get("/__mock/journal", params={"limit": 1}).json()["entries"][0]["milliseconds"] >= 300
    replaced = http.put(
        "/__mock/stubs/slow-items", json={"request": {"operationId": "listItems"}, "fault": "error_500"}
    )
    assert replaced.status_code == 200
    assert http.get("/api/v3/item", auth=CHARGEOVER_AUTH).status_code == 500
    listing = http.get("/__mock/stubs").json()["stubs"]
    assert [s["id"] for s in listing] == ["slow-items"]
    assert (
        http.put(
            "/__mock/stubs", json=[*listing, {"id": "b", "request": {"api": "keyline"}, "fault": "error_503"}]
        ).status_code
        == 200
    )
    assert [s["id"] for s in http.get("/__mock/stubs").json()["stubs"]] == ["b", "slow-items"]
    assert http.delete("/__mock/stubs/slow-items").status_code == 204
    assert http.delete("/__mock/stubs/slow-items").status_code == 404
    assert http.get("/__mock/stubs/slow-items").status_code == 404
    assert http.delete("/__mock/stubs", params={"api": "keyline"}).status_code == 204
    assert http.get("/__mock/stubs").json()["stubs"] == []
    bad = http.post("/__mock/stubs", json={"request": {"api": "nope"}, "fault": "error_500"})
    assert bad.status_code == 400
    assert "no API 'nope'" in bad.json()["detail"]


def test_reset_clears_every_control_unless_asked_to_keep_them(http: httpx.Client) -> None:
    stub(http, {"request": {"api": "solvimon"}, "fault": "error_503"})
    stub(http, {"request": {"api": "keyline"}, "fault": "error_503"})
    assert http.put("/__mock/controls", json={"latency_ms": {"min": 1, "max": 2}}).status_code == 200
    http.get("/v1/invoices", headers=SOLVIMON_ALL)
    assert http.post("/__mock/reset", params={"api": "solvimon"}).status_code == 204
    assert [s["request"]["api"] for s in http.get("/__mock/stubs").json()["stubs"]] == ["keyline"]
    assert http.get("/__mock/controls").json()["latency_ms"] == {"min": 1, "max": 2}, "one API's reset is only its own"
    assert http.post("/__mock/reset", params={"keep": "stubs,journal"}).status_code == 204
    assert len(http.get("/__mock/stubs").json()["stubs"]) == 1
    assert http.get("/__mock/journal").json()["entries"]
    assert http.get("/__mock/controls").json() == {"latency_ms": None, "fault": None, "fault_rate": 1.0}
    assert http.post("/__mock/reset").status_code == 204
    assert http.get("/__mock/stubs").json()["stubs"] == []
    assert http.get("/__mock/journal").json()["entries"] == []
    assert http.post("/__mock/reset", params={"keep": "everything"}).status_code == 400


def test_put_controls_replaces_every_setting(http: httpx.Client) -> None:
    assert http.put("/__mock/controls", json={"fault": "error_503", "fault_rate": 0.01}).status_code == 200
    after = http.put("/__mock/controls", json={"latency_ms": {"min": 5, "max": 5}}).json()
    assert after == {"latency_ms": {"min": 5, "max": 5}, "fault": None, "fault_rate": 1.0}


# --- verification ------------------------------------------------------------------------------


def test_journal_entries_hold_the_whole_exchange_with_secrets_redacted(http: httpx.Client) -> None:
    http.post("/api/v3/invoice", json=NEW_INVOICE, auth=CHARGEOVER_AUTH, params={"trace": "1"})
    http.get("/v1/invoices", headers={**SOLVIMON_ALL, "Authorization": "Bearer tok_test_all"})
    chargeover, solvimon = http.get("/__mock/journal", params={"limit": 2}).json()["entries"]
    assert chargeover["operationId"] == "createInvoice"
    assert chargeover["query"] == {"trace": ["1"]}
    assert chargeover["headers"]["authorization"] == "Basic [REDACTED]"
    assert chargeover["request_body"] == NEW_INVOICE
    assert chargeover["status"] == 201
    assert chargeover["response_body"]["response"]["id"] >= 1
    assert chargeover["response_headers"]["location"].endswith(
        f"/api/v3/invoice/{chargeover['response_body']['response']['id']}"
    )
    assert solvimon["headers"]["x-api-key"] == "[REDACTED]"
    assert solvimon["headers"]["authorization"] == "Bearer [REDACTED]"
    raw = json.dumps(http.get("/__mock/journal").json())
    for secret in ("sk_test_all", "tok_test_all", "co_test_pass"):
        assert secret not in raw


def test_journal_filters_by_api(http: httpx.Client) -> None:
    http.get("/v1/invoices", headers=SOLVIMON_ALL)
    http.get("/api/v3/item", auth=CHARGEOVER_AUTH)
    http.get("/api/v2/accounting/reversal_invoices", headers=KEYLINE_AUTH)
    entries = http.get("/__mock/journal", params={"api": "chargeover"}).json()["entries"]
    assert [e["api"] for e in entries] == ["chargeover"]
    assert http.get("/__mock/journal", params={"method": "get"}).json()["entries"]


def test_verify_counts_and_finds_by_matcher(http: httpx.Client) -> None:
    for note in ("first", "second"):
        http.post(CREDIT, headers=SOLVIMON_ALL, json={"note": note, "periods": [{"amount": {"quantity": "1.00"}}]})
    http.post("/v1/invoices/inv_alpha_0003/credit", headers=SOLVIMON_ALL, json={"note": "first"})
    credits_of_0002 = {"method": "POST", "path": CREDIT}
    assert http.post("/__mock/journal/count", json=credits_of_0002).json() == {"count": 2}
    assert http.post("/__mock/journal/count", json={"operationId": "postInvoicesByResourceIdCredit"}).json() == {
        "count": 3
    }
    found = http.post("/__mock/journal/find", json={"body": {"note": "first"}}).json()
    assert found["count"] == 2
    assert {e["path"] for e in found["entries"]} == {CREDIT, "/v1/invoices/inv_alpha_0003/credit"}
    assert http.post("/__mock/journal/count", json={"nope": 1}).status_code == 400


def test_near_misses_say_what_differed(http: httpx.Client) -> None:
    http.post(CREDIT, headers=SOLVIMON_ALL, json={"note": "x"})
    http.get("/api/v3/item", auth=CHARGEOVER_AUTH)
    expected = {"method": "POST", "path": "/v1/invoices/inv_alpha_0009/credit", "body": {"note": "x"}}
    misses = http.post("/__mock/journal/near-misses", json=expected).json()["near_misses"]
    assert misses[0]["request"]["path"] == CREDIT
    assert misses[0]["differences"] == [f"path: expected /v1/invoices/inv_alpha_0009/credit, was {CREDIT}"]
    created = stub(http, {"request": {**expected, "api": "solvimon"}, "fault": "error_503"})
    by_stub = http.get(f"/__mock/stubs/{created['id']}/near-misses").json()["near_misses"]
    assert by_stub[0]["request"]["path"] == CREDIT


# --- admin safety ------------------------------------------------------------------------------


def test_admin_refuses_pages_of_other_origins(http: httpx.Client, live_server: LiveServer) -> None:
    evil = {"Origin": "http://evil.example"}
    refused = http.post("/__mock/reset", headers=evil)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "access-control-allow-origin" not in refused.headers
    assert http.post("/__mock/reset", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    preflight = http.options("/__mock/credentials", headers={**evil, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert http.post("/__mock/reset", headers={"Origin": live_server.base_url}).status_code == 204, "Swagger UI"
    api = http.get("/v1/invoices", headers={**SOLVIMON_ALL, **evil})
    assert api.headers["access-control-allow-origin"] == "http://evil.example", "the APIs keep their CORS"


def test_a_foreign_host_is_refused(http: httpx.Client) -> None:
    rebound = {"Host": "attacker.example:4010"}
    admin = http.get("/__mock/state", headers=rebound)
    assert admin.status_code == 403
    assert "--allowed-hosts attacker.example" in admin.json()["detail"]
    api = http.get("/v1/invoices", headers={**SOLVIMON_ALL, **rebound})
    assert api.status_code == 403
    assert api.json()["code"] == "USER_NOT_ALLOWED", "in the API's own shape"
    assert http.get("/v1/invoices", headers={**SOLVIMON_ALL, "Host": "localhost:4010"}).status_code == 200


def test_admin_origins_and_hosts_can_be_widened() -> None:
    server = start_server(
        "--admin-cors-origins", "http://app.example", "--allowed-hosts", "mock.internal", "--journal-body-bytes", "16"
    )
    try:
        with server.client() as client:
            allowed = client.options(
                "/__mock/reset", headers={"Origin": "http://app.example", "Access-Control-Request-Method": "POST"}
            )
            assert allowed.headers["access-control-allow-origin"] == "http://app.example"
            reset = client.post("/__mock/reset", headers={"Origin": "http://app.example"})
            assert reset.status_code == 204
            assert reset.headers["access-control-allow-origin"] == "http://app.example"
            assert client.post("/__mock/reset", headers={"Origin": "http://evil.example"}).status_code == 403
            assert client.get("/__mock/controls", headers={"Host": "mock.internal:4010"}).status_code == 200
            client.post(CREDIT, headers=SOLVIMON_ALL, json={"note": "a note much longer than sixteen bytes"})
            entry = client.get("/__mock/journal", params={"limit": 1}).json()["entries"][0]
            assert isinstance(entry["request_body"], str)
            assert len(entry["request_body"]) <= 16
            assert entry["request_body_truncated"] is True
            assert entry["response_body_truncated"] is True
    finally:
        stop_server(server)


# --- start-up and fixes ------------------------------------------------------------------------


def test_a_busy_port_is_one_line_and_exit_2(live_server: LiveServer) -> None:
    port = live_server.base_url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--port", port], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot listen on 127.0.0.1" in result.stderr
    assert "mock-server: ready" not in result.stderr


def test_the_banner_tells_the_truth_and_connexion_stays_quiet(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    server = start_server(
        "--latency",
        "1",
        "--fault",
        "error_500",
        "--fault-rate",
        "0.01",
        "--admin-token",
        "s3cret",
        "--state-file",
        str(state),
    )
    try:
        with server.client() as client:
            client.get("/v1/invoices/inv_alpha_0001", params={"__code": "404"}, headers=SOLVIMON_ALL)
            client.get("/v1/invoices/inv_alpha_0001", params={"__dynamic": "true"}, headers=SOLVIMON_ALL)
    finally:
        server.process.terminate()
        _, stderr_bytes = server.process.communicate(timeout=20)
    stderr = stderr_bytes.decode()
    assert "latency: 1-1 ms; fault: error_500 for 1% of requests; stubs: 0" in stderr
    assert f"state file: {state}" in stderr
    assert "admin API: token required" in stderr
    assert stderr.index("ready in") > stderr.index("admin API")
    assert "not defined in specification" not in stderr


def test_help_mentions_the_proxy() -> None:
    result = subprocess.run([sys.executable, "-m", "mock_server", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "mock-server proxy" in result.stdout
    for option in (
        "--max-body-bytes",
        "--max-records",
        "--idempotency-cache",
        "--allowed-hosts",
        "--admin-cors-origins",
    ):
        assert option in result.stdout
        assert option in (ROOT / "docs" / "mock-server.md").read_text(), f"{option} is in the options table"


def test_minting_refuses_unknown_permissions_and_tenants(http: httpx.Client) -> None:
    unknown_permission = http.post(
        "/__mock/credentials", json={"api": "solvimon", "permissions": ["INVOICE.BURN"], "tenants": ["plat_alpha"]}
    )
    assert unknown_permission.status_code == 400
    assert "INVOICE.BURN" in unknown_permission.json()["detail"]
    unknown_tenant = http.post("/__mock/credentials", json={"api": "solvimon", "platform_ids": ["plat_zeta"]})
    assert unknown_tenant.status_code == 400
    assert "plat_zeta" in unknown_tenant.json()["detail"]
    assert http.post("/__mock/credentials", json={"api": "keyline", "tenants": ["x"]}).status_code == 400
    assert http.post("/__mock/credentials", json={"api": "solvimon", "tenants": ["plat_beta"]}).status_code == 201


def test_admin_answers_carry_a_content_type(http: httpx.Client) -> None:
    for path in ("/__mock/controls", "/__mock/journal", "/__mock/stubs", "/__mock/credentials", "/__mock/state"):
        assert http.get(path).headers["content-type"] == "application/json", path
    assert http.post("/__mock/reset", params={"api": "nope"}).headers["content-type"] == "application/problem+json"
