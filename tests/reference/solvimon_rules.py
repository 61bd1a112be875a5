"""Solvimon business rules of the reference server: credit, refund, refresh.

Each rule reads the contract's operation description (postInvoicesByResourceIdCredit, ...Refund,
...Refresh) and nothing else; where the description leaves a choice, the choice is listed in the
package docstring. A refused request raises :class:`Refusal`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from .common import Problem
from .solvimon_store import VAT, SolvimonStore, amount, build_invoice

__all__ = ["Refusal", "credit", "credit_problems", "refresh", "refund"]

CREDITABLE = {"STANDARD": "CREDIT", "ONE_OFF": "ONE_OFF_CREDIT"}
LINK_ON_ORIGINAL = "CREDITED_BY"
LINK_ON_CREDIT = "CREDIT_OF"
REFUND_ACTION = "REFUND_VIA_ORIGINAL_PAYMENT"


class Refusal(Exception):
    """A request the rules refuse: rendered as an ApiError with this status and code."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def _by_order(items: Any, key: str) -> dict[int, dict[str, Any]]:
    return {item[key]: item for item in items or [] if isinstance(item, dict) and isinstance(item.get(key), int)}


def _amount_problems(value: Any, currency: str, where: str) -> list[Problem]:
    if not isinstance(value, dict):
        return []
    found = []
    quantity = _decimal(value.get("quantity"))
    if quantity is not None and quantity <= 0:
        found.append((f"{where}.quantity", "a credited amount must be more than zero"))
    if isinstance(value.get("currency"), str) and value["currency"] != currency:
        found.append((f"{where}.currency", f"the invoice is billed in {currency}, not {value['currency']}"))
    return found


def credit_problems(invoice: dict[str, Any], body: Any) -> list[Problem]:
    """Problems of a credit request that only the invoice can reveal: unknown period, group or
    line orders, amounts that are not positive, another currency."""
    if not isinstance(body, dict):
        return []
    currency = invoice["billing_currency"]
    periods = _by_order(invoice.get("periods"), "period_order")
    requested = [("periods", body.get("periods"))]
    if body.get("groups"):
        requested.append(("groups", [{"period_order": min(periods, default=1), "groups": body["groups"]}]))
    found: list[Problem] = []
    for name, items in requested:
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            where = f"{name}.{index}" if name == "periods" else "groups"
            order = item.get("period_order")
            if isinstance(order, int) and order not in periods:
                found.append((f"{where}.period_order", f"the invoice has no period {order} (periods count from 1)"))
                continue
            found += _amount_problems(item.get("amount"), currency, f"{where}.amount")
            period = periods.get(order, {}) if isinstance(order, int) else {}
            groups = _by_order(period.get("groups"), "group_order")
            for g_index, group in enumerate(item.get("groups") or []):
                g_where = f"{where}.groups.{g_index}" if name == "periods" else f"groups.{g_index}"
                if not isinstance(group, dict):
                    continue
                if isinstance(group.get("group_order"), int) and group["group_order"] not in groups:
                    found.append((f"{g_where}.group_order", f"period {order} has no group {group['group_order']}"))
                    continue
                found += _amount_problems(group.get("amount"), currency, f"{g_where}.amount")
                group_order = group.get("group_order")
                known = groups.get(group_order, {}) if isinstance(group_order, int) else {}
                lines = _by_order(known.get("lines"), "line_order")
                for l_index, line in enumerate(group.get("lines") or []):
                    if isinstance(line, dict) and isinstance(line.get("line_order"), int):
                        if line["line_order"] not in lines:
                            found.append((f"{g_where}.lines.{l_index}.line_order", "no such line"))
                        else:
                            found += _amount_problems(line.get("amount"), currency, f"{g_where}.lines.{l_index}.amount")
    return found


def _requested_total(invoice: dict[str, Any], body: dict[str, Any]) -> dict[int, Decimal]:
    """Amount (including tax) credited per period order."""
    periods = _by_order(invoice["periods"], "period_order")
    requests = list(body.get("periods") or [])
    if body.get("groups"):
        requests.append({"period_order": min(periods), "groups": body["groups"]})
    if not requests:
        return {order: Decimal(p["amount_including_tax"]["quantity"]) for order, p in periods.items()}
    credited: dict[int, Decimal] = {}
    for request in requests:
        order = request["period_order"]
        if request.get("amount"):
            value = Decimal(request["amount"]["quantity"])
        elif request.get("groups"):
            groups = _by_order(periods[order]["groups"], "group_order")
            value = Decimal(0)
            for group in request["groups"]:
                if group.get("amount"):
                    value += Decimal(group["amount"]["quantity"])
                elif group.get("lines"):
                    value += sum((Decimal(line["amount"]["quantity"]) for line in group["lines"]), Decimal(0))
                else:
                    value += Decimal(groups[group["group_order"]]["amount_including_tax"]["quantity"])
        else:
            value = Decimal(periods[order]["amount_including_tax"]["quantity"])
        credited[order] = credited.get(order, Decimal(0)) + value
    return credited


