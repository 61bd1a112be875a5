"""``mock-server`` / ``python -m mock_server``: serve every contract from one process.

``mock-server proxy --api NAME --upstream URL`` runs the validation proxy instead. The port is
bound before anything is printed, so "ready" is only ever printed by a server that listens.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import socket
import sys
import time
from pathlib import Path
from typing import Any

from invoice_contracts.registry import add_api_dir_option

from .contracts import ContractError
from .controls.faults import FAULTS, ControlsError, parse_latency
from .discovery import SetupError
from .process import heap
from .process.collector import IdleCollector
from .process.listen import EVENT_LOOP, bind
from .process.long_urls import LongUrlProtocol
from .settings import MockSettings

__all__ = ["main"]


def _serve_parser() -> argparse.ArgumentParser:
    defaults = MockSettings()
    parser = argparse.ArgumentParser(
        prog="mock-server",
        usage="mock-server [FILE_OR_URL ...] [options]",
        description="Serve the invoicing contracts as one stateful mock, or the contracts given"
        " (files or http(s) URLs, as `prism mock FILE` serves one).",
        epilog="mock-server proxy --api NAME --upstream URL runs the validation proxy instead"
        " (mock-server proxy --help).",
    )
    parser.add_argument("--host", default=defaults.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (default %(default)s)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed for the fake data (default %(default)s)")
    parser.add_argument(
        "documents",
        nargs="*",
        metavar="FILE_OR_URL",
        help="serve these contracts instead of the shipped ones (beside --contracts DIR's when given)",
    )
    parser.add_argument("--contracts", type=Path, help="serve the contracts of this folder instead of the shipped ones")
    parser.add_argument("--fixtures", type=Path, help="take fixture files (NAME.yaml) from this folder")
    add_api_dir_option(parser)
    parser.add_argument(
        "--validate-responses", action="store_true", help="check every response against the contract (slower)"
    )
    parser.add_argument("--admin-token", help="require Authorization: Bearer TOKEN on the admin API (/__mock/)")
    parser.add_argument("--latency", help="delay every response: MS, or MIN-MAX for a uniform random delay")
    parser.add_argument("--fault", choices=FAULTS, help="inject this fault (see --fault-rate)")
    parser.add_argument(
        "--fault-rate", type=float, default=1.0, help="fraction of requests that get --fault (default 1)"
    )
    parser.add_argument("--journal-size", type=int, default=defaults.journal_size, help="requests kept in the journal")
    parser.add_argument(
        "--journal-body-bytes",
        type=int,
        default=defaults.journal_body_bytes,
        help="request and response bytes the journal keeps per entry (default %(default)s)",
    )
    parser.add_argument(
        "--max-body-bytes", type=int, default=defaults.max_body_bytes, help="larger request bodies get 413"
    )
    parser.add_argument("--max-records", type=int, default=defaults.max_records, help="cap on stored records")
    parser.add_argument(
        "--idempotency-cache", type=int, default=defaults.idempotency_cache_size, help="remembered Idempotency-Keys"
    )
    parser.add_argument("--state-file", type=Path, help="keep the state in this file (durable; loaded at start)")
    parser.add_argument(
        "--stubs", type=Path, metavar="PATH", help="load stubs from a JSON file or a directory (e.g. proxy --record)"
    )
    cors = parser.add_mutually_exclusive_group()
    cors.add_argument("--cors-origins", help="comma-separated origins allowed by CORS (default: any origin)")
    cors.add_argument("--no-cors", action="store_true", help="turn CORS off")
    parser.add_argument(
        "--admin-cors-origins",
        help="comma-separated origins whose pages may use the admin API (default: none, same-origin only)",
    )
    parser.add_argument(
        "--allowed-hosts",
        help="comma-separated host names accepted in Host besides IPs and localhost ('*': any; default: the --host)",
    )
    parser.add_argument("--watch", action="store_true", help="reload when a contract or fixture file changes")
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def _settings(args: argparse.Namespace) -> MockSettings:
    cors: tuple[str, ...] | None = None
    if args.no_cors:
        cors = ()
    elif args.cors_origins:
        cors = tuple(origin.strip() for origin in args.cors_origins.split(",") if origin.strip())
    return MockSettings(
        host=args.host,
        journal_body_bytes=args.journal_body_bytes,
        admin_cors_origins=_names(args.admin_cors_origins),
        allowed_hosts=_names(args.allowed_hosts),
        port=args.port,
        seed=args.seed,
        contracts_dir=args.contracts,
        documents=tuple(args.documents),
        fixtures_dir=args.fixtures,
        api_dirs=tuple(args.api_dirs),
        validate_responses=args.validate_responses,
        admin_token=args.admin_token,
        latency_ms=parse_latency(args.latency) if args.latency else None,
        fault=args.fault,
        fault_rate=args.fault_rate,
        journal_size=args.journal_size,
        max_body_bytes=args.max_body_bytes,
        max_records=args.max_records,
        idempotency_cache_size=args.idempotency_cache,
        state_file=args.state_file,
        stubs=args.stubs,
        cors_origins=cors,
    )


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (value or "").split(",") if name.strip())


def _banner(
    args: argparse.Namespace, settings: MockSettings, entries: list[dict[str, str]], stub_count: int
) -> list[str]:
    base = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}"
    lines = [f"{entry['title']}: {base}{entry['swagger_ui']}" for entry in entries]
    latency = f"{settings.latency_ms[0]}-{settings.latency_ms[1]} ms" if settings.latency_ms else "none"
    fault = f"{settings.fault} for {settings.fault_rate:.0%} of requests" if settings.fault else "none"
    stubs = f"{stub_count} from {settings.stubs}" if settings.stubs else str(stub_count)
    lines.append(f"latency: {latency}; fault: {fault}; stubs: {stubs} (see {base}/__mock/stubs)")
    lines.append(f"state file: {settings.state_file or 'none (in memory)'}")
    pages = ", ".join(settings.admin_cors_origins)
    lines.append(
        "admin API: "
        + ("token required" if settings.admin_token else "open, no token")
        + (f"; pages from {pages} allowed" if pages else "; pages of other origins refused")
    )
    return lines


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(argv: list[str]) -> int:
    args = _serve_parser().parse_args(argv)
    started = time.perf_counter()
    # Importing Connexion, building the apps and seeding allocate millions of objects that all
    # live as long as the process: collecting while they are made only walks them again and
    # again. One collection at the end, then they are frozen (below).
    gc.disable()
    from .app import create_app

    try:
        settings = _settings(args)
        sock = bind(args.host, args.port)
    except (ControlsError, OSError) as exc:
        print(f"mock-server: {exc}", file=sys.stderr)
        return 2
    try:
        if args.watch:
            from .process.reload import ReloadingApp

            app: Any = ReloadingApp(settings)
            mock = app.current
        else:
            app = mock = create_app(settings)
        entries = mock.index()
    except (SetupError, ContractError, ControlsError) as exc:
        sock.close()
        print(f"mock-server: {exc}", file=sys.stderr)
        return 2
    finally:
        gc.enable()
    import uvicorn

    # The seeded objects live as long as the process: keep them out of every GC pass, which
    # otherwise walks them all and shows up as p99 latency.
    gc.collect()
    gc.freeze()
    heap.trim()

    for source in mock.state.sources.values():
        for warning in source.contract.warnings:
            # The loader repaired what was invalid; the user sees where, once, and the mock serves.
            print(f"mock-server: warning: {source.contract.path}{warning}", file=sys.stderr)
    if not _is_loopback(args.host) and not args.admin_token:
        print(
            f"mock-server: warning: listening on {args.host} without --admin-token: anyone who can reach it"
            " can reset, export or import the state and mint credentials",
            file=sys.stderr,
        )
    banner = _banner(args, settings, entries, len(mock.state.stubs))

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                for line in banner:
                    print(f"mock-server: {line}", file=sys.stderr)
                print(f"mock-server: ready in {time.perf_counter() - started:.2f} s, seed {args.seed}", file=sys.stderr)

    # Full collections wait for a pause in the requests (collector.py).
    config = uvicorn.Config(
        IdleCollector(app),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        lifespan="on",
        loop=EVENT_LOOP,
        http=LongUrlProtocol,
    )
    Server(config).run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["proxy"]:
        from .proxy import main as proxy_main

        return proxy_main(argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
