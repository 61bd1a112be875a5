"""Solvimon invoice rules: list, get, credit, refund and refresh, per platform.

Platforms are the tenants (``x-platform-id``). Amounts are decimal strings computed with
``Decimal``. Stored invoices are exactly the contract's ``Invoice`` objects; the platform's
current customers, billing entity and settings (what ``/refresh`` re-reads) live in their own
collections. Provenance of each rule is in ``openapi/solvimon.yaml``.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from ..errors import ErrorKind, MockError, RenderedError
from ..rules import ApiRules, Call, Handlers, Reply, SeedContext
from ..state.identity import IdentityCache
from ..state.store import Transaction

__all__ = ["RULES"]

API = "solvimon"
INVOICES = "invoices"
CUSTOMERS = "customers"
SETTINGS = "settings"
CENT = Decimal("0.01")
CREDITABLE = {"STANDARD": "CREDIT", "ONE_OFF": "ONE_OFF_CREDIT"}
CREDIT_TYPES = frozenset(CREDITABLE.values())
REFRESH_PARTS = ("CUSTOMER", "CUSTOM_FIELD", "BILLING_ENTITY", "PAYMENT_ACCEPTOR", "PO_NUMBER", "TAX_RATES")

handlers = Handlers()

_ERROR_CODES: dict[ErrorKind, tuple[str, str]] = {
    ErrorKind.VALIDATION: ("INVALID_REQUEST", "INVALID_FIELD"),
    ErrorKind.MISSING_PARAMETER: ("INVALID_REQUEST", "MISSING_FIELD"),
    ErrorKind.UNAUTHORIZED: ("API_ERROR", "UNAUTHORISED"),
    ErrorKind.FORBIDDEN: ("API_ERROR", "USER_NOT_ALLOWED"),
    ErrorKind.NOT_FOUND: ("API_ERROR", "RESOURCE_NOT_FOUND"),
    ErrorKind.METHOD_NOT_ALLOWED: ("INVALID_REQUEST", "BAD_REQUEST"),
    ErrorKind.UNSUPPORTED_MEDIA_TYPE: ("INVALID_REQUEST", "UNSUPPORTED_MEDIA_TYPE"),
    ErrorKind.NOT_ACCEPTABLE: ("INVALID_REQUEST", "BAD_REQUEST"),
    ErrorKind.CONFLICT: ("INVALID_REQUEST", "IDEMPOTENCY_CHECK_FAILED"),
    ErrorKind.INVALID_OPERATION: ("INVALID_REQUEST", "INVALID_OPERATION"),
    ErrorKind.UNSUPPORTED_VERSION: ("INVALID_REQUEST", "UNSUPPORTED_VERSION"),
    ErrorKind.PAYLOAD_TOO_LARGE: ("INVALID_REQUEST", "BAD_REQUEST"),
    ErrorKind.INTERNAL: ("API_ERROR", "INTERNAL_ERROR"),
}


def render_error(error: MockError) -> RenderedError:
    """Solvimon's ``ApiError``. 415 becomes 400 ``UNSUPPORTED_MEDIA_TYPE``: the contract documents 400 only."""
    error_type, code = _ERROR_CODES[error.kind]
    status = 400 if error.status == 415 else error.status
    body: dict[str, Any] = {
        "type": error_type,
        "code": error.code or code,
        "message": error.message,
        "field": error.field,
        "resource_id": error.extra.get("resource_id"),
        "resource_type": error.extra.get("resource_type"),
    }
    return RenderedError(status, body)


def _invalid(
    message: str, *, invoice_id: str | None = None, field: str | None = None, code: str | None = None
) -> MockError:
    extra = {"resource_id": invoice_id, "resource_type": "INVOICE"} if invoice_id else {}
    return MockError(400, message, kind=ErrorKind.INVALID_OPERATION, code=code, field=field, extra=extra)


# --- money --------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"quantity": _money(value), "currency": currency}


def _qty(amount: Mapping[str, Any] | None) -> Decimal:
    return Decimal(str(amount["quantity"])) if amount else Decimal(0)


