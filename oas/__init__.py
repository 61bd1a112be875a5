"""OpenAPI 3.0 helpers shared by the mock server and the conformance tools.

Small on purpose: reading a contract file, inlining its ``$ref``s and translating its
schemas to plain JSON Schema Draft 4.
"""

from .document import DocumentError, load_document, resolve_refs, server_base_path
from .schema import to_json_schema

__all__ = ["DocumentError", "load_document", "resolve_refs", "server_base_path", "to_json_schema"]
