"""Solvimon pack: the contract statements its scenarios rest on, how they find data, the pack.

Each scenario finds its invoices through ``GET /v1/invoices`` on the target, so it needs no
fixture of ours. Data is chosen only by what the contract documents (status, type, the credit's
``original_invoice_id``), never by values it leaves open (ids, list order, ``link_type``, the
sign of a credit's amounts, which of two problems a server reports first). An invoice that
"can still be credited" is found by trying: the documented refusal (400) means "not usable,
pick another". Invoices a scenario of this run touched are not picked again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from .base import ActionCheck, Context, ScenarioPack, SchemaTuning, Skip

__all__ = [
    "API_ERROR_CODE",
    "API_ERROR_FIELD",
    "CREDIT",
    "CREDITABLE",
    "CREDIT_OF",
    "CREDIT_OK",
    "CREDIT_PERMISSION",
    "CREDIT_RULES",
    "FORBIDDEN",
    "GET",
    "GET_OK",
    "IDEMPOTENCY",
    "KEPT_BY_A_CREDIT",
    "LINKED",
    "LIST",
    "LIST_OK",
    "NOT_FOUND",
    "ORIGINAL_ID",
    "PACK",
    "PLATFORM",
    "REFRESH",
    "REFRESH_OK",
    "REFRESH_RULES",
    "REFUND",
    "REFUND_OK",
    "REFUND_RULES",
    "SERVED_VERSIONS",
    "UNAUTHORISED",
    "candidates",
    "credit_fresh",
    "credits_of",
    "expect_api_error",
    "fetch",
    "instant",
    "invoices",
    "money",
    "operation_calls",
]

LIST = "getInvoices"
GET = "getInvoicesByResourceId"
CREDIT = "postInvoicesByResourceIdCredit"
REFUND = "postInvoicesByResourceIdRefund"
REFRESH = "postInvoicesByResourceIdRefresh"
CREDITABLE = ("STANDARD", "ONE_OFF")
CREDIT_OF = {"STANDARD": "CREDIT", "ONE_OFF": "ONE_OFF_CREDIT"}

# The statements the scenarios rest on (JSON pointers into openapi/solvimon.yaml).
_OPS = "#/paths/~1v{version}~1invoices"
LIST_OK = f"{_OPS}/get/responses/200"
GET_OK = f"{_OPS}~1{{resourceId}}/get/responses/200"
CREDIT_OK = f"{_OPS}~1{{resourceId}}~1credit/post/responses/200"
CREDIT_RULES = f"{_OPS}~1{{resourceId}}~1credit/post/description"
CREDIT_PERMISSION = f"{_OPS}~1{{resourceId}}~1credit/post/x-permission"
REFUND_OK = f"{_OPS}~1{{resourceId}}~1refund/post/responses/200"
REFUND_RULES = f"{_OPS}~1{{resourceId}}~1refund/post/description"
REFRESH_OK = f"{_OPS}~1{{resourceId}}~1refresh/post/responses/200"
REFRESH_RULES = f"{_OPS}~1{{resourceId}}~1refresh/post/description"
ORIGINAL_ID = "#/components/schemas/InvoiceCreditDetail/properties/original_invoice_id"
LINKED = "#/components/schemas/Invoice/properties/linked_invoices"
API_ERROR_CODE = "#/components/schemas/ApiError/properties/code"
API_ERROR_FIELD = "#/components/schemas/ApiError/properties/field"
PLATFORM = "#/components/parameters/PlatformId"
IDEMPOTENCY = "#/components/parameters/IdempotencyKey"
SERVED_VERSIONS = "#/info/description § UNSUPPORTED_VERSION"
# What crediting leaves alone on the original (the links and updated_at move).
KEPT_BY_A_CREDIT = (
    "id",
    "type",
    "status",
    "customer_id",
    "invoice_number",
    "billing_currency",
    "invoice_amount_including_tax",
    "periods",
)
UNAUTHORISED = "#/components/responses/Unauthorized"
FORBIDDEN = "#/components/responses/Forbidden"
NOT_FOUND = "#/components/responses/NotFound"


def invoices(ctx: Context, *, credentials: Any = None, **params: Any) -> list[dict[str, Any]]:
    """Every invoice the credential sees that matches ``params``, following the pages."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        response = ctx.get("/v1/invoices", params={"limit": 100, "page": page, **params}, credentials=credentials)
        ctx.expect_status(response, 200, rests_on=LIST_OK)
        body = ctx.expect_documented(response, LIST)
        found.extend(body["data"])
        if not body.get("total_number_of_pages") or page >= body["total_number_of_pages"] or page >= 50:
            return found
        page += 1


