"""ChargeOver invoice rules: create (with the tax override), fetch, and list with ``where``.

One account, so one tenant. Every response is ChargeOver's envelope; provenance of each rule
is in ``openapi/chargeover.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date as date_type
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import ErrorKind, MockError, RenderedError
from ..rules import ApiRules, Call, Handlers, Reply, SeedContext
from ..state.store import Transaction

__all__ = ["RULES"]

API = "chargeover"
INVOICES, CUSTOMERS, ITEMS, TERMS, CURRENCIES, ACCOUNT = (
    "invoices",
    "customers",
    "items",
    "terms",
    "currencies",
    "account",
)
MISSING_BASIC = "Invalid or incorrect authorization [Missing (basic) authorization header.]"
WRONG_BASIC = "Invalid or incorrect authorization [Invalid username or password.]"
CENT = Decimal("0.01")

handlers = Handlers()


def render_error(error: MockError) -> RenderedError:
    """The envelope with ``response: false``; 415 is answered as the documented 400."""
    status = 400 if error.status == 415 else error.status
    message = error.message
    if error.kind is ErrorKind.UNAUTHORIZED:
        message = MISSING_BASIC if error.extra.get("credentials_missing") else WRONG_BASIC
    details: dict[str, Any] = {}
    if error.field:
        details["field"] = error.field
    return RenderedError(
        status, {"code": status, "status": "Error", "message": message, "details": details, "response": False}
    )


def _bad_request(message: str, field: str | None = None) -> MockError:
    return MockError(400, message, kind=ErrorKind.INVALID_OPERATION, field=field)


def _ok(response: Any, code: int = 200) -> dict[str, Any]:
    return {"code": code, "status": "OK", "message": "", "details": {}, "response": response}


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


# --- seeding -------------------------------------------------------------------------------


def seed(context: SeedContext) -> None:
    fixtures = context.fixtures
    with context.store.transaction(API, "default") as tx:
        tx.put(
            ACCOUNT,
            "settings",
            {
                "tax_rate": str(fixtures["account"]["tax_rate"]),
                "default_currency_id": fixtures["account"]["default_currency_id"],
                "default_terms_id": fixtures["account"]["default_terms_id"],
            },
        )
        for currency in fixtures["currencies"]:
            tx.put(CURRENCIES, currency["currency_id"], dict(currency))
        for terms in fixtures["terms"]:
            tx.put(TERMS, terms["terms_id"], dict(terms))
        for item in fixtures["items"]:
            tx.put(
                ITEMS,
                item["item_id"],
                {
                    "item_id": item["item_id"],
                    "name": item["name"],
                    "external_key": item.get("external_key"),
                    "price": item["price"],
                    "is_taxed": item["is_taxed"],
                },
            )
        for entry in fixtures["customers"]:
            customer = {
                "customer_id": entry["customer_id"],
                "external_key": entry.get("external_key"),
                "token": entry["token"],
                "company": context.faker.company(),
                "email": context.faker.company_email(),
                "currency_id": entry.get("currency_id", 1),
                "class_id": None,
                "terms_id": entry.get("terms_id", 1),
                "bill_addr1": context.faker.street_address(),
                "bill_city": context.faker.city(),
                "bill_state": context.faker.state_abbr(),
                "bill_postcode": context.faker.postcode(),
                "bill_country": "United States",
                "no_dunning": False,
                "no_latefees": False,
                "no_procfees": False,
            }
            tx.put(CUSTOMERS, customer["customer_id"], customer)
        for index, entry in enumerate(fixtures["invoices"]):
            body = {
                "customer_id": entry["customer_id"],
                "date": (context.epoch + timedelta(days=index)).date().isoformat(),
                **entry["request"],
            }
            invoice = _build_invoice(tx, body, context.epoch + timedelta(days=index), "https://example.chargeover.com")
            if entry.get("paid"):
                invoice.update(
                    {
                        "payments": invoice["total"],
                        "balance": 0.0,
                        "is_paid": True,
                        "paid_date": invoice["date"],
                        "invoice_status_name": "Paid",
                        "invoice_status_str": "closed-paid",
                        "invoice_status_state": "c",
                    }
                )
            tx.put(INVOICES, invoice["invoice_id"], invoice)


# --- create --------------------------------------------------------------------------------


def _find_customer(tx: Transaction, body: Mapping[str, Any]) -> dict[str, Any]:
    if body.get("customer_id") is not None:
        customer = tx.get(CUSTOMERS, body["customer_id"])
        if customer is None:
            raise _bad_request(f"Customer {body['customer_id']} does not exist.", "customer_id")
        return customer
    for field in ("customer_token", "customer_external_key"):
        if body.get(field) is not None:
            key = "token" if field == "customer_token" else "external_key"
            match = next((c for c in tx.values(CUSTOMERS) if c[key] == body[field]), None)
            if match is None:
                raise _bad_request(f"No customer has {key} {body[field]!r}.", field)
            return match
    raise _bad_request(
        "You must specify an existing customer_id, customer_token or customer_external_key.", "customer_id"
    )


def _build_invoice(tx: Transaction, body: Mapping[str, Any], now: datetime, base_url: str) -> dict[str, Any]:
    customer = _find_customer(tx, body)
    settings = tx.get(ACCOUNT, "settings") or {}
    external_key = body.get("external_key")
    if external_key is not None and any(i["external_key"] == external_key for i in tx.values(INVOICES)):
        raise _bad_request(f"An invoice with external_key {external_key!r} already exists.", "external_key")
    currency_id = body.get("currency_id", customer["currency_id"])
    currency = tx.get(CURRENCIES, currency_id)
    if currency is None:
        raise _bad_request(f"Currency {currency_id} does not exist.", "currency_id")
    terms_id = body.get("terms_id", customer["terms_id"])
    terms = tx.get(TERMS, terms_id)
    if terms is None:
        raise _bad_request(f"Terms {terms_id} do not exist.", "terms_id")
    invoice_id = tx.next_id(INVOICES)
    lines: list[dict[str, Any]] = []
    subtotal = taxable = Decimal(0)
    for index, line in enumerate(body["line_items"]):
        item = tx.get(ITEMS, line["item_id"])
        if item is None:
            raise _bad_request(f"Item {line['item_id']} does not exist.", f"line_items.{index}.item_id")
        rate = Decimal(str(line.get("line_rate", item["price"])))
        quantity = Decimal(str(line.get("line_quantity", 1)))
        amount = rate * quantity
        subtotal += amount
        if item["is_taxed"]:
            taxable += amount
        lines.append(
            {
                "line_item_id": invoice_id * 1000 + index + 1,
                "invoice_id": invoice_id,
                "item_id": item["item_id"],
                "item_name": item["name"],
                "descrip": line.get("descrip", item["name"]),
                "line_rate": float(rate),
                "line_quantity": float(quantity),
                "line_subtotal": _money(amount),
                "paycycle": line.get("paycycle", "one"),
                "is_taxed": bool(item["is_taxed"]),
                "custom_1": line.get("custom_1", ""),
                "custom_2": line.get("custom_2", ""),
                "custom_3": line.get("custom_3", ""),
            }
        )
    override = body.get("tax_override")
    taxes = Decimal(str(override["amount"])) if override else taxable * Decimal(str(settings.get("tax_rate", "0")))
    total = subtotal + taxes
    date = body.get("date") or now.date().isoformat()
    due = (date_type.fromisoformat(date) + timedelta(days=int(terms["days"]))).isoformat()
    token = f"{invoice_id:08x}{customer['customer_id']:04x}"
    invoice: dict[str, Any] = {
        "invoice_id": invoice_id,
        "customer_id": customer["customer_id"],
        "currency_id": currency["currency_id"],
        "class_id": body.get("class_id"),
        "terms_id": terms["terms_id"],
        "admin_id": body.get("admin_id"),
        "external_key": external_key,
        "token": token,
        "refnumber": body.get("refnumber", str(invoice_id)),
        "paycycle": body.get("paycycle"),
        "date": date,
        "due_date": due,
    }
    for prefix in ("bill", "ship"):
        for part in ("addr1", "addr2", "addr3", "city", "state", "postcode", "country", "notes"):
            key = f"{prefix}_{part}"
            invoice[key] = body.get(key, customer.get(key) if prefix == "bill" else None)
    invoice["memo"] = body.get("memo")
    for number in range(1, 6):
        invoice[f"custom_{number}"] = body.get(f"custom_{number}")
    invoice.update(
        {
            "write_datetime": now.strftime("%Y-%m-%d %H:%M:%S"),
            "void_datetime": None,
            "currency_symbol": currency["symbol"],
            "currency_iso4217": currency["iso4217"],
            "invoice_status_name": "Unpaid",
            "invoice_status_str": "open-unpaid",
            "invoice_status_state": "o",
            "subtotal": _money(subtotal),
            "taxes": _money(taxes),
            "total": _money(total),
            "credits": 0.0,
            "payments": 0.0,
            "balance": _money(total),
            "is_paid": False,
            "paid_date": None,
            "is_void": False,
            "is_overdue": False,
            "days_overdue": 0,
            "terms_name": terms["name"],
            "terms_days": terms["days"],
            "url_permalink": f"{base_url}/r/invoice/view/{token}",
            "url_paylink": f"{base_url}/r/trans/pay/{token}",
            "url_pdflink": f"{base_url}/r/invoice/pdf/{token}",
            "tags": list(body.get("tags", [])),
            "tax_override": dict(override) if override else None,
            "line_items": lines,
        }
    )
    return invoice


@handlers.operation("createInvoice")
def create_invoice(call: Call) -> Reply:
    invoice = _build_invoice(call.tx, call.body, call.now, call.base_url)
    call.tx.put(INVOICES, invoice["invoice_id"], invoice)
    location = f"{call.base_url}/api/v3/invoice/{invoice['invoice_id']}"
    return Reply(201, _ok({"id": invoice["invoice_id"]}, 201), {"Location": location})


@handlers.operation("getInvoice")
def get_invoice(call: Call) -> Reply:
    invoice = call.tx.get(INVOICES, call.params["invoice_id"])
    if invoice is None:
        raise MockError(404, f"Invoice {call.params['invoice_id']} not found.", kind=ErrorKind.NOT_FOUND)
    return Reply(200, _ok(invoice))


# --- lists ---------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _compare(op: str, actual: Any, expected: str) -> bool:
    if op == "IS:NULL":
        return actual is None or actual == ""
    if op == "ISNOT:NULL":
        return not (actual is None or actual == "")
    if actual is None:
        return False
    if op == "CONTAINS":
        return expected.lower() in str(actual).lower()
    left, right = _number(actual), _number(expected)
    if isinstance(actual, bool):
        left, right = None, None
        actual = str(actual).lower()
    if left is None or right is None:
        left_s, right_s = str(actual), expected
        ops_s: dict[str, Callable[[str, str], bool]] = {
            "EQUALS": str.__eq__,
            "NOTEQUALS": str.__ne__,
            "GT": str.__gt__,
            "LT": str.__lt__,
            "GTE": str.__ge__,
            "LTE": str.__le__,
        }
        return ops_s[op](left_s, right_s)
    ops_n: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "EQUALS": Decimal.__eq__,
        "NOTEQUALS": Decimal.__ne__,
        "GT": Decimal.__gt__,
        "LT": Decimal.__lt__,
        "GTE": Decimal.__ge__,
        "LTE": Decimal.__le__,
    }
    return ops_n[op](left, right)


def _filters(where: str | None, fields: set[str]) -> list[tuple[str, str, str]]:
    if not where:
        return []
    parsed = []
    for clause in where.split(","):
        field, rest = clause.split(":", 1)
        if rest.startswith(("IS:NULL", "ISNOT:NULL")):
            op, value = rest, ""
        else:
            op, _, value = rest.partition(":")
        if fields and field not in fields:
            raise _bad_request(f"Cannot filter on unknown field {field!r}.", "where")
        parsed.append((field, op, value))
    return parsed


def _list(call: Call, collection: str) -> Reply:
    records = call.tx.values(collection)
    fields = set(records[0]) if records else set()
    for field, op, value in _filters(call.params.get("where"), fields):
        records = [r for r in records if _compare(op, r.get(field), value)]
    offset, limit = int(call.params.get("offset", 0)), int(call.params.get("limit", 10))
    return Reply(200, _ok(records[offset : offset + limit]))


@handlers.operation("listInvoices")
def list_invoices(call: Call) -> Reply:
    return _list(call, INVOICES)


@handlers.operation("listCustomers")
def list_customers(call: Call) -> Reply:
    return _list(call, CUSTOMERS)


@handlers.operation("listItems")
def list_items(call: Call) -> Reply:
    return _list(call, ITEMS)


RULES = ApiRules(name=API, render_error=render_error, handlers=handlers, seed=seed)
