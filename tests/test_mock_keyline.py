"""Keyline rules against a real mock process: bearer auth, billing, reversal, immutability, pagination."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import KEYLINE_AUTH

BASE = "/api/v2/accounting"
LINE = {
    "description": "Flyers A5",
    "qty": 1000,
    "unit": "pcs",
    "net": {"cent_amount": 5, "currency": "EUR"},
    "tax_rate": 0.19,
}


def create_invoice(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = http.post(
        f"{BASE}/customer_invoices", json={"customer_invoice": {"customer_id": 4711, **fields}}, headers=KEYLINE_AUTH
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize(
    "path", [f"{BASE}/reversal_invoices", f"{BASE}/reversal_invoices/1", f"{BASE}/customer_invoices"]
)
def test_missing_or_wrong_bearer_is_401(http: httpx.Client, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = http.get(path, headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == {"error"}


def test_reversal_list_pages_with_consistent_headers(http: httpx.Client) -> None:
    first = http.get(f"{BASE}/reversal_invoices", headers=KEYLINE_AUTH)
    total = int(first.headers["X-Keyline-Result-Total"])
    assert total > 100
    assert (first.headers["X-Keyline-Result-Page"], first.headers["X-Keyline-Result-Per-Page"]) == ("1", "100")
    assert len(first.json()) == 100
    second = http.get(f"{BASE}/reversal_invoices", headers={**KEYLINE_AUTH, "X-Keyline-Requested-Page": "2"})
    assert second.headers["X-Keyline-Result-Page"] == "2"
    assert len(second.json()) == total - 100
    assert not {r["id"] for r in first.json()} & {r["id"] for r in second.json()}
    beyond = http.get(f"{BASE}/reversal_invoices", headers={**KEYLINE_AUTH, "X-Keyline-Requested-Page": "9"})
    assert beyond.json() == []
    bad = http.get(f"{BASE}/reversal_invoices", headers={**KEYLINE_AUTH, "X-Keyline-Requested-Page": "two"})
    assert bad.status_code == 400
    assert bad.json()["missing_parameters"] == ["X-Keyline-Requested-Page"]


def test_customer_invoice_lifecycle_and_reversal(http: httpx.Client) -> None:
    invoice = create_invoice(http, custom_text="Thanks", line_items=[LINE])
    assert invoice["billed_at"] is None
    assert invoice["reversal_invoice_id"] is None
    assert invoice["net_total"] == {"cent_amount": 5000, "currency": "EUR"}
    added = http.post(
        f"{BASE}/customer_invoices/{invoice['id']}/line_items",
        json={"line_item": {**LINE, "qty": 10, "tax_rate": 0.07}},
        headers=KEYLINE_AUTH,
    )
    assert added.status_code == 201, added.text
    update = http.put(
        f"{BASE}/customer_invoices/{invoice['id']}",
        json={"customer_invoice": {"billed_at": "2026-02-01T10:00:00Z"}},
        headers=KEYLINE_AUTH,
    )
    assert update.status_code == 204
    assert update.content == b""
    billed = http.get(f"{BASE}/customer_invoices/{invoice['id']}", headers=KEYLINE_AUTH).json()
    assert billed["net_total"]["cent_amount"] == 5050
    assert {t["rate"] for t in billed["taxes"]} == {0.07, 0.19}
    locked = http.put(
        f"{BASE}/customer_invoices/{invoice['id']}",
        json={"customer_invoice": {"custom_text": "late"}},
        headers=KEYLINE_AUTH,
    )
    assert locked.status_code == 422
    assert "base" in locked.json()["errors"]
    late_line = http.post(
        f"{BASE}/customer_invoices/{invoice['id']}/line_items", json={"line_item": LINE}, headers=KEYLINE_AUTH
    )
    assert late_line.status_code == 422

    reversed_ = http.post(f"{BASE}/customer_invoices/{invoice['id']}/reversal_invoice", headers=KEYLINE_AUTH)
    assert reversed_.status_code == 201, reversed_.text
    reversal = reversed_.json()
    assert reversal["reversed_invoice_id"] == invoice["id"]
    assert reversal["billed_at"] is not None
    assert reversal["net_total"]["cent_amount"] == -billed["net_total"]["cent_amount"]
    assert reversal["gross_total"]["cent_amount"] == -billed["gross_total"]["cent_amount"]
    assert [t["cent_amount"] for t in reversal["taxes"]] == [-t["cent_amount"] for t in billed["taxes"]]
    assert reversal["customer_id"] == billed["customer_id"]
    assert reversal["custom_text"] == "Thanks"
    assert http.get(f"{BASE}/reversal_invoices/{reversal['id']}", headers=KEYLINE_AUTH).json() == reversal
    after = http.get(f"{BASE}/customer_invoices/{invoice['id']}", headers=KEYLINE_AUTH).json()
    assert after["reversal_invoice_id"] == reversal["id"]
    second = http.post(f"{BASE}/customer_invoices/{invoice['id']}/reversal_invoice", headers=KEYLINE_AUTH)
    assert second.status_code == 422
    assert second.json()["errors"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_reversal_invoices_cannot_be_changed(http: httpx.Client, method: str) -> None:
    before = http.get(f"{BASE}/reversal_invoices/1", headers=KEYLINE_AUTH).json()
    response = http.request(
        method, f"{BASE}/reversal_invoices/1", json={"reversal_invoice": {"custom_text": "x"}}, headers=KEYLINE_AUTH
    )
    assert response.status_code == 405
    assert set(response.json()) == {"error"}
    assert http.get(f"{BASE}/reversal_invoices/1", headers=KEYLINE_AUTH).json() == before


def test_unbilled_invoice_can_be_reversed_too(http: httpx.Client) -> None:
    invoice = create_invoice(http, line_items=[LINE])
    assert (
        http.post(f"{BASE}/customer_invoices/{invoice['id']}/reversal_invoice", headers=KEYLINE_AUTH).status_code == 201
    )


def test_validation_errors_use_keyline_shapes(http: httpx.Client) -> None:
    missing = http.post(f"{BASE}/customer_invoices", json={}, headers=KEYLINE_AUTH)
    assert missing.status_code == 400
    assert missing.json()["missing_parameters"] == ["customer_invoice"]
    wrong = http.post(
        f"{BASE}/customer_invoices", json={"customer_invoice": {"customer_id": "x"}}, headers=KEYLINE_AUTH
    )
    assert wrong.status_code == 422
    assert list(wrong.json()["errors"]) == ["customer_id"]
    currency = http.post(
        f"{BASE}/customer_invoices",
        json={
            "customer_invoice": {
                "customer_id": 1,
                "line_items": [{**LINE, "net": {"cent_amount": 5, "currency": "USD"}}],
            }
        },
        headers=KEYLINE_AUTH,
    )
    assert currency.status_code == 422


def test_unknown_ids_are_404(http: httpx.Client) -> None:
    for path in (f"{BASE}/reversal_invoices/99999", f"{BASE}/customer_invoices/99999"):
        response = http.get(path, headers=KEYLINE_AUTH)
        assert response.status_code == 404
        assert set(response.json()) == {"error"}
    assert http.post(f"{BASE}/customer_invoices/99999/reversal_invoice", headers=KEYLINE_AUTH).status_code == 404
