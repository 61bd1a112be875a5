"""Keyline scenarios: reversal is an immutable negated copy, once; billing locks; pagination."""

from __future__ import annotations

from typing import Any

from .base import Context, ScenarioPack, SchemaTuning, Skip

__all__ = ["PACK"]

# The statements the scenarios rest on.
RULES = "#/info/description"
NEGATED = f"{RULES} § Reversing creates a negated copy of the customer invoice"
IMMUTABLE = f"{RULES} § A reversal invoice is billed as soon as it is created and can never be changed"
BILLED_FINAL = f"{RULES} § afterwards a change is 422"
PAGING = f"{RULES} § List endpoints return a bare array of at most 100 items"
REVERSE_RULES = "#/paths/~1accounting~1customer_invoices~1{id}~1reversal_invoice/post/description"
CREATE_OK = "#/paths/~1accounting~1customer_invoices/post/responses/201"
LIST_OK = "#/paths/~1accounting~1customer_invoices/get/responses/200"
UPDATE_OK = "#/paths/~1accounting~1customer_invoices~1{id}/put/responses/204"
GET_REVERSAL_OK = "#/paths/~1accounting~1reversal_invoices~1{id}/get/responses/200"
RESULT_TOTAL = "#/components/headers/ResultTotal"
RESULT_PAGE = "#/components/headers/ResultPage"
PER_PAGE = "#/components/headers/ResultPerPage"
UNAUTHORIZED = "#/components/responses/Unauthorized"

GET_REVERSAL = "getReversalInvoice"
REVERSE = "createReversalInvoice"
UPDATE = "updateCustomerInvoice"
LINE = {
    "description": "Conformance flyers",
    "qty": 100,
    "unit": "pcs",
    "net": {"cent_amount": 12, "currency": "EUR"},
    "tax_rate": 0.19,
}


def create_invoice(ctx: Context) -> dict[str, Any]:
    listed_response = ctx.get("/accounting/customer_invoices")
    ctx.expect_status(listed_response, 200, rests_on=LIST_OK)
    listed = ctx.json(listed_response)
    template = listed[0] if listed else None
    if template is None:
        raise Skip("the target has no customer invoice to take a customer id and currency from")
    line = {**LINE, "net": {"cent_amount": 12, "currency": template["net_total"]["currency"]}}
    response = ctx.post(
        "/accounting/customer_invoices",
        json={"customer_invoice": {"customer_id": template["customer_id"], "line_items": [line]}},
    )
    ctx.expect_status(response, 201, rests_on=CREATE_OK)
    return dict(ctx.expect_documented(response, "createCustomerInvoice"))


def reverse(ctx: Context, invoice_id: int) -> dict[str, Any]:
    response = ctx.post(f"/accounting/customer_invoices/{invoice_id}/reversal_invoice")
    ctx.expect_status(response, 201, rests_on=REVERSE_RULES)
    return dict(ctx.expect_documented(response, REVERSE))


def discover(ctx: Context) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    reversals = ctx.json(ctx.get("/accounting/reversal_invoices"))
    customer_invoices = ctx.json(ctx.get("/accounting/customer_invoices"))
    if reversals:
        found[GET_REVERSAL] = {"path.id": [r["id"] for r in reversals[:50]]}
    if customer_invoices:
        ids = [invoice["id"] for invoice in customer_invoices[-50:]]
        for operation in ("getCustomerInvoice", UPDATE, "createCustomerInvoiceLineItem", REVERSE):
            found[operation] = {"path.id": ids}
    return found


PACK = ScenarioPack(
    api="keyline",
    # Changes to a billed invoice and second reversals are refused with 422 by the contract.
    # Reads: Schemathesis follows a list's link to the first item's id even when the page it
    # asked for is empty, and sends the id `None`; the documented 400 for it is correct.
    tuning=SchemaTuning(
        business_refusals={
            GET_REVERSAL: ("400",),
            "getCustomerInvoice": ("400",),
            "createCustomerInvoice": ("422",),
            UPDATE: ("422",),
            "createCustomerInvoiceLineItem": ("422",),
            REVERSE: ("422",),
        },
        discover=discover,
    ),
)


@PACK.scenario(
    "a reversal is a negated copy with billed_at set",
    source="seed 004 (billed on creation); KL-DOCS (negated copy)",
    writes=True,
)
def negated_copy(ctx: Context) -> None:
    invoice = create_invoice(ctx)
    reversal = reverse(ctx, invoice["id"])
    ctx.expect(
        reversal["reversed_invoice_id"] == invoice["id"],
        "reversed_invoice_id does not name the customer invoice",
        rests_on="seed 004",
    )
    ctx.expect(reversal.get("billed_at"), "the reversal invoice is not billed on creation", rests_on="seed 004")
    for total in ("net_total", "gross_total"):
        ctx.expect(
            reversal[total]["cent_amount"] == -invoice[total]["cent_amount"],
            f"{total} is not negated: {invoice[total]} → {reversal[total]}",
            rests_on=NEGATED,
        )
    ctx.expect(
        len(reversal["line_items"]) == len(invoice["line_items"]), "the reversal has other line items", rests_on=NEGATED
    )
    fetched = ctx.get(f"/accounting/reversal_invoices/{reversal['id']}")
    ctx.expect_status(fetched, 200, rests_on=GET_REVERSAL_OK)
    ctx.expect(
        ctx.expect_documented(fetched, GET_REVERSAL)["id"] == reversal["id"],
        "the reversal cannot be fetched",
        rests_on=GET_REVERSAL_OK,
    )
    customer_invoice = ctx.json(ctx.get(f"/accounting/customer_invoices/{invoice['id']}"))
    ctx.expect(
        customer_invoice.get("reversal_invoice_id") == reversal["id"],
        "the customer invoice does not name its reversal",
        rests_on=REVERSE_RULES,
    )


