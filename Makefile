# TuSoi: the two commands a newcomer runs are `make demo` and `make test` (see README.md).
# Every target is idempotent: the virtualenv is installed once and again only when
# pyproject.toml changes (stamp files inside .venv).

PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.tusoi-installed
DEV_STAMP := $(VENV)/.tusoi-installed-dev
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint install install-dev messages migrate seed serve clean-venv help

help:
	@echo "make demo   install, migrate and seed a SQLite demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole suite on SQLite, then on PostgreSQL"
	@echo "make lint   ruff check, ruff format --check, mypy on services/selectors/permissions"

# --- virtualenv --------------------------------------------------------------------------

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(PYTHON) not found; TuSoi needs Python 3.11 or newer" \
	       "(set PYTHON=/path/to/python3.11)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: TuSoi needs Python 3.11 or newer; $(PYTHON) is" \
	       "$$($(PYTHON) -c 'import platform; print(platform.python_version())')." \
	       "Run e.g. 'make demo PYTHON=python3.12'." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; \
	  rm -rf $(VENV); exit 1; }
	@echo "created $(VENV) with $$($(BIN)/python --version)"

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: $(VENV) uses Python < 3.11; remove it (make clean-venv) and retry." >&2; exit 1; }
	@echo "installing TuSoi into $(VENV) (pip install -e .)"
	@$(PIP) install -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: $(VENV) uses Python < 3.11; remove it (make clean-venv) and retry." >&2; exit 1; }
	@echo "installing TuSoi with its dev tools into $(VENV) (pip install -e '.[dev]')"
	@$(PIP) install -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

# --- translations ------------------------------------------------------------------------
# .mo files are not committed; every command that runs the app compiles them first
# (compilemessages skips catalogues whose .mo is already up to date).

messages: $(RUNTIME_STAMP)
	@scripts/compilemessages.sh $(BIN)

# --- demo --------------------------------------------------------------------------------
# TUSOI_DEMO=1: DEBUG on (static files served), secret key generated into var/, SQLite in var/.

migrate: messages
	@TUSOI_DEMO=1 $(BIN)/tusoi migrate --noinput -v 0
	@echo "database ready (SQLite under var/)"

seed: migrate
	@TUSOI_DEMO=1 $(BIN)/tusoi seed --scale demo

# The background-job worker runs beside the server and stops with it (scripts/demo-serve.sh).
demo: seed
	@echo "TuSoi is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it and the job worker)"
	@exec scripts/demo-serve.sh $(BIN) $(PORT)

# Serve the existing database without seeding.
serve: migrate
	@echo "TuSoi is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it and the job worker)"
	@exec scripts/demo-serve.sh $(BIN) $(PORT)

# --- checks ------------------------------------------------------------------------------

test: $(DEV_STAMP)
	@scripts/compilemessages.sh $(BIN)
	@VENV=$(VENV) scripts/test.sh

# All three run even when one fails; the target fails if any did.
lint: $(DEV_STAMP)
	@status=0; \
	echo "--- ruff check"; $(BIN)/ruff check . || status=1; \
	echo "--- ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "--- mypy (services, selectors, permissions)"; \
	TUSOI_GENERATE_SECRET=1 $(BIN)/mypy || status=1; \
	exit $$status

clean-venv:
	rm -rf $(VENV)
