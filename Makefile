# Two commands for a newcomer: `make run` and `make test`. Both create or reuse .venv.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# The first interpreter that is Python 3.12 or newer (pyenv shims that point nowhere are skipped).
PYTHON_BIN := $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)

.PHONY: install run test lint format migrate demo bench drill mutate relevance

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON_BIN)" ]; then \
		echo "error: Python 3.12 or newer is required; none of python3.13, python3.12, python3 is new enough." >&2; \
		exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
		echo "Removing $(VENV): it was built with an older Python."; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_catalog
	$(PY) manage.py replay_demo_searches --if-empty

# The site and a background worker (for jobs editors start in admin), stopped together by
# Ctrl-C; "Serving on ..." is printed once the site answers.
run: demo
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) -m config.devserver --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The side-by-side benchmark on the large synthetic catalog (PostgreSQL database bench_large,
# generated on first use: about 10 minutes); writes BENCHMARKS.md. Needs wrk (apt-get install wrk).
bench: install
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Load and fault drill (benchmarks/load_faults.py): gunicorn on PostgreSQL, 64 connections,
# PostgreSQL stopped for 10 s mid-run. DRILL_ARGS="--duration 20 --concurrency 32 --outage 6"
# is the reduced size CI runs.
DRILL_ARGS ?=
drill: install
	$(PY) benchmarks/load_faults.py $(DRILL_ARGS)

# Search relevance (benchmarks/relevance.py): imports the OpenRouter snapshot into a
# throwaway database on SQLite and on PostgreSQL (RELEVANCE_PG, default
# postgres://postgres@127.0.0.1:5432), runs the labelled intents and the demo set, and
# writes the tables into docs/search.md. RELEVANCE_ARGS="--backends sqlite" for one backend.
RELEVANCE_ARGS ?=
relevance: install
	$(PY) benchmarks/relevance.py $(RELEVANCE_ARGS)

# Mutation testing of the rule modules (mutmut, configured in pyproject.toml; docs/testing.md
# has the scores). One module at a time: `make mutate MUTATE_MODULES=catalog.pricing`.
# Each module runs its own tests ([tool.mutation_tests] in pyproject.toml, applied by
# tests/conftest.py through MUTATE_MODULE) and each mutant only those that reached its
# function; results stay in mutants/ and
# `$(VENV)/bin/mutmut results` / `mutmut show <name>` list and explain the survivors.
MUTATE_MODULES ?= catalog.pricing catalog.ranking comparisons.compare.verdict \
	comparisons.search.normalise comparisons.search.scoring comparisons.search.intent
MUTATE_CHILDREN ?= 2
mutate: install
	@for module in $(MUTATE_MODULES); do \
		echo "== mutating $$module"; \
		MUTATE_MODULE=$$module $(VENV)/bin/mutmut run --max-children $(MUTATE_CHILDREN) \
			"$$module.*" > /dev/null || exit 1; \
	done
	$(PY) benchmarks/mutation_scores.py $(MUTATE_MODULES)
