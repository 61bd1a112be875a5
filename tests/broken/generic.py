"""Broken implementations that only the generic invariants (``conformance/invariants``) catch.

Each is the mock with one subtle, realistic regression: a list that leaks a record of another
tenant, a page that skips an item, an ignored filter or sort, a count that is off by one, a write
that answers success but is never (or wrongly) recorded, another tenant's write accepted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace

from mock_server import MockApp
from mock_server.apis import solvimon
from mock_server.errors import MockError
from mock_server.rules import Call, Handler, Reply
from tests.broken.base import Breakage

__all__ = ["GENERIC"]

_APPS: list[MockApp] = []


def _keep_app(app: MockApp) -> None:
    _APPS.append(app)


def _without_param(name: str) -> Callable[[Handler], Handler]:
    def wrap(original: Handler) -> Handler:
        def handler(call: Call) -> Reply:
            return original(replace(call, params={k: v for k, v in call.params.items() if k != name}))

        return handler

    return wrap


def _leak_one_record(original: Handler) -> Handler:
    """The first page of plat_alpha's list also shows one invoice of plat_beta."""

    def handler(call: Call) -> Reply:
        reply = original(call)
        if call.tenant != "plat_alpha" or int(call.params.get("page", 1)) != 1:
            return reply
        with _APPS[0].state.store.transaction("solvimon", "plat_beta") as tx:
            leaked = tx.get(solvimon.INVOICES, "inv_beta_0001")
        body = copy.deepcopy(reply.body)
        body["data"].append(leaked)
        return Reply(reply.status, body, reply.headers)

    return handler


def _skip_first_of_later_pages(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        reply = original(call)
        if int(call.params.get("offset", 0)) == 0:
            return reply
        body = copy.deepcopy(reply.body)
        body["response"] = body["response"][1:]
        return Reply(reply.status, body, reply.headers)

    return handler


def _total_off_by_one(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if method == "GET" and path == "/api/v2/accounting/customer_invoices" and status == 200:
        headers["x-keyline-result-total"] = str(int(headers["x-keyline-result-total"]) + 1)
    return status, headers, body


def _drop_put_fields(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        return original(replace(call, body={"customer_invoice": {}}))

    return handler


def _refund_not_recorded(original: Handler) -> Handler:
    """Answers 200 with the refunded invoice, then puts every invoice back as it was."""

    def handler(call: Call) -> Reply:
        before = [copy.deepcopy(record) for record in call.tx.values(solvimon.INVOICES)]
        reply = original(call)
        for record in before:
            call.tx.put(solvimon.INVOICES, record["id"], record)
        return reply

    return handler


def _wrong_customer(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        body = call.body
        if isinstance(body, dict) and body.get("customer_id") == 1:
            body = {**body, "customer_id": 2}
        return original(replace(call, body=body))

    return handler


def _credit_any_tenant(original: Handler) -> Handler:
    """An invoice not found under the caller's platform is credited under the platform that has it."""

    def handler(call: Call) -> Reply:
        try:
            return original(call)
        except MockError:
            for tenant in ("plat_alpha", "plat_beta"):
                with _APPS[0].state.store.transaction("solvimon", tenant) as tx:
                    if tx.get(solvimon.INVOICES, call.params["resourceId"]) is not None:
                        return original(replace(call, tx=tx, tenant=tenant))
            raise

    return handler


GENERIC: dict[str, Breakage] = {
    "solvimon-list-leaks-other-tenant": Breakage(
        "solvimon",
        "the invoice list of one platform shows one invoice of another",
        "invariants",
        "getInvoices: no record of another tenant",
        handlers={"getInvoices": _leak_one_record},
        patch_app=_keep_app,
    ),
    "solvimon-statuses-filter-ignored": Breakage(
        "solvimon",
        "the statuses filter of the invoice list is ignored",
        "invariants",
        "getInvoices: filter statuses",
        handlers={"getInvoices": _without_param("statuses")},
    ),
    "solvimon-sort-direction-ignored": Breakage(
        "solvimon",
        "order_direction is ignored (always descending)",
        "invariants",
        "getInvoices: sort order_direction",
        handlers={"getInvoices": _without_param("order_direction")},
        strict=True,  # the contract marks order_direction inferred: a warning unless --strict-assumptions
    ),
    "solvimon-refund-not-recorded": Breakage(
        "solvimon",
        "a refund answers 200 with the refunded invoice but is never recorded",
        "invariants",
        "postInvoicesByResourceIdRefund: the response",
        handlers={"postInvoicesByResourceIdRefund": _refund_not_recorded},
    ),
    "solvimon-other-tenant-credit": Breakage(
        "solvimon",
        "another platform's key can credit an invoice",
        "invariants",
        "postInvoicesByResourceIdCredit: another tenant's write",
        handlers={"postInvoicesByResourceIdCredit": _credit_any_tenant},
        patch_app=_keep_app,
    ),
    "chargeover-page-skips-item": Breakage(
        "chargeover",
        "every page after the first skips its first invoice",
        "invariants",
        "listInvoices: its pages are the whole set",
        handlers={"listInvoices": _skip_first_of_later_pages},
    ),
    "chargeover-wrong-customer": Breakage(
        "chargeover",
        "an invoice created for customer 1 is attached to customer 2",
        "invariants",
        "createInvoice: the fields sent read back",
        handlers={"createInvoice": _wrong_customer},
    ),
    "keyline-total-off-by-one": Breakage(
        "keyline",
        "X-Keyline-Result-Total of the customer invoice list is one too many",
        "invariants",
        "listCustomerInvoices: the counts it reports",
        rewrite=_total_off_by_one,
    ),
    "keyline-put-drops-fields": Breakage(
        "keyline",
        "PUT answers 204 but stores none of the fields sent",
        "invariants",
        "updateCustomerInvoice: the fields sent read back",
        handlers={"updateCustomerInvoice": _drop_put_fields},
    ),
}
