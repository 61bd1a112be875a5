"""Reliability and security against real server processes: concurrency, hostile input, auth
generated from the contracts, resource caps and durability under kill -9."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoice_contracts.oas import load_document
from invoice_contracts.registry import Registry
from tests.conftest import (
    CHARGEOVER_AUTH,
    KEYLINE_AUTH,
    ROOT,
    SOLVIMON_ALL,
    LiveServer,
    free_port,
    kill_9,
    start_server,
    stop_server,
)

from starlette.testclient import TestClient  # isort: skip  (after mock_server, which silences its warning)

# --- concurrency -------------------------------------------------------------------------------


async def _gather(base_url: str, requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        return await asyncio.gather(*(client.request(method, path, **kwargs) for method, path, kwargs in requests))


def test_concurrent_partial_credits_never_exceed_the_invoice(live_server: LiveServer, http: httpx.Client) -> None:
    original = http.get("/v1/invoices/inv_alpha_0009", headers=SOLVIMON_ALL).json()  # net 60.00
    body = {"periods": [{"period_order": 0, "amount": {"quantity": "1.00", "currency": "EUR"}}]}
    stop = threading.Event()
    observed: list[httpx.Response] = []

    def read_while_writing() -> None:
        with httpx.Client(base_url=live_server.base_url, timeout=30) as reader:
            while not stop.is_set():
                observed.append(reader.get("/v1/invoices/inv_alpha_0009", headers=SOLVIMON_ALL))

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    try:
        responses = asyncio.run(
            _gather(
                live_server.base_url,
                [("POST", "/v1/invoices/inv_alpha_0009/credit", {"json": body, "headers": SOLVIMON_ALL})] * 200,
            )
        )
    finally:
        stop.set()
        reader.join()
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 60
    assert statuses.count(400) == 140
    assert all(r.json()["code"] == "INVALID_OPERATION" for r in responses if r.status_code == 400)
    after = http.get("/v1/invoices/inv_alpha_0009", headers=SOLVIMON_ALL).json()
    credited = -sum(Decimal(link["amount"]["quantity"]) for link in after["linked_invoices"])
    assert credited == Decimal(original["invoice_amount_including_tax"]["quantity"])
    # The server validates its responses, so each read is a whole, valid invoice; and at no
    # moment did the credits visible on the original exceed it.
    assert observed
    assert all(r.status_code == 200 for r in observed)
    for response in observed:
        links = response.json()["linked_invoices"] or []
        assert len({link["id"] for link in links}) == len(links)
        assert -sum(Decimal(link["amount"]["quantity"]) for link in links) <= credited


def test_concurrent_refunds_of_one_credit_invoice_succeed_once(live_server: LiveServer, http: httpx.Client) -> None:
    credit = http.post("/v1/invoices/inv_alpha_0003/credit", headers=SOLVIMON_ALL).json()
    responses = asyncio.run(
        _gather(live_server.base_url, [("POST", f"/v1/invoices/{credit['id']}/refund", {"headers": SOLVIMON_ALL})] * 50)
    )
    assert sorted(r.status_code for r in responses) == [200] + [400] * 49


def test_concurrent_creates_with_one_external_key_give_one_invoice(live_server: LiveServer) -> None:
    body = {"customer_id": 1, "external_key": "race-1", "line_items": [{"item_id": 1}]}
    responses = asyncio.run(
        _gather(live_server.base_url, [("POST", "/api/v3/invoice", {"json": body, "auth": CHARGEOVER_AUTH})] * 50)
    )
    assert sorted(r.status_code for r in responses) == [201] + [400] * 49


# --- hostile input -----------------------------------------------------------------------------

DEEP = b"[" * 10_000 + b"]" * 10_000
HUGE_NUMBER = b'{"customer_id": ' + b"9" * 10_000 + b', "line_items": [{"item_id": 1}]}'

HOSTILE: list[tuple[str, str, str, dict[str, Any]]] = [
    # (api, method, path, request options)
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": b"{nope", "headers": {"content-type": "application/json"}},
    ),
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": b'{"note": "\xff\xfe"}', "headers": {"content-type": "application/json"}},
    ),
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": b"<xml/>", "headers": {"content-type": "application/xml"}},
    ),
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": DEEP, "headers": {"content-type": "application/json"}},
    ),
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": b'{"note": 1' + b"0" * 10_000 + b"}", "headers": {"content-type": "application/json"}},
    ),
    (
        "solvimon",
        "POST",
        "/v1/invoices/inv_alpha_0001/credit",
        {"content": b'{"note": "' + b"x" * 1_100_000 + b'"}', "headers": {"content-type": "application/json"}},
    ),
    ("solvimon", "GET", "/v1/invoices/..%2F..%2Fetc%2Fpasswd", {}),
    ("solvimon", "GET", "/v1/invoices/inv%00alpha", {}),
    ("solvimon", "GET", "/v1/invoices/" + "x" * 10_000, {}),
    ("solvimon", "GET", "/v1/invoices?limit=5&limit=abc", {}),
    ("solvimon", "GET", "/v1/invoices", {"headers": {"x-platform-id": "plat_alpha\u2028Set-Cookie: a=b".encode()}}),
    ("chargeover", "POST", "/api/v3/invoice", {"content": b"", "headers": {"content-type": "application/json"}}),
    (
        "chargeover",
        "POST",
        "/api/v3/invoice",
        {"content": HUGE_NUMBER, "headers": {"content-type": "application/json"}},
    ),
    ("chargeover", "POST", "/api/v3/invoice", {"content": DEEP, "headers": {"content-type": "application/json"}}),
    (
        "chargeover",
        "POST",
        "/api/v3/invoice",
        {"json": {"customer_id": 1, "line_items": [{"item_id": 1}]}, "headers": {"content-type": "text/plain"}},
    ),
    ("chargeover", "GET", "/api/v3/invoice?offset=0&offset=-1", {}),
    ("chargeover", "GET", "/api/v3/invoice/..%2F1", {}),
    (
        "keyline",
        "POST",
        "/api/v2/accounting/customer_invoices",
        {"content": b"\xc3\x28", "headers": {"content-type": "application/json"}},
    ),
    (
        "keyline",
        "POST",
        "/api/v2/accounting/customer_invoices",
        {"content": b"null", "headers": {"content-type": "application/json"}},
    ),
    (
        "keyline",
        "PUT",
        "/api/v2/accounting/customer_invoices/150",
        {"content": DEEP, "headers": {"content-type": "application/json"}},
    ),
    (
        "keyline",
        "GET",
        "/api/v2/accounting/reversal_invoices",
        {"headers": {"X-Keyline-Requested-Page": "1\r\nX-Evil: 1".replace("\r\n", " ")}},
    ),
    ("keyline", "GET", "/api/v2/accounting/reversal_invoices/" + "9" * 5000, {}),
]
AUTH = {
    "solvimon": {"headers": SOLVIMON_ALL},
    "chargeover": {"auth": CHARGEOVER_AUTH},
    "keyline": {"headers": KEYLINE_AUTH},
}
SHAPES = {
    "solvimon": lambda body: {"type", "code", "message"} <= set(body),
    "chargeover": lambda body: body.get("response") is False and {"code", "status", "message", "details"} <= set(body),
    "keyline": lambda body: bool({"error", "errors", "missing_parameters"} & set(body)),
}


@pytest.mark.parametrize(
    ("api", "method", "path", "options"), HOSTILE, ids=[f"{h[0]}-{i}" for i, h in enumerate(HOSTILE)]
)
def test_hostile_input_gets_a_documented_4xx_and_changes_nothing(
    http: httpx.Client, api: str, method: str, path: str, options: dict[str, Any]
) -> None:
    before = http.get("/__mock/state").json()
    auth = AUTH[api]
    headers = {**auth.get("headers", {}), **options.get("headers", {})}
    request_options = {k: v for k, v in options.items() if k != "headers"}
    response = http.request(method, path, headers=headers, auth=auth.get("auth"), **request_options)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert SHAPES[api](body), body
    assert "Traceback" not in response.text
    assert http.get("/__mock/state").json() == before


def test_body_over_the_limit_is_413() -> None:
    server = start_server("--max-body-bytes", "1000")
    try:
        with server.client() as client:
            big = client.post("/v1/invoices/inv_alpha_0001/credit", json={"note": "x" * 2000}, headers=SOLVIMON_ALL)
            assert big.status_code == 413
            assert big.json()["code"] == "BAD_REQUEST"
            small = client.post("/v1/invoices/inv_alpha_0001/credit", json={"note": "fine"}, headers=SOLVIMON_ALL)
            assert small.status_code == 200
    finally:
        stop_server(server)


def test_header_injection_cannot_reach_the_response(live_server: LiveServer) -> None:
    port = int(live_server.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        # An obs-folded header line: the classic way to smuggle a second header into one value.
        sock.sendall(b"GET /v1/invoices HTTP/1.1\r\nHost: x\r\nX-API-KEY: sk_test_all\r\nx-platform-id: plat_alpha\r\n")
        sock.sendall(b" Set-Cookie: evil=1\r\n\r\n")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 4")
    assert b"evil" not in answer.split(b"\r\n\r\n")[0]


# --- authentication and authorisation, generated from the contracts ------------------------------

OPERATIONS = [
    (source.name, method, path, operation)
    for source in Registry.discover()
    for path, item in load_document(source.contract)["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "put", "delete", "patch")
]
BASE = {"solvimon": "", "chargeover": "/api/v3", "keyline": "/api/v2"}
IDS = {"version": "1", "resourceId": "inv_alpha_0001", "invoice_id": "1", "id": "1"}


def concrete(api: str, path: str) -> str:
    return BASE[api] + re.sub(r"\{([^}]+)\}", lambda m: IDS[m.group(1)], path)


@pytest.mark.parametrize(
    ("api", "method", "path", "operation"), OPERATIONS, ids=[o[3]["operationId"] for o in OPERATIONS]
)
def test_every_operation_refuses_missing_wrong_and_malformed_credentials(
    http: httpx.Client, api: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    url = concrete(api, path)
    attempts = [
        {},
        {"Authorization": "Bearer definitely-wrong"},
        {"Authorization": "Basic bm9ib2R5Om5vcGU="},
        {"Authorization": "Basic %%%not-base64"},
        {"Authorization": "Bearer"},
        {"X-API-KEY": "sk_test_all_but_longer"},
        {"Authorization": "sk_test_all"},
    ]
    for headers in attempts:
        response = http.request(method.upper(), url, headers=headers, json={} if method in ("post", "put") else None)
        assert response.status_code == 401, (headers, response.status_code, response.text[:200])
        assert SHAPES[api](response.json())


SOLVIMON_ACTIONS = [
    o for o in OPERATIONS if o[0] == "solvimon" and o[3].get("x-permission") not in (None, "INVOICE.VIEW")
]


@pytest.mark.parametrize(
    ("api", "method", "path", "operation"), SOLVIMON_ACTIONS, ids=[o[3]["operationId"] for o in SOLVIMON_ACTIONS]
)
def test_every_operation_without_its_permission_is_403(
    http: httpx.Client, api: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    minted = http.post(
        "/__mock/credentials",
        json={
            "api": "solvimon",
            "permissions": sorted(
                {"INVOICE.VIEW", *(o[3]["x-permission"] for o in SOLVIMON_ACTIONS)} - {operation["x-permission"]}
            ),
            "platform_ids": ["plat_alpha"],
        },
    ).json()
    response = http.request(method.upper(), concrete(api, path), headers=minted["headers"])
    assert response.status_code == 403
    assert response.json()["code"] == "USER_NOT_ALLOWED"
    assert operation["x-permission"] in response.json()["message"]


def test_platforms_never_see_or_change_each_other(http: httpx.Client) -> None:
    beta = {"X-API-KEY": "sk_test_beta"}
    before = http.get("/__mock/state").json()
    for method, path in [
        ("GET", "/v1/invoices/inv_alpha_0001"),
        ("POST", "/v1/invoices/inv_alpha_0001/credit"),
        ("POST", "/v1/invoices/inv_alpha_0007/refund"),
        ("POST", "/v1/invoices/inv_alpha_0004/refresh"),
    ]:
        assert http.request(method, path, headers=beta).status_code == 404
        assert http.request(method, path, headers={**beta, "x-platform-id": "plat_alpha"}).status_code == 403
    listed = http.get("/v1/invoices", params={"limit": 100}, headers=beta).json()["data"]
    assert listed
    assert {i["platform_id"] for i in listed} == {"plat_beta"}
    assert http.get("/__mock/state").json() == before


def test_secrets_are_compared_in_constant_time() -> None:
    source = (ROOT / "mock_server" / "serving" / "requests" / "auth.py").read_text()
    assert "hmac.compare_digest" in source
    assert "==" not in source.split("def authenticate", 1)[1].split("def ", 1)[0]


def test_non_loopback_bind_without_admin_token_warns() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline().decode() for _ in range(2)]
    finally:
        process.terminate()
        process.wait(10)
    assert any("warning" in line and "--admin-token" in line for line in lines)


# --- bounded resources -------------------------------------------------------------------------


def test_store_cap_is_explained_in_the_apis_shape() -> None:
    server = start_server("--max-records", "500")
    try:
        with server.client() as client:
            full: list[httpx.Response] = []
            for _ in range(600):
                response = client.post(
                    "/api/v3/invoice", json={"customer_id": 1, "line_items": [{"item_id": 1}]}, auth=CHARGEOVER_AUTH
                )
                if response.status_code == 507:
                    full.append(response)
                    break
            assert full, "the cap of 500 records was never reached"
            assert "cap" in full[0].json()["message"]
            assert full[0].json()["response"] is False
    finally:
        stop_server(server)


# --- durability --------------------------------------------------------------------------------


def test_kill_9_during_a_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    server = start_server("--state-file", str(state))
    acknowledged: list[int] = []

    def burst() -> None:
        with httpx.Client(base_url=server.base_url, timeout=5) as client:
            for number in range(10_000):
                try:
                    response = client.post(
                        "/api/v3/invoice",
                        json={"customer_id": 1, "external_key": f"burst-{number}", "line_items": [{"item_id": 1}]},
                        auth=CHARGEOVER_AUTH,
                    )
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    acknowledged.append(response.json()["response"]["id"])

    writer = threading.Thread(target=burst)
    writer.start()
    while len(acknowledged) < 150:
        threading.Event().wait(0.01)
    kill_9(server)
    writer.join()
    restarted = start_server("--state-file", str(state))
    try:
        with restarted.client() as client:
            stored = client.get(
                "/api/v3/invoice", params={"limit": 500, "where": "external_key:CONTAINS:burst-"}, auth=CHARGEOVER_AUTH
            ).json()["response"]
            while len(stored) % 500 == 0 and stored:
                more = client.get(
                    "/api/v3/invoice",
                    params={"limit": 500, "offset": len(stored), "where": "external_key:CONTAINS:burst-"},
                    auth=CHARGEOVER_AUTH,
                ).json()["response"]
                if not more:
                    break
                stored += more
    finally:
        stop_server(restarted)
    stored_ids = {invoice["invoice_id"] for invoice in stored}
    assert set(acknowledged) <= stored_ids
    assert len(stored_ids) - len(acknowledged) <= 1, "at most the one write in flight at the kill may also have landed"
    assert all(invoice["line_items"] and invoice["total"] > 0 for invoice in stored), "nothing half-written"


def test_a_json_null_body_is_not_an_absent_body(in_process: TestClient) -> None:
    """Found by Schemathesis: ``null`` for an optional object body was taken as no body (200)."""
    url = "/v1/invoices/inv_alpha_0005/refresh"
    headers = {"X-API-KEY": "sk_test_all", "Content-Type": "application/json"}
    refused = in_process.post(url, content=b"null", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["type"] == "INVALID_REQUEST"
    assert in_process.post(url, content=b"", headers=headers).status_code == 200
