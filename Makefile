# Two entry points that set up a fresh machine themselves:
#   make book   install into .venv, then build and serve the book on http://127.0.0.1:8000
#   make test   install into .venv (and Debian's Chromium for the browser test), run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book site test chromium

book: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

site: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

test: $(VENV)/.installed chromium
	$(BIN)/python -m pytest

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,docs,bench]"
	touch $@

# Mutation testing of the core against the fast tests ([tool.mutmut] in pyproject.toml); not part of `make test`.
# Starts from scratch (a cached verdict can be stale once tests change) and takes tens of minutes.
# The score script lists every survivor that is not a reviewed equivalent in mutation/equivalent.toml.
MUTATION_JOBS ?= 2
.PHONY: mutation
mutation: $(VENV)/.installed
	@$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/python -m pip install -q "mutmut>=3.8"
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python tools/mutation_score.py
