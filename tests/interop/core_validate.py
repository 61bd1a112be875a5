"""openapi-core checks every request and reply of one API's flows against its contract.

Run by tests/test_interop.py with the interpreter of its tool environment:

    python core_validate.py API CONTRACT_YAML BASE_URL

The flows send real requests to the mock (httpx). Each request and each reply is validated
with openapi-core's strict OpenAPI 3.0 reading (``nullable`` only beside ``type``, ``allOf``
branches each applied in full). Every operation of the contract must be exercised, and the
error replies (400, 401, 403 where the API has permissions, 404) are among them. Prints one
line per exchange; exits non-zero with the reasons when any is invalid or an operation was
never called.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

Exchange = tuple[str, str, dict[str, Any]]  # method, path under the base, httpx keyword arguments
SOLVIMON_KEY = {"X-API-KEY": "sk_test_all"}
CHARGEOVER_AUTH = {"auth": ("co_test_user", "co_test_pass")}
KEYLINE_TOKEN = {"Authorization": "Bearer kl_test_token"}


def solvimon(client: httpx.Client) -> Iterator[Exchange]:
    listed = yield "get", "/v1/invoices", {"params": {"statuses": "FINAL", "paid": "true", "limit": 100}}
    original = next(i for i in listed["data"] if i["type"] == "STANDARD" and not i.get("linked_invoices"))
    drafts = yield "get", "/v1/invoices", {"params": {"statuses": "DRAFT"}}
    yield "get", f"/v1/invoices/{original['id']}", {}
    credit = yield "post", f"/v1/invoices/{original['id']}/credit", {"json": {"note": "Customer cancelled"}}
    yield "post", f"/v1/invoices/{credit['id']}/refund", {}
    yield "post", f"/v1/invoices/{credit['id']}/refund", {}  # 400 INVALID_OPERATION
    yield "post", f"/v1/invoices/{drafts['data'][0]['id']}/refresh", {"json": {"type": "CUSTOMER"}}
    yield "post", f"/v1/invoices/{drafts['data'][0]['id']}/refresh", {"json": {"types": ["CUSTOMER", "BILLING_ENTITY"]}}
    yield "post", f"/v1/invoices/{original['id']}/refresh", {"json": {"type": None}}  # 400: FINAL
    yield "get", "/v1/invoices/inv_missing", {}  # 404
    yield "get", "/v1/invoices", {"headers": {"X-API-KEY": "wrong"}}  # 401
    yield "post", f"/v1/invoices/{original['id']}/credit", {"headers": {"X-API-KEY": "sk_test_view"}}  # 403


def chargeover(client: httpx.Client) -> Iterator[Exchange]:
    body = {"customer_id": 1, "line_items": [{"item_id": 1, "line_rate": 10, "line_quantity": 2}]}
    created = yield "post", "/invoice", {"json": body}
    yield "post", "/invoice", {"json": {**body, "tax_override": {"amount": 1.5}}}
    yield "get", f"/invoice/{created['response']['id']}", {}
    yield "get", "/invoice", {"params": {"limit": 5}}
    yield "get", "/customer", {}
    yield "get", "/item", {}
    yield "get", "/invoice/999999999", {}  # 404
    yield "post", "/invoice", {"json": {"customer_id": 1, "line_items": []}}  # 400
    yield "get", "/invoice", {"auth": ("co_test_user", "wrong")}  # 401


def keyline(client: httpx.Client) -> Iterator[Exchange]:
    line = {"description": "Flyers A5", "qty": 1000, "unit": "pcs", "net": {"cent_amount": 5, "currency": "EUR"}}
    created = yield "post", "/accounting/customer_invoices", {"json": {"customer_invoice": {"customer_id": 4711}}}
    invoice = f"/accounting/customer_invoices/{created['id']}"
    yield "post", f"{invoice}/line_items", {"json": {"line_item": line}}
    yield "put", invoice, {"json": {"customer_invoice": {"custom_text": "Thank you"}}}
    yield "get", invoice, {}
    yield "get", "/accounting/customer_invoices", {}
    reversal = yield "post", f"{invoice}/reversal_invoice", {}
    yield "get", f"/accounting/reversal_invoices/{reversal['id']}", {}
    yield "get", "/accounting/reversal_invoices", {"headers": {"X-Keyline-Requested-Page": "1"}}
    yield "post", f"{invoice}/reversal_invoice", {}  # 422: reversed once
    yield "post", "/accounting/customer_invoices", {"json": {}}  # 400
    yield "get", "/accounting/reversal_invoices/999999999", {}  # 404
    yield "get", "/accounting/reversal_invoices", {"headers": {"Authorization": "Bearer wrong"}}  # 401


FLOWS: dict[str, tuple[Callable[[httpx.Client], Iterator[Exchange]], dict[str, Any]]] = {
    "solvimon": (solvimon, {"headers": SOLVIMON_KEY}),
    "chargeover": (chargeover, CHARGEOVER_AUTH),
    "keyline": (keyline, {"headers": KEYLINE_TOKEN}),
}


def server_url(contract: dict[str, Any]) -> str:
    server = contract["servers"][0]
    url = str(server["url"])
    for name, variable in server.get("variables", {}).items():
        url = url.replace("{" + name + "}", str(variable["default"]))
    return url


def operation_of(contract: dict[str, Any], method: str, path: str) -> str | None:
    for template, item in contract["paths"].items():
        if re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path) and method in item:
            return str(item[method]["operationId"])
    return None


def main(api: str, contract_path: Path, base_url: str) -> int:
    contract = yaml.safe_load(contract_path.read_text())
    openapi = OpenAPI.from_dict(contract)
    host = server_url(contract)
    prefix = urlsplit(host).path
    origin = host[: len(host) - len(prefix)] if prefix else host
    flow, credentials = FLOWS[api]
    failures: list[str] = []
    called: set[str | None] = set()
    with httpx.Client(base_url=f"{base_url}{prefix}", timeout=10, **credentials) as client:
        steps = flow(client)
        reply: Any = None
        while True:
            try:
                method, path, kwargs = steps.send(reply)
            except StopIteration:
                break
            response = client.request(method, path, **kwargs)
            called.add(operation_of(contract, method, path))
            sent = response.request
            request = MockRequest(
                origin,
                method,
                urlsplit(str(sent.url)).path,
                args=dict(httpx.QueryParams(sent.url.query)),
                headers=dict(sent.headers),
                data=sent.content or None,
                content_type=sent.headers.get("content-type", "application/json"),
            )
            answer = MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("content-type", "application/json"),
            )
            label = f"{method.upper()} {path} -> {response.status_code}"
            try:
                openapi.validate_response(request, answer)
            except Exception as exc:  # every openapi-core validation error, reported with its cause
                cause = exc.__cause__ or exc
                failures.append(f"{label}: {type(exc).__name__}: {cause}")
            else:
                print(f"valid: {label}")
            reply = response.json() if response.content and "json" in response.headers.get("content-type", "") else None
    every = {operation_of(contract, m, p) for p, item in contract["paths"].items() for m in item if m != "parameters"}
    failures += [f"{operation} was never called" for operation in sorted(every - called, key=str)]
    for failure in failures:
        print(f"INVALID: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
