"""A stateful mock server for invoicing APIs, served from their OpenAPI contracts."""

from .app import MockApp, SetupError, create_app
from .settings import MockSettings

__all__ = ["MockApp", "MockSettings", "SetupError", "create_app"]
