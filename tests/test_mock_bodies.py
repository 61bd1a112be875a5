"""Request bodies served generically (tests/data/generic/bodies/bodies.yaml): form, multipart
and JSON validation, ``allowReserved``, 415, and invalid requests answered with what the
operation documents (its 422, else its 400, else a 422 problem+json)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT, generic_mock

DATA = ROOT / "tests" / "data" / "generic" / "bodies"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(DATA) as client:
        yield client


def refused(response: httpx.Response, field: str) -> None:
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), response.text
    assert response.json()["field"] == field


def test_form_bodies_are_validated_with_field_paths(http: httpx.Client) -> None:
    assert http.post("/form", content=b"id=123&status=open", headers=FORM).status_code == 200
    refused(http.post("/form", content=b"id=100&status=open", headers=FORM), "id")
    refused(http.post("/form", content=b"id=123", headers=FORM), "status")


def test_reserved_characters_need_allow_reserved(http: httpx.Client) -> None:
    """Connexion decodes the form before its validator sees it; the raw body is checked first."""
    assert http.post("/form", content=b"id=123&status=open&note=a%2Fb", headers=FORM).status_code == 200
    refused(http.post("/form", content=b"id=123&status=open&note=a/b", headers=FORM), "note")
    # "+" is how a form encodes a space, not a reserved character sent raw.
    assert http.post("/form", content=b"id=123&status=open&note=a+b", headers=FORM).status_code == 200
    assert http.post("/form-reserved", content=b"next=:/?#[]@!$&'()*+,;", headers=FORM).status_code == 200


def test_multipart_bodies_are_validated(http: httpx.Client) -> None:
    assert http.post("/multipart", files={"id": (None, "123"), "status": (None, "open")}).status_code == 200
    refused(http.post("/multipart", files={"id": (None, "100"), "status": (None, "open")}), "id")


def test_unsupported_media_types_and_undocumented_bodies_are_415(http: httpx.Client) -> None:
    assert http.post("/json", content=b"id=1", headers={"Content-Type": "text/plain"}).status_code == 415
    assert http.post("/no-body", content=b"text", headers={"Content-Type": "text/plain"}).status_code == 415
    assert http.post("/no-body", headers={"Content-Type": "text/plain"}).status_code == 200  # no body: fine
    documented = http.post("/text-error", content=b"text", headers={"Content-Type": "text/plain"})
    assert (documented.status_code, documented.headers["content-type"]) == (415, "text/plain")
    assert documented.text == "this operation takes no body"


def test_invalid_requests_get_what_the_operation_documents(http: httpx.Client) -> None:
    refused(http.post("/json", json={"status": "open"}), "id")
    documented_422 = http.post("/documented-422", json={"id": 1})
    assert (documented_422.status_code, documented_422.json()) == (422, {"problem": "invalid order"})
    documented_400 = http.post("/documented-400", json={"id": 1})
    assert documented_400.status_code == 400
    assert documented_400.json()["field"] == "status"
