"""OpenAPI 3.0 helpers shared by the mock server and the conformance tools.

Small on purpose: reading a contract file, inlining its ``$ref``s and translating its
schemas to plain JSON Schema Draft 4.
"""

from .document import (
    HTTP_METHODS,
    DocumentError,
    OperationEntry,
    escape_pointer,
    iter_operations,
    load_document,
    resolve_refs,
    server_base_path,
)
from .schema import to_json_schema
from .security import secret_headers, tenant_header

__all__ = [
    "HTTP_METHODS",
    "DocumentError",
    "OperationEntry",
    "escape_pointer",
    "iter_operations",
    "load_document",
    "resolve_refs",
    "secret_headers",
    "server_base_path",
    "tenant_header",
    "to_json_schema",
]
