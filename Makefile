# Groundswell: `make run` to try it, `make test` to check it.
# Every target creates what it needs, starting from a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# .venv is made from requirements.lock alone, afresh whenever the lock changes (pip
# checks hashes only of what it installs, so nothing already there is trusted);
# the project itself is installed into it whenever pyproject.toml changes.
LOCKED := $(VENV)/.locked-$(shell cksum < requirements.lock | cut -d' ' -f1)
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Public reference data (ZIP to district, members of Congress), never committed:
# the manual (docs/pages/delivery.md) says where to download current files.
CONGRESS_DATA ?= ../shared/data

export FLASK_APP := petition_api

.PHONY: run site-url test bench bench-deps lint lock venv site test-deps clean docs docs-serve

venv: $(STAMP)

# Every package, pip and the build tools included, comes from requirements.lock at
# the version and with the hashes recorded there, as a wheel (an sdist's build
# would fetch its build tools unchecked); a file that differs is refused.
$(LOCKED): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	@# The locked pip first (its pin and hashes alone): the pip a venv starts with can
	@# mistake a locked package asked for with extras for an unpinned one and refuse.
	sed -n '/^pip==/,/[^\\]$$/p' requirements.lock > $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements.lock
	touch $@

# setuptools maps our two packages in place with a finder (not the whole checkout on
# sys.path) and says so in a boxed "Editable installation." notice, which pip shows
# as a warning on every install; the filter declines that one notice by its words.
$(STAMP): $(LOCKED) pyproject.toml
	PYTHONWARNINGS='ignore:Editable installation:UserWarning' \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

# After changing a range in pyproject.toml: `make lock` pins what it needs and keeps
# every other pin; `make lock UPGRADE=1` takes the newest releases the ranges allow.
# pip-tools runs from its own venv, so it never enters the lock.
LOCK_TOOLS := .lock-tools
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOLS) && \
	  $(LOCK_TOOLS)/bin/python -m pip install --quiet 'pip-tools>=7.5,<7.6')
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet \
	  $(if $(UPGRADE),--upgrade) --generate-hashes --allow-unsafe --strip-extras \
	  --extra dev --extra bench --build-deps-for editable \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# The site's one address: http://HOST:PORT unless GROUNDSWELL_SITE_URL says
# otherwise, recorded in instance/site-url. build.py and every `flask` command read
# it there when GROUNDSWELL_SITE_URL is unset, so a rebuild or a test copy of an
# update made later, from another terminal, links to the site `make run` serves.
run site-url: export GROUNDSWELL_SITE_URL ?= http://$(HOST):$(PORT)
site-url:
	@mkdir -p instance && printf '%s\n' "$$GROUNDSWELL_SITE_URL" > instance/site-url

# Builds the site, migrates the development database, loads the petitions the
# build declared, then serves site and API on one origin with the mail worker
# writing messages to instance/mail/, all at the address site-url records.
run: $(STAMP) site-url
	$(BIN)/python build.py
	$(BIN)/flask db upgrade
	$(BIN)/flask petitions sync site/petitions.json
	@if [ -n "$$($(BIN)/flask congress list)" ]; then :; \
	elif [ -f "$(CONGRESS_DATA)/zccd.csv" ]; then \
	  $(BIN)/flask congress load --districts "$(CONGRESS_DATA)/zccd.csv" \
	    --legislators "$(CONGRESS_DATA)/legislators-current.csv"; \
	else echo "No congressional district data in $(CONGRESS_DATA): ZIP lookups stay empty until" \
	  "you load it (the manual's docs/pages/delivery.md), e.g. make run CONGRESS_DATA=~/data"; fi
	GROUNDSWELL_SITE_DIR=site $(BIN)/python -m petition_api.devserver --host $(HOST) --port $(PORT)

# What the browser tests need and a fresh machine lacks: Debian's Chromium and
# axe-core from the npm registry. Never `playwright install`: it downloads a
# browser, which this network refuses. Delivery PDFs need a CJK font for
# Chinese, Japanese and Korean names: Debian's fonts-wqy-microhei; the packets'
# tests draw each page as a PNG under test-artifacts/packets/ with poppler's
# pdftoppm (Debian's poppler-utils).
test-deps: $(STAMP)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null)
	@command -v pdftoppm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
	@test ! -f package.json || test -d node_modules/axe-core || npm ci --silent --no-audit --no-fund

test: test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist load

# wrk, the load generator, from Debian's packages.
bench-deps: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: test-deps bench-deps
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py; else echo "no benchmarks yet"; fi

# The manual: docs/pages/ built into docs/build/, failing on any warning (a page
# left out of the nav, a link or an anchor that leads nowhere); its configuration
# and commands pages are written from the code at each build.
DOCS_PORT ?= 8002
# mkdocs-material prints a banner about its successor on every build; quiet means quiet.
docs docs-serve: export NO_MKDOCS_2_WARNING := 1
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet -f docs/mkdocs.yml

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve --strict -f docs/mkdocs.yml -a $(HOST):$(DOCS_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf site instance .pytest_cache test-artifacts docs/build
