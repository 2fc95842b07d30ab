"""The student edition (``make student``, tools/student.py): no solution anywhere, notebooks that run.

The unit test strips a small synthetic page.  The book tests (``pytest.mark.book``) run the student
build once and check what students get: the site and every notebook against the actual solution texts
of ``book/*.md`` (the ``{solution}`` directives and the cells tagged ``solution``, extracted here
independently of tools/student.py), the answer cell after every exercise, the execution of every
notebook, and the contents of the archive.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import jupytext
import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
import myst  # tools/ is on the test path (pyproject.toml)
import student
from myst import toc_pages

STUDENT = ROOT / "_build" / "student"
OUT = STUDENT / "_build"
HTML = OUT / "html"
NOTEBOOKS = STUDENT / "notebooks"
ARCHIVE = STUDENT / "jl-lab-student.zip"
CHUNK = 7  # words: a run of 7 words of a solution's prose or code found in the output is a leak


# ---- the stripping function, on a synthetic page (fast) --------------------------------------------

SYNTHETIC = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page

Some prose with a reference to {ref}`the worked answer <demo-sol-2>`.

```{code-cell} ipython3
x = 41
```

```{code-cell} ipython3
:tags: [remove-cell, solution]
secret_number = x + 1  # QUOKKA-CELL
```

A shell command, in a fence with a language:

```bash
make student
```

## Exercises

```{exercise}
:label: demo-ex-1
Compute something.
```

````{solution} demo-ex-1
:class: dropdown
The answer is the PLATYPUS-PROSE.

```python
print("WOMBAT-CODE")
```
````

````{exercise}
:label: demo-ex-2
Compute $x + 1$.

```python
# a code block inside the exercise stays
```

Check your answer with `check("demo-ex-2", answer)` (`from jl_lab.check import check`).
````

```{solution} demo-ex-2
:label: demo-sol-2
:class: dropdown
ECHIDNA-PROSE: it is 42.
```

:::{solution} demo-ex-2
A colon fence, NUMBAT-PROSE.
:::

A closing remark after the exercises.
'''


def test_student_notebook_of_a_synthetic_page():
    nb = student.student_notebook(SYNTHETIC, removed={"demo-sol-2"})
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells)
    for secret in ("QUOKKA", "PLATYPUS", "WOMBAT", "ECHIDNA", "NUMBAT", "{solution}", "demo-sol-2"):
        assert secret not in text
    kinds = [(c.cell_type, c.source.splitlines()[0] if c.source else "") for c in nb.cells]
    assert kinds == [
        ("markdown", "# A page"),
        ("code", "x = 41"),
        ("markdown", "A shell command, in a fence with a language:"),
        ("code", student.YOUR_CODE),
        ("markdown", "````{exercise}"),
        ("code", "from jl_lab.check import check"),
        ("markdown", "A closing remark after the exercises."),
    ]
    # the exercises are whole (a fence inside one does not end it); the reference became its title
    assert "# a code block inside the exercise stays\n```\n\nCheck your answer" in nb.cells[4].source
    assert "a reference to the worked answer." in nb.cells[0].source
    assert nb.cells[2].source.endswith("```bash\nmake student\n```\n\n## Exercises\n\n```{exercise}\n:label: demo-ex-1\nCompute something.\n```")
    assert nb.cells[5].source == (
        'from jl_lab.check import check\n\n# your code here\n\n# check("demo-ex-2", answer)'
    )
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert "jupytext" not in nb.metadata and nb.metadata["kernelspec"]["name"] == "python3"
    # the MyST Markdown the site is built from holds the same cells
    again = jupytext.reads(jupytext.writes(nb, fmt="md:myst"), fmt="md:myst")
    assert [c.source for c in again.cells if c.cell_type == "code"] == [
        c.source for c in nb.cells if c.cell_type == "code"
    ]


def test_pages_without_code_and_the_introduction():
    assert student.is_chapter(SYNTHETIC)
    assert not student.is_chapter("# How to use\n\nAn `{exercise}` block and its `{solution}` block.\n")
    page = "# Back matter\n\n```{solution} x-ex-1\n:class: dropdown\nGONE\n```\n\nKept, see {numref}`x-sol`.\n"
    out = student.strip_text(page, removed={"x-sol"})
    assert "GONE" not in out and "Kept, see its solution (in the instructor edition)." in out
    intro = "# Title\n\n## How to read it\n\nRead.\n\n## How to assign it\n\nSolutions hidden.\n\n## Conventions\n\nC.\n"
    out = student.student_intro(intro)
    assert "Solutions hidden" not in out and "## This is the student edition" in out
    assert out.index("## How to read it") < out.index("student edition") < out.index("## Conventions")
    marked = "A.\n% instructor-only\nClick on a solution.\n% end instructor-only\n% student: No solutions here.\nB.\n"
    assert student.edition_markers(marked) == "A.\nNo solutions here.\nB.\n"


# ---- the student build (slow) ----------------------------------------------------------------------


# student_build (session fixture, tests/conftest.py): tools/student.py run once per session


def chapters() -> list[str]:
    return myst.chapters()


def words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


MARKUP = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\{[\w:-]+\}`[^`]*`|`[^`\n]*`|^:[\w-]+:[^\n]*$", re.S | re.M)


def chunks(text: str, prose: bool) -> list[str]:
    """Runs of CHUNK words that do not straddle markup (math, roles, inline code are left out)."""
    parts = MARKUP.split(text) if prose else text.splitlines()
    out = []
    for part in parts:
        w = words(part).split()
        out += [" ".join(w[i : i + CHUNK]) for i in range(0, len(w) - CHUNK + 1, CHUNK)]
    return out


def fenced(text: str, name: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the ``{name}`` directives of a page (backtick or colon fences)."""
    spans, lines, pos = [], text.splitlines(keepends=True), 0
    offsets = []
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    i = 0
    while i < len(lines):
        m = re.match(r"^(`{3,}|:{3,})\{" + re.escape(name) + r"\}", lines[i])
        if m:
            fence = m.group(1)
            j = next((k for k in range(i + 1, len(lines))
                      if re.fullmatch(re.escape(fence[0]) + "{%d,}" % len(fence), lines[k].strip())), len(lines) - 1)
            spans.append((offsets[i], offsets[j] + len(lines[j])))
            i = j
        i += 1
    return spans


