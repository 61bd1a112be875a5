"""ChargeOver rules against a real mock process: Basic auth, create with Location, totals, lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import CHARGEOVER_AUTH

MISSING = "Invalid or incorrect authorization [Missing (basic) authorization header.]"


def assert_envelope_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert set(body) == {"code", "status", "message", "details", "response"}
    assert (body["code"], body["status"], body["response"]) == (status, "Error", False)
    assert body["message"]
    return body


def create(http: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return http.post("/api/v3/invoice", json=body, auth=CHARGEOVER_AUTH)


def test_missing_basic_auth_is_the_seed_401_envelope(http: httpx.Client) -> None:
    body = assert_envelope_error(http.post("/api/v3/invoice", json={"line_items": [{"item_id": 1}]}), 401)
    assert body == {"code": 401, "status": "Error", "message": MISSING, "details": {}, "response": False}


@pytest.mark.parametrize("path", ["/api/v3/invoice", "/api/v3/invoice/1", "/api/v3/customer", "/api/v3/item"])
def test_wrong_password_and_wrong_scheme_are_401(http: httpx.Client, path: str) -> None:
    wrong = assert_envelope_error(http.get(path, auth=("co_test_user", "nope")), 401)
    assert wrong["message"] != MISSING
    assert assert_envelope_error(http.get(path, headers={"Authorization": "Bearer x"}), 401)["message"] == MISSING


def test_create_returns_201_with_a_location_that_resolves(http: httpx.Client) -> None:
    response = create(http, {"customer_id": 1, "line_items": [{"item_id": 1, "line_quantity": 2}, {"item_id": 2}]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"] == 201
    assert body["status"] == "OK"
    assert body["message"] == ""
    assert body["details"] == {}
    invoice_id = body["response"]["id"]
    location = response.headers["Location"]
    assert location.endswith(f"/api/v3/invoice/{invoice_id}")
    fetched = http.get(location, auth=CHARGEOVER_AUTH)
    assert fetched.status_code == 200
    invoice = fetched.json()["response"]
    assert invoice["invoice_id"] == invoice_id
    assert invoice["subtotal"] == pytest.approx(2 * 29.95 + 100.0)
    assert invoice["taxes"] == pytest.approx(round(2 * 29.95 * 0.0825, 2))
    assert invoice["total"] == pytest.approx(invoice["subtotal"] + invoice["taxes"])
    assert len(invoice["line_items"]) == 2


def test_tax_override_replaces_the_computed_tax(http: httpx.Client) -> None:
    response = create(
        http,
        {
            "customer_external_key": "cust-ext-0002",
            "line_items": [{"item_id": 3, "line_quantity": 10}],
            "tax_override": {"amount": 1.23},
        },
    )
    assert response.status_code == 201, response.text
    invoice = http.get(response.headers["Location"], auth=CHARGEOVER_AUTH).json()["response"]
    assert invoice["taxes"] == pytest.approx(1.23)
    assert invoice["customer_id"] == 2
    assert invoice["total"] == pytest.approx(95.0 + 1.23)


def test_customer_by_token(http: httpx.Client) -> None:
    assert create(http, {"customer_token": "3h5j7l9p1r2t", "line_items": [{"item_id": 4}]}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": 999, "line_items": [{"item_id": 1}]}, "customer_id"),
        ({"customer_token": "nope", "line_items": [{"item_id": 1}]}, "customer_token"),
        ({"customer_external_key": "nope", "line_items": [{"item_id": 1}]}, "customer_external_key"),
        ({"line_items": [{"item_id": 1}]}, "customer_id"),
        ({"customer_id": 1, "line_items": [{"item_id": 1}, {"item_id": 77}]}, "line_items.1.item_id"),
        ({"customer_id": 1, "line_items": []}, "line_items"),
        ({"customer_id": 1}, "line_items"),
        ({"customer_id": 1, "line_items": [{"descrip": "no item"}]}, "line_items.0.item_id"),
        ({"customer_id": "one", "line_items": [{"item_id": 1}]}, "customer_id"),
        ({"customer_id": 1, "currency_id": 42, "line_items": [{"item_id": 1}]}, "currency_id"),
    ],
)
def test_invalid_creates_are_400_envelopes_naming_the_field(
    http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    before = http.get("/api/v3/invoice", params={"limit": 500}, auth=CHARGEOVER_AUTH).json()["response"]
    error = assert_envelope_error(create(http, body), 400)
    assert error["details"]["field"] == field
    after = http.get("/api/v3/invoice", params={"limit": 500}, auth=CHARGEOVER_AUTH).json()["response"]
    assert after == before


def test_duplicate_external_key_is_400(http: httpx.Client) -> None:
    body = {"customer_id": 1, "external_key": "dup-key-1", "line_items": [{"item_id": 1}]}
    assert create(http, body).status_code == 201
    assert assert_envelope_error(create(http, body), 400)["details"]["field"] == "external_key"


def test_get_unknown_invoice_is_404_envelope(http: httpx.Client) -> None:
    assert_envelope_error(http.get("/api/v3/invoice/99999", auth=CHARGEOVER_AUTH), 404)


def test_list_offset_limit_and_where(http: httpx.Client) -> None:
    everything = http.get("/api/v3/invoice", params={"limit": 500}, auth=CHARGEOVER_AUTH).json()["response"]
    window = http.get("/api/v3/invoice", params={"offset": 1, "limit": 2}, auth=CHARGEOVER_AUTH).json()["response"]
    assert window == everything[1:3]
    paid = http.get("/api/v3/invoice", params={"where": "is_paid:EQUALS:true"}, auth=CHARGEOVER_AUTH).json()["response"]
    assert paid
    assert all(i["is_paid"] for i in paid)
    big = http.get(
        "/api/v3/invoice", params={"where": "total:GT:200,customer_id:EQUALS:3"}, auth=CHARGEOVER_AUTH
    ).json()["response"]
    assert big
    assert all(i["total"] > 200 and i["customer_id"] == 3 for i in big)
    no_key = http.get("/api/v3/customer", params={"where": "external_key:IS:NULL"}, auth=CHARGEOVER_AUTH).json()[
        "response"
    ]
    assert [c["customer_id"] for c in no_key] == [3]
    assert_envelope_error(http.get("/api/v3/invoice", params={"where": "nope"}, auth=CHARGEOVER_AUTH), 400)
    assert_envelope_error(http.get("/api/v3/invoice", params={"where": "nofield:EQUALS:1"}, auth=CHARGEOVER_AUTH), 400)


def test_customers_and_items_are_discoverable(http: httpx.Client) -> None:
    customers = http.get("/api/v3/customer", auth=CHARGEOVER_AUTH).json()["response"]
    items = http.get("/api/v3/item", auth=CHARGEOVER_AUTH).json()["response"]
    assert {c["customer_id"] for c in customers} == {1, 2, 3}
    assert {i["item_id"] for i in items} == {1, 2, 3, 4}
