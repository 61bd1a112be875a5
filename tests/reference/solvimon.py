"""Solvimon over HTTP (``openapi/solvimon.yaml``): routes, credentials, permissions, platforms,
parameters, Idempotency-Key, and the ApiError body.

Checks, in this order: credentials (401), version (400 UNSUPPORTED_VERSION), parameters (400,
the *last* problem found), permission from the operation's ``x-permission`` (403), platform
(403), the invoice (404), the body (400, the last problem), then the rule (400).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .common import Contract, Problem, read_json_body
from .solvimon_rules import Refusal, credit, credit_problems, refresh, refund
from .solvimon_store import CREDENTIALS, Caller, SolvimonStore

__all__ = ["api_error", "routes"]

ORDER_KEYS = ("created_at", "invoice_date", "due_date", "updated_at", "invoice_number")


def api_error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    kind = "INVALID_REQUEST" if status in (400, 409) else "API_ERROR"
    return JSONResponse({"type": kind, "code": code, "message": message, **extra}, status_code=status)


def _caller(request: Request) -> Caller | None:
    key = request.headers.get("x-api-key")
    if key is not None and ("key", key) in CREDENTIALS:
        return CREDENTIALS[("key", key)]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and ("bearer", token.strip()) in CREDENTIALS:
        return CREDENTIALS[("bearer", token.strip())]
    return None


def _parameter_problems(
    contract: Contract, operation_id: str, request: Request
) -> tuple[dict[str, Any], Problem | None]:
    values, problems = contract.read_parameters(operation_id, request)
    order_by = values.get("order_by")
    if order_by is not None and order_by not in ORDER_KEYS:
        problems.append(("order_by", f"cannot order by {order_by!r}; one of {', '.join(ORDER_KEYS)}"))
    if "invoice_date" in values and _date_range(values["invoice_date"]) is None:
        problems.append(("invoice_date", "expected [start,end] with ISO dates, e.g. [2026-01-01,2026-01-31]"))
    return values, (problems[-1] if problems else None)


def _date_range(text: Any) -> tuple[str, str] | None:
    if not isinstance(text, str) or not (text.startswith("[") and text.endswith("]")) or text.count(",") != 1:
        return None
    start, end = (part.strip() for part in text[1:-1].split(","))
    for part in (start, end):
        if len(part) < 10 or not part[:4].isdigit() or part[4] != "-" or part[7] != "-":
            return None
    return (start, end) if start <= end else None


class SolvimonApi:
    def __init__(self, store: SolvimonStore) -> None:
        self.store = store
        self.contract = Contract("solvimon")

    def handler(
        self, operation_id: str, action: Callable[[Request, dict[str, Any], str], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            caller = _caller(request)
            if caller is None:
                return api_error(401, "UNAUTHORISED", "No valid X-API-KEY or bearer token was sent")
            version = request.path_params["version"]
            if version != "1":
                return api_error(
                    400, "UNSUPPORTED_VERSION", f"Version {version[:20]!r} is not served; use v1", field="version"
                )
            values, problem = _parameter_problems(self.contract, operation_id, request)
            if problem is not None:
                return api_error(400, "INVALID_FIELD", f"{problem[0]}: {problem[1]}", field=problem[0])
            permission = self.contract.operations[operation_id].get("x-permission")
            if permission and permission not in caller.permissions:
                return api_error(403, "USER_NOT_ALLOWED", f"This credential lacks {permission}")
            platform = values.get("x-platform-id", caller.platforms[0])
            if platform not in caller.platforms:
                return api_error(
                    403, "USER_NOT_ALLOWED", "This credential may not act on that platform", resource_type="PLATFORM"
                )
            return await action(request, values, platform)

        return endpoint

    async def list_invoices(self, request: Request, values: dict[str, Any], platform: str) -> Response:
        found = [i for i in self.store.invoices.values() if i["platform_id"] == platform]
        if "statuses" in values:
            found = [i for i in found if i["status"] in values["statuses"]]
        for name, key in (("customer_id", "customer_id"), ("paid", "paid"), ("on_hold", "on_hold")):
            if name in values:
                found = [i for i in found if i[key] == values[name]]
        if "pricing_plan_subscription_id" in values:
            found = [i for i in found if values["pricing_plan_subscription_id"] in i["pricing_plan_subscription_ids"]]
        if "invoice_date" in values:
            start, end = _date_range(values["invoice_date"]) or ("", "")
            found = [i for i in found if start <= i["invoice_date"][: len(end)] <= end]
        key = values.get("order_by", "created_at")
        found.sort(key=lambda i: (i[key] or "", i["id"]), reverse=values.get("order_direction", "desc") == "desc")
        page, limit = values.get("page", 1), values.get("limit", 50)
        pages = math.ceil(len(found) / limit)
        data = [self._shown(i, values) for i in found[(page - 1) * limit : page * limit]]

        def link(number: int) -> str | None:
            return str(request.url.include_query_params(page=number)) if 1 <= number <= max(pages, 1) else None

        links = {"first": link(1), "previous": link(page - 1), "current": link(page), "next": link(page + 1)}
        return JSONResponse(
            {"data": data, "page": page, "limit": limit, "total_number_of_pages": pages, "links": links}
        )

    @staticmethod
    def _shown(invoice: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        # Periods and lines are shown unless the client asks to leave them out.
        if values.get("include_periods") is False:
            return {**invoice, "periods": []}
        if values.get("include_lines") is False:
            periods = [
                {**p, "groups": [{**g, "lines": None} for g in p.get("groups") or []]} for p in invoice["periods"]
            ]
            return {**invoice, "periods": periods}
        return invoice

    def _invoice(self, request: Request, platform: str) -> dict[str, Any] | Response:
        resource_id = request.path_params["resourceId"]
        invoice = self.store.invoices.get(resource_id)
        if invoice is None or invoice["platform_id"] != platform:
            return api_error(
                404,
                "RESOURCE_NOT_FOUND",
                f"No invoice {resource_id[:80]!r} on this platform",
                resource_id=resource_id,
                resource_type="INVOICE",
            )
        return invoice

    async def get_invoice(self, request: Request, values: dict[str, Any], platform: str) -> Response:
        invoice = self._invoice(request, platform)
        return invoice if isinstance(invoice, Response) else JSONResponse(invoice)

    def acting(
        self, operation_id: str, rule: Callable[[dict[str, Any], Any], dict[str, Any]]
    ) -> Callable[[Request, dict[str, Any], str], Awaitable[Response]]:
        """An action on one invoice, with its body checked and Idempotency-Key honoured."""

        async def act(request: Request, values: dict[str, Any], platform: str) -> Response:
            invoice = self._invoice(request, platform)
            if isinstance(invoice, Response):
                return invoice
            try:
                present, body = await read_json_body(request)
            except ValueError as exc:
                return api_error(400, "BAD_REQUEST", str(exc))
            schema = self.contract.body_schema(operation_id)
            problems = self.contract.problems(operation_id, schema, body) if present and schema else []
            if present and schema is None:
                problems = [("", "this operation takes no request body")]
            if operation_id.endswith("Credit"):
                problems = sorted(problems + credit_problems(invoice, body))
            if problems:
                where, message = problems[-1]
                return api_error(400, "INVALID_FIELD", f"{where or 'body'}: {message}", field=where or None)
            key = values.get("Idempotency-Key")
            fingerprint = hashlib.sha256(json.dumps([request.url.path, body], sort_keys=True).encode()).hexdigest()
            if key is not None and (platform, key) in self.store.replays:
                seen, status, answer = self.store.replays[(platform, key)]
                if seen != fingerprint:
                    return api_error(409, "IDEMPOTENCY_CHECK_FAILED", "This Idempotency-Key came with another request")
                return JSONResponse(answer, status_code=status, headers={"Idempotent-Replayed": "true"})
            try:
                result = rule(invoice, body or {})
            except Refusal as refusal:
                return api_error(
                    refusal.status,
                    refusal.code,
                    refusal.message,
                    field=refusal.field,
                    resource_id=invoice["id"],
                    resource_type="INVOICE",
                )
            if key is not None:
                self.store.replays[(platform, key)] = (fingerprint, 200, json.loads(json.dumps(result)))
            return JSONResponse(result)

        return act

    def routes(self) -> list[Route]:
        store = self.store
        actions = {
            "postInvoicesByResourceIdCredit": ("credit", lambda invoice, body: credit(store, invoice, body)),
            "postInvoicesByResourceIdRefund": ("refund", lambda invoice, body: refund(store, invoice)),
            "postInvoicesByResourceIdRefresh": ("refresh", lambda invoice, body: refresh(store, invoice, body)),
        }
        found = [
            Route("/v{version}/invoices", self.handler("getInvoices", self.list_invoices), methods=["GET"]),
            Route(
                "/v{version}/invoices/{resourceId}",
                self.handler("getInvoicesByResourceId", self.get_invoice),
                methods=["GET"],
            ),
        ]
        for operation_id, (suffix, rule) in actions.items():
            endpoint = self.handler(operation_id, self.acting(operation_id, rule))
            found.append(Route(f"/v{{version}}/invoices/{{resourceId}}/{suffix}", endpoint, methods=["POST"]))
        return found


def routes(store: SolvimonStore | None = None) -> list[Route]:
    """Solvimon's routes over ``store`` (a freshly seeded one by default, with a few credits made)."""
    if store is None:
        store = SolvimonStore.seeded()
        paid_finals = [i for i in store.invoices.values() if i["payment_status"] == "PAID" and i["type"] == "STANDARD"]
        for original in paid_finals[:4]:
            first = original["periods"][0]
            made = credit(store, original, {"periods": [{"period_order": first["period_order"]}], "note": "seeded"})
            if original is paid_finals[0]:
                refund(store, made)
    return SolvimonApi(store).routes()
