"""A stateful mock server for invoicing APIs, served from their OpenAPI contracts."""

import warnings

# Connexion imports Starlette's test client at import time, which warns about httpx on every
# start; nothing a user of the mock can act on.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from .app import MockApp, create_app  # noqa: E402
from .discovery import SetupError  # noqa: E402
from .settings import MockSettings  # noqa: E402

__all__ = ["MockApp", "MockSettings", "SetupError", "create_app"]
