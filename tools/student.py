"""Build the student edition of the jl-lab book: no solutions, one notebook per chapter, one archive.

Usage::

    python tools/student.py            # or: make student
    python tools/student.py --force    # drop the student build's execution cache first

Everything goes under ``_build/student/`` (the instructor's build in ``_build/html`` is never touched):

1. ``src/``: the book of ``_toc.yml`` without solutions.  Every ``{solution}`` directive and every code
   cell tagged ``solution`` is removed, references to a removed solution's label become plain text,
   and the edition markers are applied (``% instructor-only`` ... ``% end instructor-only`` is dropped,
   ``% student: text`` shown; see :func:`edition_markers`).  After each ``{exercise}`` comes a code cell
   ``# your code here``; for a checkable exercise (one that says ``check("<label>", answer)``) the cell
   also imports ``check`` and ends with that call, commented out.  The introduction's "How to assign it"
   section becomes a note on the student edition.  A chapter (a page with code cells or exercises) is
   written as the MyST Markdown form (jupytext) of its student notebook.
2. ``_build/html`` (``html`` links to it): that book built by ``tools/build_book.py`` (the same
   ``-n -W`` build, log checks and cache rules as the instructor's book).  MyST-NB executes every
   chapter top to bottom with nbclient, exercise cells unanswered, so the site build is also the run of
   every student notebook; :func:`check_executed` then checks that the executed notebooks in
   ``_build/jupyter_execute`` hold exactly the student notebooks' code cells, all run, none failed.
3. ``notebooks/NN-<chapter>.ipynb`` (no outputs), the ``jl_lab`` wheel (``pip wheel --no-deps``, in
   ``dist/``), a README and ``requirements.txt`` for students, all packed with the site into
   ``jl-lab-student.zip`` (one folder ``jl-lab-student/``), the file a teacher hands out.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import build_book
import jupytext
import myst
import nbformat
import yaml
from myst import FENCE, OPTION, chapters, is_chapter, toc_pages  # noqa: F401  (the page model)

import nb_markdown  # noqa: E402  (MyST to plain Jupyter Markdown, with the build's numbers and glued values)

ROOT = myst.ROOT
STUDENT = ROOT / "_build" / "student"
SRC = STUDENT / "src"
OUT = STUDENT / "_build"  # jupyter-book writes into <path-output>/_build
ARCHIVE = STUDENT / "jl-lab-student.zip"
TOP = "jl-lab-student"  # the folder the archive unpacks to

YOUR_CODE = "# your code here"
#: what students install besides the jl_lab wheel: the packages the notebooks import, plus JupyterLab
#: and its kernel, at the versions of requirements.txt (the versions the notebooks were run with)
STUDENT_PACKAGES = (
    "numpy", "scipy", "matplotlib", "scikit-learn", "threadpoolctl", "ipywidgets", "ipykernel",
    "myst-nb", "jupyterlab",
)

DIRECTIVE = myst.DIRECTIVE
CHECK_CALL = re.compile(r"`(check\(\s*[\"'](?P<label>[^\"']+)[\"'][^`]*\))`")
INSTRUCTOR_ONLY = re.compile(r"^% instructor-only[ \t]*\n.*?^% end instructor-only[ \t]*(?:\n|\Z)", re.M | re.S)
STUDENT_LINE = re.compile(r"^% student: ?", re.M)
REF_ROLE = re.compile(r"\{(?P<role>ref|numref|prf:ref)\}`(?P<body>[^`]*)`")

STUDENT_NOTE = """## This is the student edition

