"""The ``conformance`` command line: ``run``, ``lint``, ``diff``, ``changelog``, ``provenance``, ``apis``.

Exit codes: 0 the target conforms (no finding over the threshold), 1 violations or findings,
2 usage error, unreachable target or unusable contract. Each ends with one line that says which.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from invoice_contracts.credentials import conformance_flags
from invoice_contracts.modules import ModuleLoadError
from invoice_contracts.oas import DocumentError, load_document, needs_credentials
from invoice_contracts.registry import Registry, RegistryError, add_api_dir_option

from .diff import DiffError, Policy, diff_sides
from .findings import FORMATS, Finding, changelog, exceeds, render
from .invariants.layer import FAMILIES
from .lint import lint_path
from .profiles import PROFILES
from .provenance import constraint_entries, markdown_table, provenance_entries
from .runner import LAYERS, check_reachable, run
from .targets import Credentials, Target, TargetError, load_target_file, parse_basic

__all__ = ["main"]

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"conformance: usage error: {message} (see --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conformance", description="Check an invoicing API against its contract.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run_parser = commands.add_parser("run", help="run the scenario and schema layers against a base URL")
    which = run_parser.add_argument_group("what to check")
    which.add_argument("--api", help="the API's name (see `conformance apis`)")
    which.add_argument("--contract", type=Path, help="a contract file instead of --api's")
    which.add_argument("--base-url", help="where the API's real paths live, e.g. http://127.0.0.1:4010")
    which.add_argument("--targets", type=Path, help="a targets file (YAML); see docs/conformance.md")
    which.add_argument("--target", help="the target's name in --targets")
    creds = run_parser.add_argument_group("credentials")
    creds.add_argument("--api-key", help="API key (sent in the contract's apiKey header)")
    creds.add_argument("--bearer", help="bearer token")
    creds.add_argument("--basic", metavar="USER:PASS", help="HTTP Basic credentials")
    creds.add_argument(
        "--tenant", "--platform-id", dest="tenant", help="tenant to send in the contract's x-tenant header"
    )
    creds.add_argument(
        "--lenient-auth",
        action="store_true",
        default=None,
        help="the target accepts any non-empty credential (the mock without a fixtures file):"
        " skip the check that sends invalid credentials",
    )
    creds.add_argument("--restricted-api-key", help="a key lacking the action permissions (403 checks)")
    creds.add_argument("--restricted-bearer", help="a bearer token lacking the action permissions")
    creds.add_argument("--restricted-basic", metavar="USER:PASS", help="Basic credentials lacking them")
    creds.add_argument(
        "--other-tenant-api-key",
        "--other-platform-api-key",
        dest="other_tenant_api_key",
        help="a key of another tenant (tenant isolation checks)",
    )
    creds.add_argument("--other-tenant-bearer", help="a bearer token of another tenant")
    creds.add_argument("--other-tenant-basic", metavar="USER:PASS", help="Basic credentials of another tenant")
    add_api_dir_option(run_parser)
    how = run_parser.add_argument_group("how")
    how.add_argument("--profile", choices=sorted(PROFILES), default="ci")
    how.add_argument("--seed", type=int, default=1)
    how.add_argument(
        "--time-budget", type=int, metavar="SECONDS", help="make fuzzing and stateful testing repeat for this long"
    )
    how.add_argument("--report-dir", type=Path, default=Path("reports"))
    how.add_argument(
        "--only",
        choices=LAYERS,
        action="append",
        help="run only this layer (repeatable: --only scenarios --only invariants)",
    )
    how.add_argument(
        "--without",
        choices=sorted(FAMILIES),
        action="append",
        default=[],
        metavar="FAMILY",
        help=f"leave out one family of generic invariants (repeatable): {', '.join(FAMILIES)}",
    )
    how.add_argument("--quiet", action="store_true", help="hide Schemathesis' own progress output")
    how.add_argument(
        "--strict-assumptions",
        action="store_true",
        help="a broken statement the contract only infers or assumes fails the run (default: a warning)",
    )
    how.add_argument(
        "--read-only", action="store_true", help="send only safe methods (GET, HEAD, OPTIONS): skip what writes"
    )

    lint = commands.add_parser("lint", help="check that contracts are valid and testable")
    lint.add_argument("paths", nargs="+", type=Path, help="contract files or folders of contracts")
    _output_options(lint)

    diff = commands.add_parser("diff", help="classify the changes between two versions of a contract")
    diff.add_argument("old", help="a file, a folder of contracts, or git:REV:path")
    diff.add_argument("new", help="a file, a folder of contracts (matched by file name), or git:REV:path")
    diff.add_argument(
        "--fail-on",
        choices=["breaking", "warning"],
        default="breaking",
        help="exit 1 from this level up (warning: warnings too)",
    )
    _policy_options(diff)
    _output_options(diff)

    log = commands.add_parser("changelog", help="all changes between two versions as Markdown, breaking first")
    log.add_argument("old", help="a file, a folder of contracts, or git:REV:path")
    log.add_argument("new", help="a file, a folder of contracts (matched by file name), or git:REV:path")
    log.add_argument("--output", type=Path, help="write the changelog here instead of standard output")
    _policy_options(log)

    provenance = commands.add_parser("provenance", help="list what contracts mark as inferred or assumed")
    provenance.add_argument("paths", nargs="+", type=Path)
    provenance.add_argument(
        "--constraints",
        action="store_true",
        help="also list the parameter constraints no documented status stands behind (inferred)",
    )

    apis = commands.add_parser("apis", help="list the APIs this installation knows (the registry)")
    add_api_dir_option(apis)
    apis.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def _registry(args: argparse.Namespace) -> Registry:
    try:
        return Registry.discover(api_dirs=args.api_dirs)
    except RegistryError as exc:
        raise TargetError(str(exc)) from exc


def _policy_options(parser: argparse.ArgumentParser) -> None:
    """oasdiff's deprecation policy: the notice a deprecation owes before its ``x-sunset`` date."""
    for level in ("beta", "stable"):
        parser.add_argument(
            f"--deprecation-days-{level}",
            type=int,
            default=0,
            metavar="DAYS",
            help=f"minimum days from deprecation to x-sunset for {level} operations (default 0: no policy)",
        )


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", type=Path, help="write the report here instead of standard output")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _target(args: argparse.Namespace) -> Target:
    settings: dict[str, object] = {}
    if args.targets or args.target:
        if not (args.targets and args.target):
            raise TargetError("--targets and --target go together")
        settings = load_target_file(args.targets, args.target)

    def pick(name: str) -> str | None:
        value = getattr(args, name, None)
        if value is None:
            value = settings.get(name)
        return None if value is None else str(value)

    def credentials(prefix: str) -> Credentials:
        return Credentials(
            api_key=pick(f"{prefix}api_key"), bearer=pick(f"{prefix}bearer"), basic=parse_basic(pick(f"{prefix}basic"))
        )

    api = pick("api")
    contract_setting = pick("contract")
    registry = _registry(args)
    source = None
    if api is not None and (contract_setting is None or api in registry):
        try:
            source = registry.get(api)
        except RegistryError as exc:
            raise TargetError(str(exc)) from exc
    if contract_setting:
        contract = Path(contract_setting)
    elif source is not None:
        contract = Path(source.contract)  # a file: URLs come only from mock-server's command line
    else:
        raise TargetError("give --api or --contract")
    base_url = pick("base_url")
    if not base_url:
        raise TargetError("give --base-url (or base_url in the targets file)")
    return Target(
        api=api or contract.stem,
        contract_path=contract,
        base_url=base_url,
        credentials=credentials(""),
        tenant=pick("tenant"),
        restricted=credentials("restricted_"),
        other_tenant=credentials("other_tenant_"),
        source=source,
        lenient_auth=str(pick("lenient_auth")).lower() == "true",
    ).with_contract()


