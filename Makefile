# jl-lab: two commands on a fresh machine: `make book` and `make test`.
# Each creates the virtual environment .venv from requirements.txt if it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# One BLAS thread unless the caller says otherwise: on a 2-core machine, multi-threaded OpenBLAS
# next to other work slowed pages down several-fold (jl_lemma 60 s with two threads, 11 s with one).
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= $(OMP_NUM_THREADS)

.DEFAULT_GOAL := help
.PHONY: help venv book test unit serve lab page clean student assignment grade

help:
	@echo "make book    execute and build the whole book into _build/html (with notebooks/ and the JupyterLite site lite/)"
	@echo "make test    unit tests + a full book build with its checks"
	@echo "make unit    unit tests only (fast)"
	@echo "make browser the browser test only: the built site offline in headless Chromium"
	@echo "make serve   serve _build/html on http://127.0.0.1:$(PORT) (JupyterLite: /lite/lab/index.html)"
	@echo "make lab     open the pages as notebooks in JupyterLab (jupytext)"
	@echo "make page PAGE=name   build book/intro.md + book/name.md only (for authors)"
	@echo "make bench   run the benchmarks in benchmarks/ (timings and ratios)"
	@echo "make student  student edition (no solutions): site, notebooks, _build/student/jl-lab-student.zip"
	@echo "make assignment  graded assignment from assignment.yml: _build/assignment/{student,autograder,solutions}"
	@echo "make grade SUBMISSIONS=folder   grade every .ipynb / otter .zip of a folder into _build/assignment/grades.csv"
	@echo "make clean   remove _build (keeps .venv)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/python tools/build_book.py

page: $(STAMP)
	@test -n "$(PAGE)" || { echo "usage: make page PAGE=name (a file book/name.md)"; exit 2; }
	$(BIN)/python tools/build_book.py --page $(PAGE)

test: $(STAMP)
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not book and not assignment"

.PHONY: browser
browser: $(STAMP)
	$(BIN)/python -m pytest tests/test_browser.py

serve:
	@test -f _build/html/index.html || { echo "no _build/html yet: run make book first"; exit 2; }
	@echo "Serving the book at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

lab: $(STAMP)
	JUPYTERLAB_SETTINGS_DIR=$(CURDIR)/tools/lab-settings $(BIN)/jupyter lab --notebook-dir=book

student: $(STAMP)
	$(BIN)/python tools/student.py

assignment: $(STAMP)
	$(BIN)/python tools/assignment.py

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder (of .ipynb or otter .zip files)"; exit 2; }
	$(BIN)/python tools/assignment.py grade "$(SUBMISSIONS)"

clean:
	rm -rf _build

.PHONY: bench
bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
