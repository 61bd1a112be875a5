"""Solvimon state: platforms, customers and invoices, seeded deterministically, and money helpers."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_DOWN, Decimal
from typing import Any

Invoice = dict[str, Any]

OFFSET = timezone(timedelta(hours=1))  # every timestamp is written with +01:00
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PREFIX = "01JH7"
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """Two decimals, ties rounded half down (the contract names no rounding mode)."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_DOWN))


def amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"quantity": money(value), "currency": currency}


def dec(value: dict[str, Any] | None) -> Decimal:
    return Decimal(value["quantity"]) if value else Decimal(0)


def ulid(number: int) -> str:
    """A 26-character Crockford base-32 id (ULID alphabet) made from a counter."""
    digits = []
    for _ in range(21):
        number, rest = divmod(number, 32)
        digits.append(CROCKFORD[rest])
    return ID_PREFIX + "".join(reversed(digits))


class Clock:
    """Logical time: starts at a fixed instant and moves 90 seconds per write."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 8, 30, tzinfo=OFFSET)

    def tick(self) -> str:
        self.now += timedelta(seconds=90)
        return self.now.isoformat()


@dataclass
class Platform:
    id: str
    currency: str
    tax_rate: Decimal  # current rate, percent
    country: str
    customers: dict[str, dict[str, Any]]
    billing_entity: dict[str, Any]
    payment_acceptor_ids: list[str]
    invoices: dict[str, Invoice] = field(default_factory=dict)


def _address(n: int, country: str) -> dict[str, Any]:
    return {
        "line1": f"Keizersgracht {100 + n}",
        "line2": None,
        "city": "Utrecht",
        "postal_code": f"35{n:02d} AB",
        "state": None,
        "country": country,
    }


def _customer(platform: str, n: int, country: str, email: str) -> dict[str, Any]:
    return {
        "object_type": "CUSTOMER",
        "id": f"{platform}-cus-{n:03d}",
        "created_at": "2025-11-03T09:15:00+01:00",
        "parent_customer_id": None,
        "parent_customer_ids": None,
        "reference": f"customer-{n:03d}",
        "status": "ACTIVE",
        "timezone": "Europe/Amsterdam",
        "type": "ORGANIZATION" if n % 3 else "INDIVIDUAL",
        "email": email,
        "locale": "nl-NL",
        "individual": None
        if n % 3
        else {"first_name": "Sam", "last_name": f"Jansen{n}", "address": _address(n, country)},
        "organization": {"legal_name": f"Bedrijf {n} B.V.", "address": _address(n, country)} if n % 3 else None,
        "custom_fields": [
            {
                "id": f"cf-{n}",
                "reference": "cost_centre",
                "value": f"KP-{n * 7}",
                "values": None,
                "integration_details": None,
                "integration_id": None,
            }
        ],
        "processing_only": False,
    }


def _lines(seed: int, currency: str, rate: Decimal, kind: str) -> list[dict[str, Any]]:
    periods = []
    for p in range(1 + seed % 2):
        groups = []
        for g in range(1 + (seed + p) % 2):
            lines = []
            for line in range(1 + (seed + g) % 3):
                excl = Decimal((seed * 37 + p * 11 + g * 5 + line * 3) % 180 + 20) + Decimal("0.45")
                incl = excl * (1 + rate / 100)
                lines.append(
                    {
                        "id": f"ln-{seed}-{p}-{g}-{line}",
                        "line_order": line + 1,
                        "description": f"Usage block {line + 1}",
                        "pricing_item_id": None,
                        "pricing_item_config_id": None,
                        "type": kind,
                        "pricing_type": "FLAT",
                        "commitment_type": None,
                        "discount_type": None,
                        "tax_categories": [],
                        "amount_excluding_tax": amount(excl, currency),
                        "amount_including_tax": amount(incl, currency),
                    }
                )
            groups.append(
                {
                    "group_order": g,
                    "billing_period": None,
                    "start_at": None,
                    "end_at": None,
                    "type": "SUBSCRIPTION",
                    "description": f"Bundle {g + 1}",
                    "pricing_plan_subscription_id": None,
                    "pricing_plan_schedule_id": None,
                    "billing_customer_id": None,
                    "forwarded_from_customer_id": None,
                    "tax_categories": [],
                    "lines": lines,
                }
            )
        start = datetime(2025, 11 + p, 1, tzinfo=OFFSET)
        periods.append(
            {
                "period_order": p,
                "billing_period": {"type": "MONTH", "value": 1},
                "start_at": start.isoformat(),
                "end_at": (start + timedelta(days=30)).isoformat(),
                "tax_categories": [],
                "groups": groups,
            }
        )
    return periods


def totals(invoice: Invoice, rate: Decimal | None = None) -> None:
    """Sum lines into groups, periods and the invoice (recomputing tax at ``rate`` when given)."""
    currency = invoice["billing_currency"]
    total_excl = total_incl = Decimal(0)
    for period in invoice["periods"]:
        p_excl = p_incl = Decimal(0)
        for group in period["groups"] or []:
            g_excl = g_incl = Decimal(0)
            for line in group["lines"] or []:
                if rate is not None:
                    excl = dec(line["amount_excluding_tax"])
                    line["amount_including_tax"] = amount(excl * (1 + rate / 100), currency)
                g_excl += dec(line["amount_excluding_tax"])
                g_incl += dec(line["amount_including_tax"])
            group["amount_excluding_tax"], group["amount_including_tax"] = (
                amount(g_excl, currency),
                amount(g_incl, currency),
            )
            p_excl, p_incl = p_excl + g_excl, p_incl + g_incl
        period["amount_excluding_tax"], period["amount_including_tax"] = (
            amount(p_excl, currency),
            amount(p_incl, currency),
        )
        total_excl, total_incl = total_excl + p_excl, total_incl + p_incl
    invoice["invoice_amount_including_tax"] = amount(total_incl, currency)
    invoice["tax_summary"] = {
        "base_amount": amount(total_excl, currency),
        "tax_amount": amount(total_incl - total_excl, currency),
        "total_amount": amount(total_incl, currency),
        "local_amounts": None,
        "notes": None,
        "country_code": invoice["billing_entity"]["registered_address"]["country"],
    }
    paid = bool(invoice["paid"])
    invoice["open_invoice_amount"] = amount(Decimal(0) if paid else total_incl, currency)
    invoice["closed_invoice_amount"] = amount(total_incl if paid else Decimal(0), currency)
    invoice["paid_invoice_amount"] = amount(total_incl if paid else Decimal(0), currency)


def blank_invoice(
    platform: Platform, invoice_id: str, number: str, kind: str, status: str, stamp: datetime, customer: dict[str, Any]
) -> Invoice:
    """Every field of the contract's Invoice, with empty values where nothing applies."""
    when = stamp.isoformat()
    return {
        "object_type": "INVOICE",
        "id": invoice_id,
        "invoice_number": number,
        "purchase_order_number": f"PO/{customer['reference']}",
        "platform_id": platform.id,
        "customer_id": customer["id"],
        "customer_reference": customer["reference"],
        "sales_tax_percentage": None,
        "customer": copy.deepcopy(customer),
        "billing_entity_id": platform.billing_entity["id"],
        "billing_entity": copy.deepcopy(platform.billing_entity),
        "status": status,
        "on_hold": False,
        "type": kind,
        "created_at": when,
        "updated_at": when,
        "invoice_date": when,
        "delivery_date": None,
        "due_date": (stamp + timedelta(days=30)).isoformat(),
        "billing_period_date": when,
        "billing_currency": platform.currency,
        "invoice_amount_including_tax": None,
        "open_invoice_amount": None,
        "closed_invoice_amount": None,
        "paid_invoice_amount": None,
        "timezone": "Europe/Amsterdam",
        "billing_period": {"type": "MONTH", "value": 1},
        "pricing_plan_subscription_ids": [],
        "pricing_amount_type": "EXCLUDING_TAX",
        "periods": [],
        "closed_periods": [],
        "tax_categories": [],
        "tax_summary": None,
        "dunning_actions": [],
        "payment_acceptor_ids": list(platform.payment_acceptor_ids),
        "payment_actions": [],
        "pay_invoice_link": None,
        "notes": [],
        "linked_invoices": [],
        "custom_fields": copy.deepcopy(customer["custom_fields"]),
        "other_custom_fields": [],
        "credit": None,
        "e_invoices": [],
        "used_exchange_rates": [],
        "processing_only_customers": [],
        "meter_values": [],
        "credit_types": [],
        "display_invoice_sub_lines_per_processing_only_customer": False,
        "forwarded_from_customers": [],
        "validation_result": [],
        "reprocess": {"to_be_reprocessed_at": None, "reprocess_status": "NOT_REQUIRED", "reprocess_id": ""},
        "used_tax_registration": None,
        "footnote": None,
        "approval_status": None,
        "updated_to_final_at": when if status == "FINAL" else None,
        "has_usage_based_pricing": True,
        "coupons": [],
        "promotion_codes": [],
        "linked_integrations": [],
        "billing_type": "DEFAULT",
        "payment_status": "UNPAID",
        "paid": False,
        "auto_rescues": [],
        "linked_invoices_ids": [],
        "to_be_reprocessed": False,
        "to_be_reprocessed_at": None,
    }