def _run(args: argparse.Namespace) -> int:
    target = _target(args)
    if not target.credentials and needs_credentials(target.contract):
        raise TargetError(
            "give credentials (--api-key, --bearer or --basic): the contract secures its operations, so"
            " without them every check would only see 401s"
        )
    check_reachable(target)
    layers = tuple(layer for layer in LAYERS if layer in args.only) if args.only else LAYERS
    profile = PROFILES[args.profile]
    if args.time_budget:
        profile = replace(profile, repeat_for_seconds=args.time_budget, timeout_seconds=args.time_budget * 2 + 300)
    report = run(
        target,
        profile,
        seed=args.seed,
        report_dir=args.report_dir,
        layers=layers,
        quiet=args.quiet,
        strict_assumptions=args.strict_assumptions,
        read_only=args.read_only,
        without=frozenset(args.without),
    )
    print()
    print(report.table())
    print(f"\nReports: {args.report_dir / 'conformance-report.md'}, {args.report_dir / 'conformance-junit.xml'}")
    print(report.summary_line())
    return EXIT_VIOLATIONS if report.failed else EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    findings = [finding for path in args.paths for finding in lint_path(path)]
    _emit(render(findings, args.format, "conformance lint"), args.output)
    names = ", ".join(str(path) for path in args.paths)
    if findings:
        print(f"conformance lint: {len(findings)} finding(s) in {names}", file=sys.stderr)
        return EXIT_VIOLATIONS
    print(f"conformance lint: {names}: valid and testable", file=sys.stderr)
    return EXIT_OK


