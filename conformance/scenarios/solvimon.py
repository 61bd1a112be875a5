"""Solvimon scenarios: credit, refund, refresh, auth, permissions, platforms, versions.

Each scenario finds its invoices through ``GET /v1/invoices`` on the target, so it needs no
fixture of ours. It writes (credits, refunds, refreshes) like a client would.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .base import Context, ScenarioPack, SchemaTuning, Skip

__all__ = ["PACK"]

LIST = "getInvoices"
GET = "getInvoicesByResourceId"
CREDIT = "postInvoicesByResourceIdCredit"
REFUND = "postInvoicesByResourceIdRefund"
REFRESH = "postInvoicesByResourceIdRefresh"
CREDITABLE = ("STANDARD", "ONE_OFF")
CREDIT_TYPES = ("CREDIT", "ONE_OFF_CREDIT")


def invoices(ctx: Context, **params: Any) -> list[dict[str, Any]]:
    """Every invoice the credential sees that matches ``params``, following the pages."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        response = ctx.get("/v1/invoices", params={"limit": 100, "page": page, **params})
        body = ctx.expect_documented(response, LIST)
        ctx.expect_status(response, 200)
        found.extend(body["data"])
        if not body.get("total_number_of_pages") or page >= body["total_number_of_pages"] or page >= 20:
            return found
        page += 1


def _credited(invoice: dict[str, Any]) -> bool:
    return any(link.get("link_type") == "CREDIT" for link in invoice.get("linked_invoices") or [])


def uncredited_final(ctx: Context, *, paid: bool | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"statuses": ["FINAL"]}
    if paid is not None:
        params["paid"] = str(paid).lower()
    for invoice in invoices(ctx, **params):
        if invoice["type"] in CREDITABLE and invoice["status"] == "FINAL" and not _credited(invoice):
            return invoice
    raise Skip(f"the target has no uncredited FINAL STANDARD or ONE_OFF invoice{' that is paid' if paid else ''}")


def fetch(ctx: Context, invoice_id: str) -> dict[str, Any]:
    response = ctx.get(f"/v1/invoices/{invoice_id}")
    ctx.expect_status(response, 200)
    return dict(ctx.expect_documented(response, GET))


def expect_api_error(ctx: Context, response: Any, operation_id: str, status: int, *codes: str) -> dict[str, Any]:
    ctx.expect_status(response, status)
    body = ctx.expect_documented(response, operation_id)
    ctx.expect(
        body["code"] in codes, f"expected ApiError code {' or '.join(codes)}, got {body['code']}: {body['message']}"
    )
    return dict(body)


def quantity(amount: dict[str, Any] | None) -> Decimal:
    return Decimal(amount["quantity"]) if amount else Decimal(0)


def discover(ctx: Context) -> dict[str, dict[str, Any]]:
    """Existing invoices for the operations that act on one, so generated requests reach the rules."""
    everything = invoices(ctx)
    if not everything:
        return {}
    platform = {"header.x-platform-id": everything[0]["platform_id"]} if everything[0].get("platform_id") else {}
    candidates = {
        GET: everything,
        CREDIT: [i for i in everything if i["status"] == "FINAL" and i["type"] in CREDITABLE] or everything,
        REFUND: [i for i in everything if i["type"] in CREDIT_TYPES] or everything,
        REFRESH: [i for i in everything if i["status"] != "FINAL"] or everything,
    }
    # The platform is pinned too: a generated x-platform-id the credential may not use is a
    # correct 403, but every case would stop there and never reach the rules.
    found: dict[str, dict[str, Any]] = {
        operation: {"path.resourceId": [i["id"] for i in chosen[:50]], **platform}
        for operation, chosen in candidates.items()
    }
    found[LIST] = dict(platform)
    return found


PACK = ScenarioPack(
    api="solvimon",
    tuning=SchemaTuning(
        fixed_parameters={"path.version": "1"},
        # The contract lets these refuse a schema-valid request with 400 INVALID_OPERATION
        # (credit of a DRAFT invoice, second refund, refresh of a FINAL invoice...).
        business_refusals={CREDIT: ("400",), REFUND: ("400",), REFRESH: ("400",)},
        discover=discover,
    ),
)


@PACK.scenario(
    "credit a FINAL invoice; the credit invoice and the original link both ways",
    source="seed 000; contract postInvoicesByResourceIdCredit",
)
def credit_links_both_ways(ctx: Context) -> None:
    original = uncredited_final(ctx)
    response = ctx.post(f"/v1/invoices/{original['id']}/credit", json={"note": "conformance: full credit"})
    ctx.expect_status(response, 200)
    credit = ctx.expect_documented(response, CREDIT)
    expected_type = "CREDIT" if original["type"] == "STANDARD" else "ONE_OFF_CREDIT"
    ctx.expect(
        credit["type"] == expected_type,
        f"credit of a {original['type']} invoice has type {credit['type']}, not {expected_type}",
    )
    ctx.expect(credit["id"] != original["id"], "the credit invoice reuses the original's id")
    ctx.expect(
        (credit.get("credit") or {}).get("original_invoice_id") == original["id"],
        "credit.original_invoice_id does not name the original",
    )
    ctx.expect(quantity(credit["invoice_amount_including_tax"]) < 0, "a credit invoice's total is not negative")
    ctx.expect(
        original["id"] in [link["id"] for link in credit.get("linked_invoices") or []],
        "the credit invoice does not link to the original",
    )
    refreshed = fetch(ctx, original["id"])
    ctx.expect(
        credit["id"] in [link["id"] for link in refreshed.get("linked_invoices") or []],
        "the original does not link to its credit invoice",
    )
    ctx.expect(fetch(ctx, credit["id"])["id"] == credit["id"], "the credit invoice cannot be fetched")


