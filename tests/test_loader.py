"""The one contract loader (invoice_contracts.oas.loader): reading, bundling, repairs, errors."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from invoice_contracts.oas import DocumentError, load_contract, resolve_refs

DATA = Path(__file__).parent / "data" / "loader"


def test_yaml_is_read_as_openapi_means_it() -> None:
    document = load_contract(DATA / "unquoted.yaml").document
    responses = document["paths"]["/orders"]["get"]["responses"]
    assert list(responses) == ["200", "default"]
    assert list(document["components"]["responses"]) == ["401"]
    example = responses["200"]["content"]["application/json"]["example"]
    # A date stays the string written (JSON has no dates); YAML 1.1's `on` is YAML 1.2's string.
    assert example == {"shipped": "2024-01-31", "mode": "on"}
    enum = responses["200"]["content"]["application/json"]["schema"]["properties"]["mode"]["enum"]
    assert enum == ["on", "off", "yes", "no"]
    json.dumps(document)  # every value is JSON
    validate(document)


def test_invalid_but_interpretable_documents_are_repaired_with_a_warning_each() -> None:
    loaded = load_contract(DATA / "invalid.yaml")
    by_pointer = {warning.pointer: warning for warning in loaded.warnings}
    item = "/paths/~1things~1{thingId}~1parts~1{partId}"
    assert by_pointer["/info"].invalid
    assert by_pointer[f"{item}/get/responses/200"].invalid  # no description
    assert by_pointer[f"{item}/parameters/0"].invalid  # no schema, not required
    assert by_pointer[f"{item}/get/parameters"].message.startswith("path parameter partId")
    assert by_pointer[f"{item}/post/responses"].invalid  # no responses at all
    assert not by_pointer[f"{item}/get/operationId"].invalid  # optional in OpenAPI: a note
    assert by_pointer["/paths/~1others/get/operationId"].invalid  # `same` used twice
    document = loaded.document
    assert document["info"] == {"title": "invalid", "version": "0.0.0"}
    ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    # Synthesised names avoid every name the document gives, even one given later (get_others).
    assert len(ids) == len(set(ids)) == 4
    assert "get_others" in ids
    validate(document)


def test_external_refs_are_bundled_and_cycles_across_files_stay_local_refs() -> None:
    loaded = load_contract(DATA / "split")  # a folder: its openapi.yaml
    document = loaded.document
    assert loaded.warnings == ()
    schemas = document["components"]["schemas"]
    assert set(schemas) == {"Pet", "person", "Tag"}
    assert schemas["person"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}
    assert document["paths"]["/pets"]["get"]["operationId"] == "listPets"
    get = document["paths"]["/pets/{petId}"]["get"]
    assert get["parameters"] == [{"$ref": "#/components/parameters/PetId"}]
    assert get["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    validate(document)
    resolved = resolve_refs(document)  # a cycle stays a $ref where it recurs
    pet = resolved["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert pet["properties"]["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}


def test_a_recursive_schema_resolves_to_a_finite_copy() -> None:
    document = load_contract(DATA / "recursive.yaml").document
    node = resolve_refs(document)["components"]["schemas"]["Node"]
    child = node["properties"]["children"]["items"]
    assert child["required"] == ["name", "children"]
    assert child["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("swagger.yaml", "Swagger 2.0 is not supported"),
        ("broken.yaml", "cannot read the contract"),
        ("missing.yaml", "cannot read the contract"),
    ],
)
def test_what_cannot_be_interpreted_is_one_line_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        load_contract(DATA / name)
    text = str(caught.value)
    assert message in text
    assert name in text
    assert "\n" not in text


def test_a_folder_without_a_root_document_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("openapi: 3.0.3\n")
    (tmp_path / "b.yaml").write_text("openapi: 3.0.3\n")
    with pytest.raises(DocumentError, match=r"expected one root document .* found 2 files \(a.yaml, b.yaml\)"):
        load_contract(tmp_path)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served_folder() -> Iterator[str]:
    """tests/data/loader over HTTP on a free loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(DATA))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_a_url_is_loaded_with_its_relative_refs(served_folder: str) -> None:
    loaded = load_contract(f"{served_folder}/split/openapi.yaml")
    assert set(loaded.document["components"]["schemas"]) == {"Pet", "person", "Tag"}
    assert loaded.stem == "openapi"
    with pytest.raises(DocumentError, match="HTTP 404"):
        load_contract(f"{served_folder}/nothing.yaml")


def test_lint_reports_the_repairs_as_errors_and_never_crashes() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "conformance", "lint", str(DATA / "invalid.yaml"), str(DATA / "unquoted.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "spec-invalid" in completed.stdout
    assert "operation-id-missing" in completed.stdout
    unquoted = [line for line in completed.stdout.splitlines() if "unquoted.yaml" in line]
    assert not [line for line in unquoted if "spec-invalid" in line]


def test_a_content_key_that_is_no_media_type_object_is_dropped_with_a_warning() -> None:
    loaded = load_contract(DATA / "content_keys.yaml")
    pointer = "/paths/~1status/get/responses/200/content/description"
    assert [w.pointer for w in loaded.warnings if w.invalid] == ["/paths/~1status/get/responses/200", pointer]
    content = loaded.document["paths"]["/status"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/json"]
    validate(loaded.document)
