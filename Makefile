# cxresearch — the two commands are `make run` and `make test`.
# Needs only python3 (3.11+) and make: everything else is installed into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS := course,test,realdata,report,book
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
PYTEST_NB := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env
# The stored outputs are made with two BLAS threads and checked with one: every `make test`
# shows that no printed number depends on how the linear algebra was split across threads.
THREADS_1 := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
THREADS_2 := OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2

.PHONY: run test test-fast test-slow lint format notebooks data assignments lab install clean distclean help

help:
	@echo "make run        set up .venv, execute the whole course, build the book in build/html"
	@echo "make test       set up .venv, run lint, unit tests, doctests and nbval on every notebook"
	@echo "make test-slow  the long Monte Carlo checks (marked slow; not part of make test)"
	@echo "make lab        JupyterLab at the repository root, opening notebook 00"
	@echo "make notebooks  re-execute the notebooks in place (refresh their stored outputs)"
	@echo "make data       regenerate the generated datasets and the README's dataset table"
	@echo "make assignments  build the graded assignments (otter-grader) in build/assignments"
	@echo "make lint       ruff check + ruff format --check;  make format  apply ruff format"
	@echo "make clean      remove build output and caches;  make distclean  also .venv"

# The environment: created when missing, reinstalled when the dependency files change.
# constraints.txt pins every package to the versions the stored notebook outputs were
# made with, so a fresh machine reproduces them exactly.
$(STAMP): pyproject.toml constraints.txt tools/vendor.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	$(BIN)/python tools/vendor.py
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python tools/book.py build --output build/html
	@echo
	@echo "The course is built. Open build/html/index.html in a browser:"
	@echo "  file://$(CURDIR)/build/html/index.html"

# Two workers (the CI machine's two cores); a notebook's cells, and each test file, stay
# together on one worker in order (--dist loadfile), so nbval's kernels are not shared.
test: $(STAMP) lint
	$(THREADS_1) $(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow" --durations=5 --doctest-modules cxresearch tests $(PYTEST_NB) $(NOTEBOOKS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" --doctest-modules cxresearch tests

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

notebooks: $(STAMP)
	$(THREADS_2) $(BIN)/python tools/course.py execute $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python tools/make_data.py

# Student notebooks and the instructor's autograders; grade with tools/assignments.py grade.
assignments: $(STAMP)
	$(BIN)/python tools/assignments.py build

# At the repository root (solutions/, README.md and the data are one click away); as root
# (containers, Binder) Jupyter refuses to start without --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(if $(filter 0,$(shell id -u)),--allow-root) \
		--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb

clean:
	rm -rf build dist .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print | xargs rm -rf

distclean: clean
	rm -rf $(VENV)
