"""Keyline over HTTP (``openapi/keyline.yaml``): customer invoices (list, create, get, update, add a
line item), reversal invoices (create, list, get; never changed), bearer auth, header pagination.

Customer invoice ids start at 9001 and step by 3, reversal ids at 40002 and step by 11; lists are
newest first. A missing root key or required field is 400 ``missing_parameters``; any other bad
value is 422 ``errors`` (field to messages); a billed invoice is 422 ``errors.base``. A reversal
negates the quantities and every total; its amounts are not recomputed. Money is rounded half
to even.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .common import Clock, Contract, read_json_body

__all__ = ["KeylineStore", "routes"]

TOKEN = "ref-kl-token"
PER_PAGE = 100
Endpoint = Callable[[Request], Awaitable[Response]]


def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _line(line_id: int, data: dict[str, Any]) -> dict[str, Any]:
    qty, cents = Decimal(str(data["qty"])), Decimal(data["net"]["cent_amount"])
    currency = data["net"]["currency"]
    rate, discount = Decimal(str(data.get("tax_rate", 0.19))), Decimal(str(data.get("discount", 0)))
    net = _cents(qty * cents)
    discounted = _cents(qty * cents * (1 - discount))
    return {
        "id": line_id,
        "order_number": data.get("order_number"),
        "description": data["description"],
        "qty": data["qty"],
        "unit": data.get("unit"),
        "net": {"cent_amount": int(cents), "currency": currency},
        "tax_rate": float(rate),
        "discount": float(discount),
        "net_total": {"cent_amount": net, "currency": currency},
        "discounted_net_total": {"cent_amount": discounted, "currency": currency},
        "gross_total": {"cent_amount": _cents(discounted * (1 + rate)), "currency": currency},
        "environmental_certifications": [],
    }


def _totals(invoice: dict[str, Any]) -> None:
    lines = invoice["line_items"]
    currency = lines[0]["net"]["currency"] if lines else invoice["net_total"]["currency"]
    invoice["net_total"] = {
        "cent_amount": sum(x["discounted_net_total"]["cent_amount"] for x in lines),
        "currency": currency,
    }
    invoice["gross_total"] = {"cent_amount": sum(x["gross_total"]["cent_amount"] for x in lines), "currency": currency}
    taxes: dict[float, Decimal] = {}
    for line in lines:
        taxes[line["tax_rate"]] = taxes.get(line["tax_rate"], Decimal(0)) + Decimal(
            line["discounted_net_total"]["cent_amount"]
        ) * Decimal(str(line["tax_rate"]))
    invoice["taxes"] = [{"cent_amount": float(v), "currency": currency, "rate": r} for r, v in sorted(taxes.items())]


@dataclass
class KeylineStore:
    clock: Clock = field(default_factory=Clock)
    customer_invoices: dict[int, dict[str, Any]] = field(default_factory=dict)
    reversals: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_invoice: int = 9001
    next_reversal: int = 40002
    next_line: int = 600

    @classmethod
    def seeded(cls) -> KeylineStore:
        store = cls()
        for n in range(12):
            lines = [
                {
                    "description": f"Brochure run {n}",
                    "qty": 250 * (n + 1),
                    "unit": "pcs",
                    "net": {"cent_amount": 9 + n, "currency": "EUR"},
                    "tax_rate": 0.19,
                },
                {
                    "description": "Proof print",
                    "qty": 1,
                    "net": {"cent_amount": 1500, "currency": "EUR"},
                    "tax_rate": 0.07,
                },
            ]
            invoice = store.create({"customer_id": 3300 + n % 4, "custom_text": None, "line_items": lines})
            if n % 3 == 0:
                invoice["billed_at"] = store.clock.stamp()
            if n in (0, 4, 7):
                store.reverse(invoice)
        return store

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        stamp = self.clock.stamp()
        invoice_id, self.next_invoice = self.next_invoice, self.next_invoice + 3
        invoice: dict[str, Any] = {
            "id": invoice_id,
            "created_at": stamp,
            "updated_at": stamp,
            "address": data.get("address"),
            "billed_at": None,
            "business_unit_id": data.get("business_unit_id"),
            "contact": data.get("contact"),
            "custom_references": dict(data.get("custom_references") or {}),
            "custom_text": data.get("custom_text"),
            "customer_id": data["customer_id"],
            "due_at": data.get("due_at"),
            "line_items": [],
            "net_total": {"cent_amount": 0, "currency": "EUR"},
            "number": data.get("number"),
            "order_id": data.get("order_id"),
            "paid_at": None,
            "sent_at": None,
            "services_performed_at": data.get("services_performed_at"),
            "reversal_invoice_id": None,
        }
        for line in data.get("line_items") or []:
            invoice["line_items"].append(self.new_line(line))
        _totals(invoice)
        self.customer_invoices[invoice_id] = invoice
        return invoice

    def new_line(self, data: dict[str, Any]) -> dict[str, Any]:
        self.next_line += 1
        return _line(self.next_line, data)

    def reverse(self, invoice: dict[str, Any]) -> dict[str, Any]:
        stamp = self.clock.stamp()
        reversal_id, self.next_reversal = self.next_reversal, self.next_reversal + 11
        reversal = {key: value for key, value in invoice.items() if key != "reversal_invoice_id"}
        lines = []
        for line in invoice["line_items"]:
            self.next_line += 1
            negated = {**line, "id": self.next_line, "qty": -line["qty"]}
            for total in ("net_total", "discounted_net_total", "gross_total"):
                negated[total] = {**line[total], "cent_amount": -line[total]["cent_amount"]}
            lines.append(negated)
        reversal.update(
            id=reversal_id,
            created_at=stamp,
            updated_at=stamp,
            billed_at=stamp,
            line_items=lines,
            reversed_invoice_id=invoice["id"],
            net_total={**invoice["net_total"], "cent_amount": -invoice["net_total"]["cent_amount"]},
            gross_total={**invoice["gross_total"], "cent_amount": -invoice["gross_total"]["cent_amount"]},
            taxes=[{**tax, "cent_amount": -tax["cent_amount"]} for tax in invoice["taxes"]],
        )
        self.reversals[reversal_id] = reversal
        invoice["reversal_invoice_id"] = reversal_id
        invoice["updated_at"] = stamp
        return reversal


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _unauthorised(request: Request) -> JSONResponse | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip() == TOKEN:
        return None
    return _json({"error": "A valid API access token is required (Authorization: Bearer ...)"}, 401)


class KeylineApi:
    def __init__(self, store: KeylineStore) -> None:
        self.store = store
        self.contract = Contract("keyline")

    def guarded(self, action: Callable[[Request, int | None], Awaitable[Response]]) -> Endpoint:
        """Bearer check, then the ``id`` path parameter (1 to 2^31-1) when the route has one."""

        async def endpoint(request: Request) -> Response:
            refused = _unauthorised(request)
            if refused is not None:
                return refused
            raw = request.path_params.get("id")
            if raw is None:
                return await action(request, None)
            if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 2147483647:
                return _json({"missing_parameters": ["id"], "error": f"id {raw[:30]!r} is not a record id"}, 400)
            return await action(request, int(raw))

        return endpoint

    def listing(self, operation_id: str, records: dict[int, dict[str, Any]]) -> Endpoint:
        async def list_records(request: Request, _: int | None) -> Response:
            values, problems = self.contract.read_parameters(operation_id, request)
            if problems:
                name, message = problems[-1]
                return _json({"missing_parameters": [name], "error": message}, 400)
            page = values.get("X-Keyline-Requested-Page", 1)
            newest_first = sorted(records.values(), key=lambda r: -int(r["id"]))
            shown = newest_first[(page - 1) * PER_PAGE : page * PER_PAGE]
            headers = {
                "X-Keyline-Result-Page": str(page),
                "X-Keyline-Result-Per-Page": str(PER_PAGE),
                "X-Keyline-Result-Total": str(len(records)),
            }
            return _json(shown, headers=headers)

        return self.guarded(list_records)

    async def _body(self, request: Request, operation_id: str, root: str) -> dict[str, Any] | JSONResponse:
        try:
            present, body = await read_json_body(request)
        except ValueError as exc:
            return _json({"missing_parameters": [root], "error": str(exc)}, 400)
        if not present or not isinstance(body, dict) or not isinstance(body.get(root), dict):
            return _json({"missing_parameters": [root], "error": f"send {{{root!r}: {{...}}}}"}, 400)
        problems = self.contract.problems(operation_id, self.contract.body_schema(operation_id), body)
        missing = [m.split("'")[1] for _, m in problems if m.endswith("is a required property")]
        if missing:
            return _json({"missing_parameters": sorted(set(missing))}, 400)
        if problems:
            errors: dict[str, list[str]] = {}
            for where, message in problems:
                errors.setdefault(where.removeprefix(root + ".") or "base", []).append(message)
            return _json({"errors": errors}, 422)
        return dict(body[root])

    async def create(self, request: Request, _: int | None) -> Response:
        data = await self._body(request, "createCustomerInvoice", "customer_invoice")
        if isinstance(data, Response):
            return data
        currencies = {line["net"]["currency"] for line in data.get("line_items") or []}
        if len(currencies) > 1:
            return _json({"errors": {"line_items": ["all line items must share one currency"]}}, 422)
        return _json(self.store.create(data), 201)

    def _found(self, records: dict[int, dict[str, Any]], record_id: int | None) -> dict[str, Any] | JSONResponse:
        found = records.get(record_id or 0)
        return found if found is not None else _json({"error": f"Record {record_id} does not exist"}, 404)

    async def show(self, request: Request, record_id: int | None) -> Response:
        records = self.store.reversals if "reversal_invoices" in request.url.path else self.store.customer_invoices
        found = self._found(records, record_id)
        return found if isinstance(found, Response) else _json(found)

    async def invoice_action(self, request: Request, record_id: int | None) -> Response:
        invoice = self._found(self.store.customer_invoices, record_id)
        if isinstance(invoice, Response):
            return invoice
        if request.url.path.endswith("/reversal_invoice"):
            if invoice["reversal_invoice_id"] is not None:
                return _json({"errors": {"base": [f"already reversed by {invoice['reversal_invoice_id']}"]}}, 422)
            return _json(self.store.reverse(invoice), 201)
        if request.url.path.endswith("/line_items"):
            data = await self._body(request, "createCustomerInvoiceLineItem", "line_item")
            if isinstance(data, Response):
                return data
            if invoice["billed_at"] is not None:
                return _json({"errors": {"base": ["the invoice is billed; its line items are final"]}}, 422)
            if invoice["line_items"] and data["net"]["currency"] != invoice["net_total"]["currency"]:
                return _json({"errors": {"net": [f"must be in {invoice['net_total']['currency']}"]}}, 422)
            line = self.store.new_line(data)
            invoice["line_items"].append(line)
            _totals(invoice)
            invoice["updated_at"] = self.store.clock.stamp()
            return _json(line, 201)
        data = await self._body(request, "updateCustomerInvoice", "customer_invoice")
        if isinstance(data, Response):
            return data
        if invoice["billed_at"] is not None:
            return _json({"errors": {"base": ["the invoice is billed and can no longer change"]}}, 422)
        invoice.update(data)
        invoice["updated_at"] = self.store.clock.stamp()
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        base = "/api/v2/accounting"
        list_invoices, create = (
            self.listing("listCustomerInvoices", self.store.customer_invoices),
            self.guarded(self.create),
        )
        show, action = self.guarded(self.show), self.guarded(self.invoice_action)

        async def invoices(request: Request) -> Response:
            return await (create if request.method == "POST" else list_invoices)(request)

        async def invoice(request: Request) -> Response:
            return await (action if request.method == "PUT" else show)(request)

        return [
            Route(f"{base}/customer_invoices", invoices, methods=["GET", "POST"]),
            Route(f"{base}/customer_invoices/{{id}}", invoice, methods=["GET", "PUT"]),
            Route(f"{base}/customer_invoices/{{id}}/line_items", action, methods=["POST"]),
            Route(f"{base}/customer_invoices/{{id}}/reversal_invoice", action, methods=["POST"]),
            Route(
                f"{base}/reversal_invoices", self.listing("listReversalInvoices", self.store.reversals), methods=["GET"]
            ),
            Route(f"{base}/reversal_invoices/{{id}}", show, methods=["GET"]),
        ]


def routes(store: KeylineStore | None = None) -> list[Route]:
    return KeylineApi(store or KeylineStore.seeded()).routes()
