"""`conformance diff`: one minimal before/after pair per rule, harmless edits, $refs, git revisions, formats."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.diff import RULES, diff_documents
from conformance.findings import render
from tests.conftest import ROOT, run_conformance

Doc = dict[str, Any]


def base() -> Doc:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"key": []}, {"bearer": []}],
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-KEY"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": {"type": "string"},
                        "kind": {"type": "string", "enum": ["A", "B"]},
                        "amount": {"type": "string", "format": "decimal"},
                        "note": {"type": "string"},
                    },
                },
                "ThingCreate": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["A", "B"]},
                        "note": {"type": "string", "maxLength": 100, "nullable": True},
                        "count": {"type": "integer", "maximum": 50, "minimum": 1, "default": 1},
                        "code": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "summary": "List",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "tenant", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                                }
                            },
                        },
                        "401": {"description": "no"},
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "x-permission": "THING.CREATE",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}}
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "400": {"description": "bad"},
                    },
                },
            },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "security": [],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                },
            },
        },
    }


def thing(d: Doc) -> Doc:
    return d["components"]["schemas"]["Thing"]["properties"]


def create(d: Doc) -> Doc:
    return d["components"]["schemas"]["ThingCreate"]


def list_params(d: Doc) -> list[Doc]:
    return d["paths"]["/things"]["get"]["parameters"]


BREAKING_EDITS: dict[str, Callable[[Doc], None]] = {
    "path-removed": lambda d: d["paths"].pop("/things/{id}"),
    "operation-removed": lambda d: d["paths"]["/things"].pop("post"),
    "request-parameter-required-added": lambda d: list_params(d).append(
        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
    ),
    "request-parameter-became-required": lambda d: list_params(d)[0].update(required=True),
    "request-property-required-added": lambda d: (
        create(d)["properties"].update(extra={"type": "string"}),
        create(d)["required"].append("extra"),
    ),
    "request-property-became-required": lambda d: create(d)["required"].append("note"),
    "request-body-became-required": lambda d: d["paths"]["/things"]["post"]["requestBody"].update(required=True),
    "request-type-changed": lambda d: create(d)["properties"]["count"].update(type="string"),
    "request-format-changed": lambda d: create(d)["properties"]["code"].update(format="uuid"),
    "response-type-changed": lambda d: thing(d)["id"].update(type="integer"),
    "response-format-changed": lambda d: thing(d)["amount"].update(format="double"),
    "request-enum-narrowed": lambda d: create(d)["properties"]["kind"].update(enum=["A"]),
    "response-enum-widened": lambda d: thing(d)["kind"].update(enum=["A", "B", "C"]),
    "response-property-removed": lambda d: thing(d).pop("note"),
    "response-property-became-nullable": lambda d: thing(d)["note"].update(nullable=True),
    "response-property-became-optional": lambda d: d["components"]["schemas"]["Thing"]["required"].remove("kind"),
    "success-status-removed": lambda d: d["paths"]["/things"]["post"]["responses"].pop("201"),
    "error-status-removed": lambda d: d["paths"]["/things"]["post"]["responses"].pop("400"),
    "security-requirement-added": lambda d: d["paths"]["/things/{id}"]["get"].pop("security"),
    "security-tightened": lambda d: d.update(security=[{"key": []}]),
    "request-max-length-decreased": lambda d: create(d)["properties"]["note"].update(maxLength=10),
    "request-maximum-decreased": lambda d: create(d)["properties"]["count"].update(maximum=10),
    "request-minimum-increased": lambda d: create(d)["properties"]["count"].update(minimum=5),
    "request-min-length-increased": lambda d: create(d)["properties"]["code"].update(minLength=3),
    "request-max-items-decreased": lambda d: create(d)["properties"]["tags"].update(maxItems=2),
    "request-pattern-changed": lambda d: create(d)["properties"]["code"].update(pattern="^[A-Z]+$"),
    "request-default-changed": lambda d: create(d)["properties"]["count"].update(default=2),
    "parameter-location-changed": lambda d: list_params(d)[0].update({"in": "header"}),
    "request-nullable-removed": lambda d: create(d)["properties"]["note"].pop("nullable"),
    "response-header-removed": lambda d: d["paths"]["/things"]["post"]["responses"]["201"].pop("headers"),
    "request-body-required-added": lambda d: d["paths"]["/things/{id}"]["get"].update(
        requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    ),
}

# Each harmless edit, with the info- or non-breaking-level rule expected for it (None: nothing to report).
HARMLESS_EDITS: dict[str, tuple[Callable[[Doc], None], str | None]] = {
    "new optional request property": (
        lambda d: create(d)["properties"].update(memo={"type": "string"}),
        "request-property-added",
    ),
    "new response property": (lambda d: thing(d).update(created_at={"type": "string"}), "response-property-added"),
    "new operation": (
        lambda d: d["paths"]["/things/{id}"].update(
            delete={"operationId": "deleteThing", "responses": {"204": {"description": "gone"}}}
        ),
        "operation-added",
    ),
    "description change": (
        lambda d: d["paths"]["/things"]["get"].update(summary="List all things"),
        "description-changed",
    ),
    "new optional parameter": (
        lambda d: list_params(d).append({"name": "sort", "in": "query", "schema": {"type": "string"}}),
        "request-parameter-added",
    ),
    "request enum widened": (
        lambda d: create(d)["properties"]["kind"].update(enum=["A", "B", "C"]),
        "request-enum-widened",
    ),
    "response status added": (
        lambda d: d["paths"]["/things"]["get"]["responses"].update({"429": {"description": "slow"}}),
        "response-status-added",
    ),
    "operation deprecated": (lambda d: d["paths"]["/things"]["get"].update(deprecated=True), "operation-deprecated"),
    "request constraint loosened": (lambda d: create(d)["properties"]["note"].update(maxLength=1000), None),
    "path parameter renamed": (
        lambda d: (
            d["paths"].update({"/things/{thingId}": d["paths"].pop("/things/{id}")})
            or d["paths"]["/things/{thingId}"]["get"]["parameters"][0].update(name="thingId")
        ),
        None,
    ),
}


def changes(edit: Callable[[Doc], None]) -> list[Any]:
    new = copy.deepcopy(base())
    edit(new)
    return diff_documents(base(), new)


def test_every_rule_is_documented_and_every_breaking_rule_tested() -> None:
    breaking = {rule for rule, (level, _) in RULES.items() if level == "breaking"}
    assert breaking == set(BREAKING_EDITS)


@pytest.mark.parametrize("rule", sorted(BREAKING_EDITS))
def test_breaking_edit_is_reported_with_its_rule_id(rule: str) -> None:
    findings = changes(BREAKING_EDITS[rule])
    matching = [f for f in findings if f.rule == rule]
    assert matching, f"{rule} not reported; got {[f.rule for f in findings]}"
    assert all(f.level == "breaking" for f in matching)
    assert all(f.pointer.startswith("/paths/") for f in matching)


@pytest.mark.parametrize("edit", sorted(HARMLESS_EDITS))
def test_harmless_edit_is_not_breaking(edit: str) -> None:
    change, expected_rule = HARMLESS_EDITS[edit]
    findings = changes(change)
    assert [f for f in findings if f.level == "breaking"] == []
    assert {f.rule for f in findings} == ({expected_rule} if expected_rule else set())


def test_identical_documents_have_no_findings() -> None:
    assert diff_documents(base(), base()) == []


def test_a_change_in_a_shared_component_is_reported_at_every_operation() -> None:
    findings = changes(BREAKING_EDITS["response-property-removed"])
    assert {f.where for f in findings if f.rule == "response-property-removed"} == {
        "listThings",
        "createThing",
        "getThing",
    }


@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "junit"])
def test_cli_reports_in_each_format_and_exits_1_on_breaking(tmp_path: Path, output_format: str) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(base()))
    changed = base()
    BREAKING_EDITS["response-enum-widened"](changed)
    new.write_text(yaml.safe_dump(changed))
    result = run_conformance("diff", str(old), str(new), "--format", output_format)
    assert result.returncode == 1
    assert "response-enum-widened" in result.stdout
    if output_format == "json":
        assert {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"response-enum-widened"}
    assert run_conformance("diff", str(old), str(old)).returncode == 0


def test_fail_on_warning_also_fails_on_non_breaking(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(base()))
    changed = base()
    changed["paths"]["/things"]["get"]["deprecated"] = True
    new.write_text(yaml.safe_dump(changed))
    assert run_conformance("diff", str(old), str(new)).returncode == 0
    assert run_conformance("diff", str(old), str(new), "--fail-on", "warning").returncode == 1


def test_git_revisions_are_read(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(base()))
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "add", "api.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    changed = base()
    BREAKING_EDITS["operation-removed"](changed)
    spec.write_text(yaml.safe_dump(changed))
    result = run_conformance("diff", "git:HEAD:api.yaml", "api.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "operation-removed" in result.stdout
    missing = run_conformance("diff", "git:nope:api.yaml", "api.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["solvimon", "chargeover", "keyline"])
def test_real_contracts_diff_clean_against_themselves(name: str) -> None:
    document = yaml.safe_load((ROOT / "openapi" / f"{name}.yaml").read_text())
    assert diff_documents(document, copy.deepcopy(document)) == []
    assert "no findings" in render([], "text", name)
