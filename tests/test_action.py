"""The reusable GitHub Action (action.yml), its shell steps run as a runner would run them.

A temporary git repository holds a contract on ``main`` and a breaking change on a branch.
Each ``run`` step of action.yml is executed with bash, with the ``env`` the step declares
(its ``${{ ... }}`` expressions evaluated by the small evaluator below, which knows exactly the
forms action.yml uses) and the runner's variables (RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY). ``uses`` steps (actions/setup-python) are the runner's business: the
Python running these tests stands in for it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoice_contracts.registry import Registry
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def evaluate(expression: str, context: dict[str, dict[str, str]]) -> Any:
    """``a || b``, ``x == 'v'``, ``x != ''``, ``inputs.name`` and ``github.name``: action.yml's forms."""
    if "||" in expression:
        return next((value for part in expression.split("||") if (value := evaluate(part, context))), "")
    for operator in ("!=", "=="):
        if operator in expression:
            left, right = (evaluate(side, context) for side in expression.split(operator))
            return (left != right) if operator == "!=" else (left == right)
    expression = expression.strip()
    if expression.startswith("'"):
        return expression.strip("'")
    scope, _, name = expression.partition(".")
    return context[scope][name]


def substitute(text: str, context: dict[str, dict[str, str]]) -> str:
    return _EXPRESSION.sub(lambda match: str(evaluate(match.group(1), context)), text)


def run_action(repo: Path, runner: Path, inputs: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every step the inputs select, in order; stops at the first failing one, like a runner."""
    declared = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    context = {
        "inputs": {**declared, **inputs},
        "github": {"action_path": str(ROOT), "base_ref": ""},
    }
    runner.mkdir(exist_ok=True)
    path_file = runner / "path"
    path_file.touch()
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in ACTION["runs"]["steps"]:
        if "run" not in step:
            continue
        if "if" in step and not evaluate(step["if"], context):
            continue
        extra_path = [line for line in path_file.read_text().splitlines() if line]
        env = {
            **os.environ,
            **{name: substitute(str(value), context) for name, value in step.get("env", {}).items()},
            "RUNNER_TEMP": str(runner),
            "GITHUB_PATH": str(path_file),
            "GITHUB_OUTPUT": str(runner / "output"),
            "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
            "PATH": os.pathsep.join([*extra_path, str(Path(sys.executable).parent), os.environ["PATH"]]),
        }
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        results[step["name"]] = result
        if result.returncode != 0:
            break
    return results


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A team's repository: its contract on main, then a pull request that removes an operation."""
    folder = tmp_path_factory.mktemp("team-repo")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.email", "qa@example.invalid")
    git(folder, "config", "user.name", "QA")
    (folder / "api").mkdir()
    shutil.copy(ROOT / "openapi" / "keyline.yaml", folder / "api" / "billing.yaml")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "contract")
    git(folder, "checkout", "-qb", "change")
    document = yaml.safe_load((folder / "api" / "billing.yaml").read_text(encoding="utf-8"))
    document["paths"].pop("/accounting/reversal_invoices/{id}")
    (folder / "api" / "billing.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    git(folder, "commit", "-qam", "drop an operation")
    return folder


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runner")


def test_lint_and_diff_catch_the_breaking_change(repo: Path, runner: Path) -> None:
    results = run_action(repo, runner, {"lint": "api/", "diff": "api/", "base-ref": "main"})
    assert list(results) == ["Install invoice-contracts", "Lint contracts", "Diff contracts against the base branch"]
    assert results["Install invoice-contracts"].returncode == 0, results["Install invoice-contracts"].stderr
    assert results["Lint contracts"].returncode == 0, results["Lint contracts"].stderr
    diff = results["Diff contracts against the base branch"]
    assert diff.returncode == 1, diff.stdout + diff.stderr
    assert int((runner / "output").read_text().split("breaking=")[-1].split()[0]) >= 1
    assert "::error" in diff.stdout  # GitHub annotations on the pull request
    assert "/accounting/reversal_invoices/{id}" in (runner / "summary.md").read_text()


def test_an_unchanged_contract_passes(repo: Path, runner: Path) -> None:
    results = run_action(repo, runner, {"diff": "api/", "base-ref": "change"})
    assert results["Diff contracts against the base branch"].returncode == 0


def test_conformance_against_the_mock_it_starts(repo: Path, runner: Path) -> None:
    results = run_action(
        repo,
        runner,
        {"api": "keyline", "start-mock": "true", "profile": "quick", "report-dir": str(runner / "reports")},
    )
    conformance = results["Conformance"]
    assert conformance.returncode == 0, conformance.stdout[-3000:] + conformance.stderr
    assert (runner / "reports" / "conformance-report.md").is_file()
    assert "does NOT conform" not in conformance.stdout


def test_the_repository_workflow_uses_the_action_and_the_registry() -> None:
    workflow = (ROOT / ".github" / "workflows" / "contracts.yml").read_text(encoding="utf-8")
    assert "uses: ./" in workflow
    assert "conformance apis --format json" in workflow
    for name in Registry.discover().names:
        assert name not in workflow, f"the workflow names {name}: the matrix must come from the registry"
