"""Solvimon scenarios about money: credit, refund, refresh, idempotent replays, partial credits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from .base import Context, Skip
from .solvimon_support import (
    CREDIT,
    CREDIT_OF,
    CREDIT_OK,
    CREDIT_RULES,
    CREDITABLE,
    GET_OK,
    IDEMPOTENCY,
    KEPT_BY_A_CREDIT,
    ORIGINAL_ID,
    PACK,
    REFRESH,
    REFRESH_OK,
    REFRESH_RULES,
    REFUND,
    REFUND_OK,
    REFUND_RULES,
    credit_fresh,
    credits_of,
    expect_api_error,
    fetch,
    instant,
    invoices,
    money,
)

__all__: list[str] = []


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
    moved, was = instant(body.get("updated_at")), instant(before.get("updated_at"))
    ctx.expect(
        moved is not None and (was is None or moved > was),
        f"updated_at did not move: {before.get('updated_at')} → {body.get('updated_at')}",
        rests_on=f"{REFRESH_RULES} § moves `updated_at`",
    )
    reread = fetch(ctx, draft["id"])
    ctx.expect(
        instant(reread.get("updated_at")) == moved and reread.get("status") == before.get("status"),
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
