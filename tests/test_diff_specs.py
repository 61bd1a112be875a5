"""`conformance diff` on our own specs (tests/data/diff/): whole-document pairs (lifecycle,
x-extensible-enum, webhooks), schema pairs (each JSON Schema 2020-12 keyword family, 3.0 and 3.1
spellings of one meaning, the structural rules) and the documents that used to crash or be
refused. Everything runs in-process, through the contract loader as the CLI does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import main
from conformance.diff import RULES, Policy, diff_sides
from tests.conftest import ROOT
from tests.test_diff_rules import SPEC_RULES

DATA = ROOT / "tests" / "data" / "diff"
PAIRS: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "pairs.yaml").read_text())["cases"]
SCHEMAS: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "schemas.yaml").read_text())["cases"]
CRASHES = sorted(
    str(path.relative_to(DATA / "crashes"))
    for path in (DATA / "crashes").rglob("*.yaml")
    if path.parent.name != "schemas"
)


def _write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_document_pair_reports_its_rules_and_nothing_else_breaking(name: str, tmp_path: Path) -> None:
    case = PAIRS[name]
    days = case.get("days") or {}
    old, new = _write(tmp_path / "old.json", case["old"]), _write(tmp_path / "new.json", case["new"])
    findings = diff_sides(old, new, Policy(days.get("beta", 0), days.get("stable", 0))).findings
    found = {(f.rule, f.level) for f in findings}
    for rule, level in case["expect"].items():
        assert (rule, level) in found, f"{name}: {rule} ({level}) not in {sorted(found)}"
        assert RULES[rule].level == level
    expected_breaking = {rule for rule, level in case["expect"].items() if level == "breaking"}
    assert {f.rule for f in findings if f.level == "breaking"} <= expected_breaking, findings


def _document(version: str, schema: Any, direction: str, media: str) -> dict[str, Any]:
    content = {media: {} if schema is None else {"schema": schema}}
    operation: dict[str, Any] = {"operationId": "createThing", "responses": {"200": {"description": "ok"}}}
    if direction == "request":
        operation["requestBody"] = {"content": content}
    else:
        operation["responses"]["200"]["content"] = content
    return {
        "openapi": version,
        "info": {"title": "schemas", "version": "1"},
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": {"Id": {"type": "string"}}},
    }


@pytest.mark.parametrize("direction", ["request", "response"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_pair_is_judged_by_direction(name: str, direction: str, tmp_path: Path) -> None:
    case = SCHEMAS[name]
    version, media = case.get("version", "3.1.0"), case.get("media", "application/json")
    old = _write(tmp_path / "old.json", _document(case.get("old_version", version), case["old"], direction, media))
    new = _write(tmp_path / "new.json", _document(version, case["new"], direction, media))
    findings = diff_sides(old, new).findings
    expected = case[direction]
    if expected == "none":
        assert findings == [], f"{name} ({direction}): {findings}"
    else:
        assert expected in {f.rule for f in findings}, f"{name} ({direction}): {findings}"


def test_every_rule_left_to_the_specs_has_a_spec() -> None:
    covered = {rule for case in PAIRS.values() for rule in case["expect"]}
    covered |= {case[d] for case in SCHEMAS.values() for d in ("request", "response")}
    assert covered >= SPEC_RULES


@pytest.mark.parametrize("spec", CRASHES)
def test_a_former_crash_is_linted_and_diffed_in_one_line(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "crashes" / spec)
    assert main(["diff", path, path]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert main(["lint", path]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_a_side_that_is_not_strictly_valid_is_diffed_with_a_warning_per_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = yaml.safe_load((DATA / "crashes" / "not_strict.yaml").read_text())
    del new["paths"]["/things/{id}"]["delete"]
    assert main(["diff", str(DATA / "crashes" / "not_strict.yaml"), _write(tmp_path / "new.json", new)]) == 1
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if ": warning: " in line]
    assert any("#/paths/~1things~1{id}/delete/responses/204" in line for line in warnings), err
    assert any("#/info/version" in line for line in warnings), err
    assert err[-1].startswith("conformance diff: 1 breaking change(s)")


def test_an_external_reference_is_followed_on_both_sides(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    (folder / "schemas").mkdir(parents=True)
    (folder / "openapi.yaml").write_text((DATA / "crashes" / "external" / "openapi.yaml").read_text())
    thing = yaml.safe_load((DATA / "crashes" / "external" / "schemas" / "thing.yaml").read_text())
    thing["Thing"]["properties"]["id"]["type"] = "integer"
    (folder / "schemas" / "thing.yaml").write_text(yaml.safe_dump(thing))
    findings = diff_sides(str(DATA / "crashes" / "external" / "openapi.yaml"), str(folder / "openapi.yaml")).findings
    assert "response-type-changed" in {f.rule for f in findings}


def test_deprecation_days_are_command_line_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = PAIRS["sunset-missing"]
    old, new = _write(tmp_path / "old.json", case["old"]), _write(tmp_path / "new.json", case["new"])
    assert main(["diff", old, new]) == 0
    assert main(["diff", old, new, "--deprecation-days-stable", "30", "--format", "json"]) == 1
    assert "sunset-missing" in capsys.readouterr().out


def _to_31(node: Any) -> Any:
    """A 3.0 document spelled as 3.1 (nullable as a "null" type, boolean exclusive bounds as numbers)."""
    if isinstance(node, list):
        return [_to_31(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_31(value) for key, value in node.items()}
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(flag), bool) and out.pop(flag) and bound in out:
            out[flag] = out.pop(bound)
    if out.pop("nullable", False):
        if isinstance(out.get("enum"), list):
            out["enum"] = [*out["enum"], None]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.mark.parametrize("contract", sorted((ROOT / "openapi").glob("*.yaml")), ids=lambda p: p.stem)
def test_a_built_in_contract_moved_to_31_is_no_change(contract: Path, tmp_path: Path) -> None:
    document = _to_31(yaml.safe_load(contract.read_text(encoding="utf-8")))
    document["openapi"] = "3.1.0"
    moved = _write(tmp_path / f"{contract.stem}-31.json", document)
    assert diff_sides(str(contract), moved).findings == []
    assert diff_sides(moved, str(contract)).findings == []


def test_a_git_side_reads_its_external_references_from_the_working_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    for source in ("openapi.yaml", "schemas/thing.yaml"):
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / source).write_text((DATA / "crashes" / "external" / source).read_text())
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    monkeypatch.chdir(tmp_path)
    assert diff_sides("git:HEAD:openapi.yaml", "openapi.yaml").findings == []
    # the documented limit: a fragment changed since the revision is read as it is now, on both sides
    thing = tmp_path / "schemas" / "thing.yaml"
    thing.write_text(thing.read_text().replace("type: string", "type: integer"))
    assert diff_sides("git:HEAD:openapi.yaml", "openapi.yaml").findings == []
    root = tmp_path / "openapi.yaml"
    root.write_text(root.read_text().replace('"200":', '"201":'))
    assert "success-status-removed" in {f.rule for f in diff_sides("git:HEAD:openapi.yaml", "openapi.yaml").findings}
