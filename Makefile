# Two set-up commands, both working on a fresh machine:
#   make run   - install what it needs (.venv, the NHS design system, the Debian packages
#                the cards and npm need), load the sample case studies, show the plan and
#                run the daemon and the web console in the foreground (SQLite, outbox mode;
#                Ctrl-C stops both)
#   make test  - also install what the tests add (Chromium, PostgreSQL, Tesseract) and run
#                ruff, mypy, pytest
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.toml
# The NHS design system for the console: npm ci of the committed lock file into a folder
# that git ignores, redone only when the lock file changes (never copied into the repo).
FRONTEND := build/frontend
FRONTEND_STAMP := $(FRONTEND)/.installed

.PHONY: run run-deps test lint typecheck pytest system-deps frontend bench clean dead-code

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

# Only the Debian packages `make run` needs (no browser, no test tools).
run-deps:
	bash scripts/system-deps.sh --run

$(FRONTEND_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || bash scripts/system-deps.sh --run
	mkdir -p $(FRONTEND)
	cp package.json package-lock.json $(FRONTEND)/
	cd $(FRONTEND) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

frontend: $(FRONTEND_STAMP)

run: run-deps $(STAMP) $(FRONTEND_STAMP)
	$(BIN)/vignettes --config $(CONFIG) import --sample
	$(BIN)/vignettes --config $(CONFIG) plan --months 12
	$(BIN)/python scripts/run_together.py --config $(CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_links.py

# Functions nothing calls (run by hand: view functions and framework hooks are false alarms).
dead-code: $(STAMP)
	$(BIN)/vulture scheduler vignettes cards --min-confidence 60

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core (pytest-xdist): each starts its own PostgreSQL cluster and browser.
pytest: $(STAMP) system-deps $(FRONTEND_STAMP)
	$(BIN)/pytest -n auto --durations=15

test: lint typecheck pytest

bench: $(STAMP) system-deps $(FRONTEND_STAMP)
	for b in bench/[!_]*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var $(FRONTEND) .pytest_cache .mypy_cache .ruff_cache
