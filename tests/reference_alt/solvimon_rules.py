"""Solvimon business rules: credit, refund and refresh on the in-memory state."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from .solvimon_data import Clock, Invoice, Platform, amount, blank_invoice, dec, money, totals, ulid

LINK_ON_ORIGINAL = "credit_note"
LINK_ON_CREDIT = "credited_invoice"
REFUND_ACTION = "refund"
REFRESH_PARTS = ("CUSTOMER", "CUSTOM_FIELD", "BILLING_ENTITY", "PAYMENT_ACCEPTOR", "PO_NUMBER", "TAX_RATES")


class RuleError(Exception):
    """A 400 ApiError: code, message and optionally the field."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


class Counter:
    def __init__(self) -> None:
        self.value = 90000

    def next(self) -> int:
        self.value += 1
        return self.value


def _positive(value: dict[str, Any] | None, currency: str, where: str) -> Decimal | None:
    if value is None:
        return None
    if value["currency"] != currency:
        raise RuleError(
            "INVALID_FIELD", f"currency must be {currency}, the invoice's billing currency", f"{where}.currency"
        )
    quantity = Decimal(value["quantity"])
    if quantity <= 0:
        raise RuleError("INVALID_FIELD", "a credited amount must be greater than zero", f"{where}.quantity")
    return quantity


def _group_amount(group: dict[str, Any], original: dict[str, Any], currency: str, where: str, key: str) -> Decimal:
    given = _positive(group.get("amount"), currency, f"{where}.amount")
    lines_by_order = {line["line_order"]: line for line in original.get("lines") or []}
    line_sum: Decimal | None = None
    for j, line in enumerate(group.get("lines") or []):
        if line["line_order"] not in lines_by_order:
            raise RuleError(
                "INVALID_FIELD", f"no line {line['line_order']} in this group", f"{where}.lines.{j}.line_order"
            )
        part = _positive(line["amount"], currency, f"{where}.lines.{j}.amount")
        line_sum = (line_sum or Decimal(0)) + (part or Decimal(0))
    if given is not None:
        return given
    return line_sum if line_sum is not None else dec(original[key])


def requested_credit(invoice: Invoice, body: dict[str, Any], rate: Decimal) -> dict[int, Decimal]:
    """Period order to the amount to credit including tax; given amounts are in the invoice's own
    pricing terms (``pricing_amount_type``) and multiplied by ``rate`` to include tax."""
    currency = invoice["billing_currency"]
    periods = {p["period_order"]: p for p in invoice["periods"]}
    key = "amount_excluding_tax" if invoice["pricing_amount_type"] == "EXCLUDING_TAX" else "amount_including_tax"
    wanted: dict[int, Decimal] = {}
    requests = [(f"periods.{i}", p) for i, p in enumerate(body.get("periods") or [])]
    if body.get("groups"):
        first = min(periods)
        requests.append(("groups", {"period_order": first, "groups": body["groups"]}))
    for where, request in requests:
        order = request["period_order"]
        if order not in periods:
            raise RuleError("INVALID_FIELD", f"the invoice has no period {order}", f"{where}.period_order")
        period = periods[order]
        groups = {g["group_order"]: g for g in period["groups"] or []}
        given = _positive(request.get("amount"), currency, f"{where}.amount") if where != "groups" else None
        group_sum: Decimal | None = None
        for k, group in enumerate(request.get("groups") or []):
            gwhere = f"{where}.{k}" if where == "groups" else f"{where}.groups.{k}"
            if group["group_order"] not in groups:
                raise RuleError(
                    "INVALID_FIELD", f"period {order} has no group {group['group_order']}", f"{gwhere}.group_order"
                )
            group_sum = (group_sum or Decimal(0)) + _group_amount(
                group, groups[group["group_order"]], currency, gwhere, key
            )
        whole = dec(period["amount_including_tax"])
        value = given * rate if given is not None else group_sum * rate if group_sum is not None else whole
        wanted[order] = wanted.get(order, Decimal(0)) + value
    return wanted


