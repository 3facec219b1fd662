# socialkpi: `make run` and `make test` are the whole quickstart (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DAYS ?= 30

.PHONY: run test test-faults lint lint-python lint-sql format airflow bench lock lock-hashes clean-warehouse help system-packages

help:
	@echo "make run     - set up, start the warehouse and simulator, run the last $(DAYS) days through Airflow, print KPIs"
	@echo "make test    - lint and the whole test suite (the SQL lint beside the tests)"
	@echo "make lint    - ruff and sqlfluff alone (make lint-python, make lint-sql)"
	@echo "make airflow - the Airflow UI and scheduler (airflow standalone) on 127.0.0.1:8080"
	@echo "make test-faults - the run-control probes: SIGKILL, two runs at once, a stopped warehouse"
	@echo "make bench   - performance benchmarks (prints one table; SCALE=full adds 50 accounts x 365 days and the daily run of 50)"
	@echo "make lock    - re-resolve requirements.lock from pyproject.toml, with hashes"
	@echo "make lock-hashes - re-hash the pins of requirements.lock as they stand"

# The environment is built from the committed lock file only; --no-deps keeps pip from
# resolving anything the lock does not name, --require-hashes refuses any file whose sha256 the
# lock does not list, and `pip check` proves the lock is consistent.
# tools/sqlfluff_templater is the SQL lint's jinja templater (a sqlfluff plugin), a dev tool only.
SQLFLUFF_TEMPLATER := tools/sqlfluff_templater
$(STAMP): requirements.lock pyproject.toml $(SQLFLUFF_TEMPLATER)/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . -e $(SQLFLUFF_TEMPLATER)
	$(BIN)/python -m pip check
	touch $(STAMP)

# Debian packages of the report (tests/report): headless Chromium to print the PDF and to open the
# report in the browser tests, and a font covering the Arabic script for Persian and Arabic text.
# Installed only when missing and only as root (`apt-get update` once, then install); otherwise
# the command to run is printed.
ARABIC_FONT := /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	test -f $(ARABIC_FONT) || missing="$$missing fonts-noto-core"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing Debian packages:$$missing; install them: sudo apt-get install$$missing" >&2; \
	fi

run: $(STAMP)
	$(BIN)/socialkpi run --days $(DAYS)

# One pytest process per core (pytest-xdist), each with its own warehouse, simulator and Airflow
# home; tests sharing a fixture stay in one process (tests/conftest.py).
# ruff first (a second or two). The SQL lint (about 70 s of CPU on a fresh clone) runs beside the
# tests as an idle-priority process (Linux's SCHED_IDLE, `chrt --idle 0`): it takes only the CPU
# the test processes leave idle while they wait on PostgreSQL, the simulator, Airflow or the
# browser, and a waking test process preempts it at once (under `nice -n 19` it still slowed the
# tests). Its report follows the tests'; either failing fails `make test`. `make lint` runs it alone.
TEST_WORKERS ?= auto
SQL_LINT_LOG := .socialkpi/lint/sqlfluff.log
IDLE_PRIORITY := $(if $(shell command -v chrt),chrt --idle 0,nice -n 19)
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS)
test: $(STAMP) system-packages lint-python
	@mkdir -p $(dir $(SQL_LINT_LOG))
	@echo "sqlfluff: linting the SQL beside the tests ($(IDLE_PRIORITY); its report follows theirs)"
	@echo "$(PYTEST)"
	@$(IDLE_PRIORITY) $(BIN)/python tools/lint_sql.py $(SQL_LINT) > $(SQL_LINT_LOG) 2>&1 & sql_lint=$$!; \
	$(PYTEST); tests=$$?; \
	wait $$sql_lint; linted=$$?; \
	cat $(SQL_LINT_LOG); \
	if [ $$linted != 0 ]; then echo "SQL lint failed (above; \`make lint\` runs it alone)" >&2; fi; \
	exit $$(( tests != 0 ? tests : linted ))

test-faults: $(STAMP)
	$(BIN)/python -m pytest -m faults

# sqlfluff through tools/lint_sql.py: it skips the SQL files that passed before with the same
# inputs (a fresh clone, as in CI, lints every file; `make lint SQL_LINT=--all` forces it).
SQL_LINT ?=
PYTHON_SOURCES := plugins dags tests benchmarks tools
lint: lint-python lint-sql

lint-python: $(STAMP)
	$(BIN)/ruff check $(PYTHON_SOURCES)
	$(BIN)/ruff format --check $(PYTHON_SOURCES)

lint-sql: $(STAMP)
	$(BIN)/python tools/lint_sql.py $(SQL_LINT)

format: $(STAMP)
	$(BIN)/ruff check --fix $(PYTHON_SOURCES)
	$(BIN)/ruff format $(PYTHON_SOURCES)
	$(BIN)/sqlfluff fix dbt_project --disable-progress-bar --nocolor

airflow: $(STAMP)
	$(BIN)/socialkpi airflow standalone

SCALE ?= default
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --scale $(SCALE)

# Needs the package index; run it on purpose, commit the result, and review the diff.
# The pins come from a fresh resolve, their sha256 hashes from pip's report (tools/hash_lock.py).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^socialkpi' > requirements.lock.new
	.lock-venv/bin/python tools/hash_lock.py requirements.lock.new requirements.lock
	rm -rf .lock-venv requirements.lock.new

# Re-hash the pins as they stand (after adding a `name==version` line by hand): no re-resolve.
lock-hashes:
	$(PYTHON) tools/hash_lock.py requirements.lock requirements.lock

clean-warehouse:
	-$(BIN)/socialkpi warehouse stop
	rm -rf .socialkpi
