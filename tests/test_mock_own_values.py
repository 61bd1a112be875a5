"""A contract's own values that break their schemas are not served, and what the mock generates
validates (tests/data/generic/own_values/own_values.yaml, served by a real mock process): schema
``example``/``default`` values, ``oneOf`` exclusivity, media-type examples (a warning at start-up,
a valid body instead), patterns, and error bodies generated from a schema with deep optional parts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoice_contracts.oas import load_contract, schema_validator
from tests.conftest import ROOT, LiveServer, start_server, stop_server

DATA = ROOT / "tests" / "data" / "generic" / "own_values"
CONTRACT = load_contract(DATA / "own_values.yaml")


def valid(body: Any, schema: str) -> bool:
    components = CONTRACT.document["components"]
    validator = schema_validator({"$ref": f"#/components/schemas/{schema}"}, "3.0", components=components)
    return bool(validator.is_valid(body))


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    live: LiveServer = start_server("--contracts", str(DATA), "--fixtures", str(tmp_path_factory.mktemp("none")))
    with live.client() as client:
        yield client
    stop_server(live)


def test_a_schema_example_that_breaks_its_oneof_is_not_served(http: httpx.Client) -> None:
    body = http.get("/quotas").json()
    assert body["limits"] != {"gb": 10}, "10 matches two oneOf branches: the example is invalid"
    assert valid(body, "Quota"), body


def test_a_generated_oneof_value_matches_one_branch(http: httpx.Client) -> None:
    amount = http.get("/quotas").json()["amount"]
    assert isinstance(amount, float), "an integer matches both branches"
    assert not amount.is_integer(), amount


def test_an_invalid_enum_example_or_default_is_generated_instead(http: httpx.Client) -> None:
    body = http.get("/quotas").json()
    assert body.get("unit", "gb") in ("gb", "tb")


def test_an_invalid_media_type_example_is_replaced_by_a_valid_body(http: httpx.Client) -> None:
    body = http.get("/plans").json()
    assert body["period"] in ("month", "year"), "the invalid default is not served either"
    assert body["seats"] >= 1, body
    assert body["url"].startswith("/plans/"), "a pattern no usual candidate matches is still honoured"
    assert valid(body, "Plan"), body


def test_the_first_valid_named_example_is_chosen_and_a_named_one_is_served_as_written(http: httpx.Client) -> None:
    assert http.post("/plans", json={"seats": 1}).json() == {"period": "year", "seats": 2, "url": "/plans/2"}
    asked = http.post("/plans", json={"seats": 1}, headers={"Prefer": "example=broken"}).json()
    assert asked["period"] == "fortnightly"


def test_an_error_body_has_the_required_and_recognised_fields_only(http: httpx.Client) -> None:
    response = http.post("/plans", json={"seats": "x" * 200})
    assert response.status_code == 422, response.text
    body = response.json()
    assert valid(body, "Error"), body
    assert set(body["error"]) <= {"type", "message", "param"}, "no optional deep part in an error body"
    assert len(body["error"]["message"]) <= 40, "a message is cut to the schema's maxLength"


def test_each_invalid_media_type_example_is_reported_once_at_start_up(tmp_path: Path) -> None:
    live = start_server("--contracts", str(DATA), "--fixtures", str(tmp_path))
    live.process.terminate()
    _, stderr = live.process.communicate(timeout=10)
    warned = [line for line in stderr.decode().splitlines() if "breaks its schema" in line]
    assert len(warned) == 2, warned
    media = "responses/200/content/application~1json"
    assert any(f"/paths/~1plans/get/{media}/example " in line for line in warned), warned
    assert any(f"/paths/~1plans/post/{media}/examples/broken/value " in line for line in warned), warned
