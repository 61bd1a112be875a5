"""Keyline scenarios: reversal is an immutable negated copy, once; billing locks; pagination;
what a create or an update sends reads back, and an update changes nothing else.

Invoices are created by the run (two lines with non-integer quantities and different tax
rates), so that a reversal's exact negation of *every* amount (each line's, each tax's, the
totals) is checked where rounding and signs can go wrong."""

from __future__ import annotations

from typing import Any

from .base import Context, ScenarioPack, SchemaTuning, Skip
from .keyline_derived import ACTIONS, DERIVATIONS, NEGATED, REVERSE_RULES, RULES, reversal_problems

__all__ = ["PACK"]

# The statements the scenarios rest on.
IMMUTABLE = f"{RULES} § A reversal invoice is billed as soon as it is created and can never be changed"
BILLED_FINAL = f"{RULES} § afterwards a change is 422"
PAGING = f"{RULES} § List endpoints return a bare array of at most 100 items"
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
LINES: tuple[dict[str, Any], ...] = (
    {"description": "Conformance flyers", "qty": 2.5, "unit": "pcs", "net": {"cent_amount": 1237}, "tax_rate": 0.19},
    {"description": "Conformance folders", "qty": 3.75, "unit": "pcs", "net": {"cent_amount": 333}, "tax_rate": 0.07},
)
CREATE_SUMMARY = "#/paths/~1accounting~1customer_invoices/post/summary"
UPDATE_SUMMARY = "#/paths/~1accounting~1customer_invoices~1{id}/put/summary"
LINE_ADDED = "#/paths/~1accounting~1customer_invoices~1{id}~1line_items/post/responses/201"
# What an id that cannot exist gets: the operation's words for it (its 404), not the id's `minimum`.
ID_MEANING = {
    GET_REVERSAL: "#/paths/~1accounting~1reversal_invoices~1{id}/get/description § 404 when it does not exist",
    "getCustomerInvoice": "#/paths/~1accounting~1customer_invoices~1{id}/get/description § 404 when it does not exist",
    REVERSE: "#/paths/~1accounting~1customer_invoices~1{id}~1reversal_invoice/post/responses/404",
}


