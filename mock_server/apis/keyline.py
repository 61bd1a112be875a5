"""Keyline accounting rules: customer invoices until billed, and immutable reversal invoices.

One account, so one tenant. Money is integer cents; taxes are grouped per rate. Provenance
of each rule is in ``openapi/keyline.yaml``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import ErrorKind, MockError, RenderedError
from ..rules import ApiRules, Call, Handlers, Reply, SeedContext
from ..state.store import Transaction

__all__ = ["RULES"]

API = "keyline"
CUSTOMER_INVOICES, REVERSAL_INVOICES, ACCOUNT = "customer_invoices", "reversal_invoices", "account"
PER_PAGE = 100
MONEY_FIELDS = ("net", "net_total", "gross_total", "discounted_net_total")

handlers = Handlers()


def render_error(error: MockError) -> RenderedError:
    """400 ``missing_parameters`` for absent or malformed parameters, 422 ``errors`` for bad content."""
    if error.kind is ErrorKind.MISSING_PARAMETER or (
        error.kind is ErrorKind.VALIDATION and error.extra.get("in") != "body"
    ):
        return RenderedError(400, {"missing_parameters": [error.field] if error.field else [], "error": error.message})
    if error.kind in (ErrorKind.VALIDATION, ErrorKind.INVALID_OPERATION):
        return RenderedError(422, {"errors": {_error_key(error.field): [error.message]}})
    if error.status == 415:
        return RenderedError(400, {"missing_parameters": [], "error": error.message})
    return RenderedError(error.status, {"error": error.message})


def _error_key(field: str | None) -> str:
    """Rails names a nested field by its last part; whole-object problems go under ``base``."""
    if not field:
        return "base"
    parts = [p for p in field.split(".") if not p.isdigit()]
    return parts[-1] if parts else "base"


def _unprocessable(message: str, field: str | None = None) -> MockError:
    return MockError(422, message, kind=ErrorKind.INVALID_OPERATION, field=field)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- money ---------------------------------------------------------------------------------


def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _line(line: Mapping[str, Any], line_id: int, currency: str) -> dict[str, Any]:
    net = line["net"]
    if net["currency"] != currency:
        raise _unprocessable(
            f"Line currency {net['currency']} differs from the invoice currency {currency}", "currency"
        )
    qty = Decimal(str(line["qty"]))
    discount = Decimal(str(line.get("discount", 0)))
    rate = Decimal(str(line.get("tax_rate", "0.19")))
    net_total = Decimal(net["cent_amount"]) * qty
    discounted = net_total * (1 - discount)
    return {
        "id": line_id,
        "order_number": line.get("order_number"),
        "description": line["description"],
        "qty": float(qty),
        "unit": line.get("unit"),
        "net": {"cent_amount": int(net["cent_amount"]), "currency": currency},
        "tax_rate": float(rate),
        "discount": float(discount),
        "net_total": {"cent_amount": _cents(net_total), "currency": currency},
        "gross_total": {"cent_amount": _cents(discounted * (1 + rate)), "currency": currency},
        "discounted_net_total": {"cent_amount": _cents(discounted), "currency": currency},
        "environmental_certifications": [],
    }


def _recompute_totals(invoice: dict[str, Any], currency: str) -> None:
    by_rate: dict[float, Decimal] = {}
    net = gross = 0
    for line in invoice["line_items"]:
        net += line["discounted_net_total"]["cent_amount"]
        gross += line["gross_total"]["cent_amount"]
        by_rate[line["tax_rate"]] = by_rate.get(line["tax_rate"], Decimal(0)) + Decimal(
            line["discounted_net_total"]["cent_amount"]
        ) * Decimal(str(line["tax_rate"]))
    invoice["net_total"] = {"cent_amount": net, "currency": currency}
    invoice["gross_total"] = {"cent_amount": gross, "currency": currency}
    invoice["taxes"] = [
        {"cent_amount": float(amount), "currency": currency, "rate": rate} for rate, amount in sorted(by_rate.items())
    ]


def _negated(invoice: Mapping[str, Any]) -> dict[str, Any]:
    copied = copy.deepcopy(dict(invoice))
    for key in ("net_total", "gross_total"):
        copied[key]["cent_amount"] = -copied[key]["cent_amount"]
    for tax in copied["taxes"]:
        tax["cent_amount"] = -tax["cent_amount"]
    for line in copied["line_items"]:
        for key in MONEY_FIELDS:
            line[key]["cent_amount"] = -line[key]["cent_amount"]
    return copied


# --- building ------------------------------------------------------------------------------


def _currency(tx: Transaction) -> str:
    account = tx.get(ACCOUNT, "settings") or {}
    return str(account.get("currency", "EUR"))


def _new_customer_invoice(tx: Transaction, fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    currency = _currency(tx)
    invoice_id = tx.next_id(CUSTOMER_INVOICES)
    invoice: dict[str, Any] = {
        "id": invoice_id,
        "created_at": _stamp(now),
        "updated_at": _stamp(now),
        "address": copy.deepcopy(fields.get("address")),
        "billed_at": None,
        "business_unit_id": fields.get("business_unit_id"),
        "contact": copy.deepcopy(fields.get("contact")),
        "custom_references": dict(fields.get("custom_references") or {}),
        "custom_text": fields.get("custom_text"),
        "customer_id": fields["customer_id"],
        "due_at": fields.get("due_at"),
        "gross_total": {},
        "line_items": [],
        "net_total": {},
        "number": fields.get("number") or f"RE-{invoice_id:05d}",
        "order_id": fields.get("order_id"),
        "paid_at": None,
        "sent_at": None,
        "services_performed_at": fields.get("services_performed_at"),
        "taxes": [],
        "reversal_invoice_id": None,
    }
    for line in fields.get("line_items") or []:
        invoice["line_items"].append(_line(line, tx.next_id("line_items"), currency))
    _recompute_totals(invoice, currency)
    return invoice


def _reverse(tx: Transaction, invoice: dict[str, Any], now: datetime) -> dict[str, Any]:
    if invoice["reversal_invoice_id"] is not None:
        raise _unprocessable(
            f"Customer invoice {invoice['id']} is already reversed"
            f" by reversal invoice {invoice['reversal_invoice_id']}",
            "reversal_invoice_id",
        )
    reversal = _negated(invoice)
    del reversal["reversal_invoice_id"]
    reversal_id = tx.next_id(REVERSAL_INVOICES)
    reversal.update(
        {
            "id": reversal_id,
            "created_at": _stamp(now),
            "updated_at": _stamp(now),
            "billed_at": _stamp(now),
            "number": f"ST-{reversal_id:05d}",
            "paid_at": None,
            "sent_at": None,
            "reversed_invoice_id": invoice["id"],
        }
    )
    invoice["reversal_invoice_id"] = reversal_id
    invoice["updated_at"] = _stamp(now)
    tx.put(REVERSAL_INVOICES, reversal_id, reversal)
    tx.put(CUSTOMER_INVOICES, invoice["id"], invoice)
    return reversal


# --- seeding -------------------------------------------------------------------------------


def seed(context: SeedContext) -> None:
    fixtures = context.fixtures
    faker = context.faker
    with context.store.transaction(API, "default") as tx:
        tx.put(ACCOUNT, "settings", {"currency": fixtures["account"]["currency"]})
        index = 0
        for group in fixtures["customer_invoices"]:
            for _ in range(int(group["count"])):
                created = context.epoch + timedelta(hours=index)
                fields = {
                    "customer_id": faker.random_int(1000, 1099),
                    "contact": context.fake.generate({"$ref": "#/components/schemas/Contact"}),
                    "address": {
                        **context.fake.generate({"$ref": "#/components/schemas/Address"}),
                        "country_code": "DE",
                        "addressable_id": None,
                        "addressable_type": None,
                        "fingerprint": None,
                    },
                    "custom_text": faker.sentence(nb_words=6),
                    "due_at": (created + timedelta(days=14)).date().isoformat(),
                    "line_items": [
                        {
                            "description": faker.catch_phrase(),
                            "qty": faker.random_int(1, 500),
                            "unit": "pcs",
                            "net": {
                                "cent_amount": faker.random_int(5, 5000),
                                "currency": fixtures["account"]["currency"],
                            },
                            "tax_rate": faker.random_element([0.07, 0.19]),
                        }
                        for _ in range(faker.random_int(1, 3))
                    ],
                }
                invoice = _new_customer_invoice(tx, fields, created)
                if group["state"] in ("billed", "reversed"):
                    invoice["billed_at"] = _stamp(created + timedelta(minutes=30))
                tx.put(CUSTOMER_INVOICES, invoice["id"], invoice)
                if group["state"] == "reversed":
                    _reverse(tx, invoice, created + timedelta(days=1))
                index += 1


# --- handlers ------------------------------------------------------------------------------


def _page(call: Call, collection: str) -> Reply:
    records = call.tx.values(collection)
    page = int(call.headers.get("x-keyline-requested-page", "1"))
    window = records[(page - 1) * PER_PAGE : page * PER_PAGE]
    headers = {
        "X-Keyline-Result-Page": str(page),
        "X-Keyline-Result-Per-Page": str(PER_PAGE),
        "X-Keyline-Result-Total": str(len(records)),
    }
    return Reply(200, window, headers)


def _get(call: Call, collection: str, *, for_update: bool = False) -> dict[str, Any]:
    key = call.params["id"]
    record = call.tx.get_for_update(collection, key) if for_update else call.tx.get(collection, key)
    if record is None:
        noun = collection.rstrip("s").replace("_", " ")
        raise MockError(404, f"No {noun} with id {key}", kind=ErrorKind.NOT_FOUND)
    return record


def _unbilled(call: Call) -> dict[str, Any]:
    invoice = _get(call, CUSTOMER_INVOICES, for_update=True)
    if invoice["billed_at"] is not None:
        raise _unprocessable(f"Customer invoice {invoice['id']} is billed and can no longer be changed")
    return invoice


@handlers.operation("listReversalInvoices")
def list_reversal_invoices(call: Call) -> Reply:
    return _page(call, REVERSAL_INVOICES)


@handlers.operation("getReversalInvoice")
def get_reversal_invoice(call: Call) -> Reply:
    return Reply(200, _get(call, REVERSAL_INVOICES))


@handlers.operation("listCustomerInvoices")
def list_customer_invoices(call: Call) -> Reply:
    return _page(call, CUSTOMER_INVOICES)


@handlers.operation("getCustomerInvoice")
def get_customer_invoice(call: Call) -> Reply:
    return Reply(200, _get(call, CUSTOMER_INVOICES))


@handlers.operation("createCustomerInvoice")
def create_customer_invoice(call: Call) -> Reply:
    invoice = _new_customer_invoice(call.tx, call.body["customer_invoice"], call.now)
    call.tx.put(CUSTOMER_INVOICES, invoice["id"], invoice)
    return Reply(201, invoice)


@handlers.operation("updateCustomerInvoice")
def update_customer_invoice(call: Call) -> Reply:
    invoice = _unbilled(call)
    invoice.update(copy.deepcopy(call.body["customer_invoice"]))
    invoice["updated_at"] = _stamp(call.now)
    call.tx.put(CUSTOMER_INVOICES, invoice["id"], invoice)
    return Reply(204)


@handlers.operation("createCustomerInvoiceLineItem")
def create_line_item(call: Call) -> Reply:
    invoice = _unbilled(call)
    currency = _currency(call.tx)
    line = _line(call.body["line_item"], call.tx.next_id("line_items"), currency)
    invoice["line_items"].append(line)
    _recompute_totals(invoice, currency)
    invoice["updated_at"] = _stamp(call.now)
    call.tx.put(CUSTOMER_INVOICES, invoice["id"], invoice)
    return Reply(201, line)


@handlers.operation("createReversalInvoice")
def create_reversal_invoice(call: Call) -> Reply:
    invoice = _get(call, CUSTOMER_INVOICES, for_update=True)
    return Reply(201, _reverse(call.tx, invoice, call.now))


RULES = ApiRules(name=API, render_error=render_error, handlers=handlers, seed=seed)
