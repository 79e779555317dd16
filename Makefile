# Two entry points, both from a fresh clone: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: serve test install lock check-properdocs

serve: install
	$(BIN)/protocols serve

test: install
	bash scripts/ensure-chromium
	bash scripts/ensure-nginx
	$(BIN)/python -m pytest

install: $(VENV)/.installed

# Exactly the pinned versions of constraints.txt, within pyproject.toml's ranges.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Re-pin: the newest versions pyproject.toml's ranges admit, installed into a fresh
# venv and written to constraints.txt (CONTRIBUTING.md, "Updating the pinned versions").
LOCK_VENV = .venv-lock
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[test]'
	sed -n '/^# Python /!{/^#/p}' constraints.txt > constraints.txt.new
	$(LOCK_VENV)/bin/python -c 'import sys; print("# Python %d.%d" % sys.version_info[:2])' >> constraints.txt.new
	$(LOCK_VENV)/bin/python -m pip freeze --exclude-editable >> constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(LOCK_VENV)

# Optional, not part of `make test`: build the seed site with ProperDocs instead of MkDocs.
check-properdocs:
	PYTHON=$(PYTHON) bash scripts/check-properdocs