def fetch(ctx: Context, invoice_id: str) -> dict[str, Any]:
    response = ctx.get(f"/v1/invoices/{invoice_id}")
    ctx.expect_status(response, 200, rests_on=GET_OK)
    return dict(ctx.expect_documented(response, GET))


def expect_api_error(
    ctx: Context, response: httpx.Response, operation_id: str, status: int, *codes: str, rests_on: str
) -> dict[str, Any]:
    """A documented ApiError with one of ``codes``; the status and code rest on ``rests_on``."""
    ctx.expect_status(response, status, rests_on=rests_on)
    body = ctx.expect_documented(response, operation_id)
    ctx.expect(
        body["code"] in codes,
        f"expected ApiError code {' or '.join(codes)}, got {body['code']}: {body['message']}",
        rests_on=rests_on,
    )
    return dict(body)


def money(amount: dict[str, Any] | None) -> Decimal:
    return Decimal(amount["quantity"]) if amount else Decimal(0)


def candidates(ctx: Context, *, paid: bool | None = None, fresh: bool = True) -> Iterator[dict[str, Any]]:
    """FINAL invoices of a creditable type this run has not touched: only never-credited ones
    when ``fresh``, else already-credited ones first (so that fresh ones stay for the scenarios
    that need them)."""
    params: dict[str, Any] = {"statuses": ["FINAL"]}
    if paid is not None:
        params["paid"] = str(paid).lower()
    found = [
        i
        for i in invoices(ctx, **params)
        if i["type"] in CREDITABLE and i["status"] == "FINAL" and i["id"] not in ctx.claimed
    ]
    if fresh:
        yield from (i for i in found if not i.get("linked_invoices"))
    else:
        yield from sorted(found, key=lambda i: not i.get("linked_invoices"))


Body = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None


def credit_fresh(
    ctx: Context,
    body: Body = None,
    *,
    paid: bool | None = None,
    headers: Callable[[dict[str, Any]], dict[str, str]] | None = None,
    fresh: bool = True,
) -> tuple[dict[str, Any], httpx.Response]:
    """Credit the first candidate that accepts it; a documented 400 means "pick another".

    ``body`` and ``headers`` may be functions of the invoice (a partial credit names its
    periods, an Idempotency-Key must not be reused for another invoice). Returns the original
    as it was before, and the successful response."""
    for invoice in candidates(ctx, paid=paid, fresh=fresh):
        ctx.claimed.add(invoice["id"])
        sent = body(invoice) if callable(body) else body
        response = ctx.post(
            f"/v1/invoices/{invoice['id']}/credit", json=sent or {}, headers=headers(invoice) if headers else None
        )
        if response.status_code == 400:
            expect_api_error(ctx, response, CREDIT, 400, "INVALID_OPERATION", rests_on=CREDIT_RULES)
            continue
        ctx.expect_status(response, 200, rests_on=CREDIT_OK)
        return invoice, response
    which = f"{'never-credited ' if fresh else ''}{'paid ' if paid else ''}"
    raise Skip(f"no {which}FINAL STANDARD or ONE_OFF invoice on the target accepts a credit any more")


def credits_of(ctx: Context, original: dict[str, Any]) -> list[dict[str, Any]]:
    """The credit invoices of ``original``: its linked invoices whose ``credit`` names it."""
    linked = [fetch(ctx, link["id"]) for link in original.get("linked_invoices") or []]
    return [i for i in linked if (i.get("credit") or {}).get("original_invoice_id") == original["id"]]


