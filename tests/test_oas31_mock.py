"""The mock on OpenAPI 3.1 contracts (tests/data/oas31/, one per JSON Schema 2020-12 keyword family).

Requests are validated against the contract's own 2020-12 schemas (not Connexion's 3.0 view):
each keyword below rejects what breaks it. Generated answers honour the same keywords: the mock
runs with response validation on, and each answer is checked again here with jsonschema's
``Draft202012Validator``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from invoice_contracts.oas import load_contract
from mock_server import MockSettings, create_app
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "oas31"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    empty = tmp_path_factory.mktemp("no-fixtures")
    app = create_app(MockSettings(contracts_dir=DATA, fixtures_dir=empty, validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _schema(contract: str, name: str) -> dict[str, Any]:
    document = load_contract(DATA / f"{contract}.yaml").document
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


VALID = [
    ("/types-api/reading", {"kind": "reading", "value": 0.5, "unit": "kWh", "note": None, "count": "3"}),
    ("/arrays-api/route", {"point": [1.5, 2], "stops": ["a", "depot"], "tags": ["first"]}),
    ("/conditionals-api/payment", {"method": "card", "card_number": "4111", "billing_email": "a", "billing_name": "b"}),
    ("/conditionals-api/payment", {"method": "iban", "iban": "DE00"}),
    ("/objects-api/labels", {"name": "office", "x_size": 3}),
    ("/refs-api/order", {"total": 100, "lines": [{"sku": "A-1"}]}),
]

INVALID = [
    ("const", "/types-api/reading", {"kind": "other", "value": 1, "unit": "kWh"}),
    ("exclusiveMinimum", "/types-api/reading", {"kind": "reading", "value": 0, "unit": "kWh"}),
    ("exclusiveMaximum", "/types-api/reading", {"kind": "reading", "value": 1000, "unit": "kWh"}),
    ("type array", "/types-api/reading", {"kind": "reading", "value": 1, "unit": "kWh", "note": 5}),
    ("type array", "/types-api/reading", {"kind": "reading", "value": 1, "unit": "kWh", "count": 1.5}),
    ("type null", "/types-api/reading", {"kind": "reading", "value": 1, "unit": "kWh", "nothing": 0}),
    ("prefixItems", "/arrays-api/route", {"point": [1, "north"], "stops": ["depot"]}),
    ("items: false", "/arrays-api/route", {"point": [1, 2, 3], "stops": ["depot"]}),
    ("contains", "/arrays-api/route", {"point": [1, 2], "stops": ["a"]}),
    ("maxContains", "/arrays-api/route", {"point": [1, 2], "stops": ["depot", "depot", "depot"]}),
    ("unevaluatedItems", "/arrays-api/route", {"point": [1, 2], "stops": ["depot"], "tags": ["first", "x"]}),
    ("if/then", "/conditionals-api/payment", {"method": "card"}),
    ("if/else", "/conditionals-api/payment", {"method": "iban"}),
    ("dependentRequired", "/conditionals-api/payment", {"method": "iban", "iban": "DE", "billing_email": "a"}),
    ("dependentSchemas", "/conditionals-api/payment", {"method": "iban", "iban": "de00"}),
    ("patternProperties", "/objects-api/labels", {"x_size": "big"}),
    ("propertyNames", "/objects-api/labels", {"x_Size": 1}),
    ("unevaluatedProperties", "/objects-api/labels", {"colour": "red"}),
    ("$ref sibling", "/refs-api/order", {"total": 101, "lines": [{"sku": "A"}]}),
    ("$ref target", "/refs-api/order", {"total": -1, "lines": [{"sku": "A"}]}),
    ("$defs", "/refs-api/order", {"total": 1, "lines": [{}]}),
]


@pytest.mark.parametrize(("path", "body"), VALID)
def test_valid_bodies_are_accepted(client: TestClient, path: str, body: dict[str, Any]) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("keyword", "path", "body"), INVALID)
def test_each_2020_12_keyword_rejects_what_breaks_it(
    client: TestClient, keyword: str, path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400, f"{keyword}: {response.status_code} {response.text}"


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"method": "card", "card_number": "4111"}, 204),
        ({"method": "card"}, 400),  # if/then
        ({"method": "iban", "iban": "de"}, 400),  # dependentSchemas
    ],
)
def test_form_bodies_are_validated_as_2020_12(client: TestClient, form: dict[str, str], status: int) -> None:
    assert client.post("/conditionals-api/payment-form", data=form).status_code == status


@pytest.mark.parametrize(
    ("query", "status"),
    [
        *(("limit=1", 200), ("limit=99", 200), ("limit=0", 400), ("limit=100", 400), ("after=abcdef", 400)),
        # several types allowed: the text is checked as text and as what it spells
        *(("status=failed&status=404", 200), ("status=99", 400), ("status=nope", 400)),
        *(("code=7", 200), ("code=true", 200), ("code=x", 400)),
    ],
)
def test_parameters_are_validated_as_2020_12(client: TestClient, query: str, status: int) -> None:
    assert client.get(f"/types-api/reading?{query}").status_code == status


@pytest.mark.parametrize(
    ("contract", "path", "name"),
    [
        ("types", "/types-api/reading", "Reading"),
        ("arrays", "/arrays-api/route", "Route"),
        ("conditionals", "/conditionals-api/payment", "Payment"),
        ("objects", "/objects-api/labels", "Labels"),
        ("refs", "/refs-api/order", "Order"),
    ],
)
def test_generated_answers_honour_2020_12(client: TestClient, contract: str, path: str, name: str) -> None:
    validator = Draft202012Validator(_schema(contract, name))
    for seed in range(5):
        response = client.get(path, params={"limit": seed + 1} if contract == "types" else None)
        assert response.status_code == 200, response.text
        assert not list(validator.iter_errors(response.json())), response.text


def test_document_features(client: TestClient) -> None:
    """A path item kept in components is routed; a webhook is not; the contract is served as written."""
    assert client.get("/document-api/ping", params={"echo": "hello"}).json() == {"pong": True}
    assert client.get("/document-api/ping", params={"echo": "bye"}).status_code == 400
    assert client.post("/document-api/pinged", json={"pong": True}).status_code == 404
    served = client.get("/document-api/openapi.json").json()
    assert served["openapi"] == "3.1.0"
    assert "webhooks" in served
    assert served["info"]["license"]["identifier"] == "Apache-2.0"


def test_the_3_0_path_is_untouched() -> None:
    """A 3.0 contract is given to Connexion as loaded, with the stock validators."""
    from mock_server.contracts import load_contract as load_served

    contract = load_served(ROOT / "openapi" / "keyline.yaml")
    assert contract.version == "3.0"
    assert contract.connexion_spec is contract.spec


def test_a_3_1_contract_keeps_its_document() -> None:
    from mock_server.contracts import load_contract as load_served

    contract = load_served(DATA / "types.yaml")
    assert contract.version == "3.1"
    assert contract.spec["openapi"] == "3.1.0"
    assert contract.connexion_spec["openapi"] == "3.0.3"


def test_a_literal_path_segment_wins_over_a_template(tmp_path: Path) -> None:
    """``POST /invoices/preview`` is not ``/invoices/{id}`` (which has no POST)."""
    from mock_server.contracts import load_contract as load_served

    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/invoices/{id}": {"get": {"operationId": "getInvoice", "responses": {"200": {"description": "ok"}}}},
            "/invoices/preview": {"post": {"operationId": "preview", "responses": {"200": {"description": "ok"}}}},
        },
    }
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps(document))
    contract = load_served(path)
    matched = contract.match("POST", "/invoices/preview")
    assert matched is not None
    assert matched.operation_id == "preview"
    assert contract.match("GET", "/invoices/7") is not None
