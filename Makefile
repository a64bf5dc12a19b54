# Groundswell: `make run` to try it, `make test` to check it.
# Every target creates what it needs, starting from a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Public reference data (ZIP to district, members of Congress), never committed:
# the README says where to download current files.
CONGRESS_DATA ?= ../shared/data

export FLASK_APP := petition_api

.PHONY: run test bench bench-deps lint venv site test-deps clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	rm -f $(VENV)/.installed-* && touch $@

# Builds the site, migrates the development database, loads the petitions the
# build declared, then serves site and API on one origin with the mail worker
# writing messages to instance/mail/. Links in mail and redirects follow HOST
# and PORT unless GROUNDSWELL_SITE_URL says otherwise.
run: export GROUNDSWELL_SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python build.py
	$(BIN)/flask db upgrade
	$(BIN)/flask petitions sync site/petitions.json
	@if [ -n "$$($(BIN)/flask congress list)" ]; then :; \
	elif [ -f "$(CONGRESS_DATA)/zccd.csv" ]; then \
	  $(BIN)/flask congress load --districts "$(CONGRESS_DATA)/zccd.csv" \
	    --legislators "$(CONGRESS_DATA)/legislators-current.csv"; \
	else echo "No congressional district data in $(CONGRESS_DATA): ZIP lookups stay empty until" \
	  "you load it (README, 'Delivery to Congress'), e.g. make run CONGRESS_DATA=~/data"; fi
	GROUNDSWELL_SITE_DIR=site $(BIN)/python -m petition_api.devserver --host $(HOST) --port $(PORT)

# What the browser tests need and a fresh machine lacks: Debian's Chromium and
# axe-core from the npm registry. Never `playwright install`: it downloads a
# browser, which this network refuses. Delivery PDFs need a CJK font for
# Chinese, Japanese and Korean names: Debian's fonts-wqy-microhei.
test-deps: $(STAMP)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null)
	@test ! -f package.json || test -d node_modules/axe-core || npm ci --silent --no-audit --no-fund

test: test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist load

# wrk, the load generator, from Debian's packages.
bench-deps: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: test-deps bench-deps
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py; else echo "no benchmarks yet"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf site instance .pytest_cache test-artifacts