def discover(ctx: Context) -> dict[str, dict[str, Any]]:
    """Existing invoices for the operations that act on one, so generated requests reach the rules."""
    everything = invoices(ctx)
    if not everything:
        return {}
    platform = {"header.x-platform-id": everything[0]["platform_id"]} if everything[0].get("platform_id") else {}
    chosen = {
        GET: everything,
        CREDIT: [i for i in everything if i["status"] == "FINAL" and i["type"] in CREDITABLE] or everything,
        REFUND: [i for i in everything if i["type"] in CREDIT_OF.values()] or everything,
        REFRESH: [i for i in everything if i["status"] != "FINAL"] or everything,
    }
    # The platform is pinned too: a generated x-platform-id the credential may not use is a
    # correct 403, but every case would stop there and never reach the rules.
    found: dict[str, dict[str, Any]] = {
        operation: {"path.resourceId": [i["id"] for i in some[:50]], **platform} for operation, some in chosen.items()
    }
    found[LIST] = dict(platform)
    return found


def _names_original(original: dict[str, Any], credit: dict[str, Any]) -> list[str]:
    named = (credit.get("credit") or {}).get("original_invoice_id")
    return [] if named == original.get("id") else [f"credit.original_invoice_id is {named!r}, not {original.get('id')}"]


def _credit_of_kind(original: dict[str, Any], credit: dict[str, Any]) -> list[str]:
    """A credit of a STANDARD invoice is a CREDIT, of a ONE_OFF one a ONE_OFF_CREDIT; it links to the original."""
    problems = []
    wanted = CREDIT_OF.get(str(original.get("type")))
    if wanted is not None and credit.get("type") != wanted:
        problems.append(f"a credit of a {original.get('type')} invoice has type {credit.get('type')}, not {wanted}")
    if original.get("id") not in [link.get("id") for link in credit.get("linked_invoices") or []]:
        problems.append("the credit invoice does not link to the original")
    return problems


def _refunded(credit: dict[str, Any], refunded: dict[str, Any]) -> list[str]:
    problems = (
        [] if refunded.get("payment_status") == "PAID" else [f"payment_status is {refunded.get('payment_status')}"]
    )
    return problems + ([] if refunded.get("payment_actions") else ["no payment action lists the refund"])


def _kind(invoice: dict[str, Any]) -> str:
    return str(invoice.get("type"))


ACTIONS = [
    ActionCheck(CREDIT, "the credit invoice names its original", ORIGINAL_ID, _names_original, _kind, CREDITABLE),
    ActionCheck(
        CREDIT, "the credit invoice has its kind's type and links to the original", CREDIT_RULES, _credit_of_kind, _kind
    ),
    ActionCheck(
        REFUND,
        "the refunded credit invoice is PAID and lists the refund",
        f"{REFUND_RULES} § the credit invoice's `payment_status` is `PAID`",
        _refunded,
        _kind,
    ),
]

PACK = ScenarioPack(
    api="solvimon",
    actions=ACTIONS,
    tuning=SchemaTuning(
        fixed_parameters={"path.version": "1"},
        # The contract lets these refuse a schema-valid request with 400 INVALID_OPERATION
        # (credit of a DRAFT invoice, second refund, refresh of a FINAL invoice...).
        business_refusals={CREDIT: ("400",), REFUND: ("400",), REFRESH: ("400",)},
        discover=discover,
    ),
)


def instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def operation_calls(ctx: Context) -> list[tuple[str, str, str]]:
    """Every operation, addressed to a real invoice; only the safe ones in a read-only run."""
    any_invoice = next(iter(invoices(ctx)), None)
    if any_invoice is None:
        raise Skip("the target has no invoice to address")
    return [
        (operation_id, method, path.replace("{version}", "1").replace("{resourceId}", any_invoice["id"]))
        for operation_id, method, path, _ in ctx.operations()
        if not ctx.read_only or method in ("GET", "HEAD", "OPTIONS")
    ]
