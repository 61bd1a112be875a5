"""Settings of one mock server process.

``contracts_dir`` / ``fixtures_dir`` replace the shipped contracts and fixtures when given, as
``documents`` (files or URLs) replace the shipped contracts;
``api_dirs`` add APIs (see ``invoice_contracts.registry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["MockSettings"]


@dataclass(frozen=True)
class MockSettings:
    host: str = "127.0.0.1"
    port: int = 4010
    seed: int = 1
    contracts_dir: Path | None = None
    # Contract files or http(s) URLs served as `prism mock FILE` serves one (instead of the
    # shipped contracts, beside those of contracts_dir when it is given too).
    documents: tuple[str, ...] = ()
    fixtures_dir: Path | None = None
    api_dirs: tuple[Path, ...] = ()
    validate_responses: bool = False
    idempotency_cache_size: int = 10_000
    max_records: int = 1_000_000
    admin_token: str | None = None
    latency_ms: tuple[int, int] | None = None
    fault: str | None = None
    fault_rate: float = 1.0
    journal_size: int = 1000
    journal_body_bytes: int = 16_384
    max_body_bytes: int = 1_000_000
    state_file: Path | None = None
    stubs: Path | None = None  # a JSON file or directory of stubs loaded at start (and again at each reset)
    # None: every origin (credentials allowed, the origin is echoed); (): CORS off.
    cors_origins: tuple[str, ...] | None = None
    # The admin API (/__mock/) answers CORS only for these origins; none by default (same-origin).
    admin_cors_origins: tuple[str, ...] = ()
    # Host names accepted besides IP addresses, localhost and the bound host ("*": any); None: no
    # Host check at all (in-process use; the CLI always checks).
    allowed_hosts: tuple[str, ...] | None = None
