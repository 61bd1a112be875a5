"""Keyline routes: customer invoices until billed, reversal invoices that never change."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .contract import Contract
from .routing import resource

CONTRACT = Contract("keyline")
TOKEN = "alt-kl-7f3c19"
BERLIN = timezone(timedelta(hours=1))
PER_PAGE = 100


class Refusal(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(str(body))
        self.status, self.body, self.headers = status, body, headers

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _list_view(invoice: dict[str, Any]) -> dict[str, Any]:
    """List items leave out null fields, except the two whose null the contract describes."""
    return {k: v for k, v in invoice.items() if v is not None or k in ("billed_at", "reversal_invoice_id")}


def _errors(schema: str, value: Any) -> dict[str, list[str]]:
    """Every problem, Rails style: field path (or ``base``) to messages."""
    out: dict[str, list[str]] = {}
    for error in CONTRACT.errors(schema, value):
        parts = [str(p) for p in error.absolute_path]
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [n for n in error.validator_value if n not in error.instance]
            for name in missing:
                messages = out.setdefault(".".join([*parts, name]), [])
                if "can't be blank" not in messages:
                    messages.append("can't be blank")
            continue
        out.setdefault(".".join(parts) or "base", []).append(error.message[:200])
    return out


class Keyline:
    def __init__(self) -> None:
        self.customer_invoices: dict[int, dict[str, Any]] = {}
        self.reversals: dict[int, dict[str, Any]] = {}
        self.next_id = 310000  # one id sequence for customer and reversal invoices
        self.next_line = 5
        self.now = datetime(2026, 1, 12, 9, 0, tzinfo=BERLIN)
        for n in range(122):
            lines = [
                {
                    "description": f"Offset print job {n}-{k}",
                    "qty": 250 * (k + 1),
                    "unit": "Stk",
                    "net": {"cent_amount": 3 + (n + k) % 40, "currency": "EUR"},
                    "tax_rate": 0.19 if (n + k) % 4 else 0.07,
                    "discount": 0.05 if k == 2 else 0,
                }
                for k in range(1 + n % 3)
            ]
            invoice = self._create({"customer_id": 7000 + n % 23, "custom_text": f"Auftrag {n}", "line_items": lines})
            if n < 108:
                self._bill(invoice)
                self._reverse(invoice)
            elif n < 115:
                self._bill(invoice)

    # --- state -------------------------------------------------------------------------------------

    def _stamp(self) -> str:
        self.now += timedelta(seconds=45)
        return self.now.isoformat()

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _line(self, given: dict[str, Any], negate: bool = False) -> dict[str, Any]:
        net = dict(given["net"])
        if negate:
            net["cent_amount"] = -net["cent_amount"]
        qty = Decimal(str(given["qty"]))
        rate = Decimal(str(given.get("tax_rate", 0.19)))
        discount = Decimal(str(given.get("discount", 0)))
        net_total = qty * net["cent_amount"]
        discounted = net_total * (1 - discount)
        self.next_line += 1
        return {
            "id": self.next_line,
            "order_number": given.get("order_number"),
            "description": given["description"],
            "qty": given["qty"],
            "unit": given.get("unit"),
            "net": net,
            "tax_rate": float(rate),
            "discount": float(discount),
            "net_total": {"cent_amount": _round(net_total), "currency": net["currency"]},
            "gross_total": {"cent_amount": _round(discounted * (1 + rate)), "currency": net["currency"]},
            "discounted_net_total": {"cent_amount": _round(discounted), "currency": net["currency"]},
            "environmental_certifications": [],
        }

    @staticmethod
    def _totals(invoice: dict[str, Any]) -> None:
        currency = invoice["line_items"][0]["net"]["currency"] if invoice["line_items"] else "EUR"
        net = sum(line["discounted_net_total"]["cent_amount"] for line in invoice["line_items"])
        per_rate: dict[float, Decimal] = {}
        for line in invoice["line_items"]:
            share = Decimal(line["discounted_net_total"]["cent_amount"]) * Decimal(str(line["tax_rate"]))
            per_rate[line["tax_rate"]] = per_rate.get(line["tax_rate"], Decimal(0)) + share
        taxes = [
            {"cent_amount": _round(v), "currency": currency, "rate": r}
            for r, v in sorted(per_rate.items(), reverse=True)
        ]
        invoice["taxes"] = taxes
        invoice["net_total"] = {"cent_amount": net, "currency": currency}
        tax_total = sum(_round(v) for v in per_rate.values())
        invoice["gross_total"] = {"cent_amount": net + tax_total, "currency": currency}

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        new_id, stamp = self._id(), self._stamp()
        invoice = {
            "id": new_id,
            "created_at": stamp,
            "updated_at": stamp,
            "address": body.get("address"),
            "business_unit_id": body.get("business_unit_id"),
            "contact": body.get("contact"),
            "custom_references": dict(body.get("custom_references") or {}),
            "custom_text": body.get("custom_text"),
            "customer_id": body["customer_id"],
            "due_at": body.get("due_at"),
            "line_items": [self._line(x) for x in body.get("line_items", [])],
            "number": body.get("number") or f"RG-{(new_id * 7919) % 100000:05d}",
            "order_id": body.get("order_id"),
            "paid_at": None,
            "sent_at": None,
            "services_performed_at": body.get("services_performed_at"),
            "billed_at": None,
            "reversal_invoice_id": None,
        }
        self._totals(invoice)
        self.customer_invoices[new_id] = invoice
        return invoice

    def _bill(self, invoice: dict[str, Any], when: str | None = None) -> None:
        invoice["billed_at"] = when or self.now.isoformat()
        invoice["state"] = "billed"
        invoice["updated_at"] = self._stamp()

    def _reverse(self, invoice: dict[str, Any]) -> dict[str, Any]:
        new_id, stamp = self._id(), self._stamp()
        reversal = copy.deepcopy({k: v for k, v in invoice.items() if k != "reversal_invoice_id"})
        reversal.update(
            {
                "id": new_id,
                "created_at": stamp,
                "updated_at": stamp,
                "billed_at": stamp,
                "reversed_invoice_id": invoice["id"],
                "number": f"ST-{invoice['number']}",
                "paid_at": None,
                "sent_at": None,
            }
        )
        reversal["line_items"] = [self._line(line, negate=True) for line in invoice["line_items"]]
        self._totals(reversal)
        self.reversals[new_id] = reversal
        invoice["reversal_invoice_id"] = new_id
        invoice["state"] = "reversed"
        if invoice["billed_at"] is None:  # a reversed invoice is final as well
            invoice["billed_at"] = stamp
        invoice["updated_at"] = stamp
        return reversal

    # --- HTTP ----------------------------------------------------------------------------------------

    def _auth(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        if header[:7].lower() != "bearer " or header[7:].strip() != TOKEN:
            raise Refusal(401, {"error": "Access denied: the API token is missing or unknown"})

    def _find(self, request: Request, table: dict[int, dict[str, Any]]) -> dict[str, Any]:
        raw = request.path_params["id"]
        found = table.get(int(raw)) if re.fullmatch(r"[1-9]\d{0,9}", raw) else None
        if found is None:
            raise Refusal(404, {"error": f"Couldn't find a record with id {raw[:40]}"})
        return found

    async def _root(self, request: Request, root: str, schema: str) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get(root), dict):
            raise Refusal(400, {"missing_parameters": [root], "error": f"param is missing: {root}"})
        problems = _errors(schema, body[root])
        if problems:
            raise Refusal(422, {"errors": problems})
        found: dict[str, Any] = body[root]
        return found

    def _page(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        self._auth(request)
        raw = request.headers.get("x-keyline-requested-page", "1").strip()
        if not re.fullmatch(r"\d{1,10}", raw) or not 1 <= int(raw) <= 2147483647:
            raise Refusal(
                400,
                {
                    "missing_parameters": ["X-Keyline-Requested-Page"],
                    "error": "X-Keyline-Requested-Page is a page number from 1",
                },
            )
        page = int(raw)
        chosen = [_list_view(row) for row in rows[(page - 1) * PER_PAGE : page * PER_PAGE]]
        headers = {
            "X-Keyline-Result-Page": str(page),
            "X-Keyline-Result-Per-Page": str(PER_PAGE),
            "X-Keyline-Result-Total": str(len(rows)),
        }
        return JSONResponse(chosen, headers=headers)

    async def list_customer_invoices(self, request: Request) -> Response:
        return self._page(request, sorted(self.customer_invoices.values(), key=lambda i: (i["number"] or "", i["id"])))

    async def list_reversals(self, request: Request) -> Response:
        return self._page(request, sorted(self.reversals.values(), key=lambda i: (i["reversed_invoice_id"], i["id"])))

    async def get_customer_invoice(self, request: Request) -> Response:
        self._auth(request)
        return JSONResponse(self._find(request, self.customer_invoices))

    async def get_reversal(self, request: Request) -> Response:
        self._auth(request)
        return JSONResponse(self._find(request, self.reversals))

    async def reversal_write(self, request: Request) -> Response:
        self._auth(request)
        return JSONResponse(
            {"error": "Reversal invoices are billed on creation and cannot be changed"},
            status_code=405,
            headers={"Allow": "GET"},
        )

    async def create_customer_invoice(self, request: Request) -> Response:
        self._auth(request)
        body = await self._root(request, "customer_invoice", "#/components/schemas/CustomerInvoiceCreate")
        currencies = {line["net"]["currency"] for line in body.get("line_items", [])}
        if len(currencies) > 1:
            raise Refusal(422, {"errors": {"line_items": ["all line items must use one currency"]}})
        return JSONResponse(self._create(body), status_code=201)

    async def update_customer_invoice(self, request: Request) -> Response:
        self._auth(request)
        invoice = self._find(request, self.customer_invoices)
        body = await self._root(request, "customer_invoice", "#/components/schemas/CustomerInvoiceUpdate")
        if invoice["billed_at"] is not None:
            raise Refusal(422, {"errors": {"base": ["billed invoices are final and cannot be changed"]}})
        changed = {k: v for k, v in body.items() if k != "billed_at" and invoice.get(k) != v}
        invoice.update(changed)
        if "billed_at" in body:
            when = datetime.fromisoformat(body["billed_at"].upper().replace("Z", "+00:00")).astimezone(BERLIN)
            self._bill(invoice, when.isoformat())
        elif changed:
            invoice["updated_at"] = self._stamp()
        return Response(status_code=204)

    async def add_line_item(self, request: Request) -> Response:
        self._auth(request)
        invoice = self._find(request, self.customer_invoices)
        body = await self._root(request, "line_item", "#/components/schemas/LineItemWrite")
        if invoice["billed_at"] is not None:
            raise Refusal(422, {"errors": {"base": ["billed invoices are final and cannot be changed"]}})
        if invoice["line_items"] and body["net"]["currency"] != invoice["net_total"]["currency"]:
            raise Refusal(422, {"errors": {"net.currency": [f"must be {invoice['net_total']['currency']}"]}})
        line = self._line(body)
        invoice["line_items"].append(line)
        self._totals(invoice)
        invoice["updated_at"] = self._stamp()
        return JSONResponse(line, status_code=201)

    async def reverse(self, request: Request) -> Response:
        self._auth(request)
        invoice = self._find(request, self.customer_invoices)
        if invoice["reversal_invoice_id"] is not None:
            raise Refusal(422, {"errors": {"base": [f"already reversed by {invoice['reversal_invoice_id']}"]}})
        return JSONResponse(self._reverse(invoice), status_code=201)


def routes() -> list[Route]:
    app = Keyline()
    base = "/api/v2/accounting"

    def refusal(method: str) -> dict[str, Any]:
        return {"error": f"{method} is not supported on this resource"}

    return [
        resource(f"{base}/reversal_invoices", {"GET": app.list_reversals}, _immutable),
        resource(f"{base}/reversal_invoices/{{id}}", {"GET": app.get_reversal}, _immutable),
        resource(
            f"{base}/customer_invoices",
            {"GET": app.list_customer_invoices, "POST": app.create_customer_invoice},
            refusal,
        ),
        resource(
            f"{base}/customer_invoices/{{id}}",
            {"GET": app.get_customer_invoice, "PUT": app.update_customer_invoice},
            refusal,
        ),
        resource(f"{base}/customer_invoices/{{id}}/line_items", {"POST": app.add_line_item}, refusal),
        resource(f"{base}/customer_invoices/{{id}}/reversal_invoice", {"POST": app.reverse}, refusal),
    ]


def _immutable(method: str) -> dict[str, Any]:
    return {"error": f"{method}: reversal invoices are billed on creation and cannot be changed"}
