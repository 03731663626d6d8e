# Waterworks: `make run` for a demo site on http://127.0.0.1:8000, `make test` for the test suite.
# Needs only Python >= 3.11 and make.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help venv setup run test lint clean constraints

# Development targets run in debug mode (with DEBUG off the site needs SECRET_KEY and HTTPS).
setup run test: export DEBUG := 1

help:
	@echo "make run    set up (venv, database, demo data and accounts), then serve on 127.0.0.1:$(PORT)"
	@echo "make test   set up, then run the whole test suite"
	@echo "make setup  venv + migrate + load the Xiangzhou 2018 data + demo accounts"
	@echo "make venv   create $(VENV) and install the project with its test dependencies"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make clean  remove $(VENV), collected static files and caches (keeps db.sqlite3)"

venv: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Waterworks needs Python >= 3.11; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
		echo "Run e.g. 'make run PYTHON=python3.12'." >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Re-install only when pyproject.toml or constraints.txt changes; the tested versions only.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -c constraints.txt -e ".[test]"
	touch $@

# Pin what is installed now as the tested versions.
constraints: venv
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# seed loads the article data into an empty database only and never overwrites a row; ensure_history
# and bootstrap_demo are idempotent: every step is safe to re-run.
setup: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) seed
	$(MANAGE) ensure_history
	$(MANAGE) bootstrap_demo

run: setup
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-results *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
