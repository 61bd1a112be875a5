"""The response side of the generic mock, on small contracts of our own (tests/data/generic/resp_*.yaml)
served by a real mock process: content negotiation and media types, Prism's response selection,
documented headers, generated bodies that honour their schemas, stored records and statuses."""

from __future__ import annotations

import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.serving.responses.negotiation import accepted_ranges
from mock_server.serving.responses.selection import chosen_key, documented_status, key_for_code, status_of
from tests.conftest import ROOT, LiveServer, start_server, stop_server

XML = b"<greeting><text>hello</text></greeting>"
SPECS = sorted((ROOT / "tests" / "data" / "generic").glob("resp_*.yaml"))


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    contracts = tmp_path_factory.mktemp("resp-contracts")
    for spec in SPECS:
        shutil.copy(spec, contracts / spec.name)
    live: LiveServer = start_server(
        "--contracts", str(contracts), "--fixtures", str(tmp_path_factory.mktemp("no-fixtures")), "--validate-responses"
    )
    with live.client() as client:
        yield client
    stop_server(live)


# --- content negotiation and media types


@pytest.mark.parametrize(
    ("accept", "media_type", "body"),
    [
        (None, "application/json", b'"hello"'),
        ("", "application/json", b'"hello"'),
        ("*/*", "application/json", b'"hello"'),
        ("application/xml", "application/xml", XML),
        ("application/json;q=0.8, application/xml", "application/xml", XML),
        ("application/json;q=0.8, application/xml;q=0.9", "application/xml", XML),
        ("application/xml;q=0, application/*", "application/json", b'"hello"'),
        ("text/html, application/json", "application/json", b'"hello"'),
    ],
)
def test_accept_picks_the_media_type_and_its_example(
    http: httpx.Client, accept: str | None, media_type: str, body: bytes
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = http.get("/resp-neg/greeting", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content == body


@pytest.mark.parametrize("accept", ["application/json", "inv/alid", "text/*;q=0"])
def test_nothing_acceptable_is_406(http: httpx.Client, accept: str) -> None:
    assert http.get("/resp-neg/motto", headers={"Accept": accept}).status_code == 406


def test_text_goes_out_as_text_with_the_schema_example(http: httpx.Client) -> None:
    response = http.get("/resp-neg/motto", headers={"Accept": "text/plain"})
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "keep it simple"


def test_a_vendor_json_type_keeps_its_name(http: httpx.Client) -> None:
    response = http.get("/resp-neg/vendor", headers={"Accept": "application/vnd.acme.thing+json; version=1"})
    assert response.headers["content-type"] == "application/vnd.acme.thing+json"
    assert response.json() == {"kind": "vendor"}


def test_xml_is_serialised_from_the_schema_xml_names(http: httpx.Client) -> None:
    response = http.get("/resp-neg/shelf", headers={"Accept": "application/xml"})
    assert response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.text)
    assert (root.tag, root.get("id"), root.findtext("title")) == ("shelf", "7", "Poetry")
    assert [book.text for book in root.findall("books/book")] == ["Odes", "Elegies"]


def test_no_content_is_not_negotiated(http: httpx.Client) -> None:
    response = http.delete("/resp-neg/nothing", headers={"Accept": "application/json"})
    assert (response.status_code, response.content) == (204, b"")


# --- which response answers


def test_the_lowest_documented_2xx_answers(http: httpx.Client) -> None:
    response = http.get("/resp-sel/several")
    assert (response.status_code, response.json()) == (202, {"state": "accepted"})


def test_default_alone_answers_200(http: httpx.Client) -> None:
    response = http.get("/resp-sel/default-only")
    assert (response.status_code, response.json()) == (200, {"from": "default"})


def test_a_2xx_range_answers_200(http: httpx.Client) -> None:
    response = http.get("/resp-sel/range-only")
    assert (response.status_code, response.text) == (200, "range success")
    assert response.headers["content-type"] == "text/plain"


def test_without_2xx_the_first_documented_answers(http: httpx.Client) -> None:
    response = http.get("/resp-sel/errors-only")
    assert (response.status_code, response.text) == (500, "server trouble")


def test_prefer_code_takes_the_range_or_default(http: httpx.Client) -> None:
    assert http.get("/resp-sel/range-only", headers={"Prefer": "code=201"}).status_code == 201
    response = http.get("/resp-sel/range-only", headers={"Prefer": "code=503"})
    assert (response.status_code, response.text) == (503, "default text")
    response = http.get("/resp-sel/errors-only", headers={"Prefer": "code=404"})
    assert (response.status_code, response.text) == (404, "client trouble")


def test_documented_headers_carry_their_example_or_schema_values(http: httpx.Client) -> None:
    headers = http.get("/resp-sel/headed").headers
    assert headers["X-Rate-Limit"] == "100"
    assert headers["X-Region"] == "eu-west"
    assert uuid.UUID(headers["X-Request-Id"])


def test_selection_rules() -> None:
    assert chosen_key({"204": 1, "200": 1}) == "200"
    assert chosen_key({"default": 1, "2XX": 1}) == "2XX"
    assert chosen_key({"4XX": 1, "default": 1}) == "default"
    assert chosen_key({"5XX": 1, "4XX": 1}) == "5XX"
    assert [status_of(key) for key in ("201", "2XX", "5XX", "default")] == [201, 200, 500, 200]
    assert key_for_code({"2XX": 1}, "204") == "2XX"
    assert key_for_code({"200": 1}, "404") is None
    assert documented_status(("200", "400"), 409, 422, 400) == 400
    assert documented_status(("200", "4XX"), 409) == 409
    assert documented_status(("200",), 404, 410) is None
    assert accepted_ranges("a/b;q=0.5, c/d, e/f;q=0, g/h;q=0.9") == ["c/d", "g/h", "a/b"]


# --- generated bodies


def _depth(node: dict[str, Any]) -> int:
    return 1 + max((_depth(child) for child in node["children"]), default=0)


def test_a_recursive_schema_is_generated_to_a_bounded_depth_with_its_required_fields(http: httpx.Client) -> None:
    tree = http.get("/resp-gen/tree").json()

    def valid(node: dict[str, Any]) -> bool:
        return isinstance(node["label"], str) and all(valid(child) for child in node["children"])

    assert valid(tree)
    assert 1 < _depth(tree) < 12


def test_deep_nesting_keeps_required_properties_at_every_level(http: httpx.Client) -> None:
    node = http.get("/resp-gen/deep").json()
    for _ in range(8):
        node = node["next"]
    assert node["leaf"] == "bottom"


def test_required_undeclared_defaults_and_nullable_defaults(http: httpx.Client) -> None:
    body = http.get("/resp-gen/loose").json()
    assert isinstance(body["token"], str)
    assert (body["size"], body["cursor"], body["mode"]) == (12, None, "slow")


def test_all_of_parts_are_merged_before_generating(http: httpx.Client) -> None:
    body = http.get("/resp-gen/combined").json()
    assert isinstance(body["name"], str)
    assert len(body["name"]) >= 3
    assert 1 <= body["rank"] <= 3


# --- stored records and documented statuses


def test_rails_style_envelopes_are_a_create_read_pair(http: httpx.Client) -> None:
    created = http.post("/resp-state/accounts", json={"account": {"code": "acme", "name": "Acme"}})
    assert created.status_code == 200, created.text
    account = created.json()["account"]
    assert (account["code"], account["name"]) == ("acme", "Acme")
    assert http.get("/resp-state/accounts/acme").json() == {"account": account}


def test_generated_identifiers_differ_between_records_despite_an_example(http: httpx.Client) -> None:
    ids = {
        http.post("/resp-state/accounts", json={"account": {"code": code}}).json()["account"]["id"]
        for code in ("one", "two")
    }
    assert len(ids) == 2
    assert all(uuid.UUID(value) for value in ids)


def test_a_request_field_typed_differently_in_the_response_is_not_copied(http: httpx.Client) -> None:
    sent = {"code": "typed", "balance": 12.5, "opened_at": "yesterday", "contacts": [{"name": "Ada"}]}
    account = http.post("/resp-state/accounts", json={"account": sent}).json()["account"]
    assert "contacts" not in account  # its items lack the id the response requires
    assert isinstance(account["balance"], dict)
    assert isinstance(account["balance"]["amount"], int)
    assert re.match(r"^\d{4}-\d\d-\d\dT", account["opened_at"])
    assert isinstance(account["region"], str)  # required, not declared


def test_a_reused_idempotency_key_without_a_documented_conflict_is_not_refused(http: httpx.Client) -> None:
    key = {"Idempotency-Key": "k-1"}
    first = http.post("/resp-state/accounts", json={"account": {"code": "idem-1"}}, headers=key)
    again = http.post("/resp-state/accounts", json={"account": {"code": "idem-1"}}, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    other = http.post("/resp-state/accounts", json={"account": {"code": "idem-2"}}, headers=key)
    assert other.status_code == 200
    assert other.json()["account"]["code"] == "idem-2"


def test_missing_records_without_a_documented_404_get_the_prism_answer(http: httpx.Client) -> None:
    read = http.get("/resp-state/accounts/nobody")
    assert read.status_code == 200
    assert "account" in read.json()
    nested = http.get("/resp-state/accounts/nobody/notes")
    assert (nested.status_code, nested.json()) == (200, ["first note"])
