"""``mock-server`` / ``python -m mock_server``: serve every contract from one process."""

from __future__ import annotations

import argparse
import ipaddress
import sys
import time
from pathlib import Path

from .app import SetupError, create_app
from .contracts import ContractError
from .settings import MockSettings

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    settings = MockSettings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        contracts_dir=args.contracts,
        fixtures_dir=args.fixtures,
        validate_responses=args.validate_responses,
    )
    try:
        app = create_app(settings)
    except (SetupError, ContractError) as exc:
        print(f"mock-server: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback:
        print(
            f"mock-server: warning: listening on {args.host}, reachable from other machines;"
            " the default credentials are public",
            file=sys.stderr,
        )
    for entry in app.index():
        print(f"mock-server: {entry['title']}: http://{args.host}:{args.port}{entry['swagger_ui']}", file=sys.stderr)
    print(f"mock-server: ready in {time.perf_counter() - started:.2f} s, seed {args.seed}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False, lifespan="on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