This edition of the book has the exercises without their solutions. Every chapter is also a notebook
(in the folder `notebooks/` of the archive your teacher hands out): after each exercise a code cell
`# your code here` waits for your answer, and where the exercise says so, the commented line
`check("<label>", answer)` below it tells you whether your answer is right. The archive's README says
how to install what the notebooks need and how to run them.
"""


# --------------------------------------------------------------------------------------------------
# Stripping
# --------------------------------------------------------------------------------------------------

_closing = myst.closing_line
_options = myst.options


def split_markdown(source: str) -> tuple[list[tuple], list[str]]:
    """Cut one markdown cell into segments, dropping ``{solution}`` directives.

    Returns ``(segments, removed)``: segments are ``("md", text)`` and, right after each
    ``{exercise}`` directive, ``("exercise", label, check_call_or_None)``; ``removed`` holds the labels
    of the solutions dropped (their ``:label:`` option), so that references to them can be fixed.
    Fenced blocks are skipped whole, so a fence inside a code block or directive is never misread.
    """
    lines = source.split("\n")
    segments: list[tuple] = []
    removed: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):  # inline code, not a fence
            current.append(lines[i])
            i += 1
            continue
        j = _closing(lines, i, m["fence"])
        block = lines[i : j + 1]
        d = DIRECTIVE.match(m["info"])
        name = d["name"] if d else ""
        i = j + 1
        if name == "solution":
            label = _options(block).get("label")
            if label:
                removed.append(label)
            while i < len(lines) and not lines[i].strip():  # the blank lines after it go too
                i += 1
            continue
        current.extend(block)
        if name == "exercise":
            text = "\n".join(block)
            call = CHECK_CALL.search(text)
            segments.append(("md", "\n".join(current)))
            segments.append(("exercise", _options(block).get("label", ""), call.group(1) if call else None, text))
            current = []
    segments.append(("md", "\n".join(current)))
    segments = [s for s in segments if s[0] != "md" or s[1].strip()]
    return [("md", s[1].strip("\n")) if s[0] == "md" else s for s in segments], removed


def fix_references(text: str, removed: set[str] | frozenset[str]) -> str:
    """Replace a ``{ref}``/``{numref}``/``{prf:ref}`` to a removed solution by its title (or plain words)."""

    def sub(m: re.Match) -> str:
        body = m["body"]
        target = body[body.rfind("<") + 1 : -1] if body.endswith(">") and "<" in body else body
        if target not in removed:
            return m.group(0)
        title = body[: body.rfind("<")].strip() if body.endswith(">") and "<" in body else ""
        return title or "its solution (in the instructor edition)"

    return REF_ROLE.sub(sub, text)


def exercise_cell(call: str | None) -> nbformat.NotebookNode:
    """The empty answer cell put after an exercise."""
    if call is None:
        source = YOUR_CODE
    else:
        source = f"from jl_lab.check import check\n\n{YOUR_CODE}\n\n# {call}"
    return nbformat.v4.new_code_cell(source)


# What an exercise asks for decides its answer cells: a computation gets a code cell, an explanation a
# Markdown cell, an exercise asking both gets both (words matched case-insensitively, whole words).
ASKS_CODE = re.compile(
    r"\b(compute|check|measure|find|build|draw|embed|repeat|use|run|plot|simulate|estimate|cut|put|"
    r"implement|time|fit|redo|compare|design)\b|`[^`]*\(",
    re.I,
)
ASKS_WORDS = re.compile(
    r"\b(explain|why|show that|derive|prove|argue|predict|what does|which .{0,60}\bwhy|how does|what happens|where does|"
    r"describe|interpret)\b",
    re.I,
)
YOUR_ANSWER = "**Your answer** (in words and formulas; double-click this cell to edit it):"


def answer_kinds(text: str, call: str | None = None) -> tuple[str, ...]:
    """The answer cells an exercise gets: ``("code",)``, ``("markdown",)`` or ``("code", "markdown")``.

    A checkable exercise (``call``) and one that asks to compute, measure, plot, ... gets a code cell;
    one that asks to explain, show, derive, prove, ... gets a Markdown cell; an exercise that asks for
    neither (by these words) gets a code cell.
    """
    body = "\n".join(line for line in text.split("\n") if not OPTION.match(line.strip()))
    code = call is not None or bool(ASKS_CODE.search(body))
    words = bool(ASKS_WORDS.search(body))
    if words and not code:
        return ("markdown",)
    return ("code", "markdown") if words else ("code",)


def answer_cells(text: str, call: str | None = None) -> list[nbformat.NotebookNode]:
    """The answer cells put after an exercise whose directive text is ``text`` (see :func:`answer_kinds`)."""
    return [exercise_cell(call) if kind == "code" else nbformat.v4.new_markdown_cell(YOUR_ANSWER)
            for kind in answer_kinds(text, call)]


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


def student_notebook(text: str, removed: set[str] | frozenset[str] = frozenset()) -> nbformat.NotebookNode:
    """The student notebook of a page (MyST Markdown notebook text): no solution, no output.

    Code cells tagged ``solution`` and ``{solution}`` directives are dropped; after each ``{exercise}``
    come its answer cells (:func:`answer_cells`: code, Markdown or both); references to the labels in ``removed`` (solutions,
    of this page or another one) become plain text.
    """
    nb = jupytext.reads(text, fmt="md:myst")
    cells = []
    for cell in nb.cells:
        if is_solution_cell(cell):
            continue
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        segments, _ = split_markdown(cell.source)
        for k, seg in enumerate(segments):
            if seg[0] == "exercise":
                cells.extend(answer_cells(seg[3], seg[2]))
            else:
                md = nbformat.v4.new_markdown_cell(fix_references(seg[1], removed))
                if k == 0:
                    md.metadata = cell.metadata
                cells.append(md)
    for k, cell in enumerate(cells):
        cell["id"] = f"cell-{k}"  # stable ids: random ones would change the file at every build
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def strip_text(text: str, removed: set[str] | frozenset[str] = frozenset()) -> str:
    """A page without code cells (introduction, back matter), with solutions dropped and references fixed."""
    segments, _ = split_markdown(text)
    parts = [seg[1] for seg in segments if seg[0] == "md"]
    return fix_references("\n\n".join(parts), removed) + "\n"


def solution_labels(text: str) -> list[str]:
    """The labels of the ``{solution}`` directives of a page (to fix references to them anywhere)."""
    return split_markdown(text)[1]


def edition_markers(text: str) -> str:
    """Apply the edition markers of a page (MyST comments, invisible in the instructor's book).

    Lines from ``% instructor-only`` to ``% end instructor-only`` are dropped; a line
    ``% student: some text`` becomes ``some text``.  Authors use them for prose about solutions
    ("click on a solution to open it") that would be wrong in the student edition.
    """
    return STUDENT_LINE.sub("", INSTRUCTOR_ONLY.sub("", text))


STUDENT_RUN = """## How to run it

The pages are Jupyter notebooks. The archive your teacher hands out has one notebook per chapter (in
`notebooks/`), the book's helper package `jl_lab` and the exact versions of everything the notebooks
use; its README says how to install them and start JupyterLab (`jupyter lab notebooks`). In a live
notebook the interactive explorers (ipywidgets) respond to their sliders. The numerical code lives in
`jl_lab`, which depends only on NumPy and SciPy, so the pages stay short: each experiment is a call
into the package followed by a plot.

All randomness goes through an explicit seed (`rng=...`): the same seed gives the same numbers as in
this book.
"""

#: commands of the repository that the student archive does not have, as the pages mention them
REPOSITORY_ONLY = re.compile(r"`make (?:book|test|unit|lab|serve|page|bench|student|assignment|grade|browser|clean)\b"
                             r"|\btools/|\bbenchmarks/|\.venv/bin/python|\bon Colab\b|\bon Binder\b|rocket")


def repository_free(text: str) -> str:
    """A page's text for the student archive: no command of the repository (``make lab`` and the like).

    A page's "How to run it" section (the introduction's) becomes :data:`STUDENT_RUN`, and `` `make lab` ``
    and `` `make lab-student` `` (a live notebook) become `` `jupyter lab` ``, which the archive's README sets up, and `` `make bench` ``
    "the book's benchmark".  Anything else that
    only the repository has is marked ``% instructor-only`` in the page; :data:`REPOSITORY_ONLY` finds
    what is left (tests/test_student_text.py).
    """
    m = re.search(r"^## How to run it.*?(?=^## |\Z)", text, flags=re.M | re.S)
    if m:
        text = text[: m.start()] + STUDENT_RUN + "\n" + text[m.end() :]
    text = re.sub(r"`make bench`(?: runs `benchmarks/[^`]+`, which)?", "the book's benchmark", text)
    return text.replace("`make lab-student`", "`jupyter lab`").replace("`make lab`", "`jupyter lab`")


def student_intro(text: str) -> str:
    """The introduction with its "How to assign it" section (for teachers) replaced by a student note."""
    m = re.search(r"^## How to assign it.*?(?=^## |\Z)", text, flags=re.M | re.S)
    if m:
        return text[: m.start()] + STUDENT_NOTE + "\n" + text[m.end() :]
    h1 = re.search(r"^# .*\n", text, flags=re.M)
    at = h1.end() if h1 else 0
    return text[:at] + "\n" + STUDENT_NOTE + "\n" + text[at:]


# --------------------------------------------------------------------------------------------------
# The book
# --------------------------------------------------------------------------------------------------

def notebook_name(index: int, page: str) -> str:
    """File name of a chapter's notebook in the archive: numbered in the order of the book."""
    return f"{index:02d}-{Path(page).name}.ipynb"


