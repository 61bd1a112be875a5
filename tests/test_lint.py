"""`conformance lint`: each rule fires on a minimal broken document, and the CLI reports it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.lint import lint_document
from conformance.lint_rules import HAZARD_RULES, hazard_findings
from tests.conftest import ROOT, run_conformance

Doc = dict[str, Any]


def base() -> Doc:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"key": []}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-KEY"}}},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "x-provenance": "documented",
                    "x-permission": "THING.CREATE",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
                                "example": {"n": 1},
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "properties": {"id": {"type": "string"}}}
                                }
                            },
                            "links": {"Get": {"operationId": "getThing", "parameters": {"id": "$response.body#/id"}}},
                        },
                        "401": {"description": "no"},
                        "403": {"description": "no"},
                    },
                },
            },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "x-provenance": "inferred",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}, "401": {"description": "no"}},
                }
            },
        },
    }


def post(d: Doc) -> Doc:
    return d["paths"]["/things"]["post"]


def add_schemas(d: Doc, base: Doc, narrowed: Doc) -> None:
    """A ``Base`` schema and a ``Narrow`` one that extends it with ``allOf``."""
    d["components"]["schemas"] = {
        "Base": {"type": "object", "properties": {"s": base}},
        "Narrow": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"s": narrowed}}]},
    }


EDITS: dict[str, Callable[[Doc], None]] = {
    "spec-invalid": lambda d: d.pop("info"),
    "operation-id-missing": lambda d: post(d).pop("operationId") and post(d)["responses"]["201"].pop("links"),
    "status-401-missing": lambda d: post(d)["responses"].pop("401"),
    "status-403-missing": lambda d: post(d)["responses"].pop("403"),
    "example-invalid": lambda d: post(d)["requestBody"]["content"]["application/json"].update(example={"n": "one"}),
    "provenance-invalid": lambda d: post(d).update({"x-provenance": "rumoured"}),
    "provenance-missing": lambda d: post(d).pop("x-provenance"),
    "link-missing": lambda d: post(d)["responses"]["201"].pop("links"),
    "nullable-without-type": lambda d: post(d)["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ].update(n={"allOf": [{"type": "integer"}], "nullable": True}),
    "required-parameter-default": lambda d: d["paths"]["/things/{id}"]["get"]["parameters"][0]["schema"].update(
        default="x"
    ),
    "allof-enum-conflict": lambda d: add_schemas(
        d, {"type": "string", "enum": ["OK", "Error"]}, {"type": "string", "enum": ["Error"]}
    ),
    "allof-narrows-nullable": lambda d: add_schemas(
        d, {"type": "string", "nullable": True}, {"type": "string", "format": "date-time"}
    ),
}


def test_base_document_is_clean() -> None:
    assert lint_document(base()) == []


def test_every_hazard_rule_has_a_case() -> None:
    assert set(HAZARD_RULES) <= set(EDITS)


@pytest.mark.parametrize("rule", sorted(EDITS))
def test_rule_fires(rule: str) -> None:
    document = copy.deepcopy(base())
    EDITS[rule](document)
    assert rule in {finding.rule for finding in lint_document(document)}


def test_a_schema_example_that_breaks_its_schema_is_flagged() -> None:
    document = copy.deepcopy(base())
    document["components"]["schemas"] = {"Thing": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    assert lint_document(document) == []
    document["components"]["schemas"]["Thing"]["example"] = {"n": "one"}
    findings = lint_document(document)
    assert [(f.rule, f.pointer) for f in findings] == [("example-invalid", "/components/schemas/Thing/example")]


def test_the_fixed_patterns_are_clean() -> None:
    """What each hazard rule recommends instead passes every rule."""
    document = copy.deepcopy(base())
    add_schemas(document, {"type": "string"}, {"type": "string", "enum": ["Error"]})
    post(document)["requestBody"]["content"]["application/json"]["schema"]["properties"]["n"] = {
        "anyOf": [{"type": "integer"}, {"type": "integer", "nullable": True, "enum": [None]}]
    }
    assert lint_document(document) == []


@pytest.mark.parametrize("path", sorted((ROOT / "openapi").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_contracts_have_none_of_the_hazards(path: Path) -> None:
    assert hazard_findings(yaml.safe_load(path.read_text())) == []


def test_cli_exit_codes(tmp_path: Path) -> None:
    broken = copy.deepcopy(base())
    EDITS["status-401-missing"](broken)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken))
    result = run_conformance("lint", str(path), "--format", "junit")
    assert result.returncode == 1
    assert "status-401-missing" in result.stdout
    assert "<testsuites>" in result.stdout
    clean = run_conformance("lint", *map(str, sorted((ROOT / "openapi").glob("*.yaml"))))
    assert clean.returncode == 0, clean.stdout
