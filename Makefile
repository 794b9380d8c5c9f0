# The project's verbs. `make help` lists them.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
AS_OF   ?= 2026-11-16
DB      ?= data/pmkit.duckdb
CORPUS  ?= data/corpus

.PHONY: help setup report ingest lab hooks test test-slow lint format browser-deps bench bench-reports bench-lint bench-similarity clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install pmkit with its dev extra

ingest: $(STAMP)  ## ingest the bundled sample corpus into data/pmkit.duckdb
	$(BIN)/pmkit ingest $(CORPUS) --db $(DB) --config data/pmkit.toml

lab: $(STAMP)  ## JupyterLab on the explorer; saves the project's notebooks without outputs
	JUPYTER_CONFIG_PATH=$(CURDIR) PMKIT_CONFIG=$(CURDIR)/data/pmkit.toml $(BIN)/jupyter lab notebooks/explore.ipynb

hooks:  ## install the git pre-commit hook that refuses notebooks with outputs
	git config core.hooksPath .githooks

report: $(STAMP)  ## ingest the sample corpus and write the reports (reports/index.html)
	$(BIN)/pmkit report --corpus $(CORPUS) --db $(DB) --out reports --as-of $(AS_OF) --config data/pmkit.toml
	@echo "Open $(CURDIR)/reports/index.html (reports for $(AS_OF) are in reports/$(AS_OF)/)"

browser-deps:  ## install Debian's chromium for the browser tests (root, or skipped)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; }

lint: $(STAMP)  ## ruff check, format check and mypy (strict for parse, normalize, metrics, store)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)  ## apply ruff formatting and fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# one pytest worker per core, at most 4 (each test may start kernels, browsers, ingest workers);
# a test file stays on one worker, so its module fixtures are built once
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
test: $(STAMP) browser-deps lint  ## run ruff and every test (but the slow ones), a worker per core
	$(BIN)/pytest -q -m "not slow" -n $(TEST_WORKERS) --dist loadfile

test-slow: $(STAMP)  ## the long runs: 100k-example fuzz, 20-kill crash loop (prints their counts), the benchmark smoke run
	$(BIN)/pytest -q -s -m slow --hypothesis-show-statistics

BENCH_SIZES  ?= 1000,10000,100000
BENCH_RECORD ?= benchmarks/RESULTS.md
bench: $(STAMP)  ## benchmarks vs their floors (BENCH_SIZES=1000,10000 for a short run); appends to benchmarks/RESULTS.md
	BENCH_SIZES=$(BENCH_SIZES) BENCH_RECORD=$(BENCH_RECORD) $(BIN)/python benchmarks/bench.py

BENCH_REPORT_SIZE ?= 10000
bench-reports: $(STAMP)  ## only the report suite vs its floors on the 10k corpus (~1 min); appends to benchmarks/RESULTS.md
	BENCH_REPORT_SIZE=$(BENCH_REPORT_SIZE) BENCH_RECORD=$(BENCH_RECORD) $(BIN)/python benchmarks/bench.py --reports-only

bench-lint: $(STAMP)  ## only `pmkit lint FILE` (start-up + one file) vs `python -c pass` (~10 s); appends to benchmarks/RESULTS.md
	BENCH_RECORD=$(BENCH_RECORD) $(BIN)/python benchmarks/bench.py --lint-only

bench-similarity: $(STAMP)  ## the recurrence threshold's precision-recall sweep on synthetic corpora (~1 min); appends to benchmarks/RESULTS.md
	$(BIN)/python benchmarks/similarity.py --record $(BENCH_RECORD)

clean:  ## remove generated files (keeps .venv)
	rm -rf $(DB) $(DB).wal reports/*/ reports/index.html .pytest_cache .ruff_cache
