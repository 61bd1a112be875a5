"""ChargeOver over HTTP (``openapi/chargeover.yaml``): invoices (create, get, list), customer and
item lists, HTTP Basic, and the ``{code, status, message, details, response}`` envelope.

Ids are integers that start at 5001 (invoices), 301 (customers) and 71 (items) and step by 7;
lists are newest first. Create checks, in this order: the body against the schema, then the
customer, the items and the external key; of all problems found the *last* one is reported.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .common import Contract, Problem, read_json_body

__all__ = ["ChargeOverStore", "routes"]

USER, PASSWORD = "ref-co-admin", "ref-co-secret"
MISSING_BASIC = "Invalid or incorrect authorization [Missing (basic) authorization header.]"
TAX_RATE = Decimal("0.0825")
Endpoint = Callable[[Request], Awaitable[Response]]
OPERATORS = ("EQUALS", "GT", "LT", "GTE", "LTE", "CONTAINS", "NOTEQUALS", "IS:NULL", "ISNOT:NULL")


def envelope(code: int, response: Any, message: str = "", **headers: str) -> JSONResponse:
    status = "OK" if code < 400 else "Error"
    body = {"code": code, "status": status, "message": message, "details": {}, "response": response}
    return JSONResponse(body, status_code=code, headers=headers or None)


def error(code: int, message: str) -> JSONResponse:
    return envelope(code, False, message)


def _round(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


@dataclass
class ChargeOverStore:
    customers: dict[int, dict[str, Any]] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_invoice: int = 5001

    @classmethod
    def seeded(cls) -> ChargeOverStore:
        store = cls()
        for n in range(6):
            customer_id = 301 + 7 * n
            store.customers[customer_id] = {
                "customer_id": customer_id,
                "external_key": f"crm-{1000 + n}" if n % 2 == 0 else None,
                "token": f"tok{customer_id:04d}ref",
                "company": f"Reference Customer {n + 1}",
                "email": f"ap{n}@reference.example",
                "currency_id": 1,
                "class_id": None,
                "terms_id": 2,
                "bill_addr1": f"{n + 10} Harbour Road",
                "bill_city": "Portland",
                "bill_state": "ME",
                "bill_postcode": "04101",
                "bill_country": "United States",
                "no_dunning": False,
                "no_latefees": n == 3,
                "no_procfees": False,
            }
        for n, (name, price, taxed) in enumerate(
            [("Hosting plan", 49.0, True), ("Setup fee", 150.0, False), ("Support hours", 95.5, True)]
        ):
            item_id = 71 + 7 * n
            store.items[item_id] = {
                "item_id": item_id,
                "name": name,
                "external_key": None,
                "price": price,
                "is_taxed": taxed,
            }
        for n in range(5):
            customer = 301 + 7 * (n % 6)
            store.create(
                {"customer_id": customer, "line_items": [{"item_id": 71 + 7 * (n % 3), "line_quantity": n + 1}]}
            )
        return store

    def customer_for(self, body: dict[str, Any]) -> dict[str, Any] | None:
        for key, field_name in (("customer_id", "customer_id"), ("customer_token", "token")):
            if key in body:
                return next((c for c in self.customers.values() if c[field_name] == body[key]), None)
        wanted = body.get("customer_external_key")
        return next((c for c in self.customers.values() if wanted and c["external_key"] == wanted), None)

    def create(self, body: dict[str, Any]) -> int:
        customer = self.customer_for(body)
        assert customer is not None
        invoice_id, self.next_invoice = self.next_invoice, self.next_invoice + 7
        lines, subtotal, taxable = [], Decimal(0), Decimal(0)
        for index, line in enumerate(body["line_items"]):
            item = self.items[line["item_id"]]
            rate = Decimal(str(line.get("line_rate", item["price"])))
            quantity = Decimal(str(line.get("line_quantity", 1)))
            line_total = rate * quantity
            subtotal += line_total
            taxable += line_total if item["is_taxed"] else 0
            lines.append(
                {
                    "line_item_id": invoice_id * 10 + index,
                    "invoice_id": invoice_id,
                    "item_id": item["item_id"],
                    "item_name": item["name"],
                    "descrip": line.get("descrip", item["name"]),
                    "line_rate": float(rate),
                    "line_quantity": float(quantity),
                    "line_subtotal": _round(line_total),
                    "paycycle": line.get("paycycle", "one"),
                    "is_taxed": item["is_taxed"],
                    **{f"custom_{n}": line.get(f"custom_{n}", "") for n in (1, 2, 3)},
                }
            )
        override = body.get("tax_override")
        taxes = Decimal(str(override["amount"])) if override else taxable * TAX_RATE
        total = _round(subtotal + taxes)
        day = date.fromisoformat(body["date"]) if "date" in body else datetime.now(UTC).date()
        invoice: dict[str, Any] = {
            "invoice_id": invoice_id,
            "customer_id": customer["customer_id"],
            "currency_id": body.get("currency_id", customer["currency_id"]),
            "class_id": body.get("class_id"),
            "terms_id": body.get("terms_id", customer["terms_id"]),
            "admin_id": body.get("admin_id"),
            "external_key": body.get("external_key"),
            "token": f"inv{invoice_id}tok",
            "refnumber": body.get("refnumber", f"R-{invoice_id}"),
            "paycycle": body.get("paycycle"),
            "date": day.isoformat(),
            "due_date": (day + timedelta(days=30)).isoformat(),
            "write_datetime": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "void_datetime": None,
            "currency_symbol": "$",
            "currency_iso4217": "USD",
            "invoice_status_name": "Unpaid",
            "invoice_status_str": "open-unpaid",
            "invoice_status_state": "o",
            "subtotal": _round(subtotal),
            "taxes": _round(taxes),
            "total": total,
            "credits": 0.0,
            "payments": 0.0,
            "balance": total,
            "is_paid": False,
            "paid_date": None,
            "is_void": False,
            "is_overdue": False,
            "days_overdue": 0,
            "terms_name": "Net 30",
            "terms_days": 30,
            "url_permalink": f"https://reference.invalid/r/invoice/view/{invoice_id}",
            "url_paylink": f"https://reference.invalid/r/trans/pay/{invoice_id}",
            "url_pdflink": f"https://reference.invalid/r/invoice/pdf/{invoice_id}",
            "tags": list(body.get("tags", [])),
            "tax_override": override,
            "line_items": lines,
        }
        for prefix in ("bill", "ship"):
            for part in ("addr1", "addr2", "addr3", "city", "state", "postcode", "country", "notes"):
                invoice[f"{prefix}_{part}"] = body.get(f"{prefix}_{part}")
        invoice["memo"] = body.get("memo")
        for n in range(1, 6):
            invoice[f"custom_{n}"] = body.get(f"custom_{n}")
        self.invoices[invoice_id] = invoice
        return invoice_id


def _authorised(request: Request) -> JSONResponse | None:
    header = request.headers.get("authorization")
    if header is None:
        return error(401, MISSING_BASIC)
    scheme, _, token = header.partition(" ")
    try:
        user, _, password = base64.b64decode(token.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return error(401, "Invalid or incorrect authorization [Unreadable basic credentials.]")
    if scheme.lower() != "basic" or (user, password) != (USER, PASSWORD):
        return error(401, "Invalid or incorrect authorization [Unknown user or wrong password.]")
    return None


def _matches(record: dict[str, Any], name: str, operator: str, wanted: str) -> bool:
    value = record.get(name)
    if operator == "IS:NULL":
        return value is None
    if operator == "ISNOT:NULL":
        return value is not None
    if operator == "CONTAINS":
        return wanted.lower() in str(value or "").lower()
    left: Any = value
    right: Any = wanted
    if isinstance(value, bool):
        left, right = str(value).lower(), wanted.lower()
    elif isinstance(value, int | float):
        try:
            right = float(wanted)
        except ValueError:
            left = str(value)
    else:
        left = "" if value is None else str(value)
    comparisons = {
        "EQUALS": left == right,
        "NOTEQUALS": left != right,
        "GT": left > right,
        "LT": left < right,
        "GTE": left >= right,
        "LTE": left <= right,
    }
    return bool(comparisons[operator])


class ChargeOverApi:
    def __init__(self, store: ChargeOverStore) -> None:
        self.store = store
        self.contract = Contract("chargeover")

    def _listing(self, operation_id: str, records: dict[int, dict[str, Any]], id_key: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            refused = _authorised(request)
            if refused is not None:
                return refused
            values, problems = self.contract.read_parameters(operation_id, request)
            chosen = sorted(records.values(), key=lambda r: -int(r[id_key]))
            known = set().union(*(r.keys() for r in records.values())) if records else set()
            for clause in str(values.get("where", "")).split(",") if not problems and "where" in values else []:
                name, _, rest = clause.partition(":")
                operator = next(op for op in OPERATORS if rest == op or rest.startswith(op + ":"))
                if name not in known:
                    problems.append(("where", f"cannot filter on {name!r}: no such field"))
                    continue
                wanted = rest[len(operator) + 1 :]
                chosen = [r for r in chosen if _matches(r, name, operator, wanted)]
            if problems:
                name, message = problems[-1]
                return error(400, f"Invalid parameter {name}: {message}")
            offset, limit = values.get("offset", 0), values.get("limit", 10)
            return envelope(200, chosen[offset : offset + limit])

        return endpoint

    async def get_invoice(self, request: Request) -> Response:
        refused = _authorised(request)
        if refused is not None:
            return refused
        raw = request.path_params["invoice_id"]
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            return error(400, f"invoice_id must be a positive whole number, not {raw[:40]!r}")
        invoice = self.store.invoices.get(int(raw))
        return error(404, f"No invoice #{raw}.") if invoice is None else envelope(200, invoice)

    async def create_invoice(self, request: Request) -> Response:
        refused = _authorised(request)
        if refused is not None:
            return refused
        try:
            present, body = await read_json_body(request)
        except ValueError as exc:
            return error(400, str(exc))
        problems = self.contract.problems("createInvoice", self.contract.body_schema("createInvoice"), body)
        if not present:
            problems.append(("", "a JSON body is required"))
        if isinstance(body, dict):
            problems += self._rule_problems(body)
        if problems:
            where, message = problems[-1]
            return error(400, f"{where or 'body'}: {message}")
        invoice_id = self.store.create(body)
        location = str(request.url_for("co_invoice", invoice_id=str(invoice_id)))
        return envelope(201, {"id": invoice_id}, Location=location)

    def _rule_problems(self, body: dict[str, Any]) -> list[Problem]:
        found: list[Problem] = []
        given = [key for key in ("customer_id", "customer_token", "customer_external_key") if key in body]
        if len(given) != 1:
            found.append(("customer_id", "name the customer by exactly one of customer_id, token or external key"))
        elif self.store.customer_for(body) is None:
            found.append((given[0], f"no customer has {given[0]} {body[given[0]]!r}"))
        for index, line in enumerate(body.get("line_items") or []):
            item_id = line.get("item_id") if isinstance(line, dict) else None
            if isinstance(item_id, int) and item_id not in self.store.items:
                found.append((f"line_items.{index}.item_id", f"no item #{line.get('item_id')}"))
        key = body.get("external_key")
        if key is not None and any(i["external_key"] == key for i in self.store.invoices.values()):
            found.append(("external_key", f"another invoice already has external_key {key!r}"))
        return found

    def routes(self) -> list[Route]:
        list_invoices = self._listing("listInvoices", self.store.invoices, "invoice_id")

        async def invoices(request: Request) -> Response:
            return await (self.create_invoice if request.method == "POST" else list_invoices)(request)

        return [
            Route("/api/v3/invoice", invoices, methods=["GET", "POST"]),
            Route("/api/v3/invoice/{invoice_id}", self.get_invoice, methods=["GET"], name="co_invoice"),
            Route(
                "/api/v3/customer", self._listing("listCustomers", self.store.customers, "customer_id"), methods=["GET"]
            ),
            Route("/api/v3/item", self._listing("listItems", self.store.items, "item_id"), methods=["GET"]),
        ]


def routes(store: ChargeOverStore | None = None) -> list[Route]:
    return ChargeOverApi(store or ChargeOverStore.seeded()).routes()
