"""A collection the contract lists and reads but never creates (tests/data/generic/
listed_catalog.yaml): the mock starts it with the items its list documents, a read of a listed
id answers what the list showed, and our own conformance run finds nothing to fail on the mock."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, LiveServer, run_conformance, start_server, stop_server

CATALOG = ROOT / "tests" / "data" / "generic" / "listed_catalog.yaml"
UNLISTED = "00000000-0000-4000-8000-000000000001"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="no-fixtures-") as empty:
        live = start_server(str(CATALOG), "--fixtures", empty, "--validate-responses")
        try:
            yield live
        finally:
            stop_server(live)


def test_a_listed_id_reads_as_the_list_shows_it(server: LiveServer) -> None:
    with server.client() as client:
        listed = client.get("/products").json()["data"]
        assert listed, "the list documents items: the collection starts with them"
        for item in listed:
            read = client.get(f"/products/{item['product_id']}")
            assert read.status_code == 200
            record = read.json()
            assert {name: record.get(name) for name in item} == item
            assert isinstance(record["description"], str)  # required by the read, not the list
        assert client.get("/products").json()["data"] == listed  # the same on every call


def test_an_id_nobody_listed_gets_what_prism_answers(server: LiveServer) -> None:
    example = yaml.safe_load(CATALOG.read_text())["paths"]["/products/{product_id}"]["get"]["responses"]["200"]
    with server.client() as client:
        read = client.get(f"/products/{UNLISTED}")
    assert read.status_code == 200
    assert read.json() == example["content"]["application/json"]["example"]


def test_a_listed_collection_filters_its_items(server: LiveServer) -> None:
    with server.client() as client:
        listed = client.get("/products").json()["data"]
        vendor = listed[0]["vendor_id"]
        kept = client.get("/products", params={"vendor_id": vendor}).json()["data"]
        assert kept
        assert all(item["vendor_id"] == vendor for item in kept)
        assert client.get("/products", params={"vendor_id": UNLISTED}).json()["data"] == []


def test_our_conformance_run_passes_the_mock_serving_it(server: LiveServer, tmp_path: Path) -> None:
    """The read path, filter and paging checks hold on the mock: no uuid filter probed with a
    non-uuid value, no list under a shelf the run never made walked with the example's code,
    no tag read with a code its own uuid parameter refuses."""
    result = run_conformance(
        "run",
        "--contract",
        str(CATALOG),
        "--base-url",
        server.base_url,
        "--profile",
        "quick",
        "--report-dir",
        str(tmp_path),
        "--quiet",
    )
    report = (tmp_path / "conformance-report.md").read_text(encoding="utf-8")
    assert result.returncode == 0, report.partition("## Failures")[2][:3000]
    rows = {
        line.split(" | ")[1]: line.split(" | ")[2] for line in report.splitlines() if line.startswith("| invariant")
    }
    assert rows["listProducts: every item listed equals the record getProduct reads"] == "pass"
    assert rows["listProducts: filter vendor_id is honoured"] == "pass"
    assert rows["listTags: every item listed equals the record getTag reads"] == "skip"
    assert not [name for name in rows if name.startswith("listShelfProducts")]