def _write(path: Path, data: str | bytes) -> None:
    """Write only if the content changed (an unchanged page keeps its mtime: Sphinx does not re-read it)."""
    data = data.encode() if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def student_config(root: Path = ROOT) -> str:
    """``_config.yml`` of the student book: its title says so, paths point into the repository, and no
    link leads to a repository or a service that would open the instructor's pages (with solutions)."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'jl-lab')} (student edition)"
    config["repository"] = {"url": "", "branch": "main", "path_to_book": ""}  # no Binder, Colab, repository
    config.pop("launch_buttons", None)  # Jupyter Book's defaults: no Binder, JupyterHub, Colab, Thebe
    html = config.setdefault("html", {})
    html.pop("launch_buttons", None)
    for key in ("use_repository_button", "use_edit_page_button", "use_issues_button"):
        html[key] = False
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str((root / path).resolve()) for name, path in local.items()}
    if not sphinx["local_extensions"]:
        sphinx.pop("local_extensions")
    sphinx_config = sphinx.setdefault("config", {})
    extra = sphinx_config.get("html_extra_path", [])
    sphinx_config["html_extra_path"] = [str((root / path).resolve()) for path in extra]
    return "# generated by tools/student.py from _config.yml\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True, width=120
    )


def write_source(root: Path = ROOT, src: Path = SRC) -> dict[str, nbformat.NotebookNode]:
    """Write the stripped book into ``src``; return the student notebook of every chapter.

    A chapter is written as a MyST Markdown notebook (``book/<name>.md``, like the instructor's pages),
    converted by jupytext from the student notebook, so the site executes exactly its cells.
    """
    pages = toc_pages(root / "_toc.yml")
    texts = {p: repository_free(edition_markers((root / f"{p}.md").read_text())) for p in pages}
    removed = {label for t in texts.values() for label in solution_labels(t)}
    notebooks: dict[str, nbformat.NotebookNode] = {}
    wanted: set[Path] = set()
    numbered = set(chapters(root))  # an appendix notebook page is built like a chapter, not handed out
    for page, text in texts.items():
        target = src / f"{page}.md"
        if is_chapter(text):
            nb = student_notebook(text, removed)
            if page in numbered:
                notebooks[page] = nb
            _write(target, jupytext.writes(nb, fmt="md:myst"))
        else:
            _write(target, strip_text(student_intro(text) if page == pages[0] else text, removed))
        wanted.add(target)
    # everything else under book/ (bibliography, images), as it is
    for f in (root / "book").rglob("*"):
        if f.is_file() and f.suffix not in {".md", ".ipynb"} and ".ipynb_checkpoints" not in f.parts:
            target = src / f.relative_to(root)
            _write(target, f.read_bytes())
            wanted.add(target)
    for f in (src / "book").rglob("*"):  # pages dropped from the toc since the last build
        if f.is_file() and f not in wanted:
            f.unlink()
    _write(src / "_config.yml", student_config(root))
    _write(src / "_toc.yml", (root / "_toc.yml").read_text())
    return notebooks


def check_executed(notebooks: dict[str, nbformat.NotebookNode], out: Path = OUT) -> dict[str, float | None]:
    """Check that the site build executed every student notebook as it is, without error.

    Returns the seconds each one ran (from the execution cache; None if the record is missing).
    """
    problems = []
    for page, nb in notebooks.items():
        path = out / "jupyter_execute" / f"{page}.ipynb"
        if not path.exists():
            problems.append(f"{page}: not executed")
            continue
        done = nbformat.read(path, as_version=4)
        want = [c.source for c in nb.cells if c.cell_type == "code"]
        got = [c.source for c in done.cells if c.cell_type == "code"]
        if want != got:
            problems.append(f"{page}: the executed notebook is not the student notebook")
        errors = [o for c in done.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        if errors:
            problems.append(f"{page}: {errors[0].get('ename')}: {errors[0].get('evalue')}")
        ran = [c for c in done.cells if c.cell_type == "code" and c.source.strip()
               and "skip-execution" not in c.metadata.get("tags", [])]
        if any(c.get("execution_count") is None for c in ran):
            problems.append(f"{page}: a cell did not run")
    if problems:
        raise SystemExit("Student notebooks did not run:\n  " + "\n  ".join(problems))
    return execution_seconds(notebooks, out)


def execution_seconds(notebooks, out: Path = OUT) -> dict[str, float | None]:
    from jupyter_cache import get_cache

    times: dict[str, float | None] = {p: None for p in notebooks}
    newest: dict[str, object] = {}
    for rec in get_cache(out / ".jupyter_cache").list_cache_records():
        try:
            page = Path(rec.uri).resolve().relative_to(SRC.resolve()).with_suffix("").as_posix()
        except ValueError:
            continue
        if page in times and (page not in newest or rec.created > newest[page]):
            times[page], newest[page] = rec.data.get("execution_seconds"), rec.created
    return times


# --------------------------------------------------------------------------------------------------
# The archive
# --------------------------------------------------------------------------------------------------

def build_wheel(dest: Path) -> Path:
    """The student wheel: ``myst.build_wheel`` of a copy of the package made by :func:`answer_keys_only`."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, Path(tmp) / name)
        shutil.copytree(ROOT / "jl_lab", Path(tmp) / "jl_lab", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        answer_keys_only(Path(tmp) / "jl_lab")
        return myst.build_wheel(dest, src=Path(tmp))


def answer_keys_only(package: Path) -> None:
    """Make a copy of ``jl_lab`` the student edition: the answer keys, not the functions that compute them.

    ``jl_lab/check/exercises.py`` (every expected answer's computation) is removed and
    ``jl_lab/check/answer_keys.json`` (salted hashes, see :mod:`jl_lab.check.engine`) written instead.
    """
    from jl_lab import check

    (package / "check" / "exercises.py").unlink()
    (package / "check" / "answer_keys.json").write_text(json.dumps(check.export_keys(), indent=1) + "\n")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def lock(packages, pins: dict[str, tuple[str, str]]) -> list[str]:
    """The transitive closure of ``packages`` (installed distributions' requirements whose markers hold
    here), pinned at the versions of ``pins``: a full lock, sorted."""
    from importlib import metadata

    from packaging.requirements import Requirement

    todo, seen = [(_canonical(p), frozenset()) for p in packages], {}
    while todo:
        name, extras = todo.pop()
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, frozenset()) | extras
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{name} is needed by the student edition but not installed") from None
        for text in requires:
            req = Requirement(text)
            envs = [{"extra": e} for e in seen[name]] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((_canonical(req.name), frozenset(req.extras)))
    missing = sorted(n for n in seen if n not in pins)
    if missing:
        raise SystemExit(f"requirements.txt pins none of {missing}, which the student edition needs")
    return sorted((f"{pins[n][0]}=={pins[n][1]}" for n in seen), key=str.lower)


def computing_wheels(folder: Path) -> list[Path]:
    """The ``jl_lab`` wheels under ``folder`` that hold the functions computing the answers (none may)."""
    found = []
    for wheel in folder.rglob("jl_lab-*.whl"):
        with zipfile.ZipFile(wheel) as z:
            if "jl_lab/check/exercises.py" in z.namelist() or "jl_lab/check.py" in z.namelist():
                found.append(wheel)
    return found


def student_requirements(extra=()) -> str:
    """Exact pins, from requirements.txt, of what students install besides the wheel, and of everything
    those packages need in turn (a full lock: students get exactly the instructor's versions)."""
    pins = myst.requirement_pins(ROOT / "requirements.txt")  # the one pin parser (tools/myst.py)
    missing = [p for p in (*STUDENT_PACKAGES, *extra) if p not in pins]
    if missing:
        raise SystemExit(f"requirements.txt pins none of {missing}")
    lines = lock((*STUDENT_PACKAGES, *extra), pins)
    return ("# What the notebooks need besides the jl_lab wheel, and everything that needs in turn, at the\n"
            "# versions the notebooks were run with (a full lock: pip install -r requirements.txt).\n"
            + "\n".join(lines) + "\n")


def student_readme(wheel: Path, names: list[tuple[str, str]]) -> str:
    chapter_list = "\n".join(f"- `notebooks/{fname}`: {title}" for fname, title in names)
    return f"""# jl-lab, student edition

The book *jl-lab: the Johnson–Lindenstrauss lemma, computed*, with the exercises and without their
solutions.

- `site/index.html`: the book as a website. Open it in a browser; it works offline. Its "in your
  browser (JupyterLite)" links work only when the site is served over HTTP
  (`python3 -m http.server --directory site`, then http://127.0.0.1:8000) and the browser can reach
  cdn.jsdelivr.net, where the Python runtime comes from.
- `notebooks/`: one notebook per chapter, to run and to hand in. After each exercise a cell
  `{YOUR_CODE}` waits for your answer. Where an exercise can be checked, the cell also imports
  `check` and ends with a commented line `# check("<label>", answer)`: put your result in `answer`,
  remove the `#`, and run the cell.
- `{wheel.name}`: the book's helper package `jl_lab` (pure Python, needs NumPy and SciPy).
- `requirements.txt`: the exact versions of what the notebooks use (JupyterLab included).

## Run the notebooks

With Python 3.11 (3.10 or later should work), in this folder:

```bash
python3 -m venv .venv
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
pip install {wheel.name} -r requirements.txt
jupyter lab notebooks
```

Open a chapter and run all its cells (menu Run, then Run All Cells) before you start on the exercises:
the exercises use the variables the chapter computes. A chapter runs in well under two minutes. The
cells that show an interactive explorer (sliders) only work in a live notebook like this one.

Instead of the wheel you can install `jl_lab` from a clone of the book's repository:
`pip install /path/to/the/clone -r requirements.txt`.

## The chapters

{chapter_list}
"""


def _title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^# (.+)$", cell.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return ""


def package(notebooks: dict[str, nbformat.NotebookNode], html: Path, archive: Path = ARCHIVE) -> Path:
    """Write the notebooks to ``_build/student/notebooks`` and everything into one zip archive."""
    nb_dir = STUDENT / "notebooks"
    shutil.rmtree(nb_dir, ignore_errors=True)
    nb_dir.mkdir(parents=True)
    names = []
    refs = nb_markdown.load_refs(OUT)  # the student build's numbers, titles and citations
    glue_of = nb_markdown.executed_glue_loader(OUT)
    for k, (page, nb) in enumerate(notebooks.items(), start=1):
        fname = notebook_name(k, page)
        nb = nb_markdown.convert_notebook(nb, refs, page, glue=glue_of(page), glue_of=glue_of, solutions="drop")
        nbformat.write(nb, nb_dir / fname)
        names.append((fname, _title(nb)))
    wheel = build_wheel(STUDENT / "dist")
    (STUDENT / "README.md").write_text(student_readme(wheel, names))
    (STUDENT / "requirements.txt").write_text(student_requirements())
    tmp = archive.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name in ("README.md", "requirements.txt"):
            z.write(STUDENT / name, f"{TOP}/{name}")
        z.write(wheel, f"{TOP}/{wheel.name}")
        for fname, _ in names:
            z.write(nb_dir / fname, f"{TOP}/notebooks/{fname}")
        for f in sorted(html.rglob("*")):
            if f.is_file() and f.name != ".buildinfo":
                z.write(f, f"{TOP}/site/{f.relative_to(html).as_posix()}")
    tmp.replace(archive)
    return archive


WORK = ROOT / "student-work"  # `make lab-student`: the student notebooks a student edits (git-ignored)


def copy_to_work(work: Path = WORK) -> list[Path]:
    """Copy the student notebooks into ``work`` for ``make lab-student``; a notebook already there is kept
    (it may hold the student's answers).  Returns the notebooks copied now."""
    work.mkdir(parents=True, exist_ok=True)
    copied = []
    for nb in sorted((STUDENT / "notebooks").glob("*.ipynb")):
        if not (work / nb.name).exists():
            shutil.copy2(nb, work / nb.name)
            copied.append(work / nb.name)
    return copied


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--force", action="store_true", help="drop the student build's execution cache first")
    ap.add_argument("--work", action="store_true",
                    help=f"also copy the notebooks into {WORK.name}/ (kept if there already), for make lab-student")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    notebooks = write_source()
    import notebooks as site_notebooks  # tools/notebooks.py: its JupyterLite site gets the student wheel

    site_notebooks.build_wheel = build_wheel
    status = build_book.build(OUT, None, args.force, src=SRC)
    if status:
        return status
    computing = computing_wheels(OUT / "html")
    if computing:
        raise SystemExit(f"wheels that compute the answers in the student site: {computing}")
    link = STUDENT / "html"
    if not link.is_symlink():
        shutil.rmtree(link, ignore_errors=True)
        link.symlink_to(Path("_build") / "html", target_is_directory=True)
    seconds = check_executed(notebooks)
    (STUDENT / "execution.json").write_text(json.dumps(seconds, indent=1))
    archive = package(notebooks, OUT / "html")
    ran = ", ".join(f"{Path(p).name} {s:.0f} s" if s is not None else f"{Path(p).name} ?"
                    for p, s in seconds.items())
    print(f"{len(notebooks)} student notebooks ran without error ({ran}).")
    print(f"Student edition in {time.perf_counter() - t0:.0f} s: site file://{OUT / 'html' / 'index.html'}")
    print(f"Archive for students: {archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    if args.work:
        copied = copy_to_work()
        kept = len(list(WORK.glob("*.ipynb"))) - len(copied)
        print(f"{WORK}: {len(copied)} notebooks copied" + (f", {kept} kept (they may hold your answers)" if kept else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
