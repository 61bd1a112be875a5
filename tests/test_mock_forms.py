"""Form and multipart bodies whose properties nest, served generically
(tests/data/generic/forms/forms.yaml): bracketed keys (``shipping[address][line1]``,
``items[0][price]``, ``expand[]``) decoded into objects and arrays, leaves cast by their schema
(unions included), then validated. Pins the Connexion limitation
``mock_server/serving/requests/forms.py`` works around ("TODO support more form encoding styles").
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.serving.requests.forms import nested_fields
from tests.conftest import ROOT, generic_mock

DATA = ROOT / "tests" / "data" / "generic" / "forms"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PROBLEM = "application/problem+json"
VALID = (
    "customer=c1&shipping[name]=x&shipping[address][line1]=y&shipping[address][floor]=2"
    "&items[0][price]=p&items[0][quantity]=3&items[1][price]=q&items[1][taxable]=true&items[1][rate]=0.5"
    "&expand[]=a&expand[]=b&metadata[order]=7&limit=5&bounds[gt]=1"
)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(DATA) as client:
        yield client


def accepted(http: httpx.Client, path: str, body: str) -> None:
    response = http.post(path, content=body.encode(), headers=FORM)
    assert response.status_code == 200, (body, response.text)


def refused(http: httpx.Client, path: str, body: str, field: str) -> None:
    response = http.post(path, content=body.encode(), headers=FORM)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), (body, response.text)
    assert response.json()["field"] == field, response.text


def test_deep_object_encoded_properties_nest(http: httpx.Client) -> None:
    accepted(http, "/deep", VALID)
    # An empty object has no form encoding: a required one (shipping.address) that did not come is empty.
    accepted(http, "/deep", "customer=c1&shipping[name]=x")
    accepted(http, "/deep", "customer=c1&expand=a")  # one scalar where an array is meant: one item
    accepted(http, "/deep", "customer=c1&items[0][price]=p&items[0][codes]=")  # an empty array
    accepted(http, "/deep", "customer=c1&shipping[name]=x&shipping[address]=")  # an empty object
    refused(http, "/deep", "customer=c1&items[0][price]=p&items[0][codes]=zz", "items.0.codes.0")
    accepted(http, "/deep", "customer=c1&metadata=&limit=&bounds=3")  # the unions' other members
    refused(http, "/deep", "customer=c1&shipping[address][line1]=y", "shipping.name")
    refused(http, "/deep", "customer=c1&shipping[name]=x&shipping[address][floor]=-1", "shipping.address.floor")
    refused(http, "/deep", "customer=c1&items[0][price]=p&items[1][price]=q&items[1][quantity]=11", "items.1.quantity")
    refused(http, "/deep", "customer=c1&items[0][price]=p&items[0][taxable]=maybe", "items.0.taxable")
    refused(http, "/deep", "customer=c1&shipping[name]=x&shipping[other]=z", "shipping")
    refused(http, "/deep", "customer=c1&limit=0", "limit")
    refused(http, "/deep", "customer=c1&bounds[gt]=x", "bounds.gt")


def test_object_properties_nest_without_an_encoding(http: httpx.Client) -> None:
    accepted(http, "/implicit", VALID)
    refused(http, "/implicit", "customer=c1&items[0][quantity]=2", "items.0.price")


def test_a_stated_form_style_is_not_decoded(http: httpx.Client) -> None:
    response = http.post("/form-style", content=b"customer=c1&shipping[name]=x", headers=FORM)
    assert response.status_code == 422, response.text
    assert "Additional properties are not allowed ('shipping[name]'" in response.json()["detail"]


def test_multipart_fields_nest(http: httpx.Client) -> None:
    files = {"customer": (None, "c1"), "shipping[name]": (None, "x"), "items[0][quantity]": (None, "2")}
    assert http.post("/multipart", files={**files, "items[0][price]": (None, "p")}).status_code == 200
    response = http.post(
        "/multipart", files={**files, "items[0][price]": (None, "p"), "items[0][quantity]": (None, "x")}
    )
    assert (response.status_code, response.json()["field"]) == (422, "items.0.quantity"), response.text


def test_decoding() -> None:
    schema = {"properties": {"a": {"type": "array", "items": {"type": "object"}}, "s": {"type": "string"}}}
    form = {"a[][b]": ["1", "2"], "a[][c]": ["3"], "s": ["x"], "s[t]": ["y"]}
    assert nested_fields(form, schema, {}) == ({"a": [{"b": "1", "c": "3"}, {"b": "2"}]}, {"s": ["x"], "s[t]": ["y"]})


def test_a_key_holding_a_bracket_comes_back_whole() -> None:
    """Generated keys hold brackets (Stripe's `evidence` takes any key): `][` splits the path."""
    schema = {"properties": {"m": {"type": "object", "additionalProperties": {"type": "object"}}}}
    assert nested_fields({"m[k]x][z]": ["1"]}, schema, {}) == ({"m": {"k]x": {"z": "1"}}}, {})
    assert nested_fields({"m[a": ["1"]}, schema, {}) == ({}, {"m[a": ["1"]})
