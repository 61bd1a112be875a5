"""List operations of the generic mock page and filter as their contract documents, on small
contracts of our own (tests/data/generic/lists_*.yaml) served by a real mock process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, generic_mock, run_conformance

SPECS = sorted((ROOT / "tests" / "data" / "generic").glob("lists_*.yaml"))
WIDGETS = [
    {"name": "a", "status": "open", "tags": ["red"]},
    {"name": "b", "status": "closed", "tags": ["red", "blue"]},
    {"name": "c", "status": "open"},
    {"name": "d", "status": "archived", "tags": ["blue"]},
    {"name": "e", "status": "open", "tags": []},
]


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    contracts = tmp_path_factory.mktemp("lists-contracts")
    for spec in SPECS:
        shutil.copy(spec, contracts / spec.name)
    with generic_mock(contracts) as client:
        for path in ("/lists-paged/widgets", "/lists-paged/gadgets"):
            for widget in WIDGETS:
                assert client.post(path, json=widget).status_code == 201
        yield client


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


def test_pages_by_number_and_size_with_their_meta(http: httpx.Client) -> None:
    pages = [http.get("/lists-paged/widgets", params={"page": n, "per_page": 2}).json() for n in (1, 2, 3, 4)]
    assert [names(page["widgets"]) for page in pages] == [["a", "b"], ["c", "d"], ["e"], []]
    assert [page["meta"]["next_page"] for page in pages[:3]] == [2, 3, None]
    assert {(page["meta"]["total_count"], page["meta"]["total_pages"]) for page in pages} == {(5, 3)}
    assert [page["meta"]["current_page"] for page in pages] == [1, 2, 3, 4]


def test_pages_by_offset_and_limit_with_a_total_header(http: httpx.Client) -> None:
    response = http.get("/lists-paged/gadgets", params={"limit": 2, "offset": 3})
    assert names(response.json()) == ["d", "e"]
    assert response.headers["x-total-count"] == "5"
    assert names(http.get("/lists-paged/gadgets").json()) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, ["a", "c", "e"]),
        ({"status": "archived"}, ["d"]),
        ({"statuses": ["closed", "archived"]}, ["b", "d"]),
        ({"tag": "blue"}, ["b", "d"]),
        ({"tag": "none-has-it"}, []),
    ],
)
def test_filters_on_item_properties(http: httpx.Client, query: dict[str, Any], expected: list[str]) -> None:
    body = http.get("/lists-paged/widgets", params=query).json()
    assert names(body["widgets"]) == expected
    assert body["meta"]["total_count"] == len(expected)


def test_a_filtered_list_pages_over_what_it_keeps(http: httpx.Client) -> None:
    body = http.get("/lists-paged/widgets", params={"status": "open", "per_page": 2, "page": 2}).json()
    assert names(body["widgets"]) == ["e"]
    assert (body["meta"]["total_count"], body["meta"]["total_pages"], body["meta"]["next_page"]) == (3, 2, None)


def test_a_cursor_walk_over_an_example_shows_each_item_once(http: httpx.Client) -> None:
    seen, cursor = [], None
    for _ in range(10):
        body = http.get("/lists-cursor/events", params={"limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += [event["id"] for event in body["data"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert seen == ["ev_1", "ev_2", "ev_3"]
    kinds = http.get("/lists-cursor/events", params={"kind": "created"}).json()["data"]
    assert [event["id"] for event in kinds] == ["ev_1", "ev_3"]


def test_a_limit_without_a_position_gives_the_first_items(http: httpx.Client) -> None:
    first = http.get("/lists-cursor/notes", params={"limit": 2}).json()
    assert ([note["id"] for note in first["data"]], first["has_more"]) == (["n_1", "n_2"], True)
    every = http.get("/lists-cursor/notes", params={"limit": 3}).json()
    assert (len(every["data"]), every["has_more"]) == (3, False)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.stem)
def test_the_suite_finds_no_fault_in_these_lists(http: httpx.Client, spec: Any, tmp_path: Any) -> None:
    """The invariants the suite derives from each contract hold on the mock serving it."""
    result = run_conformance(
        "run",
        "--contract",
        str(spec),
        "--base-url",
        str(http.base_url),
        "--profile",
        "quick",
        "--only",
        "invariants",
        "--report-dir",
        str(tmp_path),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