def credited_so_far(platform: Platform, invoice: Invoice) -> Decimal:
    total = Decimal(0)
    for link in invoice["linked_invoices"] or []:
        other = platform.invoices.get(link["id"])
        if other is not None and other["credit"] and other["credit"]["original_invoice_id"] == invoice["id"]:
            total += -dec(other["invoice_amount_including_tax"])
    return total


def credit(platform: Platform, invoice: Invoice, body: dict[str, Any], clock: Clock, counter: Counter) -> Invoice:
    if invoice["type"] not in ("STANDARD", "ONE_OFF"):
        raise RuleError("INVALID_OPERATION", f"a {invoice['type']} invoice cannot be credited")
    if invoice["status"] != "FINAL":
        raise RuleError("INVALID_OPERATION", f"invoice is {invoice['status']}; credit needs a FINAL invoice")
    whole = not body.get("periods") and not body.get("groups")
    rate = Decimal(1)
    if invoice["pricing_amount_type"] == "EXCLUDING_TAX":
        base = dec(invoice["tax_summary"]["base_amount"])
        rate = dec(invoice["invoice_amount_including_tax"]) / base if base else Decimal(1)
    wanted = (
        {p["period_order"]: dec(p["amount_including_tax"]) for p in invoice["periods"]}
        if whole
        else requested_credit(invoice, body, rate)
    )
    wanted = {order: Decimal(money(value)) for order, value in wanted.items()}
    total = dec(invoice["invoice_amount_including_tax"])
    already = credited_so_far(platform, invoice)
    if already + sum(wanted.values()) > total:
        raise RuleError(
            "INVALID_OPERATION",
            f"credits would reach {money(already + sum(wanted.values()))}, more than the invoice total {money(total)}",
        )
    stamp = clock.tick()
    customer = (
        invoice["customer"]
        if body.get("credit_details_source") == "ORIGINAL"
        else platform.customers[invoice["customer_id"]]
    )
    new = blank_invoice(
        platform,
        ulid(counter.next()),
        f"CN-{invoice['invoice_number']}-{counter.value % 1000:03d}",
        "CREDIT" if invoice["type"] == "STANDARD" else "ONE_OFF_CREDIT",
        "DRAFT",
        clock.now,
        customer,
    )
    if body.get("credit_details_source") == "ORIGINAL":
        new["billing_entity"] = copy.deepcopy(invoice["billing_entity"])
        new["custom_fields"] = copy.deepcopy(invoice["custom_fields"])
    new["on_hold"] = bool(body.get("force_init_on_hold"))
    new["delivery_date"] = body.get("delivery_date")
    new["purchase_order_number"] = invoice["purchase_order_number"]
    new["pricing_amount_type"] = "INCLUDING_TAX"
    new["notes"] = [body["note"]] if body.get("note") else []
    currency = invoice["billing_currency"]
    share = dec(invoice["tax_summary"]["base_amount"]) / total if total else Decimal(1)
    for original in invoice["periods"]:
        order = original["period_order"]
        if order not in wanted:
            continue
        incl = -wanted[order]
        excl = incl * share
        line = {
            "id": f"{new['id']}-l{order}",
            "line_order": 1,
            "description": f"Credit of period {order}",
            "pricing_item_id": None,
            "pricing_item_config_id": None,
            "type": "CREDIT",
            "pricing_type": None,
            "commitment_type": None,
            "discount_type": None,
            "tax_categories": [],
            "amount_excluding_tax": amount(excl, currency),
            "amount_including_tax": amount(incl, currency),
        }
        new["periods"].append(
            {
                "period_order": order,
                "billing_period": original.get("billing_period"),
                "start_at": original.get("start_at"),
                "end_at": original.get("end_at"),
                "tax_categories": [],
                "groups": [{"group_order": 0, "description": "Credit", "type": "CREDIT", "lines": [line]}],
            }
        )
    totals(new)
    new["credit"] = {
        "original_invoice_id": invoice["id"],
        "original_invoice_info": {"id": invoice["id"], "invoice_number": invoice["invoice_number"]},
        "note": body.get("note"),
        "credit_details_source": body.get("credit_details_source") or "CURRENT",
    }
    if new["type"] == "ONE_OFF_CREDIT":
        new["linked_invoices_ids"] = [invoice["id"]]
    new["linked_invoices"] = [_link(invoice, LINK_ON_CREDIT, body.get("note"))]
    invoice["linked_invoices"] = [*(invoice["linked_invoices"] or []), _link(new, LINK_ON_ORIGINAL, body.get("note"))]
    new["updated_at"] = stamp
    platform.invoices[new["id"]] = new
    return new


