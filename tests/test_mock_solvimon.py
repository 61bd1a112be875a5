"""Solvimon rules against a real mock process: auth, tenants, credit, refund, refresh, list, idempotency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import SOLVIMON_ALL

VIEW_ONLY = {"X-API-KEY": "sk_test_view"}
BETA_ONLY = {"X-API-KEY": "sk_test_beta"}
BEARER = {"Authorization": "Bearer tok_test_all"}


def invoice(http: httpx.Client, invoice_id: str, headers: dict[str, str] = SOLVIMON_ALL) -> dict[str, Any]:
    response = http.get(f"/v1/invoices/{invoice_id}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def credit(http: httpx.Client, invoice_id: str, body: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
    return http.post(f"/v1/invoices/{invoice_id}/credit", json=body, headers={**SOLVIMON_ALL, **headers})


def assert_api_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = dict(response.json())
    assert set(body) == {"type", "code", "message", "field", "resource_id", "resource_type"}
    assert body["code"] == code, body
    assert body["type"] in {"API_ERROR", "INVALID_REQUEST"}
    return body


OPERATIONS = [
    ("GET", "/v1/invoices"),
    ("GET", "/v1/invoices/inv_alpha_0001"),
    ("POST", "/v1/invoices/inv_alpha_0001/credit"),
    ("POST", "/v1/invoices/inv_alpha_0007/refund"),
    ("POST", "/v1/invoices/inv_alpha_0004/refresh"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_credentials_is_401_unauthorised(http: httpx.Client, method: str, path: str) -> None:
    assert_api_error(http.request(method, path), 401, "UNAUTHORISED")


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_unknown_key_wrong_scheme_and_malformed_header_are_401(http: httpx.Client, method: str, path: str) -> None:
    assert_api_error(http.request(method, path, headers={"X-API-KEY": "sk_wrong"}), 401, "UNAUTHORISED")
    assert_api_error(http.request(method, path, headers={"Authorization": "Basic dTpw"}), 401, "UNAUTHORISED")
    assert_api_error(http.request(method, path, headers={"Authorization": "Bearer"}), 401, "UNAUTHORISED")


@pytest.mark.parametrize(("method", "path"), OPERATIONS[2:])
def test_view_only_key_is_403_on_actions(http: httpx.Client, method: str, path: str) -> None:
    body = assert_api_error(http.request(method, path, headers=VIEW_ONLY), 403, "USER_NOT_ALLOWED")
    assert "INVOICE." in body["message"]


def test_view_only_key_can_read(http: httpx.Client) -> None:
    assert invoice(http, "inv_alpha_0001", VIEW_ONLY)["id"] == "inv_alpha_0001"


def test_bearer_token_works_like_the_key(http: httpx.Client) -> None:
    assert invoice(http, "inv_alpha_0002", BEARER)["platform_id"] == "plat_alpha"


def test_platform_the_credential_cannot_use_is_403(http: httpx.Client) -> None:
    response = http.get("/v1/invoices", headers={**VIEW_ONLY, "x-platform-id": "plat_beta"})
    assert_api_error(response, 403, "USER_NOT_ALLOWED")


def test_other_platforms_invoice_is_404(http: httpx.Client) -> None:
    body = assert_api_error(http.get("/v1/invoices/inv_alpha_0001", headers=BETA_ONLY), 404, "RESOURCE_NOT_FOUND")
    assert body["resource_id"] == "inv_alpha_0001"
    assert_api_error(credit(http, "inv_alpha_0001", **{"X-API-KEY": "sk_test_beta"}), 404, "RESOURCE_NOT_FOUND")
    explicit = http.get("/v1/invoices/inv_beta_0001", headers={**SOLVIMON_ALL, "x-platform-id": "plat_alpha"})
    assert_api_error(explicit, 404, "RESOURCE_NOT_FOUND")


def test_platform_header_selects_the_tenant(http: httpx.Client) -> None:
    beta = http.get("/v1/invoices", headers={**SOLVIMON_ALL, "x-platform-id": "plat_beta"}).json()
    alpha = http.get("/v1/invoices", headers=SOLVIMON_ALL).json()
    assert {i["platform_id"] for i in beta["data"]} == {"plat_beta"}
    assert {i["platform_id"] for i in alpha["data"]} == {"plat_alpha"}


def test_unsupported_version_is_400(http: httpx.Client) -> None:
    body = assert_api_error(http.get("/v2/invoices/inv_alpha_0001", headers=SOLVIMON_ALL), 400, "UNSUPPORTED_VERSION")
    assert body["field"] == "version"


def test_validation_error_names_the_field(http: httpx.Client) -> None:
    response = credit(
        http, "inv_alpha_0009", {"periods": [{"period_order": 0, "amount": {"quantity": "ten", "currency": "EUR"}}]}
    )
    body = assert_api_error(response, 400, "INVALID_FIELD")
    assert body["type"] == "INVALID_REQUEST"
    assert body["field"] == "periods.0.amount.quantity"
    missing = assert_api_error(credit(http, "inv_alpha_0009", {"periods": [{}]}), 400, "MISSING_FIELD")
    assert missing["field"] == "periods.0.period_order"


def test_malformed_json_and_wrong_content_type_are_400(http: httpx.Client) -> None:
    headers = {**SOLVIMON_ALL, "content-type": "application/json"}
    assert_api_error(
        http.post("/v1/invoices/inv_alpha_0009/credit", content=b"{nope", headers=headers), 400, "INVALID_FIELD"
    )
    bad_utf8 = http.post("/v1/invoices/inv_alpha_0009/credit", content=b'{"note": "\xff"}', headers=headers)
    assert_api_error(bad_utf8, 400, "INVALID_FIELD")
    text = http.post(
        "/v1/invoices/inv_alpha_0009/credit", content=b"note", headers={**SOLVIMON_ALL, "content-type": "text/plain"}
    )
    assert_api_error(text, 400, "UNSUPPORTED_MEDIA_TYPE")
    assert invoice(http, "inv_alpha_0009")["linked_invoices"] is None


def test_full_credit_links_both_ways_and_negates_amounts(http: httpx.Client) -> None:
    original = invoice(http, "inv_alpha_0002")
    response = credit(http, "inv_alpha_0002", {"note": "Cancelled"})
    assert response.status_code == 200, response.text
    credit_invoice = response.json()
    assert credit_invoice["type"] == "CREDIT"
    assert credit_invoice["credit"]["original_invoice_id"] == "inv_alpha_0002"
    assert credit_invoice["credit"]["original_invoice_info"]["invoice_number"] == original["invoice_number"]
    assert credit_invoice["notes"] == ["Cancelled"]
    total = Decimal(original["invoice_amount_including_tax"]["quantity"])
    assert Decimal(credit_invoice["invoice_amount_including_tax"]["quantity"]) == -total
    assert [link["id"] for link in credit_invoice["linked_invoices"]] == ["inv_alpha_0002"]
    after = invoice(http, "inv_alpha_0002")
    assert credit_invoice["id"] in [link["id"] for link in after["linked_invoices"]]
    assert invoice(http, credit_invoice["id"])["id"] == credit_invoice["id"]
    again = assert_api_error(credit(http, "inv_alpha_0002"), 400, "INVALID_OPERATION")
    assert again["resource_id"] == "inv_alpha_0002"


def test_one_off_credit_is_one_off_credit(http: httpx.Client) -> None:
    body = credit(http, "inv_alpha_0003").json()
    assert body["type"] == "ONE_OFF_CREDIT"
    assert body["linked_invoices_ids"] == ["inv_alpha_0003"]


def test_partial_credits_never_exceed_the_original(http: httpx.Client) -> None:
    original = invoice(http, "inv_alpha_0008")  # net 12.50
    part = {"periods": [{"period_order": 0, "amount": {"quantity": "5.00", "currency": "EUR"}}]}
    assert credit(http, "inv_alpha_0008", part).status_code == 200
    assert credit(http, "inv_alpha_0008", part).status_code == 200
    too_much = assert_api_error(credit(http, "inv_alpha_0008", part), 400, "INVALID_OPERATION")
    assert "exceed" in too_much["message"]
    rest = {
        "periods": [
            {
                "period_order": 0,
                "groups": [
                    {"group_order": 0, "lines": [{"line_order": 0, "amount": {"quantity": "2.50", "currency": "EUR"}}]}
                ],
            }
        ]
    }
    assert credit(http, "inv_alpha_0008", rest).status_code == 200
    after = invoice(http, "inv_alpha_0008")
    credited = -sum(Decimal(link["amount"]["quantity"]) for link in after["linked_invoices"])
    assert credited == Decimal(original["invoice_amount_including_tax"]["quantity"])


def test_credit_of_unknown_line_or_other_currency_is_400(http: httpx.Client) -> None:
    wrong_line = {
        "periods": [
            {
                "period_order": 0,
                "groups": [
                    {"group_order": 0, "lines": [{"line_order": 9, "amount": {"quantity": "1.00", "currency": "EUR"}}]}
                ],
            }
        ]
    }
    body = assert_api_error(credit(http, "inv_alpha_0009", wrong_line), 400, "INVALID_FIELD")
    assert body["field"] == "periods.0.groups.0.lines.0.line_order"
    usd = {"periods": [{"period_order": 0, "amount": {"quantity": "1.00", "currency": "USD"}}]}
    assert (
        assert_api_error(credit(http, "inv_alpha_0009", usd), 400, "INVALID_FIELD")["field"]
        == "periods.0.amount.currency"
    )


@pytest.mark.parametrize("invoice_id", ["inv_alpha_0004", "inv_alpha_0005", "inv_alpha_0007"])
def test_draft_and_credit_invoices_cannot_be_credited(http: httpx.Client, invoice_id: str) -> None:
    assert_api_error(credit(http, invoice_id), 400, "INVALID_OPERATION")


def test_refund_a_credit_invoice_exactly_once(http: httpx.Client) -> None:
    refund = http.post("/v1/invoices/inv_alpha_0007/refund", headers=SOLVIMON_ALL)
    assert refund.status_code == 200, refund.text
    refunded = refund.json()
    assert refunded["payment_status"] == "PAID"
    assert [a["type"] for a in refunded["payment_actions"]] == ["REFUND"]
    original = invoice(http, "inv_alpha_0006")
    assert [a["type"] for a in original["payment_actions"]] == ["REFUND"]
    assert original["payment_status"] == "PARTIALLY_PAID"
    assert Decimal(original["paid_invoice_amount"]["quantity"]) == Decimal("484.00") - Decimal("121.00")
    assert_api_error(http.post("/v1/invoices/inv_alpha_0007/refund", headers=SOLVIMON_ALL), 400, "INVALID_OPERATION")


def test_refund_of_a_non_credit_invoice_is_400(http: httpx.Client) -> None:
    assert_api_error(http.post("/v1/invoices/inv_alpha_0009/refund", headers=SOLVIMON_ALL), 400, "INVALID_OPERATION")


def test_refund_when_the_original_was_not_paid_is_400(http: httpx.Client) -> None:
    created = credit(http, "inv_alpha_0009").json()
    body = assert_api_error(
        http.post(f"/v1/invoices/{created['id']}/refund", headers=SOLVIMON_ALL), 400, "INVALID_OPERATION"
    )
    assert "not paid" in body["message"]


def test_refresh_rereads_named_parts_and_moves_updated_at(http: httpx.Client) -> None:
    before = invoice(http, "inv_alpha_0004")
    response = http.post(
        "/v1/invoices/inv_alpha_0004/refresh", json={"types": ["CUSTOMER", "PO_NUMBER"]}, headers=SOLVIMON_ALL
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["updated_at"] > before["updated_at"]
    assert after["customer"]["email"] != before["customer"]["email"]
    assert after["purchase_order_number"] == "PO-ACME-2026"
    assert before["purchase_order_number"] is None
    assert invoice(http, "inv_alpha_0004") == after


def test_refresh_of_one_part_leaves_the_others(http: httpx.Client) -> None:
    before = invoice(http, "inv_alpha_0005")
    after = http.post("/v1/invoices/inv_alpha_0005/refresh", json={"type": "PO_NUMBER"}, headers=SOLVIMON_ALL).json()
    assert after["purchase_order_number"] == "PO-GLOBEX-7"
    assert after["customer"] == before["customer"]


def test_refresh_of_tax_rates_recomputes_the_amounts(http: httpx.Client) -> None:
    before = invoice(http, "inv_beta_0003", {**SOLVIMON_ALL, "x-platform-id": "plat_beta"})
    assert before["invoice_amount_including_tax"]["quantity"] == "86.80"  # 80.00 at the old 8.5 %
    response = http.post(
        "/v1/invoices/inv_beta_0003/refresh",
        json={"type": "TAX_RATES"},
        headers={**SOLVIMON_ALL, "x-platform-id": "plat_beta"},
    )
    after = response.json()
    assert after["invoice_amount_including_tax"] == {"quantity": "87.10", "currency": "USD"}
    assert after["tax_summary"]["tax_amount"]["quantity"] == "7.10"
    assert after["periods"][0]["groups"][0]["lines"][0]["amount_including_tax"]["quantity"] == "87.10"
    assert after["customer"] == before["customer"]


def test_refresh_of_a_final_invoice_is_400(http: httpx.Client) -> None:
    assert_api_error(http.post("/v1/invoices/inv_alpha_0001/refresh", headers=SOLVIMON_ALL), 400, "INVALID_OPERATION")


def test_list_pages_filters_and_wraps(http: httpx.Client) -> None:
    everything = http.get("/v1/invoices", params={"limit": 100}, headers=SOLVIMON_ALL).json()
    total = len(everything["data"])
    page = http.get("/v1/invoices", params={"limit": 3, "page": 2}, headers=SOLVIMON_ALL).json()
    assert set(page) == {"data", "page", "limit", "total_number_of_pages", "links"}
    assert (page["page"], page["limit"], len(page["data"])) == (2, 3, 3)
    assert page["total_number_of_pages"] == -(-total // 3)
    assert page["links"]["previous"]
    assert page["links"]["next"]
    following = http.get(page["links"]["next"], headers=SOLVIMON_ALL).json()
    assert following["page"] == 3
    drafts = http.get("/v1/invoices", params={"statuses": ["DRAFT"], "limit": 100}, headers=SOLVIMON_ALL).json()["data"]
    assert drafts
    assert {i["status"] for i in drafts} == {"DRAFT"}
    unpaid = http.get(
        "/v1/invoices", params={"paid": "false", "customer_id": "cust_alpha_acme"}, headers=SOLVIMON_ALL
    ).json()["data"]
    assert unpaid
    assert all(i["paid"] is False and i["customer_id"] == "cust_alpha_acme" for i in unpaid)
    assert all(i["periods"] == [] for i in page["data"])
    with_periods = http.get(
        "/v1/invoices", params={"include_periods": "true", "include_lines": "true"}, headers=SOLVIMON_ALL
    ).json()
    assert any(i["periods"] for i in with_periods["data"])


def test_idempotency_key_replays_and_conflicts(http: httpx.Client) -> None:
    headers = {**SOLVIMON_ALL, "Idempotency-Key": "credit-0010-a"}
    body = {"periods": [{"period_order": 0, "amount": {"quantity": "1.00", "currency": "EUR"}}]}
    target = "/v1/invoices/inv_alpha_0001/credit"
    first = http.post(target, json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    second = http.post(target, json=body, headers=headers)
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    links = invoice(http, "inv_alpha_0001")["linked_invoices"]
    assert [link["id"] for link in links].count(first.json()["id"]) == 1
    other = http.post(target, json={**body, "note": "different"}, headers=headers)
    assert_api_error(other, 409, "IDEMPOTENCY_CHECK_FAILED")
