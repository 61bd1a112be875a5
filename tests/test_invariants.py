"""The generic invariants: what they read from a contract, and that they run without a scenario pack.

The catch of each broken implementation in ``tests/broken/generic.py`` is proven by
``tests/test_conformance.py`` (exit 1 with the right invariant named); the correct mock passing
with no failure and no skip by its ``ci`` profile test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft4Validator

from conformance.invariants import Session, run_invariants
from conformance.invariants.bodies import minimal
from conformance.invariants.contract import list_operations, operations
from conformance.invariants.filters import detect_filters
from conformance.invariants.observed.edge_values import edge_values
from conformance.invariants.paging import detect_paging, reported_counts
from conformance.invariants.sorts import detect_sort
from conformance.provenance import constraint_entries
from conformance.report import Status
from conformance.scenarios import RunOptions
from conformance.scenarios.citations import Citations
from conformance.targets import Credentials, Target
from invoice_contracts.oas import load_document, resolve_refs, to_json_schema
from tests.conftest import ROOT, LiveServer, run_conformance


def _lists(api: str) -> dict[str, Any]:
    return {op.operation_id: op for op in list_operations(operations(load_document(ROOT / f"openapi/{api}.yaml")))}


def test_paging_styles_and_reported_counts_come_from_the_contracts() -> None:
    solvimon = _lists("solvimon")["getInvoices"]
    paging = detect_paging(solvimon)
    assert paging is not None
    assert (paging.style, paging.position, paging.size, paging.size_max) == (
        "page",
        ("page", "query"),
        ("limit", "query"),
        100,
    )
    assert {(r.kind, r.name) for r in reported_counts(solvimon)} == {
        ("page", "page"),
        ("page_size", "limit"),
        ("total_pages", "total_number_of_pages"),
    }
    chargeover = detect_paging(_lists("chargeover")["listInvoices"])
    assert chargeover is not None
    assert (chargeover.style, chargeover.position) == ("offset", ("offset", "query"))
    keyline = _lists("keyline")["listReversalInvoices"]
    header_paging = detect_paging(keyline)
    assert header_paging is not None
    assert (header_paging.position, header_paging.size, header_paging.size_max) == (
        ("X-Keyline-Requested-Page", "header"),
        None,
        100,
    )
    assert {r.kind for r in reported_counts(keyline)} == {"page", "page_size", "total_items"}


def test_filters_and_sorts_are_the_documented_ones() -> None:
    solvimon = _lists("solvimon")["getInvoices"]
    found = {f.name: (f.prop, f.mode) for f in detect_filters(solvimon)}
    assert found == {
        "customer_id": ("customer_id", "equal"),
        "statuses": ("status", "member"),
        "paid": ("paid", "equal"),
        "on_hold": ("on_hold", "equal"),
        "pricing_plan_subscription_id": ("pricing_plan_subscription_ids", "contains"),
    }, "invoice_date is a date range (another format than the property), not an equality filter"
    sort = detect_sort(solvimon)
    assert sort is not None
    assert (sort.direction, sort.key, sort.keys) == ("order_direction", "order_by", ())
    assert detect_filters(_lists("chargeover")["listInvoices"]) == []
    assert detect_sort(_lists("keyline")["listCustomerInvoices"]) is None


def test_a_minimal_body_is_valid_for_its_schema() -> None:
    document = load_document(ROOT / "openapi/keyline.yaml")
    for name in ("CustomerInvoiceCreate", "LineItemWrite", "CustomerInvoiceUpdate"):
        schema = resolve_refs(document, document["components"]["schemas"][name])
        assert not list(Draft4Validator(to_json_schema(schema)).iter_errors(minimal(schema))), name


def _without_links(api: str, path: Path) -> Path:
    document = load_document(ROOT / f"openapi/{api}.yaml")
    for item in document["paths"].values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                response.pop("links", None)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("api", "credentials", "stand_in"),
    [
        (
            "chargeover",
            ["--basic", "co_test_user:co_test_pass"],
            "createInvoice: the fields sent read back equal through Location",
        ),
        (
            "keyline",
            ["--bearer", "kl_test_token"],
            "createCustomerInvoice: the fields sent and the response read back equal through id",
        ),
    ],
)
def test_a_contract_without_pack_or_links_still_gets_the_invariants(
    api: str, credentials: list[str], stand_in: str, live_server: LiveServer, tmp_path: Path
) -> None:
    contract = _without_links(api, tmp_path / "packless.yaml")
    result = run_conformance(
        "run",
        "--contract",
        str(contract),
        "--base-url",
        live_server.base_url,
        *credentials,
        "--only",
        "invariants",
        "--report-dir",
        str(tmp_path / "reports"),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    passed = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("PASS invariant")]
    assert any(stand_in in line for line in passed), result.stdout[-3000:]
    assert any("its pages are the whole set" in line for line in passed)


def test_read_only_skips_every_write_with_the_reason(live_server: LiveServer) -> None:
    target = Target(
        "solvimon",
        ROOT / "openapi/solvimon.yaml",
        live_server.base_url,
        Credentials(api_key="sk_test_all"),
        other_tenant=Credentials(api_key="sk_test_beta"),
    ).with_contract()
    with httpx.Client(timeout=30) as client:
        results = list(run_invariants(target, client, RunOptions(read_only=True)))
    writes = [r for r in results if r.status is Status.SKIP]
    assert all(r.message == "writes; skipped in a read-only run" for r in writes), [r.message for r in writes]
    skipped = {r.name.split(":")[0] for r in writes}
    assert skipped >= {
        "postInvoicesByResourceIdCredit",
        "postInvoicesByResourceIdRefund",
        "postInvoicesByResourceIdRefresh",
    }, skipped
    assert all(r.status is Status.PASS for r in results if r not in writes), [r.message for r in results]
    assert any("every item listed equals the record" in r.name for r in results if r.status is Status.PASS)


# Cursor- and Link-paged APIs: no contract of the project pages either way, so small ones are
# served in process (httpx.MockTransport) to show the walk follows them and catches a gap.
CURSOR_CONTRACT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "things", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                ],
                "responses": {
                    "200": {
                        "description": "a page",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
                                        },
                                        "next_cursor": {"type": "string", "nullable": True},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def _cursor_api(skip: int | None) -> Callable[[httpx.Request], httpx.Response]:
    things = [{"id": n} for n in range(1, 24)]

    def handle(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("cursor", "0"))
        limit = int(request.url.params.get("limit", "10"))
        page = [t for t in things[start : start + limit] if t["id"] != skip or limit == 50]
        following = start + limit
        return httpx.Response(200, json={"items": page, "next_cursor": str(following) if following < 23 else None})

    return handle


def _link_api(skip: int | None) -> Callable[[httpx.Request], httpx.Response]:
    things = [{"id": n} for n in range(1, 24)]

    def handle(request: httpx.Request) -> httpx.Response:
        page, limit = int(request.url.params.get("page", "1")), int(request.url.params.get("limit", "10"))
        window = [t for t in things[(page - 1) * limit : page * limit] if t["id"] != skip or limit == 50]
        more = page * limit < len(things)
        link = {"Link": f'</things?page={page + 1}&limit={limit}>; rel="next"'} if more else {}
        return httpx.Response(200, json=window, headers=link)

    return handle


def _link_contract() -> dict[str, Any]:
    contract = copy.deepcopy(CURSOR_CONTRACT)
    operation = contract["paths"]["/things"]["get"]
    operation["parameters"] = operation["parameters"][1:]
    ok = operation["responses"]["200"]
    ok["headers"] = {"Link": {"schema": {"type": "string"}}}
    ok["content"]["application/json"]["schema"] = ok["content"]["application/json"]["schema"]["properties"]["items"]
    return contract


@pytest.mark.parametrize(
    ("style", "skip", "expected"),
    [
        ("cursor", None, Status.PASS),
        ("cursor", 7, Status.FAIL),
        ("link", None, Status.PASS),
        ("link", 7, Status.FAIL),
    ],
)
def test_cursor_and_link_lists_are_walked_to_their_end(style: str, skip: int | None, expected: Status) -> None:
    contract, api = (CURSOR_CONTRACT, _cursor_api(skip)) if style == "cursor" else (_link_contract(), _link_api(skip))
    target = Target("things", Path("things.yaml"), "http://things.test", Credentials(bearer="t"), contract=contract)
    with httpx.Client(transport=httpx.MockTransport(api)) as client:
        paging = detect_paging(Session(target).lists[0])
        results = list(run_invariants(target, client, RunOptions()))
    assert paging is not None
    assert paging.style == style
    (whole,) = [r for r in results if "whole set" in r.name]
    assert whole.status is expected, whole.message
    if skip:
        assert "miss 1 of the 23 items" in whole.message
        assert "7" in whole.message


def test_a_meaning_taken_from_a_name_is_an_inference_unless_the_description_states_it() -> None:
    stated = {f.name: f.stated for f in detect_filters(_lists("solvimon")["getInvoices"])}
    assert stated == {
        "customer_id": False,
        "statuses": True,  # "Keep invoices whose status is one of these."
        "paid": False,
        "on_hold": False,
        "pricing_plan_subscription_id": False,
    }


def test_an_undocumented_constraint_is_an_inference_and_provenance_lists_it() -> None:
    document = load_document(ROOT / "openapi/keyline.yaml")
    citations = Citations(document)
    assert citations.cite("#/components/parameters/Id/schema/minimum").level == "inferred"
    assert citations.cite("#/components/parameters/Id").level == "documented"
    listed = {entry.pointer for entry in constraint_entries(document)}
    assert "/components/parameters/Id/schema/minimum" in listed
    assert "/components/parameters/RequestedPage/schema/minimum" in listed


def test_edge_values_come_from_the_schema_alone() -> None:
    assert edge_values({"type": "string", "maxLength": 10}) == ["", "edge-edge-"]
    assert edge_values({"type": "integer", "minimum": 1, "maximum": 9, "nullable": True}) == [1, 9, None]
    assert edge_values({"type": "number", "minimum": -5}) == [-5, 0, -1, 0.5]
    assert edge_values({"type": "array", "maxItems": 3, "items": {"type": "integer"}}, [7]) == [[], [7, 7, 7]]
    assert edge_values({"type": "string", "format": "date"}) == ["2000-02-29", "2099-12-31"]
    assert all(len(value) == 2 for value in edge_values({"type": "string", "pattern": "^[A-Z]{2}$"}))
