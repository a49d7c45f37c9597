# Two set-up commands, both working on a fresh machine:
#   make run   - create .venv, install, load the sample case studies, show the plan and
#                run the daemon in the foreground (SQLite, outbox mode; Ctrl-C stops it)
#   make test  - install test dependencies (Debian packages too) and run ruff, mypy, pytest
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.toml

.PHONY: run test lint typecheck pytest system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

run: $(STAMP)
	$(BIN)/vignettes --config $(CONFIG) import --sample
	$(BIN)/vignettes --config $(CONFIG) plan --months 12
	$(BIN)/vignettes --config $(CONFIG) run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP) system-deps
	for b in bench/[!_]*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
