"""Keyline's documented derivations and what every reversal must be: each formula stated once,
next to the statement it rests on. The generic invariants apply them to every customer and
reversal invoice the run sees, after every write that changes their lines, and to every
reversal the run makes; the scenarios use the same functions.

Amounts are integer cents except a tax's, which may have fractions (the contract says so).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from .base import ActionCheck, Derivation

__all__ = ["ACTIONS", "DERIVATIONS", "LINE_COPIED", "LINE_MONEY", "NEGATED", "REVERSE_RULES", "reversal_problems"]

RULES = "#/info/description"
NEGATED = f"{RULES} § Reversing creates a negated copy of the customer invoice"
REVERSE_RULES = "#/paths/~1accounting~1customer_invoices~1{id}~1reversal_invoice/post/description"
ONE_PER_RATE = "#/components/schemas/InvoiceFields/properties/taxes/description § One entry per tax rate"
TOTALS = "#/components/schemas/InvoiceFields/properties/net_total"
READS = ("getCustomerInvoice", "getReversalInvoice")

# A negated copy may negate a line's unit price or its quantity (the contract does not say which),
# so the unit price is compared as price x quantity; every total of the line is negated.
LINE_MONEY = ("net_total", "gross_total", "discounted_net_total")
LINE_COPIED = ("description", "unit", "tax_rate", "discount")
# What a copy copies: every field of the customer invoice but its identity, its stamps, its
# document number and its sent/paid/billed states (a reversal is a new document) and the amounts
# (negated, below).
COPIED = (
    "customer_id",
    "business_unit_id",
    "order_id",
    "address",
    "contact",
    "custom_references",
    "custom_text",
    "due_at",
    "services_performed_at",
)


def _cents(money: Any) -> Decimal:
    return Decimal(str((money or {}).get("cent_amount", 0)))


def one_tax_per_rate(invoice: dict[str, Any]) -> list[str]:
    """Taxes: one entry per tax rate of the lines, none twice, none for a rate no line has."""
    lines = invoice.get("line_items") or []
    taxes = invoice.get("taxes") or []
    rates = Counter(Decimal(str(tax.get("rate"))) for tax in taxes)
    line_rates = {Decimal(str(line.get("tax_rate"))) for line in lines if _cents(line.get("discounted_net_total"))}
    problems = [f"tax rate {rate} has {count} entries" for rate, count in rates.items() if count > 1]
    problems += [f"no tax entry for the lines' rate {rate}" for rate in sorted(line_rates - set(rates))]
    known = {Decimal(str(line.get("tax_rate"))) for line in lines}
    problems += [f"a tax entry for rate {rate}, which no line has" for rate in sorted(set(rates) - known)]
    return problems


def totals_from_lines(invoice: dict[str, Any]) -> list[str]:
    """Each line: net_total = net x qty, discounted_net_total = net_total x (1 - discount),
    gross_total = discounted_net_total x (1 + tax_rate), each to the cent; the invoice: net_total
    and gross_total the sums of its lines' discounted net and gross totals, each tax the sum of
    its lines' discounted net x rate."""
    if "line_items" not in invoice:
        return []
    problems = []
    by_rate: dict[Decimal, Decimal] = {}
    for index, line in enumerate(invoice["line_items"]):
        qty, rate = Decimal(str(line.get("qty", 0))), Decimal(str(line.get("tax_rate", 0)))
        net, discounted = _cents(line.get("net_total")), _cents(line.get("discounted_net_total"))
        # Each step from the previous one as the line shows it (rounded or not before the next
        # step, both are read): a cent of slack where a rounded amount is multiplied on.
        for key, value, wanted, slack in (
            ("net_total", net, _cents(line.get("net")) * qty, Decimal("0.5")),
            ("discounted_net_total", discounted, net * (1 - Decimal(str(line.get("discount", 0)))), Decimal(1)),
            ("gross_total", _cents(line.get("gross_total")), discounted * (1 + rate), Decimal(1)),
        ):
            if abs(value - wanted) > slack:
                problems.append(f"line {index} {key} is {value} cents, not {wanted:.2f}")
        by_rate[rate] = by_rate.get(rate, Decimal(0)) + _cents(line.get("discounted_net_total")) * rate
    lines = invoice["line_items"]
    for key, part in (("net_total", "discounted_net_total"), ("gross_total", "gross_total")):
        total = sum((_cents(line.get(part)) for line in lines), Decimal(0))
        if _cents(invoice.get(key)) != total:
            problems.append(f"{key} is {_cents(invoice.get(key))} cents, its lines' {part}s sum to {total}")
    for tax in invoice.get("taxes") or []:
        wanted = by_rate.get(Decimal(str(tax.get("rate"))), Decimal(0))
        if abs(_cents(tax) - wanted) > Decimal("0.01"):
            problems.append(f"the tax at rate {tax.get('rate')} is {_cents(tax)} cents, not {wanted}")
    return problems


