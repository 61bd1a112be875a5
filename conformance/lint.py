"""``conformance lint``: is a contract valid and testable?

Spectral would lint style; what we need is narrower and specific to these contracts: things
the mock and the conformance suite rely on. Each rule has an id:

- ``spec-invalid``: openapi-spec-validator rejects the document (its 3.0 or its 3.1 validator, by
  the document's ``openapi``);
- ``operation-id-missing``: an operation without ``operationId`` (the mock binds rules by it);
- ``status-401-missing`` / ``status-403-missing``: an authenticated operation that does not
  document 401, or one with ``x-permission`` that does not document 403;
- ``example-invalid``: an ``example``/``examples`` value (in 3.1 also a schema's ``examples``
  list) that breaks its own schema: Draft 4 over the ``nullable`` translation for 3.0,
  Draft 2020-12 as written for 3.1;
- ``provenance-invalid`` / ``provenance-missing``: an ``x-provenance`` outside the allowed
  values, or an operation without one;
- ``link-missing``: a POST that answers 2xx with a JSON body but declares no OpenAPI link, so
  stateful testing cannot continue from what it created or changed;
- the patterns other OpenAPI tools read differently from us (``lint_rules.HAZARD_RULES``):
  ``nullable-without-type``, ``required-parameter-default``, ``allof-enum-conflict``,
  ``allof-narrows-nullable``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from invoice_contracts.oas import (
    DocumentError,
    LoadedContract,
    escape_pointer,
    iter_operations,
    load_contract,
    resolve_refs,
    schema_validator,
)

from .diff import contract_files
from .findings import Finding
from .lint_rules import hazard_findings
from .provenance import PROVENANCE_LEVELS, provenance_entries

__all__ = ["examples_with_schemas", "lint_document", "lint_path"]


def examples_with_schemas(node: Any, pointer: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(pointer, example, schema) for media-type examples and schema-level examples (refs inlined)."""
    if isinstance(node, dict):
        schema = node.get("schema")
        if isinstance(schema, dict):
            if "example" in node:
                yield f"{pointer}/example", node["example"], schema
            for name, example in (node.get("examples") or {}).items():
                if isinstance(example, dict) and "value" in example:
                    yield f"{pointer}/examples/{escape_pointer(name)}/value", example["value"], schema
        is_schema = any(key in node for key in ("type", "properties", "allOf", "enum", "const"))
        if "example" in node and is_schema:
            yield f"{pointer}/example", node["example"], {k: v for k, v in node.items() if k != "example"}
        if isinstance(node.get("examples"), list) and is_schema:  # OpenAPI 3.1: a schema's examples
            for index, example in enumerate(node["examples"]):
                yield f"{pointer}/examples/{index}", example, {k: v for k, v in node.items() if k != "examples"}
        for key, value in node.items():
            yield from examples_with_schemas(value, f"{pointer}/{escape_pointer(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_with_schemas(value, f"{pointer}/{index}")


def _has_security(document: dict[str, Any], operation: dict[str, Any]) -> bool:
    requirements = operation.get("security", document.get("security", []))
    return any(requirement for requirement in requirements)


def lint_document(document: dict[str, Any], where: str = "") -> list[Finding]:
    findings: list[Finding] = []
    version = str(document.get("openapi", ""))[:3]
    try:
        validate(document, cls=OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator)
    except OpenAPIValidationError as exc:
        pointer = "/" + "/".join(escape_pointer(str(p)) for p in exc.absolute_path)
        return [Finding(pointer, "spec-invalid", "breaking", f"openapi-spec-validator: {exc.message}", where)]
    except Exception as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return [Finding("/", "spec-invalid", "breaking", f"openapi-spec-validator failed: {reason}", where)]
    findings.extend(hazard_findings(document, where, version))
    resolved = resolve_refs(document)
    for entry in iter_operations(resolved):
        pointer, method, path, operation = entry.pointer, entry.method, entry.path, entry.operation
        name = operation.get("operationId") or f"{method.upper()} {path}"
        responses = operation.get("responses", {})
        if not operation.get("operationId"):
            findings.append(
                Finding(
                    pointer, "operation-id-missing", "breaking", f"{method.upper()} {path} has no operationId", where
                )
            )
        if _has_security(resolved, operation) and "401" not in responses:
            findings.append(
                Finding(
                    f"{pointer}/responses",
                    "status-401-missing",
                    "breaking",
                    f"{name} requires credentials but does not document 401",
                    where,
                )
            )
        if operation.get("x-permission") and "403" not in responses:
            findings.append(
                Finding(
                    f"{pointer}/responses",
                    "status-403-missing",
                    "breaking",
                    f"{name} has x-permission but does not document 403",
                    where,
                )
            )
        if "x-provenance" not in operation:
            findings.append(Finding(pointer, "provenance-missing", "breaking", f"{name} has no x-provenance", where))
        if method == "post":
            for status, response in responses.items():
                if (
                    str(status).startswith("2")
                    and "application/json" in response.get("content", {})
                    and not response.get("links")
                ):
                    findings.append(
                        Finding(
                            f"{pointer}/responses/{status}",
                            "link-missing",
                            "breaking",
                            f"{name} {status} declares no link to continue a stateful flow",
                            where,
                        )
                    )
    for marked in provenance_entries(document, include_documented=True):
        if marked.level not in PROVENANCE_LEVELS:
            findings.append(
                Finding(
                    marked.pointer,
                    "provenance-invalid",
                    "breaking",
                    f"x-provenance {marked.level!r} is not one of {', '.join(PROVENANCE_LEVELS)}",
                    where,
                )
            )
    components = resolved.get("components") if version == "3.1" else None
    for section in ("paths", "components"):
        for pointer, example, schema in examples_with_schemas(resolved.get(section, {}), f"/{section}"):
            error = next(iter(schema_validator(schema, version, components=components).iter_errors(example)), None)
            if error is not None:
                findings.append(
                    Finding(
                        pointer, "example-invalid", "breaking", f"example breaks its schema: {error.message}", where
                    )
                )
    return findings


def _load_findings(loaded: LoadedContract) -> list[Finding]:
    """What the loader had to repair is invalid, which lint reports; an operation it named had no operationId."""
    findings = []
    for warning in loaded.warnings:
        if warning.invalid:
            findings.append(Finding(warning.pointer, "spec-invalid", "breaking", warning.message, loaded.source))
        elif warning.pointer.endswith("/operationId"):
            pointer = warning.pointer.removesuffix("/operationId")
            message = f"{pointer.rsplit('/', 1)[-1].upper()} operation has no operationId ({warning.message})"
            findings.append(Finding(pointer, "operation-id-missing", "breaking", message, loaded.source))
    return findings


def lint_path(path: Path) -> list[Finding]:
    """Lint one contract file, or every contract of a folder (raises DocumentError for an empty one)."""
    if path.is_dir():
        return [finding for file in contract_files(path) for finding in lint_path(file)]
    try:
        loaded = load_contract(path)
    except DocumentError as exc:
        return [Finding("/", "spec-invalid", "breaking", str(exc), str(path))]
    return _load_findings(loaded) + lint_document(loaded.document, str(path))