def create_invoice(ctx: Context, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    listed_response = ctx.get("/accounting/customer_invoices")
    ctx.expect_status(listed_response, 200, rests_on=LIST_OK)
    listed = ctx.json(listed_response)
    template = listed[0] if listed else None
    if template is None:
        raise Skip("the target has no customer invoice to take a customer id and currency from")
    currency = template["net_total"]["currency"]
    lines = [{**line, "net": {"cent_amount": line["net"]["cent_amount"], "currency": currency}} for line in LINES]
    response = ctx.post(
        "/accounting/customer_invoices",
        json={"customer_invoice": {"customer_id": template["customer_id"], "line_items": lines, **(fields or {})}},
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
    derivations=DERIVATIONS,
    actions=ACTIONS,
    not_exercised={
        ("createCustomerInvoice", "422"): "the contract documents 422 for a create but names no rule that"
        " refuses one, so no request can be relied on to provoke it",
    },
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
    problems = reversal_problems(invoice, reversal)
    ctx.expect(not problems, "; ".join(problems[:6]), rests_on=NEGATED)
    fetched = ctx.get(f"/accounting/reversal_invoices/{reversal['id']}")
    ctx.expect_status(fetched, 200, rests_on=GET_REVERSAL_OK)
    stored = ctx.expect_documented(fetched, GET_REVERSAL)
    ctx.expect(stored["id"] == reversal["id"], "the reversal cannot be fetched", rests_on=GET_REVERSAL_OK)
    ctx.expect(
        all(stored[key] == reversal[key] for key in ("net_total", "gross_total", "taxes", "line_items")),
        "read back, the reversal's amounts differ from the ones its creation answered",
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
    ctx.expect_documented(billed, UPDATE)
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


@PACK.scenario(
    "what a create sends reads back",
    source="KL-DOCS lifecycle (POST the invoice and its line items)",
    writes=True,
)
def create_reads_back(ctx: Context) -> None:
    sent = {"custom_text": "conformance: read back", "due_at": "2026-03-31"}
    invoice = create_invoice(ctx, sent)
    fetched = ctx.get(f"/accounting/customer_invoices/{invoice['id']}")
    ctx.expect_status(fetched, 200, rests_on=CREATE_SUMMARY)
    read = ctx.expect_documented(fetched, "getCustomerInvoice")
    for key, value in sent.items():
        ctx.expect(
            read.get(key) == value, f"{key} sent {value!r} reads back {read.get(key)!r}", rests_on=CREATE_SUMMARY
        )
    ctx.expect(len(read["line_items"]) == len(LINES), "the line items sent do not read back", rests_on=CREATE_SUMMARY)
    for index, (line, got) in enumerate(zip(LINES, read["line_items"], strict=False)):
        for key in ("description", "qty", "unit", "tax_rate"):
            ctx.expect(
                got.get(key) == line[key],
                f"line {index} {key} sent {line[key]!r} reads back {got.get(key)!r}",
                rests_on=CREATE_SUMMARY,
            )
        ctx.expect(
            got["net"]["cent_amount"] == line["net"]["cent_amount"],
            f"line {index} net sent {line['net']} reads back {got['net']}",
            rests_on=CREATE_SUMMARY,
        )


@PACK.scenario(
    "an update changes what it sends and nothing else",
    source="KL-DOCS intro/invoices (PUT returns 204)",
    writes=True,
)
def update_reads_back(ctx: Context) -> None:
    invoice = create_invoice(ctx, {"custom_text": "before", "due_at": "2026-03-31"})
    path = f"/accounting/customer_invoices/{invoice['id']}"
    before = ctx.json(ctx.get(path))
    change = {"custom_text": "conformance: updated", "services_performed_at": "2026-02-01"}
    updated = ctx.request("PUT", path, json={"customer_invoice": change})
    ctx.expect_status(updated, 204, rests_on=UPDATE_OK)
    after_response = ctx.get(path)
    ctx.expect_status(after_response, 200, rests_on=UPDATE_SUMMARY)
    after = ctx.expect_documented(after_response, "getCustomerInvoice")
    for key, value in change.items():
        ctx.expect(
            after.get(key) == value, f"{key} sent {value!r} reads back {after.get(key)!r}", rests_on=UPDATE_SUMMARY
        )
    kept = [k for k in before if k not in change and k != "updated_at" and after.get(k) != before[k]]
    ctx.expect(not kept, f"the update also changed {', '.join(kept)}", rests_on=UPDATE_SUMMARY)


@PACK.scenario(
    "a line item added to an open invoice reads back; to a billed one it is 422",
    source="KL-DOCS lifecycle (POST line items; final once billed_at is set)",
    writes=True,
)
def line_items(ctx: Context) -> None:
    invoice = create_invoice(ctx)
    line = {**LINES[0], "net": {"cent_amount": 999, "currency": invoice["net_total"]["currency"]}, "qty": 1.5}
    path = f"/accounting/customer_invoices/{invoice['id']}"
    added = ctx.post(f"{path}/line_items", json={"line_item": line})
    ctx.expect_status(added, 201, rests_on=LINE_ADDED)
    ctx.expect_documented(added, "createCustomerInvoiceLineItem")
    after = ctx.json(ctx.get(path))
    ctx.expect(
        len(after["line_items"]) == len(invoice["line_items"]) + 1
        and after["line_items"][-1]["qty"] == line["qty"]
        and after["line_items"][-1]["description"] == line["description"],
        f"the line item added does not read back: {after['line_items'][-1:]}",
        rests_on=LINE_ADDED,
    )
    billed = ctx.request("PUT", path, json={"customer_invoice": {"billed_at": "2026-01-15T10:00:00Z"}})
    ctx.expect_status(billed, 204, rests_on=UPDATE_OK)
    late = ctx.post(f"{path}/line_items", json={"line_item": line})
    ctx.expect_status(late, 422, rests_on=BILLED_FINAL)
    ctx.expect_documented(late, "createCustomerInvoiceLineItem")


@PACK.scenario(
    "malformed requests are 400 and unknown invoices 404 on every operation",
    source="contract (BadRequest: missing root key or parameter; NotFound)",
    writes=True,
)
def refusals(ctx: Context) -> None:
    invoice = create_invoice(ctx)
    unknown, bad = 2_000_000_000, 0
    line = {"line_item": {**LINES[0], "net": {"cent_amount": 1, "currency": invoice["net_total"]["currency"]}}}
    calls: list[tuple[str, str, str, Any, int]] = [
        ("listReversalInvoices", "GET", "/accounting/reversal_invoices", None, 200),
        ("listCustomerInvoices", "GET", "/accounting/customer_invoices", None, 200),
        ("getReversalInvoice", "GET", f"/accounting/reversal_invoices/{unknown}", None, 404),
        ("getCustomerInvoice", "GET", f"/accounting/customer_invoices/{unknown}", None, 404),
        ("createCustomerInvoice", "POST", "/accounting/customer_invoices", {}, 400),
        (UPDATE, "PUT", f"/accounting/customer_invoices/{unknown}", {"customer_invoice": {"custom_text": "x"}}, 404),
        (UPDATE, "PUT", f"/accounting/customer_invoices/{invoice['id']}", {}, 400),
        ("createCustomerInvoiceLineItem", "POST", f"/accounting/customer_invoices/{unknown}/line_items", line, 404),
        ("createCustomerInvoiceLineItem", "POST", f"/accounting/customer_invoices/{invoice['id']}/line_items", {}, 400),
        (REVERSE, "POST", f"/accounting/customer_invoices/{unknown}/reversal_invoice", None, 404),
    ]
    for operation_id, method, path, body, status in calls:
        response = ctx.request(method, path, json=body) if body is not None else ctx.request(method, path)
        ctx.expect_status(response, status, rests_on=ctx.pointer(operation_id, "responses", str(status)))
        ctx.expect_documented(response, operation_id)
    # An id below the undocumented `minimum: 1` is one that does not exist: the constraint says 400,
    # the description "404 when it does not exist"; either documented answer is right.
    for operation_id, method, path in (
        ("getReversalInvoice", "GET", f"/accounting/reversal_invoices/{bad}"),
        ("getCustomerInvoice", "GET", f"/accounting/customer_invoices/{bad}"),
        (REVERSE, "POST", f"/accounting/customer_invoices/{bad}/reversal_invoice"),
    ):
        response = ctx.request(method, path)
        ctx.expect_status(response, 400, 404, rests_on=ID_MEANING[operation_id])
        ctx.expect_documented(response, operation_id)
    for listing in ("/accounting/reversal_invoices", "/accounting/customer_invoices"):
        page_zero = ctx.get(listing, headers={"X-Keyline-Requested-Page": "0"})
        ctx.expect_status(page_zero, 400, rests_on="#/components/parameters/RequestedPage/schema/minimum")
        ctx.expect_documented(page_zero, "listReversalInvoices" if "reversal" in listing else "listCustomerInvoices")
