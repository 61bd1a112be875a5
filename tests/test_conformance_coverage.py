"""Coverage of the contracts by the scenario packs: every documented status and ``x-`` rule is
exercised by a scenario, and docs/conformance.md shows the table generated from the packs.

The packs run in-process against a fresh mock (Starlette's TestClient is an httpx client).
``python -m tests.test_conformance_coverage`` rewrites the table in docs/conformance.md.
"""

from __future__ import annotations

import sys

from starlette.testclient import TestClient

from conformance.scenarios import RunOptions, all_packs
from conformance.scenarios.base import Context
from conformance.scenarios.coverage import Coverage, markdown, uncovered
from conformance.targets import Credentials, Target
from mock_server import MockSettings, create_app
from tests.conftest import ROOT

PACKS = all_packs()

DOC = ROOT / "docs" / "conformance.md"
BEGIN, END = "<!-- coverage:begin (generated: python -m tests.test_conformance_coverage) -->", "<!-- coverage:end -->"
CREDENTIALS = {
    "solvimon": (
        Credentials(api_key="sk_test_all"),
        Credentials(api_key="sk_test_view"),
        Credentials(api_key="sk_test_beta"),
    ),
    "chargeover": (Credentials(basic=("co_test_user", "co_test_pass")), Credentials(), Credentials()),
    "keyline": (Credentials(bearer="kl_test_token"), Credentials(), Credentials()),
}


def measure(api: str) -> tuple[Target, Coverage]:
    main, restricted, other = CREDENTIALS[api]
    target = Target(
        api, ROOT / f"openapi/{api}.yaml", "http://testserver", main, restricted=restricted, other_tenant=other
    ).with_contract()
    coverage = Coverage()
    options = RunOptions()
    with TestClient(create_app(MockSettings())) as client:
        for scenario in PACKS[api].scenarios:
            ctx = Context(target, client, options)
            scenario.check(ctx)
            coverage.add(scenario.name, scenario.source, ctx.statuses, ctx.citations)
    return target, coverage


def tables() -> str:
    parts = []
    for api in PACKS:
        target, coverage = measure(api)
        parts.append(markdown(api, target.contract, coverage, PACKS[api].not_exercised))
    return "\n".join(parts)


def test_every_documented_status_and_rule_has_a_scenario() -> None:
    missing = []
    for api in PACKS:
        target, coverage = measure(api)
        missing += [
            f"{api} {s.operation_id} {s.kind} {s.value}"
            for s in uncovered(target.contract, coverage, PACKS[api].not_exercised)
        ]
    assert not missing, "no scenario exercises: " + "; ".join(missing)


def test_the_docs_show_the_generated_table() -> None:
    text = DOC.read_text()
    assert BEGIN in text, f"docs/conformance.md lacks {BEGIN}"
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert shown == tables().strip(), "the coverage table is stale: python -m tests.test_conformance_coverage"


if __name__ == "__main__":
    text = DOC.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n\n{tables()}\n{END}{tail}")
    print(f"wrote the coverage table into {DOC}", file=sys.stderr)
