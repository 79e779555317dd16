# Two entry points, both from a fresh clone: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: serve test install lock check-properdocs ci-check publish deploy test-newest

serve: install
	$(BIN)/protocols serve

# PYTEST_ARGS narrows the run (the local pipeline test runs the pipeline with a few files).
test: install
	bash scripts/ensure-chromium
	bash scripts/ensure-nginx
	bash scripts/ensure-gitlab-ci-local
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

# CI: .gitlab-ci.yml and .github/workflows/ci.yml run these same targets (a test compares
# their command lists). ci-check: the sources' check and the status report (status.json).
ci-check: install
	$(BIN)/protocols check
	$(BIN)/protocols status --format json > status.json

# Publish a date-named release (a second one the same day: DATE.2, ...), push the
# site-releases branch to PUBLISH_REMOTE and export the served tree into public/.
publish: install
	BIN=$(BIN) bash scripts/ci-publish

# Copy public/ to DEPLOY_PATH (on DEPLOY_HOST over ssh, if set) and switch atomically.
deploy:
	bash scripts/deploy public

# The scheduled job: the test suite with the newest versions pyproject.toml admits, in a
# venv of its own, so a breaking release is known before constraints.txt moves.
NEWEST_VENV = .venv-newest
test-newest:
	rm -rf $(NEWEST_VENV)
	$(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	$(NEWEST_VENV)/bin/python -m pip freeze --exclude-editable
	touch $(NEWEST_VENV)/.installed
	$(MAKE) test VENV=$(NEWEST_VENV) PYTEST_ARGS="--ignore=tests/test_pins.py $(PYTEST_ARGS)"
