# euclaims: `make report` builds the report, `make test` runs every test. `make help` lists targets.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SETUP_STAMP := $(VENV)/.setup-stamp
export EUCLAIMS_UPSTREAM ?= $(abspath ../shared/data)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: help setup report test extract notebooks lab bench lock check check-reproducible screenshot clean

help: ## list the targets
	@grep -E '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-22s %s\n", $$1, $$2}'

setup: $(SETUP_STAMP) ## create .venv from requirements.lock and register the euclaims kernel

# uv (pinned in the lock) installs the locked set several times faster than pip.
UV_PIN := $(shell grep -E '^uv==' requirements.lock)

$(SETUP_STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "$(UV_PIN)"
	$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) --no-deps -e .
	$(PY) -m compileall -q src
	$(PY) -m ipykernel install --sys-prefix --name euclaims --display-name "Python 3 (euclaims)"
	touch $@

# These machines set PYTHONDONTWRITEBYTECODE=1: compile the package's changed sources explicitly,
# or every kernel recompiles them.
BYTECODE := $(PY) -m compileall -q src

report: $(SETUP_STAMP) ## run stale notebooks (papermill) and the multiverse, write reports/report.html (+ PDF)
	@$(BYTECODE)
	$(PY) -m euclaims build

# Two pytest-xdist workers; tests/conftest.py keeps each notebook's nbval cells on one worker and
# builds the project once, in the background, for both. pytest caches its assertion-rewritten
# test modules as bytecode only where bytecode may be written (else each worker rewrites them all).
test: $(SETUP_STAMP) ## run the unit tests, pipeline tests and nbval over notebooks/
	@$(BYTECODE)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider -n 2

extract: $(SETUP_STAMP) ## rebuild data/raw from the snapshots in $EUCLAIMS_UPSTREAM
	$(PY) -m euclaims extract

notebooks: $(SETUP_STAMP) ## refresh notebooks/*.ipynb with the outputs of their default run
	$(PY) -m euclaims notebooks

check: $(SETUP_STAMP) ## validate params.yaml, claims.yaml and every data/raw file
	$(PY) -m euclaims check

lab: $(SETUP_STAMP) ## open JupyterLab with the euclaims kernel
	$(VENV)/bin/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(SETUP_STAMP) ## time clean and no-op `make report` and `make test` (medians of 3; CASES="floor noop" for some)
	$(PY) benchmarks/bench_build.py $(CASES)

lock: $(SETUP_STAMP) ## regenerate requirements.lock and environment.yml from pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu -o requirements.lock
	$(MAKE) environment.yml

environment.yml: requirements.lock src/euclaims/lockfile.py
	$(PYTHON) src/euclaims/lockfile.py requirements.lock > $@

check-reproducible: $(SETUP_STAMP) ## two builds from clean outputs must give identical bytes
	@tmp=$$(mktemp -d); \
	for i in 1 2; do \
	  $(MAKE) --no-print-directory clean && $(PY) -m euclaims build --no-pdf 2>/dev/null && \
	  $(PY) -m euclaims checksums > $$tmp/build-$$i.txt || exit 1; \
	done; \
	if diff $$tmp/build-1.txt $$tmp/build-2.txt; then \
	  echo "reproducible: $$(wc -l < $$tmp/build-1.txt) files byte-identical across two builds"; \
	else echo "NOT reproducible: the files above differ"; exit 1; fi

screenshot: report ## save the report's first screen to docs/report-first-screen.png (needs Chromium)
	$(PY) -m euclaims.browser reports/report.html docs/report-first-screen.png

#: Seconds `make clean` waits for a running build before it gives up.
CLEAN_WAIT ?= 10

clean: ## remove build outputs (data/processed, reports), keep .venv; waits for a running build
	@mkdir -p data/processed reports
	@flock -w $(CLEAN_WAIT) data/processed/.build.lock sh -c '\
	  find data/processed -mindepth 1 -maxdepth 1 ! -name .gitkeep ! -name .build.lock -exec rm -rf {} +; \
	  find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +' \
	  || { echo "a build is running (it holds data/processed/.build.lock); try again when it ends"; exit 1; }
