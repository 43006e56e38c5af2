# Maillage — the two commands: `make run` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
LINTED := app graph web migrations tests scripts bench

.PHONY: run test install install-test browser lint bench screenshots clean

run: $(VENV)/.installed
	$(BIN)/maillage setup
	$(BIN)/maillage serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test browser
	$(BIN)/python -m ruff check $(LINTED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing: browser tests will be skipped (and fail when CI=true)."; \
	fi

# Screenshots of the main pages at 1280×720 (a projector), written to ./screenshots/.
screenshots: $(VENV)/.installed-test browser
	MAILLAGE_SCREENSHOTS=$(CURDIR)/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/web/test_browser.py -k screenshots
	@echo "Screenshots in $(CURDIR)/screenshots/"

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check $(LINTED)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/maps.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