def seed() -> dict[str, Platform]:
    platforms: dict[str, Platform] = {}
    for index, (pid, currency, country, count) in enumerate(
        (("plt_1001", "EUR", "NL", 64), ("plt_2002", "GBP", "GB", 9))
    ):
        customers = {}
        for n in range(1, 6):
            c = _customer(pid, n, country, f"billing{n}@{pid}.example")
            customers[c["id"]] = c
        entity = {
            "object_type": "BILLING_ENTITY",
            "id": f"{pid}-be",
            "created_at": "2025-10-01T12:00:00+01:00",
            "reference": f"entity-{pid}",
            "status": "ACTIVE",
            "timezone": "Europe/Amsterdam",
            "legal_name": f"Solv Alt {pid} B.V.",
            "tax_id": f"NL00{index}B01",
            "tax_ids": [],
            "registration_number": f"8800{index}",
            "registered_address": _address(90 + index, country),
            "email": f"finance@{pid}.example",
            "tax_registrations": [],
        }
        platform = Platform(
            pid, currency, Decimal(20), country, customers, entity, [f"{pid}-pa-sepa", f"{pid}-pa-card"]
        )
        platforms[pid] = platform
        base = datetime(2025, 12, 1, 7, 0, tzinfo=OFFSET)
        for n in range(count):
            number = 1000 * (index + 1) + n
            seq = 5000 * (index + 1) + n * 17
            status = "DRAFT" if n % 8 == 6 else "OPEN" if n % 8 == 7 else "FINAL"
            kind = "ONE_OFF" if n % 4 == 3 else "STANDARD"
            customer = customers[f"{pid}-cus-{n % 5 + 1:03d}"]
            stamp = base + timedelta(hours=7 * n, minutes=n % 13)
            inv = blank_invoice(
                platform, ulid(seq), f"{'OO' if kind == 'ONE_OFF' else 'SI'}-{number}", kind, status, stamp, customer
            )
            inv["periods"] = _lines(n + index, currency, Decimal(18 if status != "FINAL" else 20), "USAGE")
            if n % 5 == 2:
                inv["pricing_amount_type"] = "INCLUDING_TAX"
            if status != "FINAL":
                inv["customer"]["email"] = "previous-address@stale.example"
                inv["purchase_order_number"] = None
                inv["on_hold"] = n % 16 == 7
            elif n % 3 != 1:
                inv["paid"], inv["payment_status"] = True, "PAID"
            totals(inv)
            platform.invoices[inv["id"]] = inv
    return platforms