@PACK.scenario(
    "the credited total never exceeds the original", source="contract postInvoicesByResourceIdCredit (inferred rule)"
)
def credit_never_exceeds(ctx: Context) -> None:
    original = uncredited_final(ctx)
    currency = original["billing_currency"]
    full = ctx.post(f"/v1/invoices/{original['id']}/credit", json={})
    ctx.expect_status(full, 200)
    one_cent = {
        "periods": [
            {"period_order": p["period_order"], "amount": {"quantity": "0.01", "currency": currency}}
            for p in original["periods"][:1]
        ]
    }
    if not one_cent["periods"]:
        one_cent = {}
    again = ctx.post(f"/v1/invoices/{original['id']}/credit", json=one_cent)
    expect_api_error(ctx, again, CREDIT, 400, "INVALID_OPERATION")
    total = quantity(fetch(ctx, original["id"])["invoice_amount_including_tax"])
    credited = -sum(
        quantity(link["amount"])
        for link in fetch(ctx, original["id"]).get("linked_invoices") or []
        if link["link_type"] == "CREDIT"
    )
    ctx.expect(credited <= total, f"credited {credited} exceeds the invoice total {total}")


@PACK.scenario("refund a credit invoice exactly once", source="seed 001; contract postInvoicesByResourceIdRefund")
def refund_once(ctx: Context) -> None:
    original = uncredited_final(ctx, paid=True)
    created = ctx.post(f"/v1/invoices/{original['id']}/credit", json={"note": "conformance: to refund"})
    ctx.expect_status(created, 200)
    credit_id = ctx.json(created)["id"]
    first = ctx.post(f"/v1/invoices/{credit_id}/refund")
    ctx.expect_status(first, 200)
    refunded = ctx.expect_documented(first, REFUND)
    ctx.expect(refunded["id"] == credit_id, "the refund answered with another invoice")
    ctx.expect(refunded.get("payment_actions"), "the refunded credit invoice lists no payment action")
    second = ctx.post(f"/v1/invoices/{credit_id}/refund")
    expect_api_error(ctx, second, REFUND, 400, "INVALID_OPERATION")


@PACK.scenario(
    "refund of an invoice that is not a credit invoice is 400", source="seed 001 summary; contract (inferred rule)"
)
def refund_non_credit(ctx: Context) -> None:
    target = next((i for i in invoices(ctx) if i["type"] in CREDITABLE), None)
    if target is None:
        raise Skip("the target has no STANDARD or ONE_OFF invoice")
    expect_api_error(
        ctx, ctx.post(f"/v1/invoices/{target['id']}/refund"), REFUND, 400, "INVALID_OPERATION", "BAD_REQUEST"
    )


@PACK.scenario("refresh a draft invoice; updated_at moves", source="seed 003; contract postInvoicesByResourceIdRefresh")
def refresh_moves_updated_at(ctx: Context) -> None:
    draft = next((i for i in invoices(ctx, statuses=["DRAFT"]) if i["status"] == "DRAFT"), None)
    if draft is None:
        raise Skip("the target has no DRAFT invoice")
    response = ctx.post(f"/v1/invoices/{draft['id']}/refresh", json={"type": "FULL"})
    ctx.expect_status(response, 200)
    body = ctx.expect_documented(response, REFRESH)
    ctx.expect(body["id"] == draft["id"], "refresh answered with another invoice")
    ctx.expect(
        body.get("updated_at") and body["updated_at"] > (draft.get("updated_at") or ""),
        f"updated_at did not move: {draft.get('updated_at')} → {body.get('updated_at')}",
    )


@PACK.scenario("refresh of a FINAL invoice is 400", source="contract postInvoicesByResourceIdRefresh (inferred rule)")
def refresh_final(ctx: Context) -> None:
    final = next((i for i in invoices(ctx, statuses=["FINAL"]) if i["status"] == "FINAL"), None)
    if final is None:
        raise Skip("the target has no FINAL invoice")
    expect_api_error(ctx, ctx.post(f"/v1/invoices/{final['id']}/refresh"), REFRESH, 400, "INVALID_OPERATION")


def _operation_calls(ctx: Context) -> list[tuple[str, str, str]]:
    any_invoice = next(iter(invoices(ctx)), None)
    if any_invoice is None:
        raise Skip("the target has no invoice to address")
    calls = []
    for operation_id, method, path, _ in ctx.operations():
        calls.append((operation_id, method, path.replace("{version}", "1").replace("{resourceId}", any_invoice["id"])))
    return calls


