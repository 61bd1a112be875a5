"""`conformance diff`/`changelog` as a user runs them: formats, GitHub annotations, folders, git
revisions, errors; and every real contract diffs clean against itself and a re-serialised copy."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.diff import diff_documents
from tests.conftest import ROOT, run_conformance
from tests.diff_contract import base, thing
from tests.test_diff_rules import CASES

CONTRACTS = sorted((ROOT / "openapi").glob("*.yaml"))


def write_pair(tmp_path: Path, *rules: str) -> tuple[Path, Path]:
    """old.yaml (the base contract) and new.yaml (with the edits of ``rules``)."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(base()))
    changed = base()
    for rule in rules:
        edit = CASES[rule][1]
        assert edit is not None
        edit(changed)
    new.write_text(yaml.safe_dump(changed))
    return old, new


def test_a_change_in_a_shared_component_is_reported_at_every_operation() -> None:
    new = base()
    thing(new).pop("note")
    findings = diff_documents(base(), new)
    assert {f.where for f in findings if f.rule == "response-property-removed"} == {
        "listThings",
        "createThing",
        "getThing",
    }


@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "junit", "github"])
def test_cli_reports_in_each_format_and_exits_1_on_breaking(tmp_path: Path, output_format: str) -> None:
    old, new = write_pair(tmp_path, "response-enum-widened")
    result = run_conformance("diff", str(old), str(new), "--format", output_format)
    assert result.returncode == 1
    assert "response-enum-widened" in result.stdout
    if output_format == "json":
        findings = json.loads(result.stdout)["findings"]
        assert {f["rule"] for f in findings} == {"response-enum-widened"}
        assert {f["file"] for f in findings} == {str(new)}
    assert run_conformance("diff", str(old), str(old)).returncode == 0


def test_github_annotations_name_the_new_file_and_the_line_of_the_change(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "response-enum-widened", "operation-deprecated")
    result = run_conformance("diff", str(old), str(new), "--format", "github")
    commands = result.stdout.strip().splitlines()
    errors = [c for c in commands if c.startswith("::error ")]
    warnings = [c for c in commands if c.startswith("::warning ")]
    assert errors
    assert len(warnings) == 1
    assert all(c.startswith(f"::error file={new},line=") for c in errors)
    assert "title=response-enum-widened (breaking)::" in errors[0]
    text = new.read_text().splitlines()
    for command in errors:
        match = re.search(r",line=(\d+),", command)
        assert match
        assert text[int(match[1]) - 1].strip().startswith("kind:"), command
    deprecated_line = int(re.search(r",line=(\d+),", warnings[0])[1])  # type: ignore[index]
    assert text[deprecated_line - 1].strip() == "get:"


def test_changelog_lists_breaking_then_warnings_then_other_changes(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "response-property-added", "operation-deprecated", "success-status-removed")
    result = run_conformance("changelog", str(old), str(new))
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("# Changelog")
    positions = [out.index(heading) for heading in ("## Breaking changes", "## Warnings", "## Other changes")]
    assert positions == sorted(positions)
    assert (
        out.index("success-status-removed") < out.index("operation-deprecated") < out.index("response-property-added")
    )
    same = run_conformance("changelog", str(old), str(old))
    assert "No changes." in same.stdout


def test_fail_on_warning_also_fails_on_warnings(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "operation-deprecated")
    assert run_conformance("diff", str(old), str(new)).returncode == 0
    assert run_conformance("diff", str(old), str(new), "--fail-on", "warning").returncode == 1


