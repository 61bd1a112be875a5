"""Results of a run and the reports written from them: terminal lines, JUnit XML, Markdown.

Every failing result keeps the HTTP exchanges that showed the failure, so the Markdown report
can print each one as a curl command (credentials are redacted where exchanges are recorded,
with the headers the contract's security schemes name). A *warning* is a broken statement
the contract only infers or assumes: listed with the statement it rests on, it does not fail
the run. Every result names the inferred or assumed statements its checks rest on, so each
report shows which checks rest on assumptions.
"""

from __future__ import annotations

import enum
import shlex
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Exchange", "Report", "Result", "Status"]

BODY_LIMIT = 2000


class Status(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_body: str

    def curl(self) -> str:
        parts = ["curl", "-i", "-X", self.method]
        for name, value in self.request_headers.items():
            if name.lower() in ("host", "content-length", "accept-encoding", "connection", "user-agent", "accept"):
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request_body:
            parts += ["--data-raw", self.request_body]
        parts.append(self.url)
        return " ".join(shlex.quote(part) for part in parts)


@dataclass
class Result:
    layer: str
    name: str
    status: Status
    message: str = ""
    source: str = ""
    seconds: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)
    # The inferred or assumed statements the checks rest on ("pointer [level]").
    rests_on: list[str] = field(default_factory=list)


@dataclass
class Report:
    api: str
    base_url: str
    profile: str
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[Status, int]:
        return {status: sum(1 for r in self.results if r.status is status) for status in Status}

    @property
    def failed(self) -> bool:
        return any(r.status is Status.FAIL for r in self.results)

    def summary_line(self) -> str:
        counts = self.counts()
        verdict = "does NOT conform" if self.failed else "conforms"
        return (
            f"{self.api} at {self.base_url} {verdict}: {counts[Status.PASS]} passed, {counts[Status.FAIL]} failed,"
            f" {counts[Status.WARN]} warnings (inferred or assumed statements), {counts[Status.SKIP]} skipped"
            f" in {self.seconds:.1f} s"
        )

    def table(self) -> str:
        width = max((len(r.name) for r in self.results), default=10)
        lines = [f"{'layer':<9} {'check':<{width}}  result"]
        for result in self.results:
            note = (
                f"  ({result.message.splitlines()[0]})" if result.status is not Status.PASS and result.message else ""
            )
            assumed = f"  [rests on {len(result.rests_on)} inferred/assumed]" if result.rests_on else ""
            lines.append(f"{result.layer:<9} {result.name:<{width}}  {result.status.value.upper()}{assumed}{note}")
        warnings = [r for r in self.results if r.status is Status.WARN]
        if warnings:
            lines += [
                "",
                "Warnings (a statement the contract only infers or assumes; --strict-assumptions fails them):",
            ]
            lines += [f"  {r.name}: {r.message.splitlines()[-1]}" for r in warnings]
        return "\n".join(lines)

    def write_junit(self, path: Path) -> None:
        counts = self.counts()
        suite = ET.Element(
            "testsuite",
            name=f"conformance.{self.api}",
            tests=str(len(self.results)),
            failures=str(counts[Status.FAIL]),
            skipped=str(counts[Status.SKIP]),
            time=f"{self.seconds:.3f}",
        )
        for result in self.results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{self.api}.{result.layer}",
                name=result.name,
                time=f"{result.seconds:.3f}",
            )
            if result.rests_on:
                properties = ET.SubElement(case, "properties")
                for statement in result.rests_on:
                    ET.SubElement(properties, "property", name="rests_on_assumption", value=statement)
            if result.status is Status.WARN:
                ET.SubElement(case, "system-out").text = "WARNING (not documented, so not a failure): " + result.message
            elif result.status is Status.FAIL:
                failure = ET.SubElement(
                    case, "failure", message=result.message.splitlines()[0] if result.message else "failed"
                )
                failure.text = "\n\n".join([result.message, *(e.curl() for e in result.exchanges)])
            elif result.status is Status.SKIP:
                ET.SubElement(case, "skipped", message=result.message)
        suites = ET.Element("testsuites")
        suites.append(suite)
        ET.indent(suites)
        path.write_text(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n", encoding="utf-8")

    def write_markdown(self, path: Path) -> None:
        lines = [
            f"# Conformance: {self.api}",
            "",
            f"Target `{self.base_url}`, profile `{self.profile}`.",
            "",
            f"**{self.summary_line()}**",
            "",
        ]
        lines += ["| layer | check | result | source | rests on (inferred/assumed) |", "|---|---|---|---|---|"]
        for result in self.results:
            assumed = "<br>".join(f"`{s}`" for s in result.rests_on)
            lines.append(f"| {result.layer} | {result.name} | {result.status.value} | {result.source} | {assumed} |")
        warnings = [r for r in self.results if r.status is Status.WARN]
        if warnings:
            lines += ["", "## Warnings: statements the contract only infers or assumes", ""]
            lines += ["Not failures (`--strict-assumptions` makes them so); check them against the vendor.", ""]
            for result in warnings:
                lines += [f"### {result.layer}: {result.name}", "", "```text", result.message, "```", ""]
                for exchange in result.exchanges:
                    lines += ["```sh", exchange.curl(), "```", ""]
        failures = [r for r in self.results if r.status is Status.FAIL]
        if failures:
            lines += ["", "## Failures"]
        for result in failures:
            lines += ["", f"### {result.layer}: {result.name}", "", "```text", result.message, "```"]
            for exchange in result.exchanges:
                lines += ["", "Reproduce:", "", "```sh", exchange.curl(), "```"]
                lines += [
                    "",
                    f"Response `{exchange.status}`:",
                    "",
                    "```json",
                    exchange.response_body[:BODY_LIMIT],
                    "```",
                ]
        skips = [r for r in self.results if r.status is Status.SKIP]
        if skips:
            lines += ["", "## Skipped, with the reason", ""]
            lines += [f"- **{r.name}**: {r.message}" for r in skips]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