@PACK.scenario("every operation without credentials is 401 ApiError", source="seeds 000/001/003 (401); contract")
def unauthenticated(ctx: Context) -> None:
    for operation_id, method, path in _operation_calls(ctx):
        response = ctx.request(method, path, anonymous=True)
        expect_api_error(ctx, response, operation_id, 401, "UNAUTHORISED")
        wrong = ctx.request(method, path, anonymous=True, headers={"X-API-KEY": "conformance-wrong-key"})
        expect_api_error(ctx, wrong, operation_id, 401, "UNAUTHORISED")


@PACK.scenario(
    "every action without its permission is 403 ApiError",
    source="seeds 000/001/003 (permission lines, 403); contract x-permission",
)
def forbidden(ctx: Context) -> None:
    if not ctx.target.restricted:
        raise Skip("no restricted credential given (--restricted-api-key: a key with only INVOICE.VIEW)")
    checked = 0
    for operation_id, method, path in _operation_calls(ctx):
        permission = ctx.operation(operation_id)[2].get("x-permission")
        if not permission or permission == "INVOICE.VIEW":
            continue
        response = ctx.request(method, path, credentials=ctx.target.restricted)
        expect_api_error(ctx, response, operation_id, 403, "USER_NOT_ALLOWED")
        checked += 1
    ctx.expect(checked, "the contract names no permission to check")


@PACK.scenario("another platform's invoice is invisible", source="contract (x-platform-id, 404 RESOURCE_NOT_FOUND)")
def other_platform(ctx: Context) -> None:
    if not ctx.target.other_tenant:
        raise Skip("no credential of another platform given (--other-tenant-api-key)")
    mine = next(iter(invoices(ctx)), None)
    if mine is None:
        raise Skip("the target has no invoice")
    response = ctx.request("GET", f"/v1/invoices/{mine['id']}", credentials=ctx.target.other_tenant, headers={})
    ctx.expect(
        response.status_code in (403, 404),
        f"another platform's credential read invoice {mine['id']}: {response.status_code}",
    )
    credit = ctx.request("POST", f"/v1/invoices/{mine['id']}/credit", credentials=ctx.target.other_tenant, json={})
    ctx.expect(
        credit.status_code in (403, 404),
        f"another platform's credential credited invoice {mine['id']}: {credit.status_code}",
    )
    listed = ctx.request("GET", "/v1/invoices", credentials=ctx.target.other_tenant, params={"limit": 100})
    if listed.status_code == 200:
        ids = {i["id"] for i in ctx.json(listed)["data"]}
        ctx.expect(mine["id"] not in ids, f"invoice {mine['id']} is listed for another platform")


@PACK.scenario(
    "an unsupported API version is 400 UNSUPPORTED_VERSION",
    source="contract (ApiError code UNSUPPORTED_VERSION; rule inferred)",
)
def unsupported_version(ctx: Context) -> None:
    response = ctx.get("/v99/invoices")
    expect_api_error(ctx, response, LIST, 400, "UNSUPPORTED_VERSION")


@PACK.scenario(
    "an invalid body is 400 ApiError naming the field", source="contract ApiError (type INVALID_REQUEST, field)"
)
def invalid_body(ctx: Context) -> None:
    target = next(iter(invoices(ctx)), None)
    if target is None:
        raise Skip("the target has no invoice")
    bad = {"periods": [{"period_order": 0, "amount": {"quantity": "ten", "currency": "EUR"}}]}
    body = expect_api_error(
        ctx,
        ctx.post(f"/v1/invoices/{target['id']}/credit", json=bad),
        CREDIT,
        400,
        "INVALID_FIELD",
        "BAD_REQUEST",
        "INVALID_REQUEST",
    )
    ctx.expect(body.get("type") == "INVALID_REQUEST", f"ApiError type is {body.get('type')}, not INVALID_REQUEST")
    ctx.expect(
        body.get("field") and "quantity" in body["field"],
        f"ApiError.field does not name the bad field: {body.get('field')}",
    )


@PACK.scenario(
    "Idempotency-Key replays the first response", source="contract Idempotency-Key (inferred from SOLV-CONV)"
)
def idempotency(ctx: Context) -> None:
    original = uncredited_final(ctx)
    key = f"conformance-{original['id']}"
    first = ctx.post(
        f"/v1/invoices/{original['id']}/credit", json={"note": "idempotent"}, headers={"Idempotency-Key": key}
    )
    ctx.expect_status(first, 200)
    second = ctx.post(
        f"/v1/invoices/{original['id']}/credit", json={"note": "idempotent"}, headers={"Idempotency-Key": key}
    )
    ctx.expect_status(second, 200)
    ctx.expect(ctx.json(second)["id"] == ctx.json(first)["id"], "the replay created a second credit invoice")
    ctx.expect(second.headers.get("Idempotent-Replayed") == "true", "the replay lacks Idempotent-Replayed: true")
