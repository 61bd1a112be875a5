"""`conformance lint` on OpenAPI 3.1: every rule of tests/test_lint.py fires on the same document
written in 3.1, the built-in contracts lint the same in 3.1, and 3.1's own keywords are read as
JSON Schema 2020-12 (openapi-spec-validator's 3.1 validator, examples checked with Draft 2020-12)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conformance.lint import lint_document, lint_path
from invoice_contracts.oas import load_contract
from tests.conftest import ROOT
from tests.oas30to31 import document_to_31
from tests.test_lint import EDITS, Doc, base, post

# In 3.1 ``nullable`` is no keyword: the edit writes it literally into the 3.1 document.
_AFTER_CONVERSION = {"nullable-without-type"}


def base_31() -> Doc:
    return document_to_31(base())


def test_base_document_is_clean_in_3_1() -> None:
    assert base_31()["openapi"] == "3.1.0"
    assert lint_document(base_31()) == []


@pytest.mark.parametrize("rule", sorted(EDITS))
def test_rule_fires_in_3_1(rule: str) -> None:
    if rule in _AFTER_CONVERSION:
        document = base_31()
        EDITS[rule](document)
    else:
        document = copy.deepcopy(base())
        EDITS[rule](document)
        document = document_to_31(document)
    assert rule in {finding.rule for finding in lint_document(document)}


@pytest.mark.parametrize("path", sorted((ROOT / "openapi").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_contracts_lint_the_same_in_3_1(path: Path, tmp_path: Path) -> None:
    converted = tmp_path / path.name
    converted.write_text(yaml.safe_dump(document_to_31(load_contract(path).document), sort_keys=False))
    before = {(finding.pointer, finding.rule) for finding in lint_path(path)}
    assert {(finding.pointer, finding.rule) for finding in lint_path(converted)} == before


def _with_property(schema: Doc, example: object) -> Doc:
    document = base_31()
    media = post(document)["requestBody"]["content"]["application/json"]
    media["schema"]["properties"]["n"] = schema
    media["example"] = {"n": example}
    return document


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"const": 3}, 3, 4),
        ({"type": "integer", "exclusiveMinimum": 0}, 1, 0),
        ({"type": ["integer", "null"]}, None, "x"),
        ({"type": "array", "prefixItems": [{"type": "integer"}], "items": False}, [1], [1, 2]),
        ({"type": "object", "dependentRequired": {"a": ["b"]}}, {"a": 1, "b": 2}, {"a": 1}),
    ],
)
def test_examples_are_checked_as_2020_12(schema: Doc, good: object, bad: object) -> None:
    assert lint_document(_with_property(schema, good)) == []
    findings = lint_document(_with_property(schema, bad))
    assert [finding.rule for finding in findings] == ["example-invalid"]


def test_a_schemas_examples_list_is_checked() -> None:
    document = base_31()
    document["components"]["schemas"] = {"Count": {"type": "integer", "examples": [1, "two"]}}
    findings = lint_document(document)
    assert [(f.rule, f.pointer) for f in findings] == [("example-invalid", "/components/schemas/Count/examples/1")]


def test_validity_is_judged_by_the_3_1_validator() -> None:
    """``info.summary`` and ``license.identifier`` are 3.1: valid there, invalid in 3.0; a license
    with both an identifier and a url is invalid in 3.1."""
    document = base_31()
    document["info"].update(summary="things", license={"name": "MIT", "identifier": "MIT"})
    assert lint_document(document) == []
    as_30 = {**copy.deepcopy(document), "openapi": "3.0.3"}
    assert [finding.rule for finding in lint_document(as_30)] == ["spec-invalid"]
    document["info"]["license"]["url"] = "https://opensource.org/license/mit"
    assert [finding.rule for finding in lint_document(document)] == ["spec-invalid"]