@lru_cache(maxsize=None)
def solutions() -> dict[str, dict[str, list[str]]]:
    """Per page: the solution directives' text, the sources of cells tagged ``solution``, the rest."""
    found = {}
    for page in toc_pages():
        text = (ROOT / f"{page}.md").read_text()
        spans = fenced(text, "solution")
        nb = jupytext.reads(text, fmt="md:myst")
        cells = [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        rest = text
        for a, b in reversed(spans):
            rest = rest[:a] + rest[b:]
        for src in cells:
            rest = rest.replace(src, "")
        found[page] = {"directives": [text[a:b] for a, b in spans], "cells": cells, "rest": rest,
                       "exercises": [text[a:b] for a, b in fenced(text, "exercise")]}
    return found


@lru_cache(maxsize=None)
def leak_chunks_by_page() -> dict[str, list[str]]:
    """Per page, the word runs that only its solutions contain (not the rest of any page)."""
    sol = solutions()
    rest = "".join(words(p["rest"]) for p in sol.values())
    found = {}
    for page, p in sol.items():
        runs = set()
        for d in p["directives"]:
            body = "\n".join(line for line in d.splitlines()[1:-1])
            code = re.findall(r"^```[^\n]*\n(.*?)^```", body, flags=re.S | re.M)
            prose = re.sub(r"^```[^\n]*\n.*?^```", "\n", body, flags=re.S | re.M)
            runs |= set(chunks(prose, prose=True)) | {c for block in code for c in chunks(block, prose=False)}
        for cell in p["cells"]:
            runs |= set(chunks(cell, prose=False))
        found[page] = sorted(r for r in runs if f" {r} " not in rest)
    return found


@lru_cache(maxsize=None)
def leak_chunks() -> list[str]:
    return sorted({c for runs in leak_chunks_by_page().values() for c in runs})


def notebook_text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def site_texts() -> dict[str, str]:
    """The text of every file of the student site a reader or a notebook app could show."""
    texts = {}
    for f in HTML.rglob("*"):
        rel = f.relative_to(HTML).as_posix()
        if not f.is_file() or rel.startswith(("mathjax/", "requirejs/", "jupyter-widgets/", "_static/")):
            continue
        if f.suffix == ".html":
            texts[rel] = BeautifulSoup(f.read_text(errors="replace"), "html.parser").get_text(" ")
        elif f.suffix == ".ipynb":
            texts[rel] = notebook_text(nbformat.read(f, as_version=4))
        elif f.suffix in {".md", ".txt", ".json", ".js"} and f.stat().st_size < 5_000_000:
            raw = f.read_text(errors="replace")
            if f.suffix == ".json":
                try:
                    raw = "\n".join(_strings(json.loads(raw)))
                except ValueError:
                    pass
            texts[rel] = raw
    return texts


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


@pytest.mark.book
def test_student_build_succeeds(student_build):
    proc = student_build
    assert proc.returncode == 0, f"student build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    log = (OUT / "build.log").read_text()
    assert "build succeeded" in log
    assert not re.search(r"WARNING:|ERROR:|Execution Failed|CellExecutionError", log)
    assert (STUDENT / "html" / "index.html").exists()
    missing = [p for p in toc_pages() if not (HTML / f"{p}.html").exists()]
    assert not missing, f"pages of _toc.yml missing from the student site: {missing}"


@pytest.mark.book
def test_there_are_solutions_to_remove():
    """The leak checks below are only as good as what they look for."""
    sol = solutions()
    with_solutions = [p for p in chapters() if sol[p]["directives"]]
    assert with_solutions == chapters(), "every chapter has solutions"
    few = {p: len(leak_chunks_by_page()[p]) for p in chapters() if len(leak_chunks_by_page()[p]) < 10}
    assert not few, f"chapters whose solutions give fewer than 10 distinctive word runs to look for: {few}"


@pytest.mark.book
def test_site_contains_no_solution(student_build):
    texts = site_texts()
    assert any(rel.endswith(".html") for rel in texts) and any(rel.endswith(".ipynb") for rel in texts)
    leaks = {}
    for rel, text in texts.items():
        w = words(text)
        found = [c for c in leak_chunks() if f" {c} " in w]
        if found:
            leaks[rel] = found[:3]
    assert not leaks, f"solution text in the student site: {leaks}"
    for page in toc_pages():
        soup = BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser")
        assert not soup.select(".solution, [class*=solution]"), f"{page}: a solution element"
    # the leak detector does find text that is there: the exercises' prose, rendered into the pages
    pages_words = "".join(words(t) for rel, t in texts.items() if rel.startswith("book/") and rel.endswith(".html"))
    shown = [c for p in chapters() for e in solutions()[p]["exercises"] for c in chunks(e, prose=True)]
    assert shown and sum(f" {c} " in pages_words for c in shown) >= 0.9 * len(shown)


@pytest.mark.book
def test_notebooks_contain_no_solution_and_no_output(student_build):
    for k, page in enumerate(chapters(), start=1):
        path = NOTEBOOKS / student.notebook_name(k, page)
        assert path.exists(), f"{page}: no student notebook {path.name}"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        w = words(notebook_text(nb))
        found = [c for c in leak_chunks() if f" {c} " in w]
        assert not found, f"{path.name}: solution text {found[:3]}"
        assert not re.search(r"^(`{3,}|:{3,})\{solution\}", notebook_text(nb), flags=re.M)
        assert not [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
        # everything of the page but the solutions is there
        kept = [c.source for c in jupytext.reads((ROOT / f"{page}.md").read_text(), fmt="md:myst").cells
                if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert [c for c in code if student.YOUR_CODE not in c] == kept


@pytest.mark.book
def test_every_exercise_is_followed_by_an_answer_cell(student_build):
    """After each exercise (a heading "Exercise N.k" in the notebook's plain Markdown) come its answer
    cells: a code cell for a computation, a Markdown cell for an explanation, both when it asks both."""
    kinds_seen = set()
    for k, page in enumerate(chapters(), start=1):
        nb = nbformat.read(NOTEBOOKS / student.notebook_name(k, page), as_version=4)
        exercises = solutions()[page]["exercises"]
        assert len(exercises) >= 3, f"{page}: fewer than three exercises"
        n_code = 0
        for i, text in enumerate(exercises, start=1):
            label = re.search(r"^:label:\s*(\S+)", text, flags=re.M).group(1)
            assert re.fullmatch(rf"{Path(page).name}-ex-\d+", label), f"{page}: label {label}"
            at = [j for j, c in enumerate(nb.cells) if c.cell_type == "markdown"
                  and re.search(rf"^### Exercise {k}\.{i}$", c.source, flags=re.M)]
            assert len(at) == 1, f"{page}: exercise {label} (Exercise {k}.{i}) not found once in the notebook"
            call = re.search(r"`check\(\"([^\"]+)\"[^`]*\)`", text)
            kinds = student.answer_kinds(text, call.group(0).strip("`") if call else None)
            kinds_seen |= set(kinds)
            answers = nb.cells[at[0] + 1 : at[0] + 1 + len(kinds)]
            assert [c.cell_type for c in answers] == list(kinds), f"{label}: answer cells {kinds}"
            for cell in answers:
                if cell.cell_type == "code":
                    n_code += 1
                    assert student.YOUR_CODE in cell.source.splitlines(), label
                    if call:
                        assert "from jl_lab.check import check" in cell.source
                        assert f'# check("{call.group(1)}"' in cell.source, label
                else:
                    assert cell.source == student.YOUR_ANSWER, label
            if call:
                assert "code" in kinds, f"{label}: a checkable exercise gets a code cell"
        answers = [c for c in nb.cells if c.cell_type == "code" and student.YOUR_CODE in c.source]
        assert len(answers) == n_code, f"{page}: {len(answers)} code answer cells, {n_code} expected"
    assert kinds_seen == {"code", "markdown"}, "the book asks for computations and for explanations"


def test_answer_cells_fit_the_question():
    assert student.answer_kinds("Compute the four bounds for N = 10^6.") == ("code",)
    assert student.answer_kinds("Explain why the bound is loose.") == ("markdown",)
    assert student.answer_kinds("Show that the bias is largest at rho*. Check it with `lsh.bias(rho)`.") == (
        "code", "markdown")
    assert student.answer_kinds("Why?", call='check("x-ex-1", answer)') == ("code", "markdown")
    assert [c.cell_type for c in student.answer_cells("Derive h_3 in closed form.")] == ["markdown"]


@pytest.mark.book
def test_every_notebook_ran_without_error(student_build):
    """The site is built from the student notebooks: MyST-NB ran each one, exercise cells unanswered."""
    for k, page in enumerate(chapters(), start=1):
        nb = nbformat.read(NOTEBOOKS / student.notebook_name(k, page), as_version=4)
        done = nbformat.read(OUT / "jupyter_execute" / f"{page}.ipynb", as_version=4)
        assert [c.source for c in done.cells if c.cell_type == "code"] == [
            c.source for c in nb.cells if c.cell_type == "code"
        ], f"{page}: the executed notebook is not the student notebook"
        ran = [c for c in done.cells if c.cell_type == "code" and "skip-execution" not in c.metadata.get("tags", [])]
        assert ran and all(c.execution_count is not None for c in ran), f"{page}: a cell did not run"
        counts = [c.execution_count for c in ran]
        assert counts == sorted(counts), f"{page}: not run top to bottom"
        assert not [o for c in ran for o in c.outputs if o.output_type == "error"], f"{page}: an error"
        assert any(student.YOUR_CODE in c.source for c in ran), f"{page}: the answer cells were not run"


@pytest.mark.book
def test_archive_holds_site_notebooks_wheel_and_readme(student_build):
    top = student.TOP
    with zipfile.ZipFile(ARCHIVE) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert {f"{top}/README.md", f"{top}/requirements.txt"} <= names
        for k, page in enumerate(chapters(), start=1):
            name = student.notebook_name(k, page)
            assert z.read(f"{top}/notebooks/{name}") == (NOTEBOOKS / name).read_bytes()
        site = {f"{top}/site/{f.relative_to(HTML).as_posix()}" for f in HTML.rglob("*")
                if f.is_file() and f.name != ".buildinfo"}
        assert site <= names, f"site files missing from the archive: {sorted(site - names)[:5]}"
        wheels = [n for n in names if re.fullmatch(rf"{top}/jl_lab-[^/]+-py3-none-any\.whl", n)]
        assert len(wheels) == 1
        wheel = zipfile.ZipFile(io.BytesIO(z.read(wheels[0])))
        modules = {Path(n).name for n in wheel.namelist() if n.startswith("jl_lab/")}
        assert {p.name for p in (ROOT / "jl_lab").glob("*.py")} <= modules
        readme = z.read(f"{top}/README.md").decode()
        assert Path(wheels[0]).name in readme and "pip install" in readme and "jupyter lab" in readme
        pins = z.read(f"{top}/requirements.txt").decode()
        repo_pins = set((ROOT / "requirements.txt").read_text().splitlines())
        lines = [line for line in pins.splitlines() if line and not line.startswith("#")]
        assert lines and all(line in repo_pins for line in lines)
