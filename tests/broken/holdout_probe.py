"""Proof that no hold-out breakage is a no-op: ``python -m tests.broken.holdout_probe [NAME ...]``.

For each breakage one short probe (a few requests aimed at the behaviour it breaks) runs against
a fresh correct mock and a fresh broken one, both real processes; the answers must differ.
A MISS in ``catch_rate`` is then a miss of the suite, not a breakage that changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import httpx

from tests.broken.holdout import HOLDOUT
from tests.conftest import start_server, stop_server

__all__ = ["PROBES", "main"]

Probe = Callable[[httpx.Client], Any]

SOLV = {"X-API-KEY": "sk_test_all"}
SOLV_VIEW = {"X-API-KEY": "sk_test_view"}
CO = httpx.BasicAuth("co_test_user", "co_test_pass")
KL = {"Authorization": "Bearer kl_test_token"}
TEN_EUR = {"periods": [{"period_order": 0, "amount": {"quantity": "10.00", "currency": "EUR"}}]}
KL_LINE = {"description": "Flyers", "qty": 3, "net": {"cent_amount": 333, "currency": "EUR"}, "tax_rate": 0.19}
KL_BILLED, KL_UNBILLED = 131, 146  # fixtures/keyline.yaml: 130 reversed, then 15 billed, then 10 unbilled


def _credit(client: httpx.Client, invoice: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post(f"/v1/invoices/{invoice}/credit", json=body, headers={**SOLV, **(headers or {})})


def _co_create(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post("/api/v3/invoice", json={"customer_id": 1, **body}, auth=CO)


def _co_created(client: httpx.Client, body: dict[str, Any]) -> Any:
    created = _co_create(client, body).json()["response"]["id"]
    return client.get(f"/api/v3/invoice/{created}", auth=CO).json()["response"]


def _idempotent_twice(client: httpx.Client) -> list[httpx.Response]:
    return [_credit(client, "inv_alpha_0002", TEN_EUR, {"Idempotency-Key": "probe-1"}) for _ in range(2)]


def _refund_status(client: httpx.Client) -> Any:
    credit = _credit(client, "inv_alpha_0001", {}).json()["id"]
    return client.post(f"/v1/invoices/{credit}/refund", headers=SOLV).json().get("payment_status")


def _forget(client: httpx.Client) -> int:
    ids = [_co_create(client, {"line_items": [{"item_id": 1}]}).json()["response"]["id"] for _ in range(4)]
    return client.get(f"/api/v3/invoice/{ids[0]}", auth=CO).status_code


def _reverse(client: httpx.Client, invoice: int) -> httpx.Response:
    return client.post(f"/api/v2/accounting/customer_invoices/{invoice}/reversal_invoice", headers=KL)


def _new_reversal_listed(client: httpx.Client) -> Any:
    created = _reverse(client, KL_BILLED).json()["id"]
    page = client.get("/api/v2/accounting/reversal_invoices", headers={**KL, "X-Keyline-Requested-Page": "2"})
    return created in [r["id"] for r in page.json()], page.headers["x-keyline-result-total"]


PROBES: dict[str, Probe] = {
    "holdout_solvimon_one_off_credit_typed_credit": lambda c: _credit(c, "inv_alpha_0003", {}).json()["type"],
    "holdout_solvimon_refresh_ignores_po_number": lambda c: c.post(
        "/v1/invoices/inv_alpha_0004/refresh", json={"type": "PO_NUMBER"}, headers=SOLV
    ).json()["purchase_order_number"],
    "holdout_solvimon_paid_false_filter_ignored": lambda c: sorted(
        i["id"] for i in c.get("/v1/invoices", params={"paid": "false", "limit": 100}, headers=SOLV).json()["data"]
    ),
    "holdout_solvimon_idempotent_retry_runs_again": lambda c: len({r.json()["id"] for r in _idempotent_twice(c)}),
    "holdout_solvimon_replay_unmarked": lambda c: _idempotent_twice(c)[1].headers.get("idempotent-replayed"),
    "holdout_solvimon_refresh_without_permission": lambda c: (
        c.post("/v1/invoices/inv_alpha_0004/refresh", json={}, headers=SOLV_VIEW).status_code
    ),
    "holdout_solvimon_refresh_ignores_platform": lambda c: (
        c.post(
            "/v1/invoices/inv_beta_0003/refresh", json={}, headers={**SOLV, "x-platform-id": "plat_beta"}
        ).status_code
    ),
    "holdout_solvimon_forbidden_without_type": lambda c: sorted(
        c.post("/v1/invoices/inv_alpha_0002/credit", json={}, headers=SOLV_VIEW).json()
    ),
    "holdout_solvimon_credit_times_without_zone": lambda c: _credit(c, "inv_alpha_0002", {}).json()["created_at"][-1],
    "holdout_solvimon_refund_status_outside_enum": _refund_status,
    "holdout_solvimon_force_on_hold_ignored": lambda c: _credit(
        c, "inv_alpha_0002", {"force_init_on_hold": True}
    ).json()["on_hold"],
    "holdout_solvimon_credit_source_ignored": lambda c: _credit(
        c, "inv_alpha_0002", {"credit_details_source": "ORIGINAL"}
    ).json()["credit"]["credit_details_source"],
    "holdout_solvimon_bearer_rejected": lambda c: (
        c.get("/v1/invoices", headers={"Authorization": "Bearer tok_test_all"}).status_code
    ),
    "holdout_solvimon_any_version_served": lambda c: c.get("/v2/invoices", headers=SOLV).status_code,
    "holdout_chargeover_created_code_200": lambda c: _co_create(c, {"line_items": [{"item_id": 1}]}).json()["code"],
    "holdout_chargeover_unknown_item_accepted": lambda c: _co_create(c, {"line_items": [{"item_id": 999}]}).status_code,
    "holdout_chargeover_notequals_as_equals": lambda c: sorted(
        i["invoice_id"]
        for i in c.get("/api/v3/invoice", params={"where": "customer_id:NOTEQUALS:1", "limit": 500}, auth=CO).json()[
            "response"
        ]
    ),
    "holdout_chargeover_write_datetime_iso": lambda c: c.get("/api/v3/invoice/1", auth=CO).json()["response"][
        "write_datetime"
    ],
    "holdout_chargeover_override_not_in_total": lambda c: _co_created(
        c, {"line_items": [{"item_id": 1, "line_rate": 10, "line_quantity": 1}], "tax_override": {"amount": 5}}
    )["total"],
    "holdout_chargeover_line_rates_swapped": lambda c: [
        line["line_rate"]
        for line in _co_created(c, {"line_items": [{"item_id": 1, "line_rate": 10}, {"item_id": 3, "line_rate": 20}]})[
            "line_items"
        ]
    ],
    "holdout_chargeover_missing_invoice_200": lambda c: c.get("/api/v3/invoice/99999", auth=CO).status_code,
    "holdout_chargeover_invoice_served_as_html": lambda c: c.get("/api/v3/invoice/1", auth=CO).headers["content-type"],
    "holdout_chargeover_forgets_old_invoices": _forget,
    "holdout_chargeover_paycycle_named": lambda c: _co_created(c, {"paycycle": "mon", "line_items": [{"item_id": 1}]})[
        "paycycle"
    ],
    "holdout_keyline_pages_of_50": lambda c: len(c.get("/api/v2/accounting/customer_invoices", headers=KL).json()),
    "holdout_keyline_reversal_not_billed": lambda c: _reverse(c, KL_BILLED).json()["billed_at"] is None,
    # Not KL_BILLED: reversing invoice 131 first makes reversal 131, so "its own id" would be right by chance.
    "holdout_keyline_reversal_points_to_itself": lambda c: _reverse(c, KL_BILLED + 1).json()["reversed_invoice_id"],
    "holdout_keyline_line_item_on_billed": lambda c: (
        c.post(
            f"/api/v2/accounting/customer_invoices/{KL_BILLED}/line_items", json={"line_item": KL_LINE}, headers=KL
        ).status_code
    ),
    "holdout_keyline_unbilled_reversal_refused": lambda c: _reverse(c, KL_UNBILLED).status_code,
    "holdout_keyline_422_without_errors": lambda c: sorted(
        c.put(
            f"/api/v2/accounting/customer_invoices/{KL_BILLED}",
            json={"customer_invoice": {"custom_text": "x"}},
            headers=KL,
        ).json()
    ),
    "holdout_keyline_taxes_rounded": lambda c: c.post(
        "/api/v2/accounting/customer_invoices",
        json={"customer_invoice": {"customer_id": 1, "line_items": [KL_LINE]}},
        headers=KL,
    ).json()["taxes"],
    "holdout_keyline_update_answers_200": lambda c: (
        c.put(
            f"/api/v2/accounting/customer_invoices/{KL_UNBILLED}",
            json={"customer_invoice": {"custom_text": "y"}},
            headers=KL,
        ).status_code
    ),
    "holdout_keyline_reversal_read_open": lambda c: c.get("/api/v2/accounting/reversal_invoices/1").status_code,
    "holdout_keyline_new_reversals_unlisted": _new_reversal_listed,
    "holdout_keyline_line_item_answers_invoice": lambda c: sorted(
        c.post(
            f"/api/v2/accounting/customer_invoices/{KL_UNBILLED}/line_items", json={"line_item": KL_LINE}, headers=KL
        ).json()
    )[:5],
}


def _answer(probe: Probe, *args: str, module: str) -> Any:
    server = start_server(*args, module=module)
    try:
        with server.client() as client:
            return probe(client)
    finally:
        stop_server(server)


def main(argv: list[str]) -> int:
    names = argv or sorted(HOLDOUT)
    missing = sorted(set(HOLDOUT) - set(PROBES))
    if missing:
        print(f"no probe for {missing}")
        return 1
    same = 0
    for name in names:
        correct = _answer(PROBES[name], module="mock_server")
        broken = _answer(PROBES[name], name, module="tests.broken")
        verdict = "DIFFERS" if correct != broken else "SAME"
        same += verdict == "SAME"
        print(f"{verdict:<7} {name}: correct {correct!r} / broken {broken!r}", flush=True)
    print(f"{len(names) - same} of {len(names)} breakages change what the probe sees")
    return 1 if same else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
