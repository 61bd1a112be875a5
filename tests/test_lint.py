"""`conformance lint`: each rule fires on a minimal broken document, and the CLI reports it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.lint import lint_document
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


EDITS: dict[str, Callable[[Doc], None]] = {
    "spec-invalid": lambda d: d.pop("info"),
    "operation-id-missing": lambda d: post(d).pop("operationId") and post(d)["responses"]["201"].pop("links"),
    "status-401-missing": lambda d: post(d)["responses"].pop("401"),
    "status-403-missing": lambda d: post(d)["responses"].pop("403"),
    "example-invalid": lambda d: post(d)["requestBody"]["content"]["application/json"].update(example={"n": "one"}),
    "provenance-invalid": lambda d: post(d).update({"x-provenance": "rumoured"}),
    "provenance-missing": lambda d: post(d).pop("x-provenance"),
    "link-missing": lambda d: post(d)["responses"]["201"].pop("links"),
}


def test_base_document_is_clean() -> None:
    assert lint_document(base()) == []


@pytest.mark.parametrize("rule", sorted(EDITS))
def test_rule_fires(rule: str) -> None:
    document = copy.deepcopy(base())
    EDITS[rule](document)
    assert rule in {finding.rule for finding in lint_document(document)}


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
