# The two commands a new checkout needs:
#   make run    installs everything into .venv and starts the site on http://127.0.0.1:8000/
#   make test   runs the whole test suite (SQLite, then PostgreSQL and Redis when they are reachable)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test test-tools clean

run: install
	$(BIN)/anirena serve --host $(HOST) --port $(PORT)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

test-tools:
	scripts/install-test-tools

test: install test-tools
	scripts/test

clean:
	rm -rf $(VENV) var
