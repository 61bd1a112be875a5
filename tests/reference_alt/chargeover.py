"""ChargeOver routes: Basic auth, the envelope, invoice create/get/list, customer and item lists."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .contract import Contract, coerce, field_path
from .routing import resource

CONTRACT = Contract("chargeover")
USER, PASSWORD = "alt-co-clerk", "alt-co-pw-31"
TAX_RATE = Decimal("0.0725")
MISSING_AUTH = "Invalid or incorrect authorization [Missing (basic) authorization header.]"
CURRENCIES = {1: ("USD", "$"), 2: ("EUR", "€"), 3: ("GBP", "£")}
TERMS = {1: ("Net 30", 30), 2: ("Net 15", 15), 3: ("Due on receipt", 0)}
WHERE = re.compile(r"([a-z_0-9]+):(EQUALS|GTE|GT|LTE|LT|CONTAINS|NOTEQUALS|IS:NULL|ISNOT:NULL)(?::([^,]*))?")


class Failure(Exception):
    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details or {}

    def response(self) -> JSONResponse:
        return JSONResponse(
            {
                "code": self.status,
                "status": "Error",
                "message": self.message,
                "details": self.details,
                "response": False,
            },
            status_code=self.status,
        )


def _ok(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": status, "status": "OK", "message": "", "details": {}, "response": payload},
        status_code=status,
        headers=headers,
    )


def _cents(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class ChargeOver:
    def __init__(self) -> None:
        self.customers: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.invoices: dict[int, dict[str, Any]] = {}
        self.next_invoice = 2026001
        self.writes = 0
        for n in range(14):
            self.customers.append(
                {
                    "customer_id": 88001 + n * 2,
                    "external_key": f"ALT-CUS-{n:04d}" if n % 4 else None,
                    "token": f"{(n * 7919 + 104729) % 16**12:012x}",
                    "company": f"Northwind Branch {n}",
                    "email": f"ap{n}@northwind.example" if n % 5 else None,
                    "currency_id": 1 + n % 2,
                    "class_id": None,
                    "terms_id": 1 + n % 3,
                    "bill_addr1": f"{200 + n} Pine St",
                    "bill_city": "Madison",
                    "bill_state": "WI",
                    "bill_postcode": f"537{n:02d}",
                    "bill_country": "United States",
                    "no_dunning": n % 6 == 0,
                    "no_latefees": False,
                    "no_procfees": n % 2 == 1,
                }
            )
        for n in range(9):
            self.items.append(
                {
                    "item_id": 640 + n * 10,
                    "name": f"Plan tier {chr(65 + n)}",
                    "external_key": f"ALT-ITEM-{n}" if n % 3 else None,
                    "price": float(Decimal("9.99") * (n + 1)),
                    "is_taxed": n % 3 != 2,
                }
            )
        for n in range(37):
            customer = self.customers[n % len(self.customers)]
            lines = [
                {"item_id": self.items[(n + k) % 9]["item_id"], "line_quantity": 1 + (n + k) % 4}
                for k in range(1 + n % 3)
            ]
            self._store(
                {
                    "customer_id": customer["customer_id"],
                    "line_items": lines,
                    "date": (date(2025, 9, 1) + timedelta(days=(n * 5) % 90)).isoformat(),
                    "refnumber": f"R{n:05d}",
                    "external_key": f"ALT-INV-{n:04d}" if n % 2 else None,
                },
                customer,
            )

    def _store(self, body: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
        invoice_id = self.next_invoice
        self.next_invoice += 13
        self.writes += 1
        items = {i["item_id"]: i for i in self.items}
        currency_id = body.get("currency_id") or customer["currency_id"]
        terms_id = body.get("terms_id") or customer["terms_id"]
        day = date.fromisoformat(body["date"]) if body.get("date") else date(2026, 2, 1) + timedelta(days=self.writes)
        lines, subtotal, tax = [], Decimal(0), Decimal(0)
        for k, given in enumerate(body["line_items"]):
            item = items[given["item_id"]]
            rate = Decimal(str(given.get("line_rate", item["price"])))
            quantity = Decimal(str(given.get("line_quantity", 1)))
            line_total = Decimal(str(_cents(rate * quantity)))
            subtotal += line_total
            if item["is_taxed"]:
                tax += Decimal(str(_cents(line_total * TAX_RATE)))
            line = {
                "line_item_id": invoice_id * 100 + k + 1,
                "invoice_id": invoice_id,
                "item_id": item["item_id"],
                "item_name": item["name"],
                "descrip": given.get("descrip", item["name"]),
                "line_rate": float(rate),
                "line_quantity": float(quantity),
                "line_subtotal": float(line_total),
                "paycycle": given.get("paycycle", "one"),
                "item_external_key": item["external_key"],
                "is_taxed": item["is_taxed"],
            }
            line.update({f"custom_{c}": given[f"custom_{c}"] for c in range(1, 11) if f"custom_{c}" in given})
            lines.append(line)
        override = body.get("tax_override")
        if override is not None:
            tax = Decimal(str(override["amount"]))
        total = subtotal + tax
        iso, symbol = CURRENCIES[currency_id]
        terms_name, terms_days = TERMS[terms_id]
        invoice: dict[str, Any] = {
            "invoice_id": invoice_id,
            "customer_id": customer["customer_id"],
            "customer_company": customer["company"],
            "currency_id": currency_id,
            "class_id": body.get("class_id"),
            "terms_id": terms_id,
            "admin_id": body.get("admin_id"),
            "external_key": body.get("external_key"),
            "token": f"{invoice_id * 48271 % 16**12:012x}",
            "refnumber": body.get("refnumber", str(invoice_id)),
            "paycycle": body.get("paycycle"),
            "date": day.isoformat(),
            "due_date": (day + timedelta(days=terms_days)).isoformat(),
            "write_datetime": f"{day.isoformat()} 14:{self.writes % 60:02d}:00",
            "void_datetime": None,
            "currency_symbol": symbol,
            "currency_iso4217": iso,
            "invoice_status_name": "Unpaid",
            "invoice_status_str": "open-unpaid",
            "invoice_status_state": "o",
            "subtotal": _cents(subtotal),
            "taxes": _cents(tax),
            "total": _cents(total),
            "credits": 0.0,
            "payments": 0.0,
            "balance": _cents(total),
            "is_paid": False,
            "paid_date": None,
            "is_void": False,
            "is_overdue": False,
            "days_overdue": 0,
            "terms_name": terms_name,
            "terms_days": terms_days,
            "url_permalink": f"https://alt.chargeover.test/r/invoice/view/{invoice_id}",
            "url_paylink": f"https://alt.chargeover.test/r/trans/pay/{invoice_id}",
            "url_pdflink": f"https://alt.chargeover.test/r/invoice/pdf/{invoice_id}",
            "tags": list(body.get("tags", [])),
            "tax_override": override,
            "line_items": lines,
        }
        for prefix in ("bill", "ship"):
            for part in ("addr1", "addr2", "addr3", "city", "state", "postcode", "country", "notes"):
                name = f"{prefix}_{part}"
                invoice[name] = body.get(name, customer.get(name) if prefix == "bill" else None)
        invoice.update({f"custom_{c}": body.get(f"custom_{c}") for c in range(1, 21) if f"custom_{c}" in body})
        invoice["memo"] = body.get("memo")
        for flag in ("no_dunning", "no_latefees", "no_procfees"):
            invoice[flag] = body.get(flag, customer[flag])
        self.invoices[invoice_id] = invoice
        return invoice

    # --- HTTP ------------------------------------------------------------------------------------

    def _auth(self, request: Request) -> None:
        header = request.headers.get("authorization")
        if header is None:
            raise Failure(401, MISSING_AUTH)  # the one message seed 002 documents
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise Failure(401, f"Authorization scheme {scheme!r} is not accepted here; use Basic.")
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except ValueError:
            raise Failure(401, "Basic credentials could not be decoded.") from None
        if (user, password) != (USER, PASSWORD):
            raise Failure(401, "Unknown user or wrong password.")

    async def create_invoice(self, request: Request) -> Response:
        self._auth(request)
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise Failure(400, "Request body must be a JSON object.") from None
        errors = CONTRACT.errors("#/components/schemas/InvoiceCreate", body)
        if errors:
            where = field_path(errors[0])
            raise Failure(400, f"Invalid value for {where or 'the body'}: {errors[0].message[:200]}", {"field": where})
        keys = [k for k in ("customer_id", "customer_token", "customer_external_key") if k in body]
        if len(keys) != 1:
            raise Failure(400, "Give exactly one of customer_id, customer_token, customer_external_key.")
        field = {"customer_id": "customer_id", "customer_token": "token", "customer_external_key": "external_key"}
        customer = next((c for c in self.customers if c[field[keys[0]]] == body[keys[0]]), None)
        if customer is None:
            raise Failure(400, f"No customer has this {keys[0]}.", {"field": keys[0]})
        known = {i["item_id"] for i in self.items}
        for k, line in enumerate(body["line_items"]):
            if line["item_id"] not in known:
                raise Failure(400, f"Item {line['item_id']} does not exist.", {"field": f"line_items.{k}.item_id"})
        if "currency_id" in body and body["currency_id"] not in CURRENCIES:
            raise Failure(400, "Unknown currency_id.", {"field": "currency_id"})
        if "terms_id" in body and body["terms_id"] not in TERMS:
            raise Failure(400, "Unknown terms_id.", {"field": "terms_id"})
        if body.get("external_key") is not None and any(
            i["external_key"] == body["external_key"] for i in self.invoices.values()
        ):
            raise Failure(400, "Another invoice already uses this external_key.", {"field": "external_key"})
        invoice = self._store(body, customer)
        return _ok({"id": invoice["invoice_id"]}, 201, {"Location": f"/api/v3/invoice/{invoice['invoice_id']}"})

    async def get_invoice(self, request: Request) -> Response:
        self._auth(request)
        raw = request.path_params["invoice_id"]
        found = self.invoices.get(int(raw)) if re.fullmatch(r"\d{1,12}", raw) else None
        if found is None:
            raise Failure(404, f"Invoice {raw[:40]} was not found.")
        return _ok(found)

    def _page(self, request: Request, rows: list[dict[str, Any]], trim: bool = False) -> Response:
        self._auth(request)
        values: dict[str, Any] = {}
        for param in CONTRACT.parameters("/invoice", "get"):
            raw = request.query_params.getlist(param["name"])
            if raw:
                value = coerce(raw, param["schema"])
                errors = CONTRACT.errors(param["schema"], value)
                if errors:
                    raise Failure(400, f"Invalid {param['name']}: {errors[0].message[:200]}", {"field": param["name"]})
                values[param["name"]] = value
        if "where" in values:
            rows = [row for row in rows if all(_matches(row, m) for m in WHERE.finditer(values["where"]))]
        offset, limit = values.get("offset", 0), values.get("limit", 10)
        chosen = rows[offset : offset + limit]
        if trim:  # invoice list items: no line items, no null fields
            chosen = [{k: v for k, v in row.items() if v is not None and k != "line_items"} for row in chosen]
        return _ok(chosen)

    async def list_invoices(self, request: Request) -> Response:
        ordered = sorted(self.invoices.values(), key=lambda i: -i["invoice_id"])
        ordered.sort(key=lambda i: i["date"])  # oldest date first; newest id first within a day
        return self._page(request, ordered, trim=True)

    async def list_customers(self, request: Request) -> Response:
        return self._page(request, sorted(self.customers, key=lambda c: c["company"]))

    async def list_items(self, request: Request) -> Response:
        return self._page(request, sorted(self.items, key=lambda i: -i["item_id"]))


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _matches(row: dict[str, Any], match: re.Match[str]) -> bool:
    """A field the object lacks matches nothing; numbers compare as numbers, text case-insensitively."""
    name, op, text = match.group(1), match.group(2), match.group(3) or ""
    if name not in row:
        return False
    value = row[name]
    if op == "IS:NULL":
        return value is None or value == ""
    if op == "ISNOT:NULL":
        return value is not None and value != ""
    if value is None or isinstance(value, (list, dict)):
        return op == "NOTEQUALS"
    if isinstance(value, bool):
        left: Any = value
        right: Any = text.lower() in ("1", "true", "yes")
    elif isinstance(value, (int, float)) and _number(text) is not None:
        left, right = Decimal(str(value)), _number(text)
    else:
        left, right = str(value).lower(), text.lower()
    if op == "CONTAINS":
        return str(right) in str(left)
    comparisons = {"EQUALS": left == right, "NOTEQUALS": left != right}
    if op in comparisons:
        return bool(comparisons[op])
    if isinstance(left, bool):
        return False
    return bool({"GT": left > right, "LT": left < right, "GTE": left >= right, "LTE": left <= right}[op])


def routes() -> list[Route]:
    app = ChargeOver()

    def refusal(method: str) -> dict[str, Any]:
        return {
            "code": 405,
            "status": "Error",
            "message": f"{method} is not supported here.",
            "details": {},
            "response": False,
        }

    return [
        resource("/api/v3/invoice", {"GET": app.list_invoices, "POST": app.create_invoice}, refusal),
        resource("/api/v3/invoice/{invoice_id}", {"GET": app.get_invoice}, refusal),
        resource("/api/v3/customer", {"GET": app.list_customers}, refusal),
        resource("/api/v3/item", {"GET": app.list_items}, refusal),
    ]
