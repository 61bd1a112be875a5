"""Subtle broken implementations: one documented rule broken each, the kind a one-example check misses.

Each answers plausibly (200s, the right shapes); only reading back, comparing amounts exactly or
comparing whole id sets shows the break. ``strict`` marks rules the contract only infers: those
are caught under ``--strict-assumptions`` (a default run lists them as warnings).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from mock_server import MockApp
from mock_server.apis import chargeover, solvimon
from mock_server.rules import Call, Handler, Reply
from mock_server.state.idempotency import IdempotencyCache

from .base import APP, Breakage, Rewrite, Wrap, after, json_rewrite

__all__ = ["SUBTLE"]


def _before(change: Callable[[Call], None]) -> Wrap:
    """``change`` the request, then run the real handler."""

    def wrap(original: Handler) -> Handler:
        def handler(call: Call) -> Reply:
            change(call)
            return original(call)

        return handler

    return wrap


def _reply_body(reply: Reply, change: Callable[[Any], None]) -> Reply:
    body = copy.deepcopy(reply.body)
    change(body)
    return Reply(reply.status, body, reply.headers)


# --- Solvimon ---------------------------------------------------------------------------------


def _cent_short(call: Call, reply: Reply) -> Reply:
    if (call.body or {}).get("periods"):
        return reply

    def change(body: Any) -> None:
        amount = body["invoice_amount_including_tax"]
        value = Decimal(amount["quantity"])
        amount["quantity"] = str(value + Decimal("0.01") if value < 0 else value - Decimal("0.01"))

    return _reply_body(reply, change)


def _undo_refund(*, keep_credit: bool) -> Wrap:
    """The refund answers 200 but the state is put back (all of it, or the original's only)."""

    def wrap(original: Handler) -> Handler:
        def handler(call: Call) -> Reply:
            credit = call.tx.get_for_update(solvimon.INVOICES, call.params["resourceId"])
            origin_id = ((credit or {}).get("credit") or {}).get("original_invoice_id")
            origin = call.tx.get_for_update(solvimon.INVOICES, origin_id) if origin_id else None
            reply = original(call)
            if origin is not None:
                call.tx.put(solvimon.INVOICES, origin["id"], origin)
            if credit is not None and not keep_credit:
                call.tx.put(solvimon.INVOICES, credit["id"], credit)
            return reply

        return handler

    return wrap


def _leak_one_into_lists(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if method != "GET" or path != "/v1/invoices" or status != 200:
        return status, headers, body
    listed = json.loads(body)
    if not any(i.get("platform_id") == "plat_beta" for i in listed["data"]):
        return status, headers, body
    with APP[0].state.store.transaction("solvimon", "plat_alpha") as tx:
        leaked = copy.deepcopy(tx.values(solvimon.INVOICES)[0])
    listed["data"].append(leaked)
    return status, headers, json.dumps(listed).encode()


def _drop_periods(call: Call) -> None:
    if isinstance(call.body, dict):
        call.body.pop("periods", None)


def _fingerprint_without_body(app: MockApp) -> None:
    def fingerprint(method: str, path: str, body: Any) -> str:
        return f"{method} {path}"

    IdempotencyCache.fingerprint = staticmethod(fingerprint)  # type: ignore[method-assign]


def _forget_earlier_credits(app: MockApp) -> None:
    solvimon._credited_net = lambda original: Decimal(0)


def _credit_reopens_original(call: Call, reply: Reply) -> Reply:
    origin = call.tx.get_for_update(solvimon.INVOICES, call.params["resourceId"])
    if origin is not None and reply.status == 200:
        origin["status"] = "OPEN"
        call.tx.put(solvimon.INVOICES, origin["id"], origin)
    return reply


# --- ChargeOver -------------------------------------------------------------------------------


def _token_to_another_customer(call: Call) -> None:
    token = call.body.get("customer_token")
    if token is None:
        return
    other = next(c for c in call.tx.values(chargeover.CUSTOMERS) if c["token"] != token)
    del call.body["customer_token"]
    call.body["customer_id"] = other["customer_id"]


def _accept_duplicate_key(call: Call) -> None:
    key = call.body.get("external_key")
    if key is not None and any(i["external_key"] == key for i in call.tx.values(chargeover.INVOICES)):
        call.body["external_key"] = f"{key}-{len(call.tx.values(chargeover.INVOICES))}"


def _drop_memo(call: Call) -> None:
    call.body.pop("memo", None)


def _invoice_read(change: Callable[[Any], None]) -> Rewrite:
    def matches(method: str, path: str, status: int) -> bool:
        return method == "GET" and path.startswith("/api/v3/invoice/") and status == 200

    def apply(body: Any) -> Any:
        body = copy.deepcopy(body)
        change(body["response"])
        return body

    return json_rewrite(matches, apply)


def _floor_subtotals(invoice: Any) -> None:
    for line in invoice["line_items"]:
        exact = Decimal(str(line["line_rate"])) * Decimal(str(line["line_quantity"]))
        line["line_subtotal"] = math.floor(exact * 100) / 100
    invoice["subtotal"] = round(sum(line["line_subtotal"] for line in invoice["line_items"]), 2)
    invoice["total"] = round(invoice["subtotal"] + invoice["taxes"], 2)


def _tax_untaxed(invoice: Any) -> None:
    if invoice["taxes"] == 0 and invoice["line_items"] and not any(line["is_taxed"] for line in invoice["line_items"]):
        invoice["taxes"] = round(invoice["subtotal"] * 0.1, 2)
        invoice["total"] = round(invoice["subtotal"] + invoice["taxes"], 2)


# --- Keyline ----------------------------------------------------------------------------------


def _reversal_reply(change: Callable[[Any], None]) -> Wrap:
    return after(lambda call, reply: _reply_body(reply, change))


def _unsign_lines(body: Any) -> None:
    for line in body["line_items"]:
        for key in ("net_total", "gross_total", "discounted_net_total"):
            line[key]["cent_amount"] = abs(line[key]["cent_amount"])


def _unsign_taxes(body: Any) -> None:
    for tax in body["taxes"]:
        tax["cent_amount"] = abs(tax["cent_amount"])


def _gross_a_cent_off(body: Any) -> None:
    body["gross_total"]["cent_amount"] += 1


def _drop_custom_text(call: Call) -> None:
    call.body["customer_invoice"].pop("custom_text", None)


def _reset_due_at(call: Call) -> None:
    fields = call.body["customer_invoice"]
    if "due_at" not in fields and "billed_at" not in fields:
        fields["due_at"] = None


def _truncate_quantities(call: Call) -> None:
    for line in call.body["customer_invoice"].get("line_items") or []:
        line["qty"] = int(line["qty"])


SUBTLE: dict[str, Breakage] = {
    "solvimon-full-credit-a-cent-short": Breakage(
        "solvimon",
        "a full credit is a cent short of the original's total",
        "scenarios",
        "credited total never exceeds",
        handlers={"postInvoicesByResourceIdCredit": after(_cent_short)},
        strict=True,
    ),
    "solvimon-refund-not-recorded": Breakage(
        "solvimon",
        "a refund answers 200 but is never recorded",
        "scenarios",
        "refund a credit invoice exactly once",
        handlers={"postInvoicesByResourceIdRefund": _undo_refund(keep_credit=False)},
        strict=True,
    ),
    "solvimon-refund-not-on-original": Breakage(
        "solvimon",
        "a refund is recorded on the credit invoice but not on the original",
        "scenarios",
        "refund a credit invoice exactly once",
        handlers={"postInvoicesByResourceIdRefund": _undo_refund(keep_credit=True)},
        strict=True,
    ),
    "solvimon-list-leaks-one-invoice": Breakage(
        "solvimon",
        "another platform's list includes one invoice of this platform",
        "scenarios",
        "another platform",
        rewrite=_leak_one_into_lists,
    ),
    "solvimon-partial-credit-credits-all": Breakage(
        "solvimon",
        "a partial credit credits the whole invoice",
        "scenarios",
        "partial credit",
        handlers={"postInvoicesByResourceIdCredit": _before(_drop_periods)},
        strict=True,
    ),
    "solvimon-idempotency-key-ignores-body": Breakage(
        "solvimon",
        "an Idempotency-Key reused with another body replays instead of 409",
        "scenarios",
        "Idempotency-Key",
        patch_app=_fingerprint_without_body,
        strict=True,
    ),
    "solvimon-over-credit": Breakage(
        "solvimon",
        "earlier credits are not counted: an invoice can be credited again and again",
        "scenarios",
        "never exceed",
        patch_app=_forget_earlier_credits,
        strict=True,
    ),
    "solvimon-credit-reopens-original": Breakage(
        "solvimon",
        "crediting also sets the original's status to OPEN",
        "scenarios",
        "credited total never exceeds",
        handlers={"postInvoicesByResourceIdCredit": after(_credit_reopens_original)},
        strict=True,
    ),
    "chargeover-token-wrong-customer": Breakage(
        "chargeover",
        "an invoice for a customer_token is attached to another customer",
        "scenarios",
        "customer named by id, token or external key",
        handlers={"createInvoice": _before(_token_to_another_customer)},
    ),
    "chargeover-duplicate-external-key": Breakage(
        "chargeover",
        "a duplicate external_key is accepted (stored under another key)",
        "scenarios",
        "duplicate external_key",
        handlers={"createInvoice": _before(_accept_duplicate_key)},
        strict=True,
    ),
    "chargeover-subtotal-rounded-down": Breakage(
        "chargeover",
        "line subtotals are rounded down to the cent",
        "scenarios",
        "line subtotal is rate x quantity",
        rewrite=_invoice_read(_floor_subtotals),
        strict=True,
    ),
    "chargeover-memo-dropped": Breakage(
        "chargeover",
        "the memo sent with a create is silently dropped",
        "scenarios",
        "what a create sends reads back",
        handlers={"createInvoice": _before(_drop_memo)},
    ),
    "chargeover-tax-on-untaxed-items": Breakage(
        "chargeover",
        "an invoice of untaxed items is taxed",
        "scenarios",
        "what a create sends reads back",
        rewrite=_invoice_read(_tax_untaxed),
    ),
    "keyline-reversal-lines-keep-sign": Breakage(
        "keyline",
        "a reversal negates the totals but not the line amounts",
        "scenarios",
        "negated copy",
        handlers={"createReversalInvoice": _reversal_reply(_unsign_lines)},
    ),
    "keyline-reversal-taxes-keep-sign": Breakage(
        "keyline",
        "a reversal negates the totals but not the taxes",
        "scenarios",
        "negated copy",
        handlers={"createReversalInvoice": _reversal_reply(_unsign_taxes)},
    ),
    "keyline-reversal-gross-a-cent-off": Breakage(
        "keyline",
        "a reversal's gross total is a cent off the exact negation",
        "scenarios",
        "negated copy",
        handlers={"createReversalInvoice": _reversal_reply(_gross_a_cent_off)},
    ),
    "keyline-update-drops-field": Breakage(
        "keyline",
        "a PUT answers 204 but drops custom_text",
        "scenarios",
        "an update changes what it sends",
        handlers={"updateCustomerInvoice": _before(_drop_custom_text)},
    ),
    "keyline-update-resets-unsent-field": Breakage(
        "keyline",
        "a PUT clears due_at when it is not sent",
        "scenarios",
        "an update changes what it sends and nothing else",
        handlers={"updateCustomerInvoice": _before(_reset_due_at)},
    ),
    "keyline-create-truncates-quantities": Breakage(
        "keyline",
        "a create stores line quantities truncated to integers",
        "scenarios",
        "what a create sends reads back",
        handlers={"createCustomerInvoice": _before(_truncate_quantities)},
    ),
}
