"""Routing of a contract served generically (tests/data/generic/routing/routing.yaml).

Each Connexion limitation ``mock_server/serving/requests/routing.py`` works around has a test here:
document-order routing, HEAD routed to GET, an empty segment never matching a parameter.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.contracts import load_contract
from tests.conftest import ROOT, generic_mock

CONTRACT = ROOT / "tests" / "data" / "generic" / "routing" / "routing.yaml"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(CONTRACT.parent) as client:
        yield client


def route(http: httpx.Client, path: str, method: str = "GET") -> object:
    response = http.request(method, path)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()["route"]


def test_concrete_paths_win_over_templates_listed_before_them(http: httpx.Client) -> None:
    assert route(http, "/users/me") == "/users/me"
    assert route(http, "/users/42") == "/users/{id}"


def test_partial_segment_templates_colon_paths_and_percent_encoding(http: httpx.Client) -> None:
    assert route(http, "/files/report.json") == "/files/{name}.json"
    assert route(http, "/files/report.txt") == "/files/{name}"
    assert route(http, "/jobs/7:cancel", "POST") == "/jobs/{id}:cancel"
    assert route(http, "/odd%20path%20%7C%20with%20%25%20characters") == "odd"


def test_the_contracts_own_root_and_the_index_under_mock(http: httpx.Client) -> None:
    assert http.get("/").json() == {"root": True}
    index = http.get("/__mock/", headers={"Accept": "application/json"})
    assert index.status_code == 200
    assert [entry["api"] for entry in index.json()["apis"]] == ["routing", "admin"]


def test_head_and_options_operations(http: httpx.Client) -> None:
    assert http.head("/ping").status_code == 200
    assert http.options("/ping").json() == {"methods": ["GET", "HEAD", "OPTIONS"]}


def test_undocumented_methods_are_405_with_allow_and_head_is_no_500(http: httpx.Client) -> None:
    """Starlette routes HEAD to GET routes; the contract documents no HEAD on /users/me."""
    for method in ("HEAD", "DELETE"):
        refused = http.request(method, "/users/me")
        assert (refused.status_code, refused.headers["Allow"]) == (405, "GET"), method


def test_unknown_paths_are_404_and_an_empty_parameter_is_a_missing_parameter(http: httpx.Client) -> None:
    assert http.get("/nowhere").status_code == 404
    missing = http.get("/things//parts")
    assert missing.status_code == 422  # the operation documents no 400 or 422: Prism's
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["field"] == "thingId"


def test_routing_order_is_specificity_then_document_order() -> None:
    order = load_contract(CONTRACT).routing_order
    assert order.index("/users/me") < order.index("/users/{id}")
    assert order.index("/files/{name}.json") < order.index("/files/{name}")
