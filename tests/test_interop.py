"""Interoperability: each contract through the OpenAPI tools its users point at it (tests/interop/).

Per contract, with pinned versions that the test installs itself:

- the mock serves the contract as written (``$ref``s and components intact, only ``servers``
  adjusted), close to the YAML's size;
- Spectral (``spectral:oas`` through tests/interop/.spectral.yaml) reports nothing;
- openapi-python-client generates from the *served URL* without a warning, and the generated
  client runs the API's main flow against the mock (tests/interop/python_flows.py);
- openapi-typescript makes the same types from the served URL as from the file;
- openapi-core validates every request and reply of the flows (tests/interop/core_validate.py);
- Prism loads the contract and answers a request per operation, built from the contract's own
  examples, with a documented status.

Node tools come from tests/interop/package-lock.json (``npm ci``); the Python tools go into a venv in
the system temp folder named after their pins, so later runs reuse it. Without node and npm the
node checks report themselves skipped with the reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from invoice_contracts.oas import iter_operations, load_document, resolve_refs, server_base_path
from tests.conftest import ROOT, LiveServer, free_port, start_server, stop_server

INTEROP = ROOT / "tests" / "interop"
APIS = ["solvimon", "chargeover", "keyline"]
PYTHON_TOOLS = ["openapi-python-client==0.29.1", "openapi-core==0.23.1"]
NODE_MISSING = "node and npm are not installed: the node tools of tests/interop (Spectral, Prism, openapi-typescript)"
CREDENTIALS = {"apiKey": "sk_test_all", "basic": "co_test_user:co_test_pass", "bearer": "kl_test_token"}


def run(args: list[str], cwd: Path = INTEROP, timeout: int = 300, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)


def contract_path(api: str) -> Path:
    return ROOT / "openapi" / f"{api}.yaml"


def served_url(server: LiveServer, api: str) -> str:
    return f"{server.base_url}{server_base_path(load_document(contract_path(api)))}/openapi.json"


@pytest.fixture(scope="module")
def node_tools() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(NODE_MISSING)
    bin_dir = INTEROP / "node_modules" / ".bin"
    if not all((bin_dir / tool).exists() for tool in ("spectral", "prism", "openapi-typescript")):
        installed = run(["npm", "ci", "--no-audit", "--no-fund"])
        assert installed.returncode == 0, installed.stderr[-2000:]
    return bin_dir


@pytest.fixture(scope="module")
def python_tools() -> Path:
    """The bin folder of a venv holding the pinned Python tools (made once, then reused)."""
    digest = hashlib.sha256(" ".join([sys.version, *PYTHON_TOOLS]).encode()).hexdigest()[:12]
    venv = Path(tempfile.gettempdir()) / f"invoice-contracts-interop-{digest}"
    if not (venv / ".installed").exists():
        shutil.rmtree(venv, ignore_errors=True)
        made = run([sys.executable, "-m", "venv", str(venv)])
        assert made.returncode == 0, made.stderr
        installed = run([str(venv / "bin" / "pip"), "install", "--quiet", *PYTHON_TOOLS], timeout=600)
        assert installed.returncode == 0, installed.stderr[-3000:]
        (venv / ".installed").touch()
    return venv / "bin"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server("--validate-responses")
    yield live
    stop_server(live)


def reset(server: LiveServer) -> None:
    assert httpx.post(f"{server.base_url}/__mock/reset", timeout=10).status_code == 204


@pytest.mark.parametrize("api", APIS)
def test_the_served_document_is_the_contract_as_written(server: LiveServer, api: str) -> None:
    written = load_document(contract_path(api))
    served = httpx.get(served_url(server, api), timeout=10)
    assert served.status_code == 200
    assert served.json() == {**written, "servers": [{"url": server_base_path(written) or "/"}]}
    assert served.text.count('"$ref"') == contract_path(api).read_text().count("$ref")
    assert len(served.content) <= 1.1 * contract_path(api).stat().st_size
    as_yaml = httpx.get(served_url(server, api).replace(".json", ".yaml"), timeout=10)
    assert yaml.safe_load(as_yaml.text) == served.json()


@pytest.fixture(scope="module")
def spectral_findings(node_tools: Path) -> list[dict[str, Any]]:
    """Spectral's findings for all three contracts, from one run."""
    paths = [str(contract_path(api)) for api in APIS]
    linted = run([str(node_tools / "spectral"), "lint", "-r", ".spectral.yaml", "-f", "json", "-q", *paths])
    assert linted.returncode in (0, 1), linted.stderr
    findings: list[dict[str, Any]] = json.loads(linted.stdout or "[]")
    return findings


@pytest.mark.parametrize("api", APIS)
def test_spectral_oas_reports_nothing(spectral_findings: list[dict[str, Any]], api: str) -> None:
    findings = [f for f in spectral_findings if Path(f["source"]).name == f"{api}.yaml"]
    assert findings == [], "\n".join(f"{f['code']} {'/'.join(map(str, f['path']))}: {f['message']}" for f in findings)


