# cyber_mapping: the front door. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

#################################################################################
# GLOBALS                                                                       #
#################################################################################

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW := data/raw
PROCESSED := data/processed
REPORTS := reports
# The data product is rebuilt only when an input, the code or the reference data changed.
PRODUCT := $(PROCESSED)/manifest.json
PRODUCT_INPUTS := $(wildcard $(RAW)/*.xlsx) $(wildcard cyber_mapping/*.py cyber_mapping/*/*.py) \
	$(wildcard cyber_mapping/reference/*)
# JupyterLab refuses to run as root without --allow-root (containers, CI): add it only then.
USER_ID ?= $(shell id -u)
LAB_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

#################################################################################
# COMMANDS                                                                      #
#################################################################################

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

.PHONY: env
## Create .venv with the package (editable) and every dependency
env: $(STAMP)

.PHONY: sample
## Regenerate the illustrative sample workbooks in data/raw/ (deterministic)
sample: $(STAMP)
	$(BIN)/cyber-mapping sample --out $(RAW)

.PHONY: validate
## Read and validate every workbook in data/raw/; write issues.csv and quarantine.csv
validate: $(STAMP)
	$(BIN)/cyber-mapping validate --raw $(RAW) --out $(PROCESSED)

.PHONY: feedback
## Validate data/raw/ and write an annotated copy of each workbook to reports/feedback/
feedback: $(STAMP)
	@# validate exits 1 when a workbook has errors; the feedback files are the point here.
	-$(BIN)/cyber-mapping validate --raw $(RAW) --out $(PROCESSED) --feedback $(REPORTS)/feedback

.PHONY: template
## Write a blank submission template and one per office into reports/templates/
template: $(STAMP)
	$(BIN)/cyber-mapping template --all --out $(REPORTS)/templates

$(PRODUCT): $(STAMP) $(PRODUCT_INPUTS)
	@# build exits 1 when rows were quarantined for errors: the product is written all the
	@# same (issues.csv says what to fix), so the reports go on. Exit 2 and up stop here.
	$(BIN)/cyber-mapping build --raw $(RAW) --out $(PROCESSED) || [ $$? -eq 1 ]

.PHONY: build
## Validate, allocate and write the data product to data/processed/
build: $(PRODUCT)

.PHONY: reports
## Build the data product, then render every report (HTML, PDF), the Excel annex and the index
reports: $(PRODUCT)
	@# From the second build on, the product it replaced is in previous/: say what changed.
	$(BIN)/cyber-mapping report --all --processed $(PROCESSED) --out $(REPORTS) \
		$$(test -f $(PROCESSED)/previous/manifest.json && echo --compare $(PROCESSED)/previous)

.PHONY: test
## Run the whole test suite (creates the environment first if needed)
test: $(STAMP)
	$(BIN)/python -m pytest

.PHONY: test-nightly
## The reconciliation property test with many more examples (about 12 minutes)
test-nightly: $(STAMP)
	CYBER_MAPPING_PROPERTY_EXAMPLES=2000 $(BIN)/python -m pytest tests/test_invariant.py -q

.PHONY: browser
## Install Debian's Chromium (root; apt-get) for the browser tests, then run them
browser: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }
	$(BIN)/python -m pytest tests/test_presentation.py

.PHONY: lint
## Lint and check formatting with ruff (library, tests, benchmarks, notebooks)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
## Format the code and notebooks with ruff and fix what ruff can
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: lab
## Start JupyterLab on the notebooks/ folder, opening the analysts' tour (explore.ipynb)
lab: $(STAMP)
	@test -f $(PRODUCT) || echo "No data product yet: run 'make build' before running the notebooks."
	$(BIN)/jupyter lab $(LAB_ROOT) --notebook-dir=notebooks $(CURDIR)/notebooks/explore.ipynb

.PHONY: bench
## Run the benchmarks (intake, allocation, reports) and print their figures
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_intake
	$(BIN)/python -m benchmarks.bench_allocation
	$(BIN)/python -m benchmarks.bench_reports

.PHONY: clean
## Delete the processed data, the reports and caches (raw data is never touched)
clean:
	find $(PROCESSED) -mindepth 1 ! -name README.md -exec rm -rf {} +
	find $(REPORTS) -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -exec rm -rf {} +

#################################################################################
# Self-documenting help                                                         #
#################################################################################

.PHONY: help
## Show this list of targets
help:
	@echo "cyber_mapping targets:"
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$1,t,":"); printf "  %-10s %s\n", t[1], doc; doc=""}}' $(MAKEFILE_LIST)
