"""OpenAPI helpers shared by the mock server and the conformance tools.

``load_contract`` is the one way any tool reads a contract (see :mod:`.loader`); the rest walks
the loaded document: inlining its ``$ref``s, listing its operations, translating its schemas to
plain JSON Schema.
"""

from .document import (
    HTTP_METHODS,
    DocumentError,
    OperationEntry,
    escape_pointer,
    id_candidates,
    iter_operations,
    load_document,
    resolve_refs,
    server_base_path,
)
from .loader import CONTRACT_SUFFIXES, LoadedContract, LoadWarning, contract_from_text, load_contract
from .merging import merged
from .schema import has_json_type, is_nullable, schema_validator, to_json_schema
from .security import needs_credentials, secret_headers, tenant_header

__all__ = [
    "CONTRACT_SUFFIXES",
    "HTTP_METHODS",
    "DocumentError",
    "LoadWarning",
    "LoadedContract",
    "OperationEntry",
    "contract_from_text",
    "escape_pointer",
    "has_json_type",
    "id_candidates",
    "is_nullable",
    "iter_operations",
    "load_contract",
    "load_document",
    "merged",
    "needs_credentials",
    "resolve_refs",
    "schema_validator",
    "secret_headers",
    "server_base_path",
    "tenant_header",
    "to_json_schema",
]
