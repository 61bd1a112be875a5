"""``mock-server`` / ``python -m mock_server``: serve every contract from one process.

``mock-server proxy --api NAME --upstream URL`` runs the validation proxy instead.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import sys
import time
from pathlib import Path

from . import heap
from .contracts import ContractError
from .controls import FAULTS, ControlsError, parse_latency
from .settings import MockSettings

__all__ = ["main"]


def _serve_parser() -> argparse.ArgumentParser:
    defaults = MockSettings()
    parser = argparse.ArgumentParser(
        prog="mock-server", description="Serve the invoicing contracts as one stateful mock."
    )
    parser.add_argument("--host", default=defaults.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (default %(default)s)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed for the fake data (default %(default)s)")
    parser.add_argument("--contracts", type=Path, default=defaults.contracts_dir, help="directory of OpenAPI contracts")
    parser.add_argument("--fixtures", type=Path, default=defaults.fixtures_dir, help="directory of fixture files")
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
        "--max-body-bytes", type=int, default=defaults.max_body_bytes, help="larger request bodies get 413"
    )
    parser.add_argument("--max-records", type=int, default=defaults.max_records, help="cap on stored records")
    parser.add_argument(
        "--idempotency-cache", type=int, default=defaults.idempotency_cache_size, help="remembered Idempotency-Keys"
    )
    parser.add_argument("--state-file", type=Path, help="keep the state in this file (durable; loaded at start)")
    cors = parser.add_mutually_exclusive_group()
    cors.add_argument("--cors-origins", help="comma-separated origins allowed by CORS (default: any origin)")
    cors.add_argument("--no-cors", action="store_true", help="turn CORS off")
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
        port=args.port,
        seed=args.seed,
        contracts_dir=args.contracts,
        fixtures_dir=args.fixtures,
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
        cors_origins=cors,
    )


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
    from .app import SetupError, create_app

    try:
        settings = _settings(args)
        if args.watch:
            from .reload import ReloadingApp

            app: object = ReloadingApp(settings)
            entries = app.index()  # type: ignore[attr-defined]
        else:
            mock = create_app(settings)
            app, entries = mock, mock.index()
    except (SetupError, ContractError, ControlsError) as exc:
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
    # A full collection walks every decoded record the store caches (records.py): about 70 ms
    # under credit load, stalling every request in flight. Young collections stay as they are;
    # full ones wait for 100 collections of the middle generation instead of 10.
    gc.set_threshold(*gc.get_threshold()[:2], 100)

    if not _is_loopback(args.host) and not args.admin_token:
        print(
            f"mock-server: warning: listening on {args.host} without --admin-token: anyone who can reach it"
            " can reset, export or import the state and mint credentials",
            file=sys.stderr,
        )
    for entry in entries:
        print(f"mock-server: {entry['title']}: http://{args.host}:{args.port}{entry['swagger_ui']}", file=sys.stderr)
    print(f"mock-server: ready in {time.perf_counter() - started:.2f} s, seed {args.seed}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False, lifespan="on")  # type: ignore[arg-type]
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["proxy"]:
        from .proxy import main as proxy_main

        return proxy_main(argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
