# Two entry points, both from a fresh clone: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: serve test install

serve: install
	$(BIN)/protocols serve

test: install
	bash scripts/ensure-chromium
	bash scripts/ensure-nginx
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@
