"""Broken implementations that only one family of the checks that follow from every response
catches (issue 25): each is the mock with one realistic regression, and
``tests/test_conformance_families.py`` shows it is missed with that family left out.

| family | regression |
|---|---|
| read-paths | Solvimon's list view shows no `purchase_order_number` (the read does) |
| links | Solvimon's paging links drop the list's filters |
| edges | Keyline stores at most 255 characters of a new invoice's `custom_text` |
| derivations | Keyline adds a tax entry per added line instead of one per rate |
| actions | a Keyline reversal copies no `custom_text` |
| time | a Keyline PUT leaves `updated_at` where it was |
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mock_server.apis import keyline
from mock_server.rules import Call, Handler, Reply
from tests.broken.base import Breakage, Rewrite, json_rewrite

__all__ = ["DERIVED", "FAMILY"]


def _list_without_po_number(body: Any) -> Any:
    body = copy.deepcopy(body)
    for invoice in body.get("data") or []:
        invoice["purchase_order_number"] = None
    return body


def _links_without_filters(body: Any) -> Any:
    """The paging links keep only the page and its size."""
    body = copy.deepcopy(body)
    for rel, url in (body.get("links") or {}).items():
        if url:
            parts = urlsplit(url)
            kept = [(k, v) for k, v in parse_qsl(parts.query) if k in ("page", "limit")]
            body["links"][rel] = urlunsplit(parts._replace(query=urlencode(kept)))
    return body


def _stored(call: Call) -> dict[str, Any]:
    """A private copy of the customer invoice the call addresses (it exists: the handler answered)."""
    found = call.tx.get(keyline.CUSTOMER_INVOICES, call.params["id"])
    assert found is not None
    return copy.deepcopy(found)


def _truncating_custom_text(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        fields = dict(call.body["customer_invoice"])
        if isinstance(fields.get("custom_text"), str):
            fields["custom_text"] = fields["custom_text"][:255]
        return original(replace(call, body={**call.body, "customer_invoice": fields}))

    return handler


def _tax_entry_per_added_line(original: Handler) -> Handler:
    """After the line is added, its tax is appended as an entry of its own."""

    def handler(call: Call) -> Reply:
        reply = original(call)
        invoice = _stored(call)
        line = reply.body
        amount = Decimal(line["discounted_net_total"]["cent_amount"]) * Decimal(str(line["tax_rate"]))
        invoice["taxes"].append(
            {"cent_amount": float(amount), "currency": line["net"]["currency"], "rate": line["tax_rate"]}
        )
        call.tx.put(keyline.CUSTOMER_INVOICES, invoice["id"], invoice)
        return reply

    return handler


def _reversal_without_custom_text(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        reply = original(call)
        reversal = {**copy.deepcopy(reply.body), "custom_text": None}
        call.tx.put(keyline.REVERSAL_INVOICES, reversal["id"], reversal)
        return Reply(reply.status, reversal, reply.headers)

    return handler


def _put_keeps_updated_at(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        before = call.tx.get(keyline.CUSTOMER_INVOICES, call.params["id"])
        reply = original(call)
        if before is not None:
            after = _stored(call)
            after["updated_at"] = before["updated_at"]
            call.tx.put(keyline.CUSTOMER_INVOICES, after["id"], after)
        return reply

    return handler


def _list(method: str, path: str, status: int) -> bool:
    return method == "GET" and path == "/v1/invoices" and status == 200


def _rewrite(change: Callable[[Any], Any]) -> Rewrite:
    return json_rewrite(_list, change)


DERIVED: dict[str, Breakage] = {
    "solvimon-list-view-drops-po-number": Breakage(
        "solvimon",
        "the invoice list shows purchase_order_number null; the invoice read alone has it",
        "invariants",
        "getInvoices: every item listed equals the record",
        rewrite=_rewrite(_list_without_po_number),
    ),
    "solvimon-links-drop-filters": Breakage(
        "solvimon",
        "the paging links of a filtered invoice list drop its filters",
        "invariants",
        "every Location, link and paging link",
        rewrite=_rewrite(_links_without_filters),
    ),
    "keyline-custom-text-truncated": Breakage(
        "keyline",
        "a new customer invoice keeps at most 255 characters of custom_text (the contract allows 10000)",
        "invariants",
        "createCustomerInvoice: values at the schema's edges",
        handlers={"createCustomerInvoice": _truncating_custom_text},
    ),
    "keyline-tax-entry-per-added-line": Breakage(
        "keyline",
        "adding a line item adds a tax entry of its own, also for a rate the invoice has",
        "invariants",
        "the taxes hold one entry per tax rate",
        handlers={"createCustomerInvoiceLineItem": _tax_entry_per_added_line},
    ),
    "keyline-reversal-drops-custom-text": Breakage(
        "keyline",
        "a reversal invoice copies no custom_text from the customer invoice",
        "invariants",
        "createReversalInvoice: a negated copy",
        handlers={"createReversalInvoice": _reversal_without_custom_text},
    ),
    "keyline-put-keeps-updated-at": Breakage(
        "keyline",
        "a PUT changes the customer invoice but leaves updated_at where it was",
        "invariants",
        "listCustomerInvoices: updated_at moves with writes only",
        handlers={"updateCustomerInvoice": _put_keeps_updated_at},
        strict=True,  # updated_at's meaning is taken from its name: an inference
    ),
}

FAMILY = {
    "solvimon-list-view-drops-po-number": "read-paths",
    "solvimon-links-drop-filters": "links",
    "keyline-custom-text-truncated": "edges",
    "keyline-tax-entry-per-added-line": "derivations",
    "keyline-reversal-drops-custom-text": "actions",
    "keyline-put-keeps-updated-at": "time",
}