def test_folders_are_matched_by_file_name_and_a_removed_contract_is_breaking(tmp_path: Path) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    changed = base()
    thing(changed).pop("note")
    (old_dir / "a.yaml").write_text(yaml.safe_dump(base()))
    (new_dir / "a.yaml").write_text(yaml.safe_dump(changed))
    (old_dir / "gone.yml").write_text(yaml.safe_dump(base()))
    (new_dir / "fresh.json").write_text(json.dumps(base()))
    (new_dir / "notes.txt").write_text("not a contract")
    result = run_conformance("diff", str(old_dir), str(new_dir), "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["contract-removed"]["level"] == "breaking"
    assert by_rule["contract-removed"]["file"] == str(old_dir / "gone.yml")
    assert by_rule["contract-added"]["file"] == str(new_dir / "fresh.json")
    assert by_rule["response-property-removed"]["file"] == str(new_dir / "a.yaml")
    text = run_conformance("diff", str(old_dir), str(new_dir)).stdout
    assert str(old_dir / "gone.yml") in text
    annotations = run_conformance("diff", str(old_dir), str(new_dir), "--format", "github").stdout.splitlines()
    removed = next(line for line in annotations if "contract-removed" in line)
    assert removed.startswith("::error ")
    assert not removed.rstrip().endswith(" at"), removed  # a whole-file finding has no pointer to name
    assert f"{new_dir / 'a.yaml'} listThings" in text  # several files: each finding names its file
    assert run_conformance("diff", str(old_dir), str(old_dir)).returncode == 0


@pytest.mark.parametrize(
    "sides",
    [
        ("missing.yaml", "missing.yaml"),
        ("two", "old/a.yaml"),  # a folder against a file: the folder has no one root document
        ("empty", "empty"),
        ("git:HEAD", "old/a.yaml"),  # no path in the git spec
        ("old/a.yaml", "bad.yaml"),  # not an OpenAPI document at all
    ],
)
def test_unusable_sides_are_one_line_and_exit_2(tmp_path: Path, sides: tuple[str, str]) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "old" / "a.yaml").write_text(yaml.safe_dump(base()))
    (tmp_path / "two" / "a.yaml").write_text(yaml.safe_dump(base()))
    (tmp_path / "two" / "b.yaml").write_text(yaml.safe_dump(base()))
    (tmp_path / "bad.yaml").write_text("- openapi: 3.0.3\n")
    for command in ("diff", "changelog"):
        result = run_conformance(command, *sides, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_git_revisions_are_read(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(base()))
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "add", "api.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    changed = base()
    changed["paths"]["/things"].pop("post")
    spec.write_text(yaml.safe_dump(changed))
    result = run_conformance("diff", "git:HEAD:api.yaml", "api.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "operation-removed" in result.stdout
    missing = run_conformance("diff", "git:nope:api.yaml", "api.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1


def test_lint_accepts_a_folder_and_refuses_an_empty_one(tmp_path: Path) -> None:
    result = run_conformance("lint", "openapi/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Is a directory" not in result.stdout + result.stderr
    broken = tmp_path / "contracts"
    broken.mkdir()
    (broken / "bad.yaml").write_text("openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n")
    found = run_conformance("lint", str(broken), "--format", "json")
    assert found.returncode == 1
    assert {f["where"] for f in json.loads(found.stdout)["findings"]} == {str(broken / "bad.yaml")}
    (tmp_path / "empty").mkdir()
    empty = run_conformance("lint", str(tmp_path / "empty"))
    assert empty.returncode == 2
    assert len(empty.stderr.strip().splitlines()) == 1


def _reordered(node: Any) -> Any:
    """The same data with every mapping's keys in reverse order."""
    if isinstance(node, dict):
        return {key: _reordered(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        return [_reordered(item) for item in node]
    return node


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.stem)
def test_real_contract_diffs_clean_against_itself_and_a_reserialised_copy(contract: Path) -> None:
    document = yaml.safe_load(contract.read_text())
    copy = yaml.safe_load(yaml.safe_dump(_reordered(document), sort_keys=False, default_flow_style=True, width=60))
    assert copy == document
    assert diff_documents(document, document) == []
    assert diff_documents(document, copy) == []
    assert diff_documents(copy, document) == []


def test_cli_diffs_the_contract_folder_clean_against_reserialised_copies(tmp_path: Path) -> None:
    for contract in CONTRACTS:
        document = _reordered(yaml.safe_load(contract.read_text()))
        (tmp_path / contract.name).write_text(yaml.safe_dump(document, sort_keys=False, default_flow_style=True))
    for sides in (("openapi", "openapi"), ("openapi", str(tmp_path)), (str(tmp_path), "openapi")):
        result = run_conformance("diff", *sides, "--fail-on", "warning")
        assert result.returncode == 0, result.stdout
        assert "no findings" in result.stdout
