"""Findings of ``lint`` and ``diff`` and their four output formats: text, Markdown, JSON, JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass

__all__ = ["FORMATS", "LEVELS", "Finding", "exceeds", "render"]

# Most severe first. `warning` in --fail-on means "non-breaking or worse".
LEVELS = ("breaking", "non-breaking", "info")
FORMATS = ("text", "markdown", "json", "junit")


@dataclass(frozen=True, order=True)
class Finding:
    pointer: str
    rule: str
    level: str
    message: str
    where: str = ""  # the operation or file it concerns


def exceeds(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether any finding reaches the ``--fail-on`` threshold (``breaking`` or ``warning``)."""
    failing = {"breaking"} if fail_on == "breaking" else {"breaking", "non-breaking"}
    return any(finding.level in failing for finding in findings)


def _text(findings: Sequence[Finding], title: str) -> str:
    if not findings:
        return f"{title}: no findings\n"
    lines = [f"{title}: {len(findings)} finding(s)"]
    for f in findings:
        lines.append(f"{f.level:<12} {f.rule:<34} {f.where} {f.pointer}\n{'':<12} {f.message}")
    return "\n".join(lines) + "\n"


def _markdown(findings: Sequence[Finding], title: str) -> str:
    lines = [f"## {title}", ""]
    if not findings:
        return "\n".join([*lines, "No findings.", ""])
    lines += ["| level | rule | where | JSON pointer | change |", "|---|---|---|---|---|"]
    for f in findings:
        lines.append(f"| {f.level} | `{f.rule}` | {f.where} | `{f.pointer}` | {f.message.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _junit(findings: Sequence[Finding], title: str) -> str:
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=title, tests=str(max(1, len(findings))))
    failures = 0
    if not findings:
        ET.SubElement(suite, "testcase", classname=title, name="no findings")
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname=f"{title}.{f.rule}", name=f"{f.where} {f.pointer}".strip())
        if f.level == "info":
            continue
        failures += 1
        failure = ET.SubElement(case, "failure", message=f"{f.level}: {f.message}", type=f.rule)
        failure.text = f"{f.rule} at {f.pointer}: {f.message}"
    suite.set("failures", str(failures))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render(findings: Sequence[Finding], output_format: str, title: str) -> str:
    ordered = sorted(findings, key=lambda f: (LEVELS.index(f.level), f.where, f.pointer, f.rule))
    if output_format == "json":
        return json.dumps({"title": title, "findings": [asdict(f) for f in ordered]}, indent=2) + "\n"
    if output_format == "markdown":
        return _markdown(ordered, title)
    if output_format == "junit":
        return _junit(ordered, title)
    return _text(ordered, title)
