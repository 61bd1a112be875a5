"""The conformance suite against a second, independent implementation of the contracts.

``tests/reference/`` follows the contracts but makes every open choice differently from the mock
(see its docstring). A check that fails here while the mock passes demands more than the
contract says, or the contract is silent where it should speak.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conformance.scenarios import all_packs
from tests.conftest import conforms_in_the_ci_profile, start_server, stop_server
from tests.reference import CONFORMANCE_FLAGS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("api", ["solvimon", "chargeover", "keyline"])
def test_the_reference_implementation_conforms_in_the_ci_profile(api: str, tmp_path: Path) -> None:
    scenarios = len(all_packs()[api].scenarios)
    print(conforms_in_the_ci_profile("tests.reference", api, CONFORMANCE_FLAGS[api], tmp_path, scenarios))


def test_the_reference_makes_other_choices_than_the_mock() -> None:
    """The point of the reference: ids, order, signs and link types the contract leaves open differ."""
    server = start_server(module="tests.reference")
    try:
        with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": "ref-solv-full"}) as client:
            listed = client.get("/v1/invoices", params={"statuses": ["FINAL"], "limit": 100}).json()["data"]
            credits = [i for i in listed if i["type"] == "CREDIT"]
            original = client.get(f"/v1/invoices/{credits[0]['credit']['original_invoice_id']}").json()
    finally:
        stop_server(server)
    created = [i["created_at"] for i in listed]
    assert created == sorted(created, reverse=True), "lists are newest first"
    assert all(len(i["id"]) == 36 and i["id"].count("-") == 4 for i in listed), "ids are UUIDs"
    assert credits, "the seed holds credit invoices"
    assert all(not i["invoice_amount_including_tax"]["quantity"].startswith("-") for i in credits)
    assert {link["link_type"] for link in original["linked_invoices"]} == {"CREDITED_BY"}
    assert min(p["period_order"] for p in original["periods"]) == 1
