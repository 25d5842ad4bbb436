# b24migrate — the two README commands are `make demo` and `make test`; `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= tiny
DEMO_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo test lint typecheck unit bench requirements clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed ## create .venv with pinned deps and install Azurite from npm

demo: install ## run the whole migration locally (PROFILE=tiny|small|medium|large) and write out/demo/report.*
	$(BIN)/b24migrate demo --profile $(PROFILE) $(DEMO_ARGS)

lint: install ## ruff
	$(BIN)/ruff check .

typecheck: install ## mypy (strict on shared/)
	$(BIN)/mypy shared
	$(BIN)/mypy function_app.py starters orchestrators activities entities cli

test: install lint typecheck ## lint, typecheck and the whole pytest suite (starts and stops Azurite itself)
	$(BIN)/pytest -q 

unit: install ## the fast tests only
	$(BIN)/pytest -q tests/unit

bench: install ## heavier benchmarks (JSON lines; results go to docs/benchmarks.md)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

requirements: install ## pinned requirements.txt for the Functions build
	$(BIN)/python tests/unit/bicep/bicep_requirements.py > requirements.txt

clean: ## remove build and demo output (keeps .venv and node_modules)
	rm -rf out .mypy_cache .ruff_cache
