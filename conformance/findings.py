"""Findings of ``lint`` and ``diff`` and every way they are rendered: text, Markdown, JSON, JUnit,
GitHub Actions annotations (``github``) and the Markdown changelog of ``conformance changelog``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass

__all__ = ["FORMATS", "LEVELS", "Finding", "changelog", "exceeds", "render"]

# Most severe first. `--fail-on warning` means "warning or worse".
LEVELS = ("breaking", "warning", "info")
FORMATS = ("text", "markdown", "json", "junit", "github")
_ANNOTATION = {"breaking": "error", "warning": "warning", "info": "notice"}


@dataclass(frozen=True, order=True)
class Finding:
    pointer: str
    rule: str
    level: str
    message: str
    where: str = ""  # the operation or file it concerns
    file: str = ""  # the contract file it was found in (diff: the new side)
    line: int = 0  # the line of the changed node in ``file`` (0: unknown)


def exceeds(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether any finding reaches the ``--fail-on`` threshold (``breaking`` or ``warning``)."""
    failing = {"breaking"} if fail_on == "breaking" else {"breaking", "warning"}
    return any(finding.level in failing for finding in findings)


def _where(f: Finding, with_file: bool) -> str:
    """The operation (or linted file), prefixed by the contract file when findings span several."""
    return " ".join(part for part in (f.file if with_file else "", f.where) if part)


def _several_files(findings: Sequence[Finding]) -> bool:
    return len({f.file for f in findings}) > 1


def _text(findings: Sequence[Finding], title: str) -> str:
    if not findings:
        return f"{title}: no findings\n"
    lines = [f"{title}: {len(findings)} finding(s)"]
    several = _several_files(findings)
    for f in findings:
        lines.append(f"{f.level:<12} {f.rule:<40} {_where(f, several)} {f.pointer}\n{'':<12} {f.message}")
    return "\n".join(lines) + "\n"


def _markdown(findings: Sequence[Finding], title: str) -> str:
    lines = [f"## {title}", ""]
    if not findings:
        return "\n".join([*lines, "No findings.", ""])
    lines += ["| level | rule | where | JSON pointer | change |", "|---|---|---|---|---|"]
    several = _several_files(findings)
    for f in findings:
        change = f.message.replace("|", "/")
        lines.append(f"| {f.level} | `{f.rule}` | {_where(f, several)} | `{f.pointer}` | {change} |")
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
        failure.text = f"{f.rule}{_at(f.pointer)}: {f.message}"
    suite.set("failures", str(failures))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _escape(text: str, in_property: bool = False) -> str:
    """GitHub workflow-command escaping (``%``, CR, LF; in properties also ``:`` and ``,``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def _github(findings: Sequence[Finding], title: str) -> str:
    """One ``::error``/``::warning``/``::notice`` workflow command per finding (GitHub Actions annotations)."""
    lines = []
    for f in findings:
        properties = [f"file={_escape(f.file or f.where, True)}"] if (f.file or f.where) else []
        if f.line:
            properties.append(f"line={f.line}")
        properties.append(f"title={_escape(f'{f.rule} ({f.level})', True)}")
        where = f"{f.where}: " if f.file and f.where else ""
        lines.append(f"::{_ANNOTATION[f.level]} {','.join(properties)}::{_escape(where + f.message + _at(f.pointer))}")
    return "\n".join(lines) + "\n" if lines else f"{title}: no findings\n"


def changelog(findings: Sequence[Finding], title: str) -> str:
    """Markdown, breaking changes first, then warnings, then the rest (as oasdiff's changelog)."""
    lines = [f"# {title}", ""]
    if not findings:
        return "\n".join([*lines, "No changes.", ""])
    headings = {"breaking": "Breaking changes", "warning": "Warnings", "info": "Other changes"}
    ordered = _ordered(findings)
    several = _several_files(findings)
    for level in LEVELS:
        chosen = [f for f in ordered if f.level == level]
        if not chosen:
            continue
        lines += [f"## {headings[level]} ({len(chosen)})", ""]
        for f in chosen:
            where = (f"`{f.file}` " if several else "") + (f"**{f.where}**: " if f.where else "")
            lines.append(f"- {where}{f.message} (`{f.rule}` at `{f.pointer or '/'}`)")
        lines.append("")
    return "\n".join(lines)


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (LEVELS.index(f.level), f.file, f.where, f.pointer, f.rule))


def render(findings: Sequence[Finding], output_format: str, title: str) -> str:
    ordered = _ordered(findings)
    if output_format == "json":
        return json.dumps({"title": title, "findings": [asdict(f) for f in ordered]}, indent=2) + "\n"
    if output_format == "markdown":
        return _markdown(ordered, title)
    if output_format == "junit":
        return _junit(ordered, title)
    if output_format == "github":
        return _github(ordered, title)
    return _text(ordered, title)


def _at(pointer: str) -> str:
    """`` at POINTER``, or nothing for a finding about a whole file (a contract added or removed)."""
    return f" at {pointer}" if pointer else ""