@functools.lru_cache(maxsize=256)
def _timestamp(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ``. A credit formats the same few moments eleven times, hence the cache."""
    return moment.isoformat(timespec="seconds")[:19] + "Z"


# --- building invoices ---------------------------------------------------------------------


def _period(order: int, lines: list[Decimal], rate: Decimal, currency: str, start: datetime) -> dict[str, Any]:
    factor = 1 + rate / 100
    invoice_lines = [
        {
            "id": f"line_{order}_{index}",
            "line_order": index,
            "description": f"Line {index + 1}",
            "pricing_item_id": None,
            "pricing_item_config_id": None,
            "type": "PRICING",
            "pricing_type": None,
            "commitment_type": None,
            "discount_type": None,
            "tax_categories": None,
            "amount_excluding_tax": _amount(net, currency),
            "amount_including_tax": _amount(net * factor, currency),
        }
        for index, net in enumerate(lines)
    ]
    net_total = sum(lines, Decimal(0))
    end = start + timedelta(days=30)
    group = {
        "group_order": 0,
        "amount_excluding_tax": _amount(net_total, currency),
        "amount_including_tax": _amount(net_total * factor, currency),
        "billing_period": {"type": "MONTH", "value": 1},
        "start_at": _timestamp(start),
        "end_at": _timestamp(end),
        "type": "PRICING_PLAN",
        "description": "Subscription",
        "pricing_plan_subscription_id": None,
        "pricing_plan_schedule_id": None,
        "billing_customer_id": None,
        "forwarded_from_customer_id": None,
        "tax_categories": None,
        "lines": invoice_lines,
    }
    return {
        "period_order": order,
        "amount_excluding_tax": _amount(net_total, currency),
        "amount_including_tax": _amount(net_total * factor, currency),
        "billing_period": {"type": "MONTH", "value": 1},
        "start_at": _timestamp(start),
        "end_at": _timestamp(end),
        "tax_categories": [],
        "groups": [group],
    }


def _tax_summary(net: Decimal, rate: Decimal, currency: str, country: str) -> dict[str, Any]:
    tax = net * rate / 100
    return {
        "base_amount": _amount(net, currency),
        "tax_amount": _amount(tax, currency),
        "total_amount": _amount(net + tax, currency),
        "local_amounts": None,
        "notes": None,
        "country_code": country,
    }


def _net_total(invoice: Mapping[str, Any]) -> Decimal:
    summary = invoice.get("tax_summary") or {}
    return _qty(summary.get("base_amount"))


def _total(invoice: Mapping[str, Any]) -> Decimal:
    return _qty(invoice.get("invoice_amount_including_tax"))


def _new_invoice(
    *,
    invoice_id: str,
    number: str,
    platform: str,
    settings: Mapping[str, Any],
    customer: Mapping[str, Any],
    kind: str,
    status: str,
    on_hold: bool,
    periods: list[dict[str, Any]],
    net: Decimal,
    paid_amount: Decimal,
    created: datetime,
    notes: list[str] | None,
) -> dict[str, Any]:
    currency = str(settings["currency"])
    rate = Decimal(str(settings["tax_rate"]))
    total = net * (1 + rate / 100)
    payment_status = _payment_status(paid_amount, total)
    final = status == "FINAL"
    return {
        "object_type": "INVOICE",
        "id": invoice_id,
        "invoice_number": number,
        "purchase_order_number": customer.get("po_number"),
        "platform_id": platform,
        "customer_id": customer["id"],
        "customer_reference": customer["reference"],
        "sales_tax_percentage": None,
        "customer": _public_customer(customer),
        "billing_entity_id": settings["billing_entity"]["id"],
        "billing_entity": settings["billing_entity"],
        "status": status,
        "on_hold": on_hold,
        "type": kind,
        "created_at": _timestamp(created),
        "updated_at": _timestamp(created),
        "invoice_date": _timestamp(created),
        "delivery_date": None,
        "due_date": _timestamp(created + timedelta(days=14)),
        "billing_period_date": _timestamp(created),
        "billing_currency": currency,
        "invoice_amount_including_tax": _amount(total, currency),
        "open_invoice_amount": _amount(total - paid_amount, currency),
        "closed_invoice_amount": _amount(paid_amount, currency),
        "paid_invoice_amount": _amount(paid_amount, currency),
        "timezone": "Europe/Amsterdam",
        "billing_period": {"type": "MONTH", "value": 1},
        "pricing_plan_subscription_ids": [],
        "pricing_amount_type": "EXCLUDING_TAX",
        "periods": periods,
        "closed_periods": None,
        "tax_categories": None,
        "tax_summary": _tax_summary(
            net, rate, currency, str(settings["billing_entity"]["registered_address"]["country"])
        ),
        "dunning_actions": None,
        "payment_acceptor_ids": list(settings["payment_acceptor_ids"]),
        "payment_actions": None,
        "pay_invoice_link": None,
        "notes": notes,
        "linked_invoices": None,
        "custom_fields": customer.get("custom_fields") or [],
        "other_custom_fields": None,
        "credit": None,
        "e_invoices": None,
        "used_exchange_rates": None,
        "processing_only_customers": None,
        "meter_values": None,
        "credit_types": None,
        "display_invoice_sub_lines_per_processing_only_customer": None,
        "forwarded_from_customers": None,
        "validation_result": None,
        "reprocess": {"to_be_reprocessed_at": None, "reprocess_status": "NONE", "reprocess_id": ""},
        "used_tax_registration": None,
        "footnote": None,
        "approval_status": None,
        "updated_to_final_at": _timestamp(created) if final else None,
        "has_usage_based_pricing": False,
        "coupons": None,
        "promotion_codes": None,
        "linked_integrations": None,
        "billing_type": "DEFAULT",
        "payment_status": payment_status,
        "paid": payment_status == "PAID",
        "auto_rescues": None,
        "linked_invoices_ids": [],
        "to_be_reprocessed": None,
        "to_be_reprocessed_at": None,
    }


def _payment_status(paid: Decimal, total: Decimal) -> str:
    """PAID once the paid amount covers the total (for a credit invoice: its negative total)."""
    if paid == 0:
        return "PAID" if total == 0 else "UNPAID"
    if abs(paid) >= abs(total):
        return "PAID" if abs(paid) == abs(total) else "OVERPAID"
    return "PARTIALLY_PAID"


def _public_customer(customer: Mapping[str, Any]) -> dict[str, Any]:
    """The contract's ``Customer`` view of a stored customer (which also keeps ``po_number``).

    Shares the customer's values: stored records are never changed in place (``store.py``)."""
    return {key: value for key, value in customer.items() if key != "po_number"}


# --- seeding -------------------------------------------------------------------------------


def seed(context: SeedContext) -> None:
    for platform, config in context.fixtures["platforms"].items():
        with context.store.transaction(API, platform) as tx:
            entity = {
                "object_type": "BILLING_ENTITY",
                "id": config["billing_entity"]["id"],
                "created_at": _timestamp(context.epoch),
                "reference": config["billing_entity"]["reference"],
                "status": "ACTIVE",
                "timezone": "Europe/Amsterdam",
                "legal_name": context.faker.company(),
                "tax_id": None,
                "tax_ids": [],
                "registration_number": str(context.faker.random_number(digits=8, fix_len=True)),
                "registered_address": _address(context, config["billing_entity"]["country"]),
                "email": context.faker.company_email(),
                "tax_registrations": [],
            }
            settings = {
                "currency": config["currency"],
                "tax_rate": str(config["tax_rate"]),
                "previous_tax_rate": str(config.get("previous_tax_rate", config["tax_rate"])),
                "payment_acceptor_ids": list(config["payment_acceptor_ids"]),
                "billing_entity": entity,
            }
            tx.put(SETTINGS, "current", settings)
            customers: dict[str, dict[str, Any]] = {}
            for entry in config["customers"]:
                customer = {
                    "object_type": "CUSTOMER",
                    "id": entry["id"],
                    "created_at": _timestamp(context.epoch),
                    "parent_customer_id": None,
                    "parent_customer_ids": [],
                    "reference": entry["reference"],
                    "status": "ACTIVE",
                    "timezone": "Europe/Amsterdam",
                    "type": entry.get("type", "ORGANIZATION"),
                    "email": context.faker.company_email(),
                    "locale": "en-US",
                    "individual": None,
                    "organization": {
                        "legal_name": context.faker.company(),
                        "address": _address(context, entry["country"]),
                    },
                    "custom_fields": [
                        {
                            "id": None,
                            "reference": "cost_center",
                            "value": entry.get("cost_center", "CC-1"),
                            "values": None,
                            "integration_details": None,
                            "integration_id": None,
                        }
                    ],
                    "processing_only": False,
                    "po_number": entry.get("po_number"),
                }
                customers[entry["id"]] = customer
                tx.put(CUSTOMERS, entry["id"], customer)
            for index, entry in enumerate(config["invoices"]):
                _seed_invoice(
                    tx,
                    platform=platform,
                    settings=settings,
                    customers=customers,
                    entry=entry,
                    created=context.epoch + timedelta(days=index),
                )


def _address(context: SeedContext, country: str) -> dict[str, Any]:
    generated = context.fake.generate({"$ref": "#/components/schemas/Address"})
    return {**generated, "line2": None, "state": None, "country": country}


def _seed_invoice(
    tx: Transaction,
    *,
    platform: str,
    settings: dict[str, Any],
    customers: Mapping[str, dict[str, Any]],
    entry: Mapping[str, Any],
    created: datetime,
) -> None:
    customer = customers[entry["customer"]]
    snapshot = copy.deepcopy(customer)
    if entry.get("stale"):
        # Seeded with an older copy of the customer so that /refresh has something to change.
        snapshot["email"] = "old-address@example.invalid"
        snapshot["po_number"] = None
    lines = [Decimal(str(value)) for value in entry["lines"]]
    net = sum(lines, Decimal(0))
    # A stale invoice was issued under the platform's previous tax rate, for /refresh to update.
    rate = Decimal(str(settings["previous_tax_rate"] if entry.get("stale") else settings["tax_rate"]))
    total = net * (1 + rate / 100)
    paid = total if entry.get("paid") else Decimal(0)
    invoice = _new_invoice(
        invoice_id=entry["id"],
        number=entry["number"],
        platform=platform,
        settings={**settings, "tax_rate": str(rate)},
        customer=snapshot,
        kind=entry["type"],
        status=entry["status"],
        on_hold=bool(entry.get("on_hold", False)),
        periods=[_period(0, lines, rate, settings["currency"], created)],
        net=net,
        paid_amount=paid,
        created=created,
        notes=None,
    )
    if entry.get("credits"):
        credit_of = tx.get_for_update(INVOICES, entry["credits"])
        if credit_of is None:
            raise ValueError(f"fixture invoice {entry['id']} credits unknown invoice {entry['credits']}")
        _link_credit(credit_of, invoice, note=entry.get("note"), source="CURRENT")
        tx.put(INVOICES, credit_of["id"], credit_of)
    tx.put(INVOICES, invoice["id"], invoice)


# --- handlers ------------------------------------------------------------------------------


def _check_version(call: Call) -> None:
    if call.params.get("version") != "1":
        raise MockError(
            400,
            f"Unsupported API version {call.params.get('version')!r}; this API serves version 1",
            kind=ErrorKind.UNSUPPORTED_VERSION,
            field="version",
        )


def _invoice(call: Call, invoice_id: str, *, for_update: bool = False) -> dict[str, Any]:
    record = call.tx.get_for_update(INVOICES, invoice_id) if for_update else call.tx.get(INVOICES, invoice_id)
    if record is None:
        raise MockError(
            404,
            f"Invoice {invoice_id} not found",
            kind=ErrorKind.NOT_FOUND,
            extra={"resource_id": invoice_id, "resource_type": "INVOICE"},
        )
    return record


@handlers.operation("getInvoices")
def list_invoices(call: Call) -> Reply:
    _check_version(call)
    params = call.params
    order_by = params.get("order_by") or "created_at"
    invoices = call.tx.sorted_values(
        INVOICES,
        key=lambda i: (str(i.get(order_by) or ""), i["id"]),
        reverse=params.get("order_direction", "desc") == "desc",
        order=order_by,
    )
    if params.get("statuses"):
        wanted = set(params["statuses"])
        invoices = [i for i in invoices if i["status"] in wanted]
    if params.get("customer_id"):
        invoices = [i for i in invoices if i["customer_id"] == params["customer_id"]]
    if params.get("paid") is not None:
        invoices = [i for i in invoices if bool(i["paid"]) == params["paid"]]
    if params.get("on_hold") is not None:
        invoices = [i for i in invoices if i["on_hold"] == params["on_hold"]]
    if params.get("pricing_plan_subscription_id"):
        invoices = [
            i for i in invoices if params["pricing_plan_subscription_id"] in (i["pricing_plan_subscription_ids"] or [])
        ]
    page, limit = int(params.get("page", 1)), int(params.get("limit", 50))
    pages = math.ceil(len(invoices) / limit)
    window = invoices[(page - 1) * limit : page * limit]
    include_periods, include_lines = bool(params.get("include_periods")), bool(params.get("include_lines"))
    data = [_list_view(i, include_periods, include_lines) for i in window]
    base = f"{call.base_url}/v1/invoices"
    query = {k: v for k, v in params.items() if k not in ("version", "page") and v is not None}

    def link(number: int) -> str:
        return f"{base}?{urlencode({**query, 'page': number}, doseq=True)}"

    return Reply(
        200,
        {
            "data": data,
            "page": page,
            "limit": limit,
            "total_number_of_pages": pages,
            "links": {
                "first": link(1),
                "previous": link(page - 1) if page > 1 else None,
                "current": link(page),
                "next": link(page + 1) if page < pages else None,
            },
        },
    )


_VIEWS: IdentityCache[dict[str, Any]] = IdentityCache(20_000)


def _list_view(invoice: dict[str, Any], include_periods: bool, include_lines: bool) -> dict[str, Any]:
    """The invoice as lists show it; views of unchanged invoices are reused (records are never
    mutated, so the same record gives the same view), which lets the encoder reuse their bytes."""
    if include_periods and include_lines:
        return invoice
    view = _VIEWS.get(invoice, include_periods)
    if view is None:
        view = _make_list_view(invoice, include_periods)
        _VIEWS.put(invoice, view, include_periods)
    return view


def _make_list_view(invoice: dict[str, Any], include_periods: bool) -> dict[str, Any]:
    view = dict(invoice)
    if not include_periods:
        view["periods"] = []
    else:
        view["periods"] = [
            {**period, "groups": [{**group, "lines": None} for group in period["groups"] or []]}
            for period in invoice["periods"]
        ]
    return view


@handlers.operation("getInvoicesByResourceId")
def get_invoice(call: Call) -> Reply:
    _check_version(call)
    return Reply(200, _invoice(call, call.params["resourceId"]))


def _credit_amount(original: Mapping[str, Any], body: Mapping[str, Any], remaining: Decimal) -> Decimal:
    """Net amount a credit request asks for, checked against the original's structure."""
    currency = original["billing_currency"]
    periods = body.get("periods")
    if periods is None and body.get("groups") is not None:
        periods = [
            {
                "period_order": original["periods"][0]["period_order"] if original["periods"] else 0,
                "groups": body["groups"],
            }
        ]
    if not periods:
        return remaining
    by_order = {p["period_order"]: p for p in original["periods"]}
    requested = Decimal(0)
    for p_index, period in enumerate(periods):
        where = f"periods.{p_index}"
        stored = by_order.get(period["period_order"])
        if stored is None:
            raise _invalid(
                f"Invoice has no period {period['period_order']}", field=f"{where}.period_order", code="INVALID_FIELD"
            )
        if period.get("amount") is not None:
            requested += _checked_amount(period["amount"], currency, f"{where}.amount")
            continue
        groups_by_order = {g["group_order"]: g for g in stored.get("groups") or []}
        for g_index, group in enumerate(period.get("groups") or []):
            gwhere = f"{where}.groups.{g_index}"
            stored_group = groups_by_order.get(group["group_order"])
            if stored_group is None:
                raise _invalid(
                    f"Period has no group {group['group_order']}", field=f"{gwhere}.group_order", code="INVALID_FIELD"
                )
            if group.get("amount") is not None:
                requested += _checked_amount(group["amount"], currency, f"{gwhere}.amount")
                continue
            lines_by_order = {line["line_order"] for line in stored_group.get("lines") or []}
            for l_index, line in enumerate(group.get("lines") or []):
                lwhere = f"{gwhere}.lines.{l_index}"
                if line["line_order"] not in lines_by_order:
                    raise _invalid(
                        f"Group has no line {line['line_order']}", field=f"{lwhere}.line_order", code="INVALID_FIELD"
                    )
                requested += _checked_amount(line["amount"], currency, f"{lwhere}.amount")
    if requested == 0:
        raise _invalid("The credit request names no amount", field="periods", code="INVALID_FIELD")
    return requested


def _checked_amount(amount: Mapping[str, Any], currency: str, field: str) -> Decimal:
    if amount["currency"] != currency:
        raise _invalid(
            f"Amount currency {amount['currency']} differs from the invoice currency {currency}",
            field=f"{field}.currency",
            code="INVALID_FIELD",
        )
    value = _qty(amount)
    if value <= 0:
        raise _invalid("Credit amounts must be positive", field=f"{field}.quantity", code="INVALID_FIELD")
    return value


def _credited_net(original: Mapping[str, Any]) -> Decimal:
    """Net amount already credited: the sum of the credit invoices linked to the original."""
    credited = Decimal(0)
    for link in original.get("linked_invoices") or []:
        if link["link_type"] == "CREDIT":
            credited += -_qty(link["amount"])
    rate_factor = _rate_factor(original)
    return credited / rate_factor


def _rate_factor(invoice: Mapping[str, Any]) -> Decimal:
    net = _net_total(invoice)
    return (_total(invoice) / net) if net else Decimal(1)


def _link_credit(original: dict[str, Any], credit: dict[str, Any], *, note: str | None, source: str) -> None:
    credit["credit"] = {
        "original_invoice_id": original["id"],
        "original_invoice_info": {"id": original["id"], "invoice_number": original["invoice_number"]},
        "note": note,
        "credit_details_source": source,
    }
    credit["linked_invoices"] = [
        {
            "id": original["id"],
            "link_type": "ORIGINAL",
            "note": note,
            "invoice_number": original["invoice_number"],
            "amount": original["invoice_amount_including_tax"],
            "invoice_date": original["invoice_date"],
        }
    ]
    if credit["type"] == "ONE_OFF_CREDIT":
        credit["linked_invoices_ids"] = [original["id"]]
    original["linked_invoices"] = [
        *(original.get("linked_invoices") or []),
        {
            "id": credit["id"],
            "link_type": "CREDIT",
            "note": note,
            "invoice_number": credit["invoice_number"],
            "amount": credit["invoice_amount_including_tax"],
            "invoice_date": credit["invoice_date"],
        },
    ]


@handlers.operation("postInvoicesByResourceIdCredit")
def credit_invoice(call: Call) -> Reply:
    _check_version(call)
    body: Mapping[str, Any] = call.body or {}
    original = _invoice(call, call.params["resourceId"], for_update=True)
    if original["type"] not in CREDITABLE:
        raise _invalid(f"A {original['type']} invoice cannot be credited", invoice_id=original["id"])
    if original["status"] != "FINAL":
        raise _invalid(
            f"Only FINAL invoices can be credited; this one is {original['status']}", invoice_id=original["id"]
        )
    net_total = _net_total(original)
    remaining = net_total - _credited_net(original)
    if remaining <= 0:
        raise _invalid("The invoice is already fully credited", invoice_id=original["id"])
    requested = _credit_amount(original, body, remaining)
    if requested > remaining:
        raise _invalid(
            f"Crediting {_money(requested)} would exceed the invoice:"
            f" {_money(remaining)} of {_money(net_total)} is left to credit",
            invoice_id=original["id"],
            field="periods",
        )
    settings = call.tx.get(SETTINGS, "current") or {}
    source = body.get("credit_details_source") or "CURRENT"
    customer = (
        original["customer"]
        if source == "ORIGINAL"
        else (call.tx.get(CUSTOMERS, original["customer_id"]) or original["customer"])
    )
    rate = _rate_percentage(original)
    number = call.tx.next_id("credit_numbers")
    on_hold = bool(body.get("force_init_on_hold"))
    credit_settings = {**settings, "tax_rate": str(rate), "currency": original["billing_currency"]}
    if source == "ORIGINAL":
        credit_settings["billing_entity"] = original["billing_entity"]
    credit = _new_invoice(
        invoice_id=f"inv_{call.tenant}_{call.tx.next_id(INVOICES):05d}",
        number=f"CR-{call.tenant.upper()}-{number:05d}",
        platform=call.tenant,
        settings=credit_settings,
        customer=customer,
        kind=CREDITABLE[original["type"]],
        status="DRAFT" if on_hold else "FINAL",
        on_hold=on_hold,
        periods=[_period(0, [-requested], rate, original["billing_currency"], call.now)],
        net=-requested,
        paid_amount=Decimal(0),
        created=call.now,
        notes=[body["note"]] if body.get("note") else None,
    )
    credit["customer_id"] = original["customer_id"]
    credit["customer_reference"] = original["customer_reference"]
    if body.get("delivery_date"):
        credit["delivery_date"] = body["delivery_date"]
    _link_credit(original, credit, note=body.get("note"), source=source)
    original["updated_at"] = _timestamp(call.now)
    call.tx.put(INVOICES, original["id"], original)
    call.tx.put(INVOICES, credit["id"], credit)
    return Reply(200, credit)


def _rate_percentage(invoice: Mapping[str, Any]) -> Decimal:
    summary = invoice["tax_summary"]
    base = _qty(summary["base_amount"])
    return (_qty(summary["tax_amount"]) * 100 / base).quantize(Decimal("0.0001")) if base else Decimal(0)


@handlers.operation("postInvoicesByResourceIdRefund")
def refund_invoice(call: Call) -> Reply:
    _check_version(call)
    credit = _invoice(call, call.params["resourceId"], for_update=True)
    if credit["type"] not in CREDIT_TYPES:
        raise _invalid(f"Only credit invoices can be refunded; this one is {credit['type']}", invoice_id=credit["id"])
    if any(action["type"] == "REFUND" for action in credit.get("payment_actions") or []):
        raise _invalid("This credit invoice was already refunded", invoice_id=credit["id"])
    original = (
        call.tx.get_for_update(INVOICES, credit["credit"]["original_invoice_id"]) if credit.get("credit") else None
    )
    if original is None:
        raise _invalid("The credit invoice has no original invoice to refund through", invoice_id=credit["id"])
    if original["payment_status"] not in ("PAID", "OVERPAID", "PARTIALLY_PAID"):
        raise _invalid(
            f"The original invoice {original['id']} was not paid, so there is no payment to refund",
            invoice_id=credit["id"],
        )
    refund = -_total(credit)
    if refund > _qty(original["paid_invoice_amount"]):
        raise _invalid("The refund exceeds what was paid on the original invoice", invoice_id=credit["id"])
    currency = credit["billing_currency"]
    acceptor = (original["payment_acceptor_ids"] or [""])[0]
    action = {
        "payment_acceptor_id": acceptor,
        "payment_acceptor": None,
        "type": "REFUND",
        "bank_account": None,
        "payment_gateway": None,
        "custom_redirect": None,
    }
    stamp = _timestamp(call.now)

    credit["payment_actions"] = [*(credit.get("payment_actions") or []), action]
    credit["paid_invoice_amount"] = _amount(-refund, currency)
    credit["closed_invoice_amount"] = _amount(-refund, currency)
    credit["open_invoice_amount"] = _amount(Decimal(0), currency)
    credit["payment_status"] = "PAID"
    credit["paid"] = True
    credit["updated_at"] = stamp

    paid_now = _qty(original["paid_invoice_amount"]) - refund
    original["payment_actions"] = [*(original.get("payment_actions") or []), action]
    original["paid_invoice_amount"] = _amount(paid_now, currency)
    original["closed_invoice_amount"] = _amount(paid_now, currency)
    original["open_invoice_amount"] = _amount(_total(original) - paid_now, currency)
    original["payment_status"] = _payment_status(paid_now, _total(original))
    original["paid"] = original["payment_status"] == "PAID"
    original["updated_at"] = stamp
    call.tx.put(INVOICES, credit["id"], credit)
    call.tx.put(INVOICES, original["id"], original)
    return Reply(200, credit)


@handlers.operation("postInvoicesByResourceIdRefresh")
def refresh_invoice(call: Call) -> Reply:
    _check_version(call)
    body: Mapping[str, Any] = call.body or {}
    invoice = _invoice(call, call.params["resourceId"], for_update=True)
    if invoice["status"] == "FINAL":
        raise _invalid("A FINAL invoice cannot be refreshed", invoice_id=invoice["id"])
    requested = set(body.get("types") or [])
    if body.get("type"):
        requested.add(body["type"])
    parts = set(REFRESH_PARTS) if not requested or "FULL" in requested else requested
    customer = call.tx.get(CUSTOMERS, invoice["customer_id"])
    settings = call.tx.get(SETTINGS, "current")
    if customer is not None:
        if "CUSTOMER" in parts:
            invoice["customer"] = _public_customer(customer)
        if "CUSTOM_FIELD" in parts:
            invoice["custom_fields"] = customer.get("custom_fields") or []
        if "PO_NUMBER" in parts:
            invoice["purchase_order_number"] = customer.get("po_number")
    if settings is not None:
        if "BILLING_ENTITY" in parts:
            invoice["billing_entity"] = settings["billing_entity"]
            invoice["billing_entity_id"] = settings["billing_entity"]["id"]
        if "PAYMENT_ACCEPTOR" in parts:
            invoice["payment_acceptor_ids"] = list(settings["payment_acceptor_ids"])
        if "TAX_RATES" in parts:
            _apply_tax_rate(invoice, Decimal(str(settings["tax_rate"])))
    invoice["updated_at"] = _timestamp(max(call.now, _parse(invoice["updated_at"]) + timedelta(seconds=1)))
    call.tx.put(INVOICES, invoice["id"], invoice)
    return Reply(200, invoice)


def _apply_tax_rate(invoice: dict[str, Any], rate: Decimal) -> None:
    """Recompute every tax-including amount of an invoice from its net amounts and ``rate``."""
    currency = invoice["billing_currency"]
    factor = 1 + rate / 100
    for period in invoice["periods"]:
        parts = [period, *(period.get("groups") or [])]
        parts += [line for group in period.get("groups") or [] for line in group.get("lines") or []]
        for part in parts:
            part["amount_including_tax"] = _amount(_qty(part["amount_excluding_tax"]) * factor, currency)
    net = _net_total(invoice)
    total = net * factor
    paid = _qty(invoice["paid_invoice_amount"])
    invoice["tax_summary"] = _tax_summary(net, rate, currency, invoice["tax_summary"]["country_code"])
    invoice["invoice_amount_including_tax"] = _amount(total, currency)
    invoice["open_invoice_amount"] = _amount(total - paid, currency)
    invoice["payment_status"] = _payment_status(paid, total)
    invoice["paid"] = invoice["payment_status"] == "PAID"


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


RULES = ApiRules(name=API, render_error=render_error, handlers=handlers, seed=seed)
