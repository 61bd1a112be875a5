"""The mock's default credentials as ``conformance run`` flags, for scripts and tests.

They mirror ``fixtures/*.yaml`` (and the README), which promise them stable across releases.
"""

from __future__ import annotations

__all__ = ["CONFORMANCE_FLAGS"]

CONFORMANCE_FLAGS: dict[str, list[str]] = {
    "solvimon": [
        "--api-key",
        "sk_test_all",
        "--restricted-api-key",
        "sk_test_view",
        "--other-platform-api-key",
        "sk_test_beta",
    ],
    "chargeover": ["--basic", "co_test_user:co_test_pass"],
    "keyline": ["--bearer", "kl_test_token"],
}