def reversal_problems(invoice: dict[str, Any], reversal: dict[str, Any]) -> list[str]:
    """A reversal of ``invoice``: billed, naming it, a copy of every copied field, every amount negated."""
    problems = []
    if reversal.get("reversed_invoice_id") != invoice.get("id"):
        problems.append(f"reversed_invoice_id is {reversal.get('reversed_invoice_id')}, not {invoice.get('id')}")
    if not reversal.get("billed_at"):
        problems.append("the reversal invoice is not billed on creation")
    problems += [
        f"{key} is not copied: {invoice.get(key)!r:.80} → {reversal.get(key)!r:.80}"
        for key in COPIED
        if key in invoice and reversal.get(key) != invoice.get(key)
    ]
    for total in ("net_total", "gross_total"):
        if _cents(reversal.get(total)) != -_cents(invoice.get(total)):
            problems.append(f"{total} is not negated: {invoice.get(total)} → {reversal.get(total)}")
    lines, negated_lines = invoice.get("line_items") or [], reversal.get("line_items") or []
    if len(lines) != len(negated_lines):
        problems.append(f"the reversal has {len(negated_lines)} line(s), the invoice {len(lines)}")
    for index, (line, negated) in enumerate(zip(lines, negated_lines, strict=False)):
        problems += [
            f"line {index} {key} is not negated: {line.get(key)} → {negated.get(key)}"
            for key in LINE_MONEY
            if _cents(negated.get(key)) != -_cents(line.get(key))
        ]
        price = _cents(line.get("net")) * Decimal(str(line.get("qty")))
        negated_price = _cents(negated.get("net")) * Decimal(str(negated.get("qty")))
        if negated_price != -price or abs(Decimal(str(negated.get("qty")))) != abs(Decimal(str(line.get("qty")))):
            problems.append(
                f"line {index} is not negated: {line.get('qty')} x {line.get('net')}"
                f" → {negated.get('qty')} x {negated.get('net')}"
            )
        problems += [
            f"line {index} {key} is not copied: {line.get(key)!r} → {negated.get(key)!r}"
            for key in LINE_COPIED
            if negated.get(key) != line.get(key)
        ]
    taxes = {Decimal(str(t["rate"])): Decimal(str(t["cent_amount"])) for t in invoice.get("taxes") or []}
    negated_taxes = {Decimal(str(t["rate"])): Decimal(str(t["cent_amount"])) for t in reversal.get("taxes") or []}
    if negated_taxes != {rate: -amount for rate, amount in taxes.items()}:
        problems.append(f"taxes are not negated: {invoice.get('taxes')} → {reversal.get('taxes')}")
    return problems


DERIVATIONS = [
    Derivation("the taxes hold one entry per tax rate of the lines", ONE_PER_RATE, READS, one_tax_per_rate),
    Derivation("the totals and taxes follow from the lines", TOTALS, READS, totals_from_lines, inferred=True),
]
ACTIONS = [
    ActionCheck(
        "createReversalInvoice",
        "a negated copy of the customer invoice, billed, naming it",
        NEGATED,
        reversal_problems,
    )
]