def _changes(args: argparse.Namespace) -> list[Finding]:
    """The findings of a diff; each repair the loader made to a side is printed as one warning line."""
    policy = Policy(args.deprecation_days_beta, args.deprecation_days_stable)
    try:
        result = diff_sides(args.old, args.new, policy)
    except DiffError as exc:
        raise TargetError(str(exc)) from exc
    for warning in result.warnings:
        print(f"conformance {args.command}: warning: {warning}", file=sys.stderr)
    return result.findings


def _changelog(args: argparse.Namespace) -> int:
    findings = _changes(args)
    _emit(changelog(findings, f"Changelog {args.old} → {args.new}"), args.output)
    breaking = sum(1 for f in findings if f.level == "breaking")
    print(f"conformance changelog: {len(findings)} change(s), {breaking} breaking", file=sys.stderr)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    findings = _changes(args)
    _emit(render(findings, args.format, f"conformance diff {args.old} → {args.new}"), args.output)
    breaking = sum(1 for f in findings if f.level == "breaking")
    if exceeds(findings, args.fail_on):
        print(
            f"conformance diff: {breaking} breaking change(s), {len(findings) - breaking} other"
            f" (fail-on {args.fail_on})",
            file=sys.stderr,
        )
        return EXIT_VIOLATIONS
    print(f"conformance diff: no change at or above {args.fail_on} ({len(findings)} other)", file=sys.stderr)
    return EXIT_OK


def _provenance(args: argparse.Namespace) -> int:
    for path in args.paths:
        document = load_document(path)
        entries = provenance_entries(document) + (constraint_entries(document) if args.constraints else [])
        print(f"## {path}\n\n{markdown_table(entries)}\n")
    return EXIT_OK


def _apis(args: argparse.Namespace) -> int:
    """One line per API; with ``--format json``, also the mock's default credentials as flags."""
    registry = _registry(args)
    if args.format == "json":
        entries = [
            {
                "api": source.name,
                "contract": str(source.contract),
                "fixtures": str(source.fixtures) if source.fixtures else None,
                "api_dir": str(source.api_dir) if source.api_dir else None,
                "mock_credentials": conformance_flags(source),
            }
            for source in registry
        ]
        print(json.dumps(entries, indent=2))
    else:
        for source in registry:
            print(f"{source.name}\t{source.contract}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {
        "run": _run,
        "lint": _lint,
        "diff": _diff,
        "changelog": _changelog,
        "provenance": _provenance,
        "apis": _apis,
    }
    try:
        return commands[args.command](args)
    except (TargetError, DocumentError, ModuleLoadError) as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if args.command not in ("lint", "diff", "changelog"):
            raise
        # in CI exit 1 reads as "findings": a contract the rules cannot walk is exit 2, told in one line
        reason = " ".join(str(exc).split())[:300] or "no detail"
        print(
            f"conformance {args.command}: cannot compare or check this contract: {type(exc).__name__}: {reason}",
            file=sys.stderr,
        )
        return EXIT_USAGE
