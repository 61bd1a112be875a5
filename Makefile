# Two commands: `make mock` serves every contract; `make test` runs every check and test
# (ruff, contract lint, mypy --strict, pytest).
# Both create .venv and install the exact tested versions (constraints.txt) on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: mock test lint contracts typecheck pytest clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(INSTALLED)

mock: $(INSTALLED)
	$(BIN)/mock-server $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check mock_server conformance invoice_contracts tests bench scripts
	$(BIN)/ruff format --check mock_server conformance invoice_contracts tests bench scripts

contracts: $(INSTALLED)
	$(BIN)/conformance lint openapi/*.yaml

typecheck: $(INSTALLED)
	$(BIN)/mypy --strict

# Every core (pytest-xdist), one test file per worker at a time: a file's module fixtures (a server,
# an npm install into its own folder, a wheel build) are made once, never twice at once.
pytest: $(INSTALLED)
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

test: lint contracts typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
