"""docs/ci.md keeps the table of every `conformance diff` rule (id, level, example, oasdiff checks)
and the list of oasdiff checks we leave out, in step with the code."""

from __future__ import annotations

import re

from conformance.diff import RULES
from conformance.diff.oasdiff import NOT_COVERED, OASDIFF
from tests.conftest import ROOT

_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (breaking|warning|info) \| (.+?) \| (.*) \|$")


def _doc_rows() -> dict[str, tuple[str, str, str]]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("### Rules of `conformance diff`", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match[1]] = (match[2], match[3], match[4])
    return rows


def test_docs_rule_table_lists_every_rule_with_its_level_example_and_oasdiff_ids() -> None:
    rows = _doc_rows()
    assert set(rows) == set(RULES)
    for rule, (level, example, oasdiff) in rows.items():
        assert level == RULES[rule].level, rule
        assert example == RULES[rule].example.replace("|", "/"), rule
        documented = [item.strip(" `") for item in oasdiff.split(",") if item.strip(" `—")]
        assert documented == list(OASDIFF.get(rule, ())), rule


def test_docs_list_the_oasdiff_checks_we_leave_out_with_the_reason() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for ids, reason in NOT_COVERED:
        assert f"| {ids} | {reason} |" in text


def test_oasdiff_mapping_names_only_our_rules_and_no_oasdiff_id_twice_across_tables() -> None:
    assert set(OASDIFF) <= set(RULES)
    mapped = {oasdiff_id for ids in OASDIFF.values() for oasdiff_id in ids}
    left_out = {item.strip() for ids, _ in NOT_COVERED for item in ids.split(",")}
    assert mapped.isdisjoint(left_out)
