"""The generic mock answers what its own conformance schema layer checks (no false alarms).

One test per class of finding Schemathesis raised against our mock of a real document:
an invalid request answered in a media type the operation does not document, an ``int32``
parameter out of its format's range accepted, a ``uuid`` body field not checked, a repeated
client-chosen id refused with an undocumented-as-conflict 422 (tests/data/generic/fidelity/).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.invariants.contract import Operation
from conformance.scenarios.base import SchemaTuning
from conformance.schema.document import for_schemathesis
from conformance.schema.layer import fail_on_warnings
from mock_server.errors import ErrorKind, MockError
from mock_server.fakes import fits_type
from mock_server.generic.error_shape import error_renderer
from mock_server.serving.requests.int_bounds import with_integer_bounds
from mock_server.serving.requests.validation import CompiledSchema
from tests.conftest import ROOT, generic_mock

ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}},
}


def _invalid(message: str = "bad") -> MockError:
    error = MockError(400, message, kind=ErrorKind.VALIDATION)
    error.operation_id = "addPet"
    return error


def _spec(responses: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "paths": {"/pets": {"post": {"operationId": "addPet", "responses": responses}}}}


def test_invalid_request_takes_the_shape_of_the_operations_default_response() -> None:
    """petstore-expanded: only ``200`` and ``default`` documented, so the 422 is a ``default``."""
    render = error_renderer(
        _spec(
            {
                "200": {"description": "ok"},
                "default": {"description": "error", "content": {"application/json": {"schema": ERROR}}},
            }
        )
    )
    rendered = render(_invalid("RequestBody is required"))
    assert rendered.status == 422
    assert rendered.headers["Content-Type"] == "application/json"
    assert set(rendered.body) == {"code", "message"}


def test_invalid_request_takes_the_shape_of_the_operations_4xx_range() -> None:
    range_only = {"4XX": {"description": "client error", "content": {"application/json": {"schema": ERROR}}}}
    rendered = error_renderer(_spec(range_only))(_invalid())
    assert (rendered.status, rendered.headers["Content-Type"]) == (422, "application/json")


def test_invalid_request_without_any_documented_error_is_problem_json() -> None:
    rendered = error_renderer(_spec({"200": {"description": "ok"}}))(_invalid())
    assert (rendered.status, rendered.headers["Content-Type"]) == (422, "application/problem+json")


def test_integer_formats_bound_the_value() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"limit": {"type": "integer", "format": "int32"}}}
    bounded = with_integer_bounds(schema)
    assert bounded["properties"]["limit"] == {
        "type": "integer",
        "format": "int32",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
    assert "minimum" not in schema["properties"]["limit"]  # the document is not changed
    compiled = CompiledSchema.draft4(schema)
    assert compiled.first_error({"limit": 2**31}) is not None
    assert compiled.first_error({"limit": 2**31 - 1}) is None


def test_integer_bounds_keep_the_documents_own_and_leave_others_alone() -> None:
    stated = {"type": "integer", "format": "int32", "maximum": 100}
    assert with_integer_bounds(stated)["maximum"] == 100
    plain = {"type": "object", "properties": {"n": {"type": "integer"}, "s": {"type": "string", "format": "int32"}}}
    assert with_integer_bounds(plain) is plain


FIDELITY = ROOT / "tests" / "data" / "generic" / "fidelity"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(FIDELITY) as client:
        yield client


def test_served_invalid_query_gets_the_default_shape_and_int32_range(http: httpx.Client) -> None:
    assert http.get("/fidelity/pets?limit=2147483647").status_code == 200
    response = http.get("/fidelity/pets?limit=2147483648")
    assert (response.status_code, response.headers["content-type"]) == (422, "application/json")
    assert set(response.json()) == {"code", "message"}


def test_uuid_format_of_a_body_field_is_checked(http: httpx.Client) -> None:
    bad = http.post("/fidelity/customers", json={"customer": {"external_id": "c1", "owner_id": ""}})
    assert bad.status_code == 422, bad.text
    good = {"customer": {"external_id": "c1", "owner_id": "1a901a90-1a90-1a90-1a90-1a901a901a90"}}
    assert http.post("/fidelity/customers", json=good).status_code == 200


def test_a_repeated_client_chosen_id_without_a_documented_409_is_no_conflict(http: httpx.Client) -> None:
    """A 422 to a schema-valid request reads as a validation error: only a 409 says conflict."""
    first = http.post("/fidelity/customers", json={"customer": {"external_id": "same", "limit": 1}})
    second = http.post("/fidelity/customers", json={"customer": {"external_id": "same", "limit": 2}})
    assert (first.status_code, second.status_code) == (200, 200), second.text
    assert http.get("/fidelity/customers/same").json()["customer"]["limit"] == 2


def test_an_example_of_the_wrong_type_is_generated_instead(http: httpx.Client) -> None:
    body = http.get("/fidelity/settings").json()
    assert isinstance(body["translations"], dict)
    assert isinstance(body["num_days"], int)
    assert not isinstance(body["num_days"], bool)
    assert isinstance(body["rate"], int | float)
    assert isinstance(body["is_system"], bool)
    assert body["name"] == "kept"


def test_fits_type() -> None:
    assert fits_type({"type": "integer"}, 3)
    assert fits_type({"type": "integer"}, 3.0)
    assert not fits_type({"type": "integer"}, "1")
    assert not fits_type({"type": "integer"}, True)
    assert fits_type({"type": "string", "nullable": True}, None)
    assert not fits_type({"type": "string"}, None)
    assert fits_type({"oneOf": [{"type": "string"}]}, 1)


def test_a_multipart_array_without_item_type_is_no_server_error(http: httpx.Client) -> None:
    files = [("documents", ("a.txt", b"hello", "text/plain")), ("documents", ("b.txt", b"x", "text/plain"))]
    response = http.post("/fidelity/uploads", data={"_method": "POST"}, files=files)
    assert response.status_code == 200, response.text
    # Schemathesis sends the "binary" items as plain form values: Connexion coerced them by type.
    as_text = http.post("/fidelity/uploads", data={"documents": ["a", "b"]}, files=[("x", ("x", b"", "text/plain"))])
    assert as_text.status_code == 200, as_text.text


def test_missing_test_data_fails_the_run_only_where_a_pack_discovers_data() -> None:
    """Without discovery, Schemathesis' made-up ids meet a correct target's 404: no failure."""
    generic = fail_on_warnings(SchemaTuning())
    assert "missing_auth" in generic
    assert "missing_test_data" not in generic
    assert "missing_test_data" in fail_on_warnings(SchemaTuning(discover=lambda context: {}))


def test_schemathesis_reads_a_nullable_enum_as_allowing_null() -> None:
    reason = {"type": "string", "enum": ["duplicated_charge", "other"], "nullable": True}
    contract = {"openapi": "3.0.3", "components": {"schemas": {"Reason": reason, "Kind": {"enum": ["a"]}}}}
    read = for_schemathesis(contract)["components"]["schemas"]
    assert read["Reason"]["enum"] == ["duplicated_charge", "other", None]
    assert read["Kind"]["enum"] == ["a"]
    assert reason["enum"] == ["duplicated_charge", "other"]  # the contract itself is not changed
    assert CompiledSchema.draft4(reason).first_error(None) is None  # what the mock already reads


def test_a_read_sends_the_header_parameters_it_requires() -> None:
    """invoiceninja: showTaxRate requires ``X-Requested-With`` (example ``XMLHttpRequest``)."""
    header = {"name": "X-Requested-With", "in": "header", "required": True, "schema": {"example": "XMLHttpRequest"}}
    tenant = {"name": "X-Tenant", "in": "header", "required": True, "x-tenant": True, "schema": {"type": "string"}}
    read = Operation("showTaxRate", "GET", "/tax_rates/{id}", "/paths/x/get", {}, (header, tenant))
    assert read.required_headers() == {"X-Requested-With": "XMLHttpRequest"}
    unknown = {"name": "X-Secret", "in": "header", "required": True, "schema": {"type": "string"}}
    assert Operation("r", "GET", "/t/{id}", "/p", {}, (unknown,)).required_headers() is None


def test_uuid_format_of_a_path_parameter_is_checked(http: httpx.Client) -> None:
    assert http.get("/fidelity/owners/null%2Cnull").status_code == 422
    assert http.get("/fidelity/owners/1a901a90-1a90-1a90-1a90-1a901a901a90").status_code != 422
