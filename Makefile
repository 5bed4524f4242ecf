# Two entry points that set up a fresh machine themselves:
#   make book   install the docs extra into .venv, then build and serve the book on http://127.0.0.1:8000,
#               rebuilding on every edit (tools/book.py; it skips the build when nothing it reads changed)
#   make test   install the test extra into .venv (and Debian's Chromium for the browser test), run every test
# (both install a font with Chinese glyphs for the Chinese edition's figures when the machine has none)
# and three more:
#   make torch        add PyTorch's CPU build to .venv: the cross-checks in tests/test_crosscheck_torch.py
#   make test-lowest  the tests (but PyTorch's) in .venv-lowest, at the lowest versions pyproject.toml allows
#   make site         build the static site into site/ (unless nothing it is built from changed)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# A pip constraints file for the installs (test-lowest passes constraints/lowest.txt).
CONSTRAINTS ?=
# What `make torch` installs. PyTorch's Linux wheel on the package index is the CUDA build
# (torch, triton and about twenty nvidia-* wheels, several GB); its CPU index has the CPU build.
TORCH_CPU ?= torch --index-url https://download.pytorch.org/whl/cpu
# pytest-xdist workers. The tests are independent, and the built site is shared by the workers
# (tests/shared_site.py): --dist worksteal hands each worker a contiguous half of the tests (a
# file's module fixtures mostly run once) and lets an idle worker take over the other's remainder.
PYTEST_WORKERS ?= auto
# More pytest arguments, e.g. PYTEST_ARGS=tests/test_site.py (the CI workflow splits the suite with it).
PYTEST_ARGS ?=

.PHONY: book site test torch test-lowest chromium chinese-font

book: $(VENV)/.docs-installed chinese-font
	$(BIN)/python tools/book.py serve --address 127.0.0.1:8000

site: $(VENV)/.docs-installed chinese-font
	$(BIN)/python tools/book.py build

test: $(VENV)/.test-installed chromium chinese-font
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The second install checks the extra's lower bound against the torch just installed.
torch: $(VENV)/.test-installed
	$(BIN)/python -m pip install -q $(TORCH_CPU)
	$(BIN)/python -m pip install -q -e ".[torch]"

# PyTorch needs a newer SymPy (>= 1.13.3) than SymPy's lower bound: its cross-checks run in .venv.
test-lowest:
	$(MAKE) test VENV=.venv-lowest CONSTRAINTS=constraints/lowest.txt \
		PYTEST_ARGS="--ignore=tests/test_crosscheck_torch.py $(PYTEST_ARGS)"

# L2BOOK_CHROMIUM names another Chromium-based browser for the browser test (the CI runner's Chrome).
chromium:
	@[ -n "$$L2BOOK_CHROMIUM" ] || command -v chromium >/dev/null || \
		{ $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

# The Chinese edition's figures need one of l2book.plots.style.CHINESE_FONTS; without one,
# Debian's WenQuanYi Micro Hei (fonts-wqy-microhei, a 1.6 MB download).
chinese-font: $(VENV)/.docs-installed
	@$(BIN)/python -c "from l2book.plots.style import chinese_font; chinese_font()" 2>/dev/null || \
		{ $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q fonts-wqy-microhei; }

$(VENV)/.docs-installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[docs]" $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
	touch $@

$(VENV)/.test-installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench]" $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
	touch $@ $(VENV)/.docs-installed

# Mutation testing of the core against the fast tests ([tool.mutmut] in pyproject.toml); not part of `make test`.
# Starts from scratch (a cached verdict can be stale once tests change) and takes tens of minutes.
# The score script lists every survivor that is not a reviewed equivalent in mutation/equivalent.toml.
MUTATION_JOBS ?= 2
.PHONY: mutation
mutation: $(VENV)/.test-installed
	$(BIN)/python -m pip install -q -e ".[mutation]"
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python tools/mutation_score.py