def _already_credited(store: SolvimonStore, invoice: dict[str, Any]) -> Decimal:
    return sum(
        (
            Decimal(store.invoices[link["id"]]["invoice_amount_including_tax"]["quantity"])
            for link in invoice["linked_invoices"]
            if link["link_type"] == LINK_ON_ORIGINAL
        ),
        Decimal(0),
    )


def credit(store: SolvimonStore, invoice: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Create the credit invoice of ``invoice`` (amounts positive, as a credit note states them)."""
    if invoice["type"] not in CREDITABLE or invoice["status"] != "FINAL":
        raise Refusal(
            400,
            "INVALID_OPERATION",
            f"A {invoice['status']} {invoice['type']} invoice cannot be credited; only FINAL STANDARD or ONE_OFF ones",
        )
    per_period = _requested_total(invoice, body)
    total = sum(per_period.values(), Decimal(0))
    limit = Decimal(invoice["invoice_amount_including_tax"]["quantity"])
    done = _already_credited(store, invoice)
    if total <= 0 or done + total > limit:
        raise Refusal(
            400,
            "INVALID_OPERATION",
            f"Crediting {total} on top of {done} already credited would exceed the invoice total {limit}",
        )
    currency = invoice["billing_currency"]
    originals = _by_order(invoice["periods"], "period_order")
    periods = []
    for order, value in sorted(per_period.items()):
        period = dict(originals[order])
        period.update(
            amount_including_tax=amount(value, currency),
            amount_excluding_tax=amount(value / (1 + VAT), currency),
            groups=None,
        )
        periods.append(period)
    stamp = store.clock.now()
    created = build_invoice(
        invoice_id=str(uuid.uuid4()),
        number=store.next_number("CN"),
        platform=invoice["platform_id"],
        customer=invoice["customer_id"],
        status="FINAL",
        kind=CREDITABLE[invoice["type"]],
        currency=currency,
        periods=periods,
        created=stamp,
        paid=False,
    )
    created["on_hold"] = bool(body.get("force_init_on_hold"))
    created["delivery_date"] = body.get("delivery_date")
    created["notes"] = [body["note"]] if body.get("note") else []
    created["credit"] = {
        "original_invoice_id": invoice["id"],
        "original_invoice_info": {"id": invoice["id"], "invoice_number": invoice["invoice_number"]},
        "note": body.get("note"),
        "credit_details_source": body.get("credit_details_source") or "CURRENT",
    }
    if created["type"] == "ONE_OFF_CREDIT":
        created["linked_invoices_ids"] = [invoice["id"]]
    created["linked_invoices"] = [_link(invoice, LINK_ON_CREDIT)]
    store.invoices[created["id"]] = created
    invoice["linked_invoices"].append(_link(created, LINK_ON_ORIGINAL))
    invoice["updated_at"] = created["created_at"]
    return created


def _link(other: dict[str, Any], link_type: str) -> dict[str, Any]:
    return {
        "id": other["id"],
        "link_type": link_type,
        "note": (other.get("credit") or {}).get("note"),
        "invoice_number": other["invoice_number"],
        "amount": other["invoice_amount_including_tax"],
        "invoice_date": other["invoice_date"],
    }


def refund(store: SolvimonStore, invoice: dict[str, Any]) -> dict[str, Any]:
    if invoice["type"] not in CREDITABLE.values():
        raise Refusal(400, "INVALID_OPERATION", f"Only credit invoices can be refunded; this one is {invoice['type']}")
    if invoice["id"] in store.refunded:
        raise Refusal(400, "INVALID_OPERATION", "A refund was made for this credit invoice before; it is not repeated")
    original = store.invoices[invoice["credit"]["original_invoice_id"]]
    if original["payment_status"] != "PAID":
        raise Refusal(400, "INVALID_OPERATION", "The original invoice has no payment to refund through")
    stamp = store.clock.stamp()
    action = {
        "payment_acceptor_id": f"pa-{original['platform_id']}",
        "payment_acceptor": {"id": f"pa-{original['platform_id']}", "type": "PAYMENT_GATEWAY"},
        "type": REFUND_ACTION,
        "payment_gateway": {"variant": "card", "collection_type": "refund"},
    }
    for changed in (invoice, original):
        changed["payment_actions"].append(dict(action))
        changed["updated_at"] = stamp
    total = invoice["invoice_amount_including_tax"]
    invoice.update(
        payment_status="PAID",
        paid=True,
        paid_invoice_amount=dict(total),
        closed_invoice_amount=dict(total),
        open_invoice_amount={"quantity": "0.00", "currency": total["currency"]},
    )
    store.refunded.add(invoice["id"])
    return invoice


def refresh(store: SolvimonStore, invoice: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    if invoice["status"] == "FINAL":
        raise Refusal(400, "INVALID_OPERATION", "This invoice is FINAL; only non-final invoices are refreshed")
    parts = set(body.get("types") or []) | ({body["type"]} if body.get("type") else set())
    if not parts or "FULL" in parts or "CUSTOMER" in parts:
        invoice["customer"] = dict(invoice["customer"])
    invoice["updated_at"] = store.clock.stamp()
    return invoice
