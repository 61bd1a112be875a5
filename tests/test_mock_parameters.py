"""Every parameter style and location, served generically (tests/data/generic/parameters/).

Valid requests pass (no 400 to a valid request), invalid ones get the 422 problem+json (the
contract documents no 400 or 422), never a 500. Pins the Connexion limitations
``mock_server/serving/requests/uri_parsing.py`` works around: form objects, typeless composed schemas.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.serving.requests.uri_parsing import implied_type
from tests.conftest import ROOT, generic_mock

DATA = ROOT / "tests" / "data" / "generic" / "parameters"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(DATA) as client:
        yield client


def valid(http: httpx.Client, url: str, **kwargs: object) -> None:
    response = http.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, (url, response.text)


def invalid(http: httpx.Client, url: str, field: str, **kwargs: object) -> None:
    response = http.get(url, **kwargs)  # type: ignore[arg-type]
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), (url, response.text)
    assert response.json()["field"] == field


def test_form_objects_exploded_and_not(http: httpx.Client) -> None:
    valid(http, "/form-exploded?offset=1&limit=5")
    valid(http, "/form-exploded?offset=1&q=other")
    invalid(http, "/form-exploded?offset=1&limit=500", "page")
    invalid(http, "/form-exploded?limit=string&offset=string", "page")
    invalid(http, "/form-exploded?q=only-the-other-one", "page")
    valid(http, "/form-flat?page=offset,1,limit,5")
    invalid(http, "/form-flat?page=offset,x", "page")


def test_deep_objects_and_delimited_arrays(http: httpx.Client) -> None:
    valid(http, "/deep?page[offset]=1&page[limit]=5")
    invalid(http, "/deep?page[offset]=x", "page")
    valid(http, "/pipes?tags=a|b")
    invalid(http, "/pipes?tags=a,b", "tags")  # one item: the wrong delimiter
    valid(http, "/spaces?ids=1%202")
    invalid(http, "/spaces?ids=1%20x", "ids")


def test_allow_reserved_and_composed_schemas(http: httpx.Client) -> None:
    valid(http, "/reserved?next=/a/b?c=d")
    valid(http, "/composed?amount=3")
    invalid(http, "/composed?amount=0", "amount")
    invalid(http, "/composed?amount=x", "amount")


def test_path_header_cookie_and_hyphenated_names(http: httpx.Client) -> None:
    valid(http, "/located/ABC?page-size=3", headers={"x-count": "2", "Cookie": "theme=dark"})
    invalid(http, "/located/abc", "code", headers={"x-count": "2"})
    invalid(http, "/located/ABC", "x-count", headers={"x-count": "two"})
    invalid(http, "/located/ABC", "x-count")
    invalid(http, "/located/ABC", "theme", headers={"x-count": "2", "Cookie": "theme=pink"})
    invalid(http, "/located/ABC?page-size=big", "page-size", headers={"x-count": "2"})


def test_implied_types() -> None:
    assert implied_type({"allOf": [{"minimum": 1}, {"type": "integer"}]}) == "integer"
    assert implied_type({"oneOf": [{"type": "string"}, {"type": "string", "format": "date"}]}) == "string"
    assert implied_type({"anyOf": [{"type": "string"}, {"type": "integer"}]}) is None
    assert implied_type({"properties": {"a": {}}}) == "object"


def test_union_deep_object_takes_the_branch_it_fits(http: httpx.Client) -> None:
    """anyOf of an object and an integer: Connexion read the union's missing ``type`` (a 500)."""
    valid(http, "/union-deep?created=5")
    valid(http, "/union-deep?created[gt]=5&created[lt]=9")
    valid(http, "/union-deep?created[open]=true")
    valid(http, "/union-deep")
    invalid(http, "/union-deep?created=-1", "created")
    invalid(http, "/union-deep?created=x", "created")
    invalid(http, "/union-deep?created[gt]=x", "created")
    invalid(http, "/union-deep?created[lt]=101", "created")
    invalid(http, "/union-deep?created[open]=yes", "created")
    invalid(http, "/union-deep?created[other]=1", "created")


def test_union_one_of_scalars(http: httpx.Client) -> None:
    valid(http, "/union-one?limit=5")
    valid(http, "/union-one?limit=all")
    valid(http, "/union-one?limit=0.25")
    invalid(http, "/union-one?limit=0.75", "limit")
    invalid(http, "/union-one?limit=some", "limit")


def test_union_of_a_string_and_an_array(http: httpx.Client) -> None:
    valid(http, "/union-list?ids=1&ids=2")
    valid(http, "/union-list?ids=abc")
    invalid(http, "/union-list?ids=abcd", "ids")
    valid(http, "/union-list?ids=ab&codes=1,2")
    valid(http, "/union-list?ids=ab&codes=abc")
    invalid(http, "/union-list?ids=ab&codes=1", "codes")
    invalid(http, "/union-list?ids=ab&codes=1,x", "codes")


def test_union_path_parameter(http: httpx.Client) -> None:
    valid(http, "/union-path/5")
    valid(http, "/union-path/abc")
    invalid(http, "/union-path/AB", "ref")
