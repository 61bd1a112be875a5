"""Solvimon scenarios: credit, refund, refresh, auth, permissions, platforms, versions.

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

from .base import Context, ScenarioPack, SchemaTuning, Skip

__all__ = ["PACK"]

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


PACK = ScenarioPack(
    api="solvimon",
    tuning=SchemaTuning(
        fixed_parameters={"path.version": "1"},
        # The contract lets these refuse a schema-valid request with 400 INVALID_OPERATION
        # (credit of a DRAFT invoice, second refund, refresh of a FINAL invoice...).
        business_refusals={CREDIT: ("400",), REFUND: ("400",), REFRESH: ("400",)},
        discover=discover,
    ),
)


@PACK.scenario(
    "credit a FINAL invoice; the credit invoice and the original link both ways",
    source="seed 000; contract postInvoicesByResourceIdCredit",
    writes=True,
)
def credit_links_both_ways(ctx: Context) -> None:
    original, response = credit_fresh(ctx, {"note": "conformance: full credit"}, fresh=False)
    credit = ctx.expect_documented(response, CREDIT)
    expected_type = CREDIT_OF[original["type"]]
    ctx.expect(
        credit["type"] == expected_type,
        f"credit of a {original['type']} invoice has type {credit['type']}, not {expected_type}",
        rests_on=CREDIT_RULES,
    )
    ctx.expect(credit["id"] != original["id"], "the credit invoice reuses the original's id", rests_on=CREDIT_OK)
    ctx.expect(
        (credit.get("credit") or {}).get("original_invoice_id") == original["id"],
        "credit.original_invoice_id does not name the original",
        rests_on=ORIGINAL_ID,
    )
    ctx.expect(
        original["id"] in [link["id"] for link in credit.get("linked_invoices") or []],
        "the credit invoice does not link to the original",
        rests_on=CREDIT_RULES,
    )
    ctx.expect(
        credit["id"] in [link["id"] for link in fetch(ctx, original["id"]).get("linked_invoices") or []],
        "the original does not link to its credit invoice",
        rests_on=CREDIT_RULES,
    )
    ctx.expect(fetch(ctx, credit["id"])["id"] == credit["id"], "the credit invoice cannot be fetched", rests_on=GET_OK)


@PACK.scenario(
    "the credited total never exceeds the original",
    source="contract postInvoicesByResourceIdCredit (inferred rule)",
    writes=True,
)
def credit_never_exceeds(ctx: Context) -> None:
    before = {}

    def remember(invoice: dict[str, Any]) -> dict[str, Any]:
        before.update(fetch(ctx, invoice["id"]))
        return {}

    original, response = credit_fresh(ctx, remember)
    credit = ctx.expect_documented(response, CREDIT)
    expected = abs(money(before["invoice_amount_including_tax"]))
    ctx.expect(
        abs(money(credit["invoice_amount_including_tax"])) == expected,
        f"a full credit of an invoice of {expected} credits {credit['invoice_amount_including_tax']['quantity']}",
        rests_on=f"{CREDIT_RULES} § Without `periods` the whole invoice is credited",
    )
    currency = original["billing_currency"]
    periods = before.get("periods") or []
    one_cent = {
        "periods": [
            {"period_order": p["period_order"], "amount": {"quantity": "0.01", "currency": currency}}
            for p in periods[:1]
        ]
    }
    for attempt in (one_cent if one_cent["periods"] else {}, {}):
        again = ctx.post(f"/v1/invoices/{original['id']}/credit", json=attempt)
        expect_api_error(ctx, again, CREDIT, 400, "INVALID_OPERATION", rests_on=CREDIT_RULES)
    after = fetch(ctx, original["id"])
    changed = [key for key in KEPT_BY_A_CREDIT if after.get(key) != before.get(key)]
    ctx.expect(not changed, f"crediting changed the original's {', '.join(changed)}", rests_on=CREDIT_RULES)
    total = abs(money(after["invoice_amount_including_tax"]))
    credited = sum((abs(money(c["invoice_amount_including_tax"])) for c in credits_of(ctx, after)), Decimal(0))
    ctx.expect(
        credited == total,
        f"the credits of a fully credited invoice add up to {credited}, not its total {total}",
        rests_on=CREDIT_RULES,
    )


@PACK.scenario(
    "refund a credit invoice exactly once", source="seed 001; contract postInvoicesByResourceIdRefund", writes=True
)
def refund_once(ctx: Context) -> None:
    original, created = credit_fresh(ctx, {"note": "conformance: to refund"}, paid=True, fresh=False)
    credit_id = ctx.json(created)["id"]
    actions_before = len(fetch(ctx, original["id"]).get("payment_actions") or [])
    key = {"Idempotency-Key": f"conformance-refund-{credit_id}-{datetime.now().timestamp()}"}
    first = ctx.post(f"/v1/invoices/{credit_id}/refund", headers=key)
    ctx.expect_status(first, 200, rests_on=REFUND_OK)
    refunded = ctx.expect_documented(first, REFUND)
    ctx.expect(refunded["id"] == credit_id, "the refund answered with another invoice", rests_on=REFUND_OK)
    ctx.expect(
        refunded.get("payment_actions"), "the refunded credit invoice lists no payment action", rests_on=REFUND_RULES
    )
    recorded = fetch(ctx, credit_id)
    ctx.expect(
        recorded.get("payment_actions") and recorded.get("payment_status") == "PAID",
        f"read back, the refunded credit invoice has payment_status {recorded.get('payment_status')}"
        f" and payment_actions {recorded.get('payment_actions')}",
        rests_on=f"{REFUND_RULES} § the credit invoice's `payment_status` is `PAID`",
    )
    ctx.expect(
        len(fetch(ctx, original["id"]).get("payment_actions") or []) > actions_before,
        "read back, the original invoice lists no new payment action for the refund",
        rests_on=f"{REFUND_RULES} § both invoices' `payment_actions` list the refund",
    )
    second = ctx.post(f"/v1/invoices/{credit_id}/refund")
    expect_api_error(ctx, second, REFUND, 400, "INVALID_OPERATION", rests_on=REFUND_RULES)
    # The same key for another request (the refund of another invoice) is a conflict.
    reused = ctx.post(f"/v1/invoices/{original['id']}/refund", headers=key)
    expect_api_error(ctx, reused, REFUND, 409, "IDEMPOTENCY_CHECK_FAILED", rests_on=f"{IDEMPOTENCY}/description")


@PACK.scenario(
    "refund of an invoice that is not a credit invoice is 400",
    source="seed 001 summary; contract (inferred rule)",
    writes=True,
)
def refund_non_credit(ctx: Context) -> None:
    target = next((i for i in invoices(ctx) if i["type"] in CREDITABLE), None)
    if target is None:
        raise Skip("the target has no STANDARD or ONE_OFF invoice")
    response = ctx.post(f"/v1/invoices/{target['id']}/refund")
    expect_api_error(ctx, response, REFUND, 400, "INVALID_OPERATION", "BAD_REQUEST", rests_on=REFUND_RULES)


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@PACK.scenario(
    "refresh a draft invoice; updated_at moves",
    source="seed 003; contract postInvoicesByResourceIdRefresh",
    writes=True,
)
def refresh_moves_updated_at(ctx: Context) -> None:
    draft = next((i for i in invoices(ctx, statuses=["DRAFT"]) if i["status"] == "DRAFT"), None)
    if draft is None:
        raise Skip("the target has no DRAFT invoice")
    before = fetch(ctx, draft["id"])
    key = {"Idempotency-Key": f"conformance-refresh-{draft['id']}-{datetime.now().timestamp()}"}
    response = ctx.post(f"/v1/invoices/{draft['id']}/refresh", json={"type": "FULL"}, headers=key)
    ctx.expect_status(response, 200, rests_on=REFRESH_OK)
    body = ctx.expect_documented(response, REFRESH)
    ctx.expect(body["id"] == draft["id"], "refresh answered with another invoice", rests_on=REFRESH_OK)
    moved, was = _instant(body.get("updated_at")), _instant(before.get("updated_at"))
    ctx.expect(
        moved is not None and (was is None or moved > was),
        f"updated_at did not move: {before.get('updated_at')} → {body.get('updated_at')}",
        rests_on=f"{REFRESH_RULES} § moves `updated_at`",
    )
    reread = fetch(ctx, draft["id"])
    ctx.expect(
        _instant(reread.get("updated_at")) == moved and reread.get("status") == before.get("status"),
        f"read back, the refreshed invoice has updated_at {reread.get('updated_at')} (answered"
        f" {body.get('updated_at')}) and status {reread.get('status')} (was {before.get('status')})",
        rests_on=f"{REFRESH_RULES} § moves `updated_at`",
    )
    other = ctx.post(f"/v1/invoices/{draft['id']}/refresh", json={"type": "CUSTOMER"}, headers=key)
    expect_api_error(ctx, other, REFRESH, 409, "IDEMPOTENCY_CHECK_FAILED", rests_on=f"{IDEMPOTENCY}/description")


@PACK.scenario(
    "refresh of a FINAL invoice is 400",
    source="contract postInvoicesByResourceIdRefresh (inferred rule)",
    writes=True,
)
def refresh_final(ctx: Context) -> None:
    final = next((i for i in invoices(ctx, statuses=["FINAL"]) if i["status"] == "FINAL"), None)
    if final is None:
        raise Skip("the target has no FINAL invoice")
    response = ctx.post(f"/v1/invoices/{final['id']}/refresh")
    expect_api_error(ctx, response, REFRESH, 400, "INVALID_OPERATION", rests_on=REFRESH_RULES)


def _operation_calls(ctx: Context) -> list[tuple[str, str, str]]:
    """Every operation, addressed to a real invoice; only the safe ones in a read-only run."""
    any_invoice = next(iter(invoices(ctx)), None)
    if any_invoice is None:
        raise Skip("the target has no invoice to address")
    return [
        (operation_id, method, path.replace("{version}", "1").replace("{resourceId}", any_invoice["id"]))
        for operation_id, method, path, _ in ctx.operations()
        if not ctx.read_only or method in ("GET", "HEAD", "OPTIONS")
    ]


@PACK.scenario(
    "every operation without credentials is 401 ApiError",
    source="seeds 000/001/003 (401); contract",
    writes=False,
)
def unauthenticated(ctx: Context) -> None:
    for operation_id, method, path in _operation_calls(ctx):
        response = ctx.request(method, path, anonymous=True)
        expect_api_error(ctx, response, operation_id, 401, "UNAUTHORISED", rests_on=UNAUTHORISED)
        wrong = ctx.request(method, path, anonymous=True, headers={"X-API-KEY": "conformance-wrong-key"})
        expect_api_error(ctx, wrong, operation_id, 401, "UNAUTHORISED", rests_on=UNAUTHORISED)


@PACK.scenario(
    "every action without its permission is 403 ApiError",
    source="seeds 000/001/003 (permission lines, 403); contract x-permission",
    writes=True,
)
def forbidden(ctx: Context) -> None:
    if not ctx.target.restricted:
        raise Skip("no restricted credential given (--restricted-api-key: a key with only INVOICE.VIEW)")
    checked = 0
    for operation_id, method, path in _operation_calls(ctx):
        permission = ctx.operation(operation_id)[2].get("x-permission")
        if permission == "INVOICE.VIEW":
            allowed = ctx.request(method, path, credentials=ctx.target.restricted)
            ctx.expect_status(allowed, 200, rests_on=ctx.pointer(operation_id, "x-permission"))
            continue
        if not permission:
            continue
        response = ctx.request(method, path, credentials=ctx.target.restricted)
        expect_api_error(
            ctx, response, operation_id, 403, "USER_NOT_ALLOWED", rests_on=ctx.pointer(operation_id, "x-permission")
        )
        checked += 1
    ctx.expect(checked, "the contract names no permission to check", rests_on=CREDIT_PERMISSION)


@PACK.scenario(
    "another platform's invoice is invisible",
    source="contract (x-platform-id, 404 RESOURCE_NOT_FOUND)",
    writes=True,
)
def other_platform(ctx: Context) -> None:
    if not ctx.target.other_platform:
        raise Skip("no credential of another platform given (--other-platform-api-key)")
    everything = invoices(ctx)
    if not everything:
        raise Skip("the target has no invoice")
    mine = everything[0]
    other = ctx.target.other_platform
    for invoice in everything:
        response = ctx.request("GET", f"/v1/invoices/{invoice['id']}", credentials=other)
        ctx.expect(
            response.status_code in (403, 404),
            f"another platform's credential read invoice {invoice['id']}: {response.status_code}",
            rests_on=PLATFORM,
        )
    credit = ctx.request("POST", f"/v1/invoices/{mine['id']}/credit", credentials=other, json={})
    ctx.expect(
        credit.status_code in (403, 404),
        f"another platform's credential credited invoice {mine['id']}: {credit.status_code}",
        rests_on=PLATFORM,
    )
    leaked = {i["id"] for i in everything} & {i["id"] for i in invoices(ctx, credentials=other)}
    ctx.expect(not leaked, f"invoices {sorted(leaked)} are listed for another platform", rests_on=PLATFORM)


@PACK.scenario(
    "an unsupported API version is 400 UNSUPPORTED_VERSION",
    source="contract (ApiError code UNSUPPORTED_VERSION; rule inferred)",
    writes=False,
)
def unsupported_version(ctx: Context) -> None:
    response = ctx.get("/v99/invoices")
    expect_api_error(ctx, response, LIST, 400, "UNSUPPORTED_VERSION", rests_on=SERVED_VERSIONS)
    any_invoice = next(iter(invoices(ctx)), None)
    if any_invoice is not None:
        one = ctx.get(f"/v99/invoices/{any_invoice['id']}")
        expect_api_error(ctx, one, GET, 400, "UNSUPPORTED_VERSION", rests_on=SERVED_VERSIONS)


@PACK.scenario(
    "an invalid body is 400 ApiError naming the field",
    source="contract ApiError (type INVALID_REQUEST, field)",
    writes=True,
)
def invalid_body(ctx: Context) -> None:
    target = next(candidates(ctx), None) or next(iter(invoices(ctx)), None)
    if target is None:
        raise Skip("the target has no invoice")
    periods = target.get("periods") or fetch(ctx, target["id"]).get("periods") or [{"period_order": 0}]
    # One problem only (a quantity that is not a decimal), so that any validation order names it.
    bad = {
        "periods": [
            {
                "period_order": periods[0]["period_order"],
                "amount": {"quantity": "ten", "currency": target.get("billing_currency") or "EUR"},
            }
        ]
    }
    body = expect_api_error(
        ctx,
        ctx.post(f"/v1/invoices/{target['id']}/credit", json=bad),
        CREDIT,
        400,
        "INVALID_FIELD",
        "BAD_REQUEST",
        "INVALID_REQUEST",
        rests_on=API_ERROR_CODE,
    )
    ctx.expect(
        body.get("type") == "INVALID_REQUEST",
        f"ApiError type is {body.get('type')}, not INVALID_REQUEST",
        rests_on="#/components/responses/BadRequest/content/application~1json/examples/invalidField",
    )
    ctx.expect(
        body.get("field") and "quantity" in body["field"],
        f"ApiError.field does not name the bad field: {body.get('field')}",
        rests_on=API_ERROR_FIELD,
    )


@PACK.scenario(
    "Idempotency-Key replays the first response",
    source="contract Idempotency-Key (inferred from SOLV-CONV)",
    writes=True,
)
def idempotency(ctx: Context) -> None:
    sent = {"note": "idempotent"}
    links_before: list[int] = []

    def body(invoice: dict[str, Any]) -> dict[str, Any]:
        links_before[:] = [len(fetch(ctx, invoice["id"]).get("linked_invoices") or [])]
        return sent

    def key(invoice: dict[str, Any]) -> dict[str, str]:
        return {"Idempotency-Key": f"conformance-{invoice['id']}-{datetime.now().timestamp()}"}

    original, first = credit_fresh(ctx, body, headers=key, fresh=False)
    replay = {"Idempotency-Key": first.request.headers["Idempotency-Key"]}
    second = ctx.post(f"/v1/invoices/{original['id']}/credit", json=sent, headers=replay)
    ctx.expect_status(second, 200, rests_on=IDEMPOTENCY)
    ctx.expect(
        ctx.json(second)["id"] == ctx.json(first)["id"],
        "the replay created a second credit invoice",
        rests_on=IDEMPOTENCY,
    )
    ctx.expect(
        second.headers.get("Idempotent-Replayed") == "true",
        "the replay lacks Idempotent-Replayed: true",
        rests_on="#/components/headers/IdempotentReplayed",
    )
    other_body = ctx.post(f"/v1/invoices/{original['id']}/credit", json={"note": "another body"}, headers=replay)
    expect_api_error(ctx, other_body, CREDIT, 409, "IDEMPOTENCY_CHECK_FAILED", rests_on=f"{IDEMPOTENCY}/description")
    links_after = len(fetch(ctx, original["id"]).get("linked_invoices") or [])
    ctx.expect(
        links_after == links_before[0] + 1,
        f"after one credit and two replays the original links {links_after - links_before[0]} new invoices",
        rests_on=IDEMPOTENCY,
    )


@PACK.scenario(
    "a partial credit credits exactly the requested amounts; repeated credits never exceed the total",
    source="contract postInvoicesByResourceIdCredit (periods; inferred rules)",
    writes=True,
)
def partial_credits(ctx: Context) -> None:
    before: dict[str, Any] = {}
    requested: list[Decimal] = []

    def part(invoice: dict[str, Any]) -> dict[str, Any]:
        before.update(fetch(ctx, invoice["id"]))
        period = (before.get("periods") or [{}])[0]
        total = abs(money(before["invoice_amount_including_tax"]))
        # A non-integer amount, a fifth of the invoice at most, so that rounding shows.
        quantity = min(Decimal("12.37"), (total / 5).quantize(Decimal("0.01")))
        requested[:] = [quantity]
        return {
            "periods": [
                {
                    "period_order": period.get("period_order", 0),
                    "amount": {"quantity": str(quantity), "currency": before["billing_currency"]},
                }
            ]
        }

    original, response = credit_fresh(ctx, part)
    ask = requested[0]
    credits = [ctx.expect_documented(response, CREDIT)]
    again = ctx.post(f"/v1/invoices/{original['id']}/credit", json=part(original))
    ctx.expect_status(again, 200, rests_on=CREDIT_RULES)
    credits.append(ctx.expect_documented(again, CREDIT))
    for credit in credits:
        periods = credit.get("periods") or fetch(ctx, credit["id"]).get("periods") or []
        including = sum((abs(money(p.get("amount_including_tax"))) for p in periods), Decimal(0))
        excluding = sum((abs(money(p.get("amount_excluding_tax"))) for p in periods), Decimal(0))
        ctx.expect(
            ask in (including, excluding),
            f"asked to credit {ask}, the credit invoice's periods credit {including} (with tax), {excluding} (without)",
            rests_on=f"{CREDIT_RULES} § only the given amounts are",
        )
    # Crediting the whole total now would exceed it: refused. "The rest" without periods may be
    # credited or refused (the contract does not say whether "the whole invoice" means what is left).
    whole = {
        "periods": [
            {
                "period_order": (before.get("periods") or [{}])[0].get("period_order", 0),
                "amount": {
                    "quantity": str(abs(money(before["invoice_amount_including_tax"]))),
                    "currency": before["billing_currency"],
                },
            }
        ]
    }
    over = ctx.post(f"/v1/invoices/{original['id']}/credit", json=whole)
    expect_api_error(ctx, over, CREDIT, 400, "INVALID_OPERATION", rests_on=f"{CREDIT_RULES} § a violation is 400")
    rest = ctx.post(f"/v1/invoices/{original['id']}/credit", json={})
    if rest.status_code == 400:
        expect_api_error(ctx, rest, CREDIT, 400, "INVALID_OPERATION", rests_on=CREDIT_RULES)
    else:
        ctx.expect_status(rest, 200, rests_on=CREDIT_RULES)
    after = fetch(ctx, original["id"])
    total = abs(money(after["invoice_amount_including_tax"]))
    found = credits_of(ctx, after)
    credited = sum((abs(money(c["invoice_amount_including_tax"])) for c in found), Decimal(0))
    ctx.expect(
        credited <= total,
        f"{len(found)} credits add up to {credited}, more than the invoice's total {total}",
        rests_on=f"{CREDIT_RULES} § The sum of all credits of an invoice never exceeds its total",
    )
    expected = 2 + (rest.status_code == 200)
    ctx.expect(
        len(found) == expected,
        f"the original lists {len(found)} credit invoices, not the {expected} made",
        rests_on=CREDIT_RULES,
    )


@PACK.scenario(
    "an unknown invoice is 404 RESOURCE_NOT_FOUND on every operation",
    source="contract (NotFound, ApiError code RESOURCE_NOT_FOUND; inferred)",
    writes=True,
)
def unknown_invoice(ctx: Context) -> None:
    for operation_id, method, path, _ in ctx.operations():
        if "{resourceId}" not in path:
            continue
        concrete = path.replace("{version}", "1").replace("{resourceId}", "conformance-no-such-invoice")
        response = ctx.request(method, concrete)
        expect_api_error(ctx, response, operation_id, 404, "RESOURCE_NOT_FOUND", rests_on=NOT_FOUND)


@PACK.scenario(
    "a platform the credential may not use is 403",
    source="contract (x-platform-id: the credential's platforms; Forbidden)",
    writes=False,
)
def foreign_platform(ctx: Context) -> None:
    if not (ctx.target.restricted and ctx.target.other_platform):
        raise Skip("needs --restricted-api-key and --other-platform-api-key (a platform the first may not use)")
    theirs = next(iter(invoices(ctx, credentials=ctx.target.other_platform)), None)
    mine = next(iter(invoices(ctx)), None)
    if theirs is None or mine is None or not theirs.get("platform_id"):
        raise Skip("the other platform has no invoice that names its platform")
    if theirs["platform_id"] == mine.get("platform_id"):
        raise Skip("the two credentials share a platform")
    platform = {"x-platform-id": theirs["platform_id"]}
    restricted = ctx.target.restricted
    for operation_id, path in ((LIST, "/v1/invoices"), (GET, f"/v1/invoices/{mine['id']}")):
        response = ctx.request("GET", path, credentials=restricted, headers=platform)
        expect_api_error(ctx, response, operation_id, 403, "USER_NOT_ALLOWED", "PLATFORM_NOT_FOUND", rests_on=PLATFORM)
