# Two commands: `make mock` serves every contract; `make test` runs every check and test
# (ruff, contract lint, mypy --strict, pytest).
# Both create .venv and install the pinned dependencies on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: mock test lint contracts typecheck pytest clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

mock: $(INSTALLED)
	$(BIN)/mock-server $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check mock_server conformance oas tests bench
	$(BIN)/ruff format --check mock_server conformance oas tests bench

contracts: $(INSTALLED)
	$(BIN)/conformance lint openapi/*.yaml

typecheck: $(INSTALLED)
	$(BIN)/mypy --strict

pytest: $(INSTALLED)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint contracts typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
