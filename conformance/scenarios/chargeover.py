"""ChargeOver scenarios: create with Location, the create rules, the envelopes, Basic auth,
customers by any key, duplicate external keys, and what a create sends read back with exact
line amounts (non-integer rates and quantities; amounts compared as decimals to the cent).

Customers and items are discovered through ``GET /api/v3/customer`` and ``/api/v3/item``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

import httpx

from ..targets import Credentials
from .base import Context, Derivation, ScenarioPack, SchemaTuning, Skip

__all__ = ["PACK"]

CREATE = "createInvoice"
GET = "getInvoice"
MISSING_BASIC = "Invalid or incorrect authorization [Missing (basic) authorization header.]"

# The statements the scenarios rest on.
SEED = "seed 002"
RULES = "#/paths/~1invoice/post/description"
TOTALS = f"{RULES} § Totals are `line_rate × line_quantity` plus tax"
TAX_OVERRIDE = "#/components/schemas/TaxOverride"
ENVELOPE = "#/components/schemas/ErrorEnvelope"
LIST_OK = "#/paths/~1customer/get/responses/200"
GET_OK = "#/paths/~1invoice~1{invoice_id}/get/responses/200"
NOT_FOUND = "#/paths/~1invoice~1{invoice_id}/get/responses/404"
UNAUTHORIZED = "#/components/responses/Unauthorized"
CENT = Decimal("0.01")


def totals_from_lines(invoice: dict[str, Any]) -> list[str]:
    """Each line_subtotal is line_rate x line_quantity, the subtotal their sum and the total
    subtotal + taxes, each to the cent (rounding each line may move the sum half a cent a line)."""
    if not isinstance(invoice.get("line_items"), list) or "subtotal" not in invoice:
        return []
    lines = invoice["line_items"]
    problems = []
    for index, line in enumerate(lines):
        exact = Decimal(str(line.get("line_rate", 0))) * Decimal(str(line.get("line_quantity", 0)))
        if abs(Decimal(str(line.get("line_subtotal", 0))) - exact) > CENT / 2:
            problems.append(f"line {index} line_subtotal {line.get('line_subtotal')} is not {exact} to the cent")
    summed = sum((Decimal(str(line.get("line_subtotal", 0))) for line in lines), Decimal(0))
    subtotal, taxes = Decimal(str(invoice["subtotal"])), Decimal(str(invoice.get("taxes") or 0))
    if abs(subtotal - summed) > CENT / 2 * (len(lines) + 1):
        problems.append(f"subtotal {subtotal} is not the sum of the line subtotals, {summed}")
    if "total" in invoice and abs(Decimal(str(invoice["total"])) - subtotal - taxes) > CENT:
        problems.append(f"total {invoice['total']} is not subtotal {subtotal} + taxes {taxes}")
    return problems


WHERE = "#/components/parameters/Where"


def _first(ctx: Context, path: str, what: str) -> dict[str, Any]:
    response = ctx.get(path, params={"limit": 1})
    ctx.expect_status(response, 200, rests_on=LIST_OK)
    found = ctx.json(response)["response"]
    if not found:
        raise Skip(f"the target has no {what}")
    return dict(found[0])


def expect_error_envelope(
    ctx: Context, response: httpx.Response, operation_id: str, status: int, *, rests_on: str
) -> dict[str, Any]:
    """The documented error envelope; the status rests on ``rests_on``."""
    ctx.expect_status(response, status, rests_on=rests_on)
    body = dict(ctx.expect_documented(response, operation_id))
    ctx.expect(
        body.get("response") is False,
        f"error envelope has response={body.get('response')!r}, not false",
        rests_on=ENVELOPE,
    )
    ctx.expect(
        body.get("code") == status,
        f"envelope code {body.get('code')} differs from the HTTP status {status}",
        rests_on=SEED,
    )
    return body


def discover(ctx: Context) -> dict[str, dict[str, Any]]:
    invoices = ctx.json(ctx.get("/invoice", params={"limit": 50})).get("response") or []
    return {GET: {"path.invoice_id": [i["invoice_id"] for i in invoices]}} if invoices else {}


PACK = ScenarioPack(
    api="chargeover",
    derivations=[Derivation("the totals follow from the lines", TOTALS, (GET,), totals_from_lines)],
    # Unknown customers or items, and `where` on a field the object does not have, are 400s.
    tuning=SchemaTuning(
        business_refusals={
            CREATE: ("400",),
            "listInvoices": ("400",),
            "listCustomers": ("400",),
            "listItems": ("400",),
        },
        discover=discover,
    ),
)


@PACK.scenario(
    "create returns 201 and a Location that resolves to the invoice",
    source="seed 002 (Notes: response/id, Location)",
    writes=True,
)
def create_and_follow(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    item = _first(ctx, "/item", "item")
    response = ctx.post(
        "/invoice",
        json={
            "customer_id": customer["customer_id"],
            "line_items": [{"item_id": item["item_id"], "line_quantity": 2, "line_rate": 10}],
        },
    )
    ctx.expect_status(response, 201, rests_on=SEED)
    body = ctx.expect_documented(response, CREATE)
    ctx.expect(body["status"] == "OK" and body["code"] == 201, f"success envelope is {body}", rests_on=SEED)
    location = response.headers.get("Location")
    ctx.expect(location, "the 201 has no Location header", rests_on=SEED)
    assert location is not None
    ctx.expect(
        location.rstrip("/").endswith(f"/invoice/{body['response']['id']}"),
        f"Location {location} does not name invoice {body['response']['id']}",
        rests_on=SEED,
    )
    # A Location is a URI reference, resolved against the request's URL (RFC 9110 §10.2.2).
    fetched = ctx.get(urljoin(str(response.url), location))
    ctx.expect_status(fetched, 200, rests_on=SEED)
    invoice = ctx.expect_documented(fetched, GET)["response"]
    ctx.expect(invoice["invoice_id"] == body["response"]["id"], "Location resolves to another invoice", rests_on=SEED)
    ctx.expect(
        invoice["customer_id"] == customer["customer_id"],
        "the invoice belongs to another customer",
        rests_on=f"{RULES} § an existing `customer_id`",
    )
    ctx.expect(
        abs(invoice["subtotal"] - 20.0) < 0.005,
        f"subtotal {invoice['subtotal']} is not rate x quantity (20.00)",
        rests_on=TOTALS,
    )


@PACK.scenario(
    "an unknown customer is a 400 envelope", source="seed 002 (Requirements: existing customer)", writes=True
)
def unknown_customer(ctx: Context) -> None:
    item = _first(ctx, "/item", "item")
    for field in (
        {"customer_id": 2_000_000_000},
        {"customer_token": "conformance-no-such-token"},
        {"customer_external_key": "conformance-no-such-key"},
    ):
        response = ctx.post("/invoice", json={**field, "line_items": [{"item_id": item["item_id"]}]})
        expect_error_envelope(ctx, response, CREATE, 400, rests_on=SEED)


@PACK.scenario("an unknown item is a 400 envelope", source="seed 002 (Requirements: existing item_id)", writes=True)
def unknown_item(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    response = ctx.post(
        "/invoice", json={"customer_id": customer["customer_id"], "line_items": [{"item_id": 2_000_000_000}]}
    )
    expect_error_envelope(ctx, response, CREATE, 400, rests_on=SEED)


@PACK.scenario("no line items is a 400 envelope", source="seed 002 (Requirements: at least one line item)", writes=True)
def no_line_items(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    for body in ({"customer_id": customer["customer_id"], "line_items": []}, {"customer_id": customer["customer_id"]}):
        expect_error_envelope(ctx, ctx.post("/invoice", json=body), CREATE, 400, rests_on=SEED)


@PACK.scenario("missing or bad Basic auth is the 401 envelope", source="seed 002 (401 example)", writes=False)
def basic_auth(ctx: Context) -> None:
    if not ctx.read_only:
        missing = expect_error_envelope(
            ctx, ctx.post("/invoice", json={"line_items": [{"item_id": 1}]}, anonymous=True), CREATE, 401, rests_on=SEED
        )
        ctx.expect(
            missing["message"] == MISSING_BASIC, f"401 message is {missing['message']!r}, not the seed's", rests_on=SEED
        )
        wrong = ctx.request(
            "POST",
            "/invoice",
            credentials=Credentials(basic=("conformance", "wrong")),
            json={"line_items": [{"item_id": 1}]},
        )
        expect_error_envelope(ctx, wrong, CREATE, 401, rests_on=SEED)
    for operation_id, method, path, _ in ctx.operations():
        if ctx.read_only and method not in ("GET", "HEAD", "OPTIONS"):
            continue
        response = ctx.request(method, path.replace("{invoice_id}", "1"), anonymous=True)
        expect_error_envelope(ctx, response, operation_id, 401, rests_on=UNAUTHORIZED)


@PACK.scenario("an unknown invoice is a 404 envelope", source="CO-DOCS get-a-specific-invoice (404)", writes=False)
def unknown_invoice(ctx: Context) -> None:
    expect_error_envelope(ctx, ctx.get("/invoice/2000000000"), GET, 404, rests_on=NOT_FOUND)


@PACK.scenario(
    "tax_override sets the tax amount",
    source="seed 002 (tax override; field names ASSUMED, see docs/contracts.md)",
    writes=True,
)
def tax_override(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    item = _first(ctx, "/item", "item")
    body = {
        "customer_id": customer["customer_id"],
        "line_items": [{"item_id": item["item_id"], "line_rate": 100, "line_quantity": 1}],
        "tax_override": {"amount": 7.25},
    }
    response = ctx.post("/invoice", json=body)
    ctx.expect_status(response, 201, rests_on=TAX_OVERRIDE)
    body = ctx.expect_documented(response, CREATE)
    invoice = ctx.json(ctx.get(f"/invoice/{body['response']['id']}"))["response"]
    ctx.expect(
        abs(invoice["taxes"] - 7.25) < 0.005,
        f"taxes {invoice['taxes']} ignore the override 7.25",
        rests_on=TAX_OVERRIDE,
    )
    ctx.expect(
        abs(invoice["total"] - 107.25) < 0.005, f"total {invoice['total']} is not subtotal + override", rests_on=TOTALS
    )


def _customers(ctx: Context) -> list[dict[str, Any]]:
    response = ctx.get("/customer", params={"limit": 100})
    ctx.expect_status(response, 200, rests_on=LIST_OK)
    return list(ctx.json(response)["response"])


def _create(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """Create an invoice and read it back through its Location."""
    response = ctx.post("/invoice", json=body)
    ctx.expect_status(response, 201, rests_on=SEED)
    created = ctx.expect_documented(response, CREATE)["response"]["id"]
    fetched = ctx.get(f"/invoice/{created}")
    ctx.expect_status(fetched, 200, rests_on=GET_OK)
    return dict(ctx.expect_documented(fetched, GET)["response"])


@PACK.scenario(
    "a customer named by id, token or external key gets the invoice",
    source="seed 002 (Requirements: customer_id, customer_token or customer_external_key)",
    writes=True,
)
def customer_by_any_key(ctx: Context) -> None:
    customer = next((c for c in _customers(ctx) if c.get("token") and c.get("external_key")), None)
    if customer is None:
        raise Skip("the target has no customer with both a token and an external key")
    item = _first(ctx, "/item", "item")
    for field, value in (
        ("customer_id", customer["customer_id"]),
        ("customer_token", customer["token"]),
        ("customer_external_key", customer["external_key"]),
    ):
        invoice = _create(ctx, {field: value, "line_items": [{"item_id": item["item_id"]}]})
        ctx.expect(
            invoice["customer_id"] == customer["customer_id"],
            f"an invoice for {field}={value!r} belongs to customer {invoice['customer_id']},"
            f" not {customer['customer_id']}",
            rests_on=SEED,
        )


@PACK.scenario(
    "a duplicate external_key is refused",
    source="contract createInvoice (duplicate external_key, inferred)",
    writes=True,
)
def duplicate_external_key(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    item = _first(ctx, "/item", "item")
    key = f"conformance-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
    body = {"customer_id": customer["customer_id"], "external_key": key, "line_items": [{"item_id": item["item_id"]}]}
    first = _create(ctx, body)
    ctx.expect(first.get("external_key") == key, "the external_key sent does not read back", rests_on=SEED)
    again = ctx.post("/invoice", json=body)
    expect_error_envelope(ctx, again, CREATE, 400, rests_on=f"{RULES} § refuses a duplicate `external_key` (400)")


@PACK.scenario(
    "what a create sends reads back; line subtotal is rate x quantity, exact to the cent",
    source="seed 002 (fields); contract createInvoice (totals, assumed)",
    writes=True,
)
def create_reads_back(ctx: Context) -> None:
    customer = _first(ctx, "/customer", "customer")
    items = ctx.json(ctx.get("/item", params={"limit": 100}))["response"]
    if not items:
        raise Skip("the target has no item")
    # Non-integer rates and quantities whose products need rounding (29.9875, 3.7037...).
    lines = [
        {"item_id": item["item_id"], "line_rate": rate, "line_quantity": quantity, "descrip": f"conformance {n}"}
        for n, (item, rate, quantity) in enumerate(
            zip(items * 2, (11.995, 1.234567, 7.5), (2.5, 3, 0.125), strict=False)
        )
    ]
    body = {
        "customer_id": customer["customer_id"],
        "memo": "conformance: read back",
        "refnumber": f"CONF-{datetime.now(UTC).strftime('%H%M%S%f')}",
        "line_items": lines,
    }
    invoice = _create(ctx, body)
    for key in ("customer_id", "memo", "refnumber"):
        ctx.expect(
            invoice.get(key) == body[key], f"{key} sent {body[key]!r} reads back {invoice.get(key)!r}", rests_on=SEED
        )
    read = invoice.get("line_items") or []
    ctx.expect(len(read) == len(lines), f"{len(lines)} line items sent, {len(read)} read back", rests_on=SEED)
    exact_total = Decimal(0)
    for sent, got in zip(lines, read, strict=False):
        for key in ("item_id", "descrip", "line_rate", "line_quantity"):
            ctx.expect(
                got.get(key) == sent[key], f"line {key} sent {sent[key]!r} reads back {got.get(key)!r}", rests_on=SEED
            )
        exact = Decimal(str(sent["line_rate"])) * Decimal(str(sent["line_quantity"]))
        exact_total += exact
        ctx.expect(
            abs(Decimal(str(got.get("line_subtotal"))) - exact) <= CENT / 2,
            f"line subtotal {got.get('line_subtotal')} is not {exact} (rate x quantity) to the cent",
            rests_on=TOTALS,
        )
    ctx.expect(
        abs(Decimal(str(invoice["subtotal"])) - exact_total) <= CENT / 2,
        f"subtotal {invoice['subtotal']} is not the sum of the lines, {exact_total}, to the cent",
        rests_on=TOTALS,
    )
    problems = totals_from_lines(invoice)
    ctx.expect(not problems, "; ".join(problems), rests_on=TOTALS)
    untaxed = next((i for i in items if i.get("is_taxed") is False), None)
    if untaxed is not None:
        plain = _create(
            ctx,
            {
                "customer_id": customer["customer_id"],
                "line_items": [{"item_id": untaxed["item_id"], "line_rate": 3.33, "line_quantity": 3}],
            },
        )
        ctx.expect(
            Decimal(str(plain["taxes"])) == 0,
            f"an invoice of one untaxed item has taxes {plain['taxes']}",
            rests_on="#/components/schemas/LineItem/properties/is_taxed",
        )


@PACK.scenario(
    "lists answer 200; a where on an unknown field and an invalid invoice id are 400",
    source="CO-DOCS /apidocs/rest (where=field:OP:value); CO-DOCS get-a-specific-invoice (400)",
    writes=False,
)
def lists_and_bad_requests(ctx: Context) -> None:
    for operation_id, path in (("listInvoices", "/invoice"), ("listCustomers", "/customer"), ("listItems", "/item")):
        listed = ctx.get(path, params={"limit": 5})
        ctx.expect_status(listed, 200, rests_on=ctx.pointer(operation_id, "responses", "200"))
        ctx.expect_documented(listed, operation_id)
        unknown_field = ctx.get(path, params={"where": "conformance_no_such_field:EQUALS:1"})
        expect_error_envelope(ctx, unknown_field, operation_id, 400, rests_on=WHERE)
    expect_error_envelope(ctx, ctx.get("/invoice/0"), GET, 400, rests_on=f"{GET_OK.rsplit('/', 1)[0]}/400")
