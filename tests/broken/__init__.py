"""Deliberately broken implementations, each violating one documented behaviour.

Each is the real mock with one change: a rules handler replaced, or its responses rewritten
on the way out. ``python -m tests.broken NAME --port N`` serves one; the catch-rate test
points ``conformance run`` at each and expects exit 1 with the right failure named.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp

from mock_server import MockApp, MockSettings, create_app
from mock_server.apis import chargeover, keyline, solvimon
from mock_server.errors import MockError
from mock_server.rules import Call, Handler, Reply
from mock_server.serving.requests.auth import Principal

from .base import APP, Breakage, RewriteResponses, json_rewrite
from .derived import DERIVED
from .generic import GENERIC
from .holdout import HOLDOUT
from .subtle import SUBTLE


def _without(key: str) -> Callable[[Any], Any]:
    def change(body: Any) -> Any:
        body = copy.deepcopy(body)
        body.pop(key, None)
        return body

    return change


def _refund_twice(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        try:
            return original(call)
        except MockError:
            return Reply(200, call.tx.get(solvimon.INVOICES, call.params["resourceId"]))

    return handler


def _accept_any_key(app: MockApp) -> None:
    real = app.state.credentials.authenticate

    def authenticate(api: str, scheme: str, secret: str) -> Principal | None:
        return real(api, scheme, secret) or (
            Principal("anyone", frozenset({"*"}), ("plat_alpha", "plat_beta")) if api == "solvimon" else None
        )

    app.state.credentials.authenticate = authenticate  # type: ignore[method-assign]


def _problem_json(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if path.startswith("/v") and status == 400:
        detail = json.loads(body)["message"]
        headers["content-type"] = "application/problem+json"
        return (
            status,
            headers,
            json.dumps({"type": "about:blank", "title": "Bad Request", "status": 400, "detail": detail}).encode(),
        )
    return status, headers, body


def _leak_platforms(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        try:
            return original(call)
        except MockError:
            for tenant in ("plat_alpha", "plat_beta"):
                with APP[0].state.store.transaction("solvimon", tenant) as tx:
                    found = tx.get(solvimon.INVOICES, call.params["resourceId"])
                if found is not None:
                    return Reply(200, found)
            raise

    return handler


def _no_location(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if method == "POST" and path == "/api/v3/invoice":
        headers.pop("location", None)
    return status, headers, body


def _create_is_200(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if method == "POST" and path == "/api/v3/invoice" and status == 201:
        return 200, headers, body
    return status, headers, body


def _accept_no_lines(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if (
        method == "POST"
        and path == "/api/v3/invoice"
        and status == 400
        and json.loads(body)["details"].get("field") == "line_items"
    ):
        headers["location"] = "http://127.0.0.1/api/v3/invoice/1"
        return (
            201,
            headers,
            json.dumps({"code": 201, "status": "OK", "message": "", "details": {}, "response": {"id": 1}}).encode(),
        )
    return status, headers, body


def _mutable_reversal(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if method in ("PUT", "PATCH", "DELETE") and path.startswith("/api/v2/accounting/reversal_invoices/"):
        return 204, {k: v for k, v in headers.items() if k.lower() != "allow"}, b""
    return status, headers, body


def _not_negated(original: Handler) -> Handler:
    def handler(call: Call) -> Reply:
        reply = original(call)
        body = copy.deepcopy(reply.body)
        for key in ("net_total", "gross_total"):
            body[key]["cent_amount"] = abs(body[key]["cent_amount"])
        return Reply(reply.status, body, reply.headers)

    return handler


def _wrong_total(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if path == "/api/v2/accounting/reversal_invoices" and status == 200:
        headers["x-keyline-result-total"] = str(int(headers["x-keyline-result-total"]) + 7)
    return status, headers, body


def _amount_as_number(body: Any) -> Any:
    body = copy.deepcopy(body)
    amount = body.get("invoice_amount_including_tax")
    if amount:
        amount["quantity"] = float(amount["quantity"])
    return body


BROKEN: dict[str, Breakage] = {
    "solvimon-credit-without-link": Breakage(
        "solvimon",
        "the credit invoice lacks `credit` (the link to the original)",
        "scenarios",
        "link both ways",
        rewrite=json_rewrite(lambda m, p, s: m == "POST" and p.endswith("/credit") and s == 200, _without("credit")),
    ),
    "solvimon-refund-twice": Breakage(
        "solvimon",
        "a credit invoice can be refunded again",
        "scenarios",
        "refund a credit invoice exactly once",
        handlers={"postInvoicesByResourceIdRefund": _refund_twice},
        strict=True,
    ),
    "solvimon-ignored-auth": Breakage(
        "solvimon", "any API key is accepted", "scenarios", "without credentials is 401", patch_app=_accept_any_key
    ),
    "solvimon-problem-json-errors": Breakage(
        "solvimon", "400s come as problem+json instead of ApiError", "scenarios", "400", rewrite=_problem_json
    ),
    "solvimon-platform-leak": Breakage(
        "solvimon",
        "another platform's invoice is readable",
        "scenarios",
        "another platform",
        handlers={"getInvoicesByResourceId": _leak_platforms},
    ),
    "solvimon-amount-as-number": Breakage(
        "solvimon",
        "Amount.quantity is a number, not a decimal string",
        "schema",
        "GET /v{version}/invoices/{resourceId}",
        rewrite=json_rewrite(
            lambda m, p, s: m == "GET" and p.startswith("/v1/invoices/") and s == 200, _amount_as_number
        ),
    ),
    "chargeover-no-location": Breakage(
        "chargeover", "201 without Location", "scenarios", "Location", rewrite=_no_location
    ),
    "chargeover-create-200": Breakage(
        "chargeover", "create answers 200, not 201", "scenarios", "201", rewrite=_create_is_200
    ),
    "chargeover-no-line-items-accepted": Breakage(
        "chargeover",
        "an invoice without line items is created",
        "scenarios",
        "no line items",
        rewrite=_accept_no_lines,
    ),
    "keyline-mutable-reversal": Breakage(
        "keyline", "PUT on a reversal invoice answers 204", "scenarios", "cannot be changed", rewrite=_mutable_reversal
    ),
    "keyline-reversal-not-negated": Breakage(
        "keyline",
        "the reversal keeps positive totals",
        "scenarios",
        "negated copy",
        handlers={"createReversalInvoice": _not_negated},
    ),
    "keyline-wrong-total-header": Breakage(
        "keyline", "X-Keyline-Result-Total is off by 7", "scenarios", "pagination", rewrite=_wrong_total
    ),
}

BROKEN.update(SUBTLE)
BROKEN.update(GENERIC)
BROKEN.update(DERIVED)
# The hold-out catalogue (issue #25): served like the others, measured by tests/broken/catch_rate.py.
BROKEN.update(HOLDOUT)

MODULES = {"solvimon": solvimon, "chargeover": chargeover, "keyline": keyline}


def build(name: str) -> ASGIApp:
    breakage = BROKEN[name]
    for operation_id, wrap in (breakage.handlers or {}).items():
        registry = MODULES[breakage.api].handlers
        registry[operation_id] = wrap(registry[operation_id])
    app = create_app(MockSettings(validate_responses=False))
    APP.append(app)
    if breakage.patch_app:
        breakage.patch_app(app)
    return RewriteResponses(app, breakage.rewrite) if breakage.rewrite else app
