"""Shapes real contracts have, served generically (tests/data/generic/real_shapes/*.yaml): one
error schema documented by every operation, form-encoded creates read back through a union,
and OpenAPI 3.1 ``null`` types in stored records."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from mock_server.contracts import load_contract
from mock_server.errors import ErrorKind, MockError
from mock_server.fakes import SchemaFaker
from mock_server.generic import error_shape
from mock_server.serving.requests import validation31
from tests.conftest import ROOT, LiveServer, start_server, stop_server

DATA = ROOT / "tests" / "data" / "generic" / "real_shapes"


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    contracts = tmp_path_factory.mktemp("real-shapes")
    for spec in DATA.glob("*.yaml"):
        shutil.copy(spec, contracts / spec.name)
    live: LiveServer = start_server(
        "--contracts", str(contracts), "--fixtures", str(tmp_path_factory.mktemp("none")), "--validate-responses"
    )
    with live.client() as client:
        yield client
    stop_server(live)


def test_an_error_body_shared_by_operations_is_generated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Mapping[str, Any]] = []

    class Counting(SchemaFaker):
        def generate(self, schema: Mapping[str, Any], name: str = "", depth: int = 0) -> Any:
            if depth == 0 and not name:
                made.append(schema)
            return super().generate(schema, name, depth)

    checked: set[int] = set()  # each schema checked is compiled once: one per shape, not per operation

    def compiled_for(document: Mapping[str, Any], schema: dict[str, Any]) -> Any:
        checked.add(id(schema))
        return validation31.compiled_for(document, schema)

    monkeypatch.setattr(error_shape, "SchemaFaker", Counting)
    monkeypatch.setattr(error_shape, "compiled_for", compiled_for)
    render = error_shape.error_renderer(load_contract(DATA / "shared_errors.yaml").spec)
    assert len(made) == 1
    for operation_id in ("getA", "getB", "postC"):
        error = MockError(404, "No such thing", kind=ErrorKind.NOT_FOUND)
        error.operation_id = operation_id
        assert render(error).body["error"]["message"] == "No such thing"
    assert len(checked) == 1


def test_a_form_encoded_create_reads_back_its_fields(http: httpx.Client) -> None:
    created = http.post("/form-records/things", data={"name": "Acme Corp", "email": "billing@acme.test", "count": "3"})
    assert created.status_code == 200, created.text
    record = created.json()
    assert (record["name"], record["email"], record["count"]) == ("Acme Corp", "billing@acme.test", 3)
    read = http.get(f"/form-records/things/{record['id']}")
    assert read.status_code == 200, read.text
    assert read.json() == record


def test_a_form_field_typed_otherwise_in_the_record_is_not_kept(http: httpx.Client) -> None:
    record = http.post("/form-records/things", data={"name": "Typed", "kind": "7"}).json()
    assert "kind" not in record or record["kind"] in ("plain", "fancy")


def test_a_3_1_create_answers_null_where_its_response_says_null(http: httpx.Client) -> None:
    created = http.post("/nulls31/events", json={"event": {"transaction_id": "t-1"}})
    assert created.status_code == 200, created.text
    event = created.json()["event"]
    assert event["customer_id"] is None
    assert http.get("/nulls31/events/t-1").json() == created.json()


def test_3_1_type_arrays_decide_which_request_fields_a_record_keeps(http: httpx.Client) -> None:
    body = {"event": {"transaction_id": "t-2", "note": "hello", "size": 3, "label": 7}}
    event = http.post("/nulls31/events", json=body).json()["event"]
    assert (event["note"], event["size"]) == ("hello", 3)
    assert "label" not in event
    cleared = http.post("/nulls31/events", json={"event": {"transaction_id": "t-3", "note": None}}).json()["event"]
    assert cleared["note"] is None