def _link(other: Invoice, kind: str, note: str | None) -> dict[str, Any]:
    return {
        "id": other["id"],
        "link_type": kind,
        "note": note,
        "invoice_number": other["invoice_number"],
        "amount": copy.deepcopy(other["invoice_amount_including_tax"]),
        "invoice_date": other["invoice_date"],
    }


def refund(platform: Platform, invoice: Invoice, clock: Clock) -> Invoice:
    if invoice["type"] not in ("CREDIT", "ONE_OFF_CREDIT") or not invoice["credit"]:
        raise RuleError("INVALID_OPERATION", f"only credit invoices can be refunded, this one is {invoice['type']}")
    original = platform.invoices.get(invoice["credit"]["original_invoice_id"])
    if original is None or original["payment_status"] != "PAID":
        raise RuleError("INVALID_OPERATION", "the original invoice has no payment to refund through")
    if any(a["type"] == REFUND_ACTION for a in invoice["payment_actions"] or []):
        raise RuleError("INVALID_OPERATION", "this credit invoice was refunded already")
    stamp = clock.tick()
    acceptor = original["payment_acceptor_ids"][0] if original["payment_acceptor_ids"] else ""
    action = {
        "payment_acceptor_id": acceptor,
        "payment_acceptor": {"id": acceptor, "type": "BANK_ACCOUNT"},
        "type": REFUND_ACTION,
        "bank_account": None,
        "payment_gateway": None,
        "custom_redirect": None,
    }
    invoice["payment_actions"] = [*(invoice["payment_actions"] or []), action]
    original["payment_actions"] = [*(original["payment_actions"] or []), copy.deepcopy(action)]
    invoice["paid"], invoice["payment_status"] = True, "PAID"
    totals(invoice)
    invoice["updated_at"] = original["updated_at"] = stamp
    return invoice


def refresh(platform: Platform, invoice: Invoice, body: dict[str, Any], clock: Clock) -> Invoice:
    if invoice["status"] == "FINAL":
        raise RuleError("INVALID_OPERATION", "a FINAL invoice is not refreshed")
    parts = set(body.get("types") or [])
    if body.get("type"):
        parts.add(body["type"])
    if not parts or "FULL" in parts:
        parts = set(REFRESH_PARTS)
    customer = platform.customers.get(invoice["customer_id"] or "")
    if customer is not None and "CUSTOMER" in parts:
        invoice["customer"] = copy.deepcopy(customer)
        invoice["customer_reference"] = customer["reference"]
    if customer is not None and "CUSTOM_FIELD" in parts:
        invoice["custom_fields"] = copy.deepcopy(customer["custom_fields"])
    if customer is not None and "PO_NUMBER" in parts:
        invoice["purchase_order_number"] = f"PO/{customer['reference']}"
    if "BILLING_ENTITY" in parts:
        invoice["billing_entity"] = copy.deepcopy(platform.billing_entity)
    if "PAYMENT_ACCEPTOR" in parts:
        invoice["payment_acceptor_ids"] = list(platform.payment_acceptor_ids)
    if "TAX_RATES" in parts and invoice["type"] in ("STANDARD", "ONE_OFF"):
        totals(invoice, platform.tax_rate)
    invoice["updated_at"] = clock.tick()
    return invoice
