"""Solvimon state of the reference server: credentials, platforms and the seeded invoices.

Invoices are kept as the JSON objects the API returns (every amount a decimal string), plus the
few facts the rules need that the contract does not expose (which invoice a credit was refunded
through). Seeding is deterministic; ids are UUIDs.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from .common import Clock

__all__ = ["CREDENTIALS", "Caller", "SolvimonStore", "amount", "money"]

ALL_PERMISSIONS = frozenset({"INVOICE.VIEW", "INVOICE.CREDIT.CREATE", "INVOICE.REFUND", "INVOICE.REFRESH"})
NORTH, SOUTH = "platform-north", "platform-south"
VAT = Decimal("0.21")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Caller:
    """Who a credential is: the permissions it holds and the platforms it may act on (first = default)."""

    name: str
    permissions: frozenset[str]
    platforms: tuple[str, ...]


# Keyed by (scheme, secret); the same caller may have an API key and a bearer token.
CREDENTIALS: dict[tuple[str, str], Caller] = {
    ("key", "ref-solv-full"): Caller("full", ALL_PERMISSIONS, (NORTH, SOUTH)),
    ("bearer", "ref-solv-jwt"): Caller("full", ALL_PERMISSIONS, (NORTH, SOUTH)),
    ("key", "ref-solv-viewer"): Caller("viewer", frozenset({"INVOICE.VIEW"}), (NORTH,)),
    ("key", "ref-solv-south"): Caller("south", ALL_PERMISSIONS, (SOUTH,)),
}


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"quantity": money(value), "currency": currency}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_periods(rng: random.Random, currency: str, start: datetime, count: int) -> list[dict[str, Any]]:
    """Periods numbered from 1, each with one or two groups of one to three lines (orders from 1)."""
    periods = []
    for period_order in range(1, count + 1):
        groups = []
        for group_order in range(1, rng.randint(1, 2) + 1):
            lines = []
            for line_order in range(1, rng.randint(1, 3) + 1):
                excluding = Decimal(rng.randint(500, 40000)) / 100
                lines.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "line_order": line_order,
                        "description": f"Usage block {period_order}.{group_order}.{line_order}",
                        "type": "USAGE",
                        "tax_categories": [],
                        "amount_excluding_tax": amount(excluding, currency),
                        "amount_including_tax": amount(excluding * (1 + VAT), currency),
                    }
                )
            groups.append(
                {
                    "group_order": group_order,
                    "amount_excluding_tax": amount(_sum(lines, "amount_excluding_tax"), currency),
                    "amount_including_tax": amount(_sum(lines, "amount_including_tax"), currency),
                    "description": f"Plan component {group_order}",
                    "lines": lines,
                }
            )
        begin = start + timedelta(days=30 * (period_order - 1))
        periods.append(
            {
                "period_order": period_order,
                "amount_excluding_tax": amount(_sum(groups, "amount_excluding_tax"), currency),
                "amount_including_tax": amount(_sum(groups, "amount_including_tax"), currency),
                "billing_period": {"type": "MONTH", "value": 1},
                "start_at": _stamp(begin),
                "end_at": _stamp(begin + timedelta(days=30)),
                "tax_categories": [],
                "groups": groups,
            }
        )
    return periods


def _sum(parts: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(part[key]["quantity"]) for part in parts), Decimal(0))


def build_invoice(
    *,
    invoice_id: str,
    number: str,
    platform: str,
    customer: str,
    status: str,
    kind: str,
    currency: str,
    periods: list[dict[str, Any]],
    created: datetime,
    paid: bool,
) -> dict[str, Any]:
    total = _sum(periods, "amount_including_tax")
    excluding = _sum(periods, "amount_excluding_tax")
    paid_amount = total if paid else Decimal(0)
    return {
        "object_type": "INVOICE",
        "id": invoice_id,
        "invoice_number": number,
        "purchase_order_number": None,
        "platform_id": platform,
        "customer_id": customer,
        "customer_reference": None,
        "sales_tax_percentage": None,
        "customer": {
            "object_type": "CUSTOMER",
            "id": customer,
            "reference": f"ref-{customer}",
            "status": "ACTIVE",
            "type": "ORGANIZATION",
            "email": f"billing@{customer}.example",
            "locale": "nl-NL",
            "organization": {"legal_name": f"Customer {customer} B.V.", "address": {"country": "NL"}},
        },
        "billing_entity_id": f"be-{platform}",
        "billing_entity": {"object_type": "BILLING_ENTITY", "id": f"be-{platform}", "legal_name": "Reference Ltd"},
        "status": status,
        "on_hold": False,
        "type": kind,
        "created_at": _stamp(created),
        "updated_at": _stamp(created),
        "invoice_date": _stamp(created),
        "delivery_date": None,
        "due_date": _stamp(created + timedelta(days=14)),
        "billing_currency": currency,
        "invoice_amount_including_tax": amount(total, currency),
        "open_invoice_amount": amount(total - paid_amount, currency),
        "closed_invoice_amount": amount(paid_amount, currency),
        "paid_invoice_amount": amount(paid_amount, currency),
        "timezone": "Europe/Amsterdam",
        "billing_period": {"type": "MONTH", "value": 1},
        "pricing_plan_subscription_ids": [f"pps-{customer}"],
        "pricing_amount_type": "EXCLUDING_TAX",
        "periods": periods,
        "tax_summary": {
            "base_amount": amount(excluding, currency),
            "tax_amount": amount(total - excluding, currency),
            "total_amount": amount(total, currency),
            "country_code": "NL",
        },
        "payment_actions": [],
        "notes": [],
        "linked_invoices": [],
        "credit": None,
        "payment_status": "PAID" if paid else "UNPAID",
        "paid": paid,
    }


@dataclass
class SolvimonStore:
    """Every invoice by id, the refunds made, and the Idempotency-Key answers kept."""

    clock: Clock = field(default_factory=Clock)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunded: set[str] = field(default_factory=set)
    # (platform, key) -> (request fingerprint, status, body)
    replays: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    numbers: int = 7000

    def next_number(self, prefix: str) -> str:
        self.numbers += 3
        return f"{prefix}-{self.numbers}"

    @classmethod
    def seeded(cls, seed: int = 29) -> SolvimonStore:
        store = cls()
        rng = random.Random(seed)
        start = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
        plan = [(NORTH, "FINAL", "STANDARD")] * 60 + [(NORTH, "FINAL", "ONE_OFF")] * 24
        plan += [(NORTH, "DRAFT", "STANDARD")] * 10 + [(NORTH, "OPEN", "STANDARD")] * 5
        plan += [(SOUTH, "FINAL", "STANDARD")] * 4 + [(SOUTH, "DRAFT", "STANDARD")] * 2
        for index, (platform, status, kind) in enumerate(plan):
            currency = rng.choice(["EUR", "EUR", "USD", "GBP"])
            created = start + timedelta(hours=37 * index)
            invoice = build_invoice(
                invoice_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                number=store.next_number("INV"),
                platform=platform,
                customer=f"cust-{rng.randint(100, 140)}",
                status=status,
                kind=kind,
                currency=currency,
                periods=build_periods(rng, currency, created, rng.randint(1, 3)),
                created=created,
                paid=status == "FINAL" and index % 3 != 1,
            )
            store.invoices[invoice["id"]] = invoice
        return store
