"""Solvimon scenario pack: the scenarios register on ``PACK`` when their modules are imported.

``solvimon_support`` holds the statements they rest on and how they find data; the scenarios
are in ``solvimon_access`` (credentials, permissions, platforms, versions, bad requests; they run
first and change nothing) and ``solvimon_credits`` (credit, refund, refresh, replays).
"""

from __future__ import annotations

from . import solvimon_access, solvimon_credits
from .solvimon_support import PACK

__all__ = ["PACK", "solvimon_access", "solvimon_credits"]
