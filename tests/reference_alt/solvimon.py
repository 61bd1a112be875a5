"""Solvimon routes: auth, platforms, permissions, validation, idempotency, list, get and the actions."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .contract import Contract, coerce, field_path
from .routing import resource
from .solvimon_data import Clock, Invoice, Platform, seed
from .solvimon_rules import Counter, RuleError, credit, refresh, refund

CONTRACT = Contract("solvimon")
ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
SORTABLE = (
    "id",
    "invoice_number",
    "status",
    "type",
    "customer_id",
    "created_at",
    "updated_at",
    "invoice_date",
    "due_date",
    "purchase_order_number",
    "billing_currency",
    "payment_status",
)
ALL = frozenset({"INVOICE.VIEW", "INVOICE.CREDIT.CREATE", "INVOICE.REFUND", "INVOICE.REFRESH"})


@dataclass(frozen=True)
class Credential:
    secret: str
    permissions: frozenset[str]
    platforms: tuple[str, ...]


KEYS = {
    "alt-solv-owner": Credential("alt-solv-owner", ALL, ("plt_1001", "plt_2002")),
    "alt-solv-auditor": Credential("alt-solv-auditor", frozenset({"INVOICE.VIEW"}), ("plt_1001",)),
    "alt-solv-tenant2": Credential("alt-solv-tenant2", ALL, ("plt_2002",)),
}
TOKENS = {"alt.solv.jwt-owner": KEYS["alt-solv-owner"]}


class Problem(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> JSONResponse:
        kind = "INVALID_REQUEST" if self.status in (400, 409) else "API_ERROR"
        body = {"type": kind, "code": self.code, "message": self.message}
        body.update({k: v for k, v in self.extra.items() if v is not None})  # absent, not null
        return JSONResponse(body, status_code=self.status)


class Solvimon:
    def __init__(self) -> None:
        self.platforms: dict[str, Platform] = seed()
        self.clock = Clock()
        self.counter = Counter()
        self.replays: dict[tuple[str, str, str], tuple[str, int, bytes]] = {}
        self._seed_credits()

    def _seed_credits(self) -> None:
        platform = self.platforms["plt_1001"]
        finals = [i for i in platform.invoices.values() if i["status"] == "FINAL" and i["type"] == "STANDARD"]
        for n, original in enumerate(finals[:5]):
            order = original["periods"][-1]["period_order"]
            made = credit(
                platform,
                original,
                {"note": f"Seeded goodwill {n}", "periods": [{"period_order": order}]},
                self.clock,
                self.counter,
            )
            made["status"] = "FINAL"
            if n == 1 and original["payment_status"] == "PAID":
                refund(platform, made, self.clock)

    # --- request checks -------------------------------------------------------------------------

    def _credential(self, request: Request) -> Credential:
        key = request.headers.get("x-api-key")
        if key is not None:
            if key in KEYS:
                return KEYS[key]
            raise Problem(401, "UNAUTHORISED", "The API key is not known")
        auth = request.headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and auth[7:].strip() in TOKENS:
            return TOKENS[auth[7:].strip()]
        raise Problem(401, "UNAUTHORISED", "Send X-API-KEY or a bearer token" if not auth else "Token rejected")

    def _platform(self, request: Request, credential: Credential) -> Platform:
        wanted = request.headers.get("x-platform-id") or credential.platforms[0]
        if wanted not in credential.platforms or wanted not in self.platforms:
            raise Problem(
                403,
                "USER_NOT_ALLOWED",
                f"This credential has no access to platform {wanted!r}",
                resource_id=wanted,
                resource_type="PLATFORM",
            )
        return self.platforms[wanted]

    def _gate(self, request: Request, permission: str) -> Platform:
        credential = self._credential(request)
        platform = self._platform(request, credential)
        if permission not in credential.permissions:
            raise Problem(403, "USER_NOT_ALLOWED", f"Permission {permission} is required for this call")
        version = request.path_params["version"]
        if version != "1":
            raise Problem(
                400, "UNSUPPORTED_VERSION", f"API version v{version} is not available; use v1", field="version"
            )
        return platform

    def _invoice(self, request: Request, platform: Platform, *, strict: bool = True) -> Invoice:
        """404 for an unknown id; an id that cannot be one of ours is 400 INVALID_ID on the actions
        (``strict``), while GET keeps its documented 404 for every id the platform does not have."""
        resource = request.path_params["resourceId"]
        if strict and (len(resource) > 256 or not ID_PATTERN.match(resource)):
            raise Problem(
                400,
                "INVALID_ID",
                "Invoice ids are 26-character ULIDs",
                field="resourceId",
                resource_id=resource[:256],
                resource_type="INVOICE",
            )
        found = platform.invoices.get(resource)
        if found is None:
            raise Problem(
                404,
                "RESOURCE_NOT_FOUND",
                "No such invoice on this platform",
                resource_id=resource,
                resource_type="INVOICE",
            )
        return found

    async def _body(self, request: Request, schema: str) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise Problem(400, "BAD_REQUEST", "The body is not JSON") from None
        errors = CONTRACT.errors(f"#/components/schemas/{schema}", body)
        if errors:
            first = errors[0]
            code = "MISSING_FIELD" if first.validator == "required" else "INVALID_FIELD"
            raise Problem(400, code, first.message[:300], field=field_path(first) or None)
        assert isinstance(body, dict)
        return body

    def _query(self, request: Request) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for param in CONTRACT.parameters("/v{version}/invoices", "get"):
            if param["in"] != "query":
                continue
            name = param["name"]
            raw = request.query_params.getlist(name) or request.query_params.getlist(f"{name}[]")
            if not raw:
                continue
            value = coerce(raw, param["schema"])
            errors = CONTRACT.errors(param["schema"], value)
            if errors:
                raise Problem(400, "INVALID_FIELD", f"{name}: {errors[0].message[:200]}", field=name)
            values[name] = value
        return values

    # --- handlers -------------------------------------------------------------------------------

    async def list_invoices(self, request: Request) -> Response:
        platform = self._gate(request, "INVOICE.VIEW")
        query = self._query(request)
        order_by = query.get("order_by", "invoice_number")
        if order_by not in SORTABLE:
            raise Problem(400, "INVALID_FIELD", f"order_by must be one of {', '.join(SORTABLE)}", field="order_by")
        found = [i for i in platform.invoices.values() if _keeps(i, query)]
        found.sort(key=lambda i: (str(i[order_by] or ""), i["id"]), reverse=query.get("order_direction") != "asc")
        page, limit = query.get("page", 1), query.get("limit", 50)
        pages = (len(found) + limit - 1) // limit
        chosen = found[(page - 1) * limit : page * limit]
        data = [_list_view(i, query) for i in chosen]

        def link(number: int) -> str:
            params = {k: v for k, v in request.query_params.multi_items() if k != "page"}
            return f"/v1/invoices?{urlencode([*params.items(), ('page', str(number))])}"

        links = {
            "first": link(1),
            "previous": link(page - 1) if page > 1 else None,
            "current": link(page),
            "next": link(page + 1) if page < pages else None,
        }
        return JSONResponse(
            {"data": data, "page": page, "limit": limit, "total_number_of_pages": pages, "links": links}
        )

    async def get_invoice(self, request: Request) -> Response:
        platform = self._gate(request, "INVOICE.VIEW")
        return JSONResponse(self._invoice(request, platform, strict=False))

    async def credit_invoice(self, request: Request) -> Response:
        return await self._action(request, "INVOICE.CREDIT.CREATE", "InvoiceActionCreditCreateRequest")

    async def refund_invoice(self, request: Request) -> Response:
        return await self._action(request, "INVOICE.REFUND", None)

    async def refresh_invoice(self, request: Request) -> Response:
        return await self._action(request, "INVOICE.REFRESH", "RefreshInvoiceCreateRequest")

    async def _action(self, request: Request, permission: str, schema: str | None) -> Response:
        platform = self._gate(request, permission)
        key = request.headers.get("idempotency-key")
        raw = await request.body()
        slot: tuple[str, str, str] | None = None
        if key is not None:
            if not 1 <= len(key) <= 255:
                raise Problem(400, "INVALID_FIELD", "Idempotency-Key is 1 to 255 characters", field="Idempotency-Key")
            credential = self._credential(request)
            slot = (credential.secret, platform.id, key)
            print_ = hashlib.sha256(request.url.path.encode() + b"\n" + raw.strip()).hexdigest()
            if slot in self.replays:
                before, status, content = self.replays[slot]
                if before != print_:
                    raise Problem(409, "IDEMPOTENCY_CHECK_FAILED", "This Idempotency-Key belongs to another request")
                return Response(content, status, media_type="application/json", headers={"Idempotent-Replayed": "true"})
        try:
            response = await self._perform(request, platform, permission, schema)
        except Problem as problem:
            response = problem.response()
        if slot is not None and response.status_code < 500:
            self.replays[slot] = (print_, response.status_code, bytes(response.body))
        return response

    async def _perform(self, request: Request, platform: Platform, permission: str, schema: str | None) -> Response:
        invoice = self._invoice(request, platform)
        body = await self._body(request, schema) if schema else {}
        try:
            if permission == "INVOICE.CREDIT.CREATE":
                result = credit(platform, invoice, body, self.clock, self.counter)
            elif permission == "INVOICE.REFUND":
                result = refund(platform, invoice, self.clock)
            else:
                result = refresh(platform, invoice, body, self.clock)
        except RuleError as error:
            raise Problem(
                400, error.code, error.message, field=error.field, resource_id=invoice["id"], resource_type="INVOICE"
            ) from None
        return JSONResponse(result)


def _keeps(invoice: Invoice, query: dict[str, Any]) -> bool:
    if "statuses" in query and invoice["status"] not in query["statuses"]:
        return False
    if "customer_id" in query and invoice["customer_id"] != query["customer_id"]:
        return False
    if "paid" in query and bool(invoice["paid"]) != query["paid"]:
        return False
    if "on_hold" in query and invoice["on_hold"] != query["on_hold"]:
        return False
    if "pricing_plan_subscription_id" in query and query["pricing_plan_subscription_id"] not in (
        invoice["pricing_plan_subscription_ids"] or []
    ):
        return False
    if "invoice_date" in query:
        start, end = _date_range(query["invoice_date"])
        day = str(invoice["invoice_date"])[:10]
        return start <= day <= end
    return True


def _date_range(text: str) -> tuple[str, str]:
    found = re.fullmatch(r"\[\s*(\d{4}-\d{2}-\d{2})[^,\]]*,\s*(\d{4}-\d{2}-\d{2})[^,\]]*\]", text)
    if found is None:
        raise Problem(400, "INVALID_FIELD", "invoice_date reads [YYYY-MM-DD,YYYY-MM-DD]", field="invoice_date")
    return found.group(1), found.group(2)


def _list_view(invoice: Invoice, query: dict[str, Any]) -> dict[str, Any]:
    """Null fields are left out of list items; periods only with include_periods, lines only with include_lines."""
    view = {k: copy.deepcopy(v) for k, v in invoice.items() if v is not None and k not in ("periods", "closed_periods")}
    if query.get("include_periods") or query.get("include_lines"):
        view["periods"] = copy.deepcopy(invoice["periods"])
        if not query.get("include_lines"):
            for period in view["periods"]:
                for group in period.get("groups") or []:
                    group.pop("lines", None)
    return view


def routes() -> list[Route]:
    app = Solvimon()

    def refusal(method: str) -> dict[str, Any]:
        return {"type": "INVALID_REQUEST", "code": "INVALID_OPERATION", "message": f"{method} is not served here"}

    return [
        resource("/v{version}/invoices", {"GET": app.list_invoices}, refusal),
        resource("/v{version}/invoices/{resourceId}", {"GET": app.get_invoice}, refusal),
        resource("/v{version}/invoices/{resourceId}/credit", {"POST": app.credit_invoice}, refusal),
        resource("/v{version}/invoices/{resourceId}/refund", {"POST": app.refund_invoice}, refusal),
        resource("/v{version}/invoices/{resourceId}/refresh", {"POST": app.refresh_invoice}, refusal),
    ]