@pytest.mark.parametrize("api", APIS)
def test_openapi_typescript_from_the_served_url_equals_from_the_file(
    node_tools: Path, server: LiveServer, api: str, tmp_path: Path
) -> None:
    outputs = []
    for source in (served_url(server, api), str(contract_path(api))):
        out = tmp_path / f"{len(outputs)}.ts"
        generated = run(
            [str(node_tools / "openapi-typescript"), source, "--default-non-nullable", "false", "-o", str(out)]
        )
        assert generated.returncode == 0, generated.stderr
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    assert "components[" in outputs[0]  # named schemas survive: nothing was inlined


@pytest.mark.parametrize("api", APIS)
def test_python_client_from_the_served_url_runs_the_flow(
    python_tools: Path, server: LiveServer, api: str, tmp_path: Path
) -> None:
    package = tmp_path / f"{api}_client"
    environment = {**os.environ, "PATH": f"{python_tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = run(
        [
            *(str(python_tools / "openapi-python-client"), "generate", "--url", served_url(server, api)),
            *("--output-path", str(package), "--meta", "none"),
        ],
        cwd=tmp_path,
        env=environment,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert (package / "models" / "__init__.py").exists()
    reset(server)
    flow = run([str(python_tools / "python"), str(INTEROP / "python_flows.py"), api, str(tmp_path), server.base_url])
    assert flow.returncode == 0, flow.stdout + flow.stderr
    assert flow.stdout.startswith(f"{api}: ")


@pytest.mark.parametrize("api", APIS)
def test_openapi_core_validates_every_exchange_of_the_flows(python_tools: Path, server: LiveServer, api: str) -> None:
    reset(server)
    checked = run([str(python_tools / "python"), "core_validate.py", api, str(contract_path(api)), server.base_url])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    statuses = {line.rsplit(" ", 1)[-1] for line in checked.stdout.splitlines() if line.startswith("valid: ")}
    assert {"400", "401", "404"} <= statuses


def example_request(document: dict[str, Any], method: str, path: str, operation: dict[str, Any]) -> dict[str, Any]:
    """A request for Prism built from the contract alone: examples, else the simplest valid value."""
    url = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            schema = parameter.get("schema", {})
            value = parameter.get("example", schema.get("example", 1 if schema.get("type") == "integer" else "x1"))
            url = url.replace("{" + parameter["name"] + "}", str(value))
    headers = {}
    for scheme in resolve_refs(document, document["components"]["securitySchemes"]).values():
        if scheme["type"] == "apiKey":
            headers[scheme["name"]] = CREDENTIALS["apiKey"]
        elif scheme.get("scheme") == "basic":
            headers["Authorization"] = "Basic " + base64.b64encode(CREDENTIALS["basic"].encode()).decode()
        else:
            headers["Authorization"] = f"Bearer {CREDENTIALS['bearer']}"
    request: dict[str, Any] = {"method": method.upper(), "url": url, "headers": headers}
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is not None:
        examples = (
            [media["example"]] if "example" in media else [e["value"] for e in media.get("examples", {}).values()]
        )
        assert examples, f"{operation['operationId']} has a request body without an example"
        request["json"] = examples[0]
    return request


@pytest.mark.parametrize("api", APIS)
def test_prism_answers_every_operation(node_tools: Path, api: str) -> None:
    document = load_document(contract_path(api))
    port = free_port()
    prism = subprocess.Popen(
        [str(node_tools / "prism"), "mock", str(contract_path(api)), "-h", "127.0.0.1", "-p", str(port)],
        cwd=INTEROP,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"  # Prism serves the paths without the servers' base path
        deadline = time.monotonic() + 60
        while True:
            assert prism.poll() is None, prism.stdout.read() if prism.stdout else "prism exited"
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "prism did not listen within 60 s"
                time.sleep(0.2)
        resolved = resolve_refs(document)
        answered = []
        for entry in iter_operations(resolved):
            request = example_request(
                document, entry.method, entry.path, {**entry.operation, "parameters": entry.parameters}
            )
            response = httpx.request(request.pop("method"), base + request.pop("url"), timeout=10, **request)
            documented = set(entry.operation["responses"])
            assert str(response.status_code) in documented, f"{entry.operation['operationId']}: {response.status_code}"
            assert response.status_code < 400, f"{entry.operation['operationId']}: {response.text[:500]}"
            answered.append(entry.operation["operationId"])
        assert len(answered) == len(list(iter_operations(document)))
    finally:
        prism.terminate()
        prism.wait(10)
        if prism.stdout:
            prism.stdout.close()


def test_spectral_catches_a_contract_without_contact(node_tools: Path, tmp_path: Path) -> None:
    """The Spectral check can fail: the stock ruleset warns about a missing `info.contact`."""
    document = load_document(contract_path("chargeover"))
    document["info"].pop("contact")
    broken = tmp_path / "chargeover.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False))
    linted = run([str(node_tools / "spectral"), "lint", "-r", ".spectral.yaml", "-f", "json", "-q", str(broken)])
    assert [finding["code"] for finding in json.loads(linted.stdout)] == ["info-contact"]