@PACK.scenario("a reversal invoice cannot be changed", source="seed 004 (cannot be changed once created)", writes=True)
def immutable(ctx: Context) -> None:
    listed = ctx.json(ctx.get("/accounting/reversal_invoices"))
    if not listed:
        raise Skip("the target has no reversal invoice")
    reversal_id = listed[0]["id"]
    before = ctx.json(ctx.get(f"/accounting/reversal_invoices/{reversal_id}"))
    for method in ("PUT", "PATCH", "DELETE"):
        response = ctx.request(
            method,
            f"/accounting/reversal_invoices/{reversal_id}",
            json={"reversal_invoice": {"custom_text": "changed"}},
        )
        ctx.expect(
            response.status_code in (404, 405),
            f"{method} on a reversal invoice answered {response.status_code}",
            rests_on=IMMUTABLE,
        )
    ctx.expect(
        ctx.json(ctx.get(f"/accounting/reversal_invoices/{reversal_id}")) == before,
        "the reversal invoice changed",
        rests_on=IMMUTABLE,
    )


@PACK.scenario(
    "a second reversal of the same invoice is refused",
    source="seed 004 / KL-DOCS (reversal_invoice_id; once-only rule inferred)",
    writes=True,
)
def second_reversal(ctx: Context) -> None:
    invoice = create_invoice(ctx)
    reverse(ctx, invoice["id"])
    again = ctx.post(f"/accounting/customer_invoices/{invoice['id']}/reversal_invoice")
    ctx.expect_status(again, 422, rests_on=REVERSE_RULES)
    ctx.expect_documented(again, REVERSE)


@PACK.scenario(
    "a billed customer invoice cannot be changed", source="KL-DOCS (final once billed_at is set)", writes=True
)
def billed_is_final(ctx: Context) -> None:
    invoice = create_invoice(ctx)
    billed = ctx.request(
        "PUT",
        f"/accounting/customer_invoices/{invoice['id']}",
        json={"customer_invoice": {"billed_at": "2026-01-15T10:00:00Z"}},
    )
    ctx.expect_status(billed, 204, rests_on=UPDATE_OK)
    late = ctx.request(
        "PUT", f"/accounting/customer_invoices/{invoice['id']}", json={"customer_invoice": {"custom_text": "too late"}}
    )
    ctx.expect_status(late, 422, rests_on=BILLED_FINAL)
    ctx.expect_documented(late, UPDATE)


@PACK.scenario(
    "pagination headers agree with the total",
    source="KL-DOCS pagination (100 per page, X-Keyline-Result-*)",
    writes=False,
)
def pagination(ctx: Context) -> None:
    first = ctx.get("/accounting/reversal_invoices")
    ctx.expect_status(first, 200, rests_on=PAGING)
    total = int(first.headers.get("X-Keyline-Result-Total", "-1"))
    ctx.expect(total >= 0, "X-Keyline-Result-Total is missing", rests_on=RESULT_TOTAL)
    ctx.expect(
        first.headers.get("X-Keyline-Result-Per-Page") == "100",
        "X-Keyline-Result-Per-Page is not 100",
        rests_on=PER_PAGE,
    )
    ctx.expect(
        len(ctx.json(first)) == min(100, total),
        f"page 1 has {len(ctx.json(first))} items for a total of {total}",
        rests_on=RESULT_TOTAL,
    )
    pages = max(1, -(-total // 100))
    last = ctx.get("/accounting/reversal_invoices", headers={"X-Keyline-Requested-Page": str(pages)})
    ctx.expect(
        last.headers.get("X-Keyline-Result-Page") == str(pages),
        "X-Keyline-Result-Page does not echo the requested page",
        rests_on=RESULT_PAGE,
    )
    ctx.expect(
        len(ctx.json(last)) == total - 100 * (pages - 1),
        f"the last page has {len(ctx.json(last))} items; the total says {total - 100 * (pages - 1)}",
        rests_on=RESULT_TOTAL,
    )


@PACK.scenario(
    "missing or wrong bearer token is 401", source="KL-DOCS (401 for a missing or wrong token)", writes=False
)
def unauthenticated(ctx: Context) -> None:
    for operation_id, method, path, _ in ctx.operations():
        if ctx.read_only and method not in ("GET", "HEAD", "OPTIONS"):
            continue
        concrete = path.replace("{id}", "1")
        for headers in ({}, {"Authorization": "Bearer conformance-wrong-token"}):
            response = ctx.request(method, concrete, anonymous=True, headers=headers)
            ctx.expect_status(response, 401, rests_on=UNAUTHORIZED)
            ctx.expect_documented(response, operation_id)
