"""Graded assignments from the book's checkable exercises, with otter-grader: ``make assignment``, ``make grade``.

Usage::

    python tools/assignment.py [--config assignment.yml]         # or: make assignment
    python tools/assignment.py grade SUBMISSIONS [--config ...]   # or: make grade SUBMISSIONS=folder

``assignment.yml`` (at the repository's root) names the exercises, their points, a title and the due
date text.  :func:`build` writes an otter-grader master notebook (otter's "v1" format: ``# BEGIN
QUESTION``, ``# BEGIN SOLUTION``, ``# BEGIN TESTS`` raw cells) and runs ``otter assign`` on it, then
arranges ``_build/assignment/``:

``student/``
    ``<name>.ipynb``: a name / student-id cell, the hand-in instructions and due date, one question per
    exercise with its public test (``grader.check("q1")``: the answer has the right form), and otter's
    export cell; no solution and no hidden test.  Next to it the student edition's ``jl_lab`` wheel
    (answer keys only, see :mod:`jl_lab.check.engine`), the pinned ``requirements.txt`` and a README.
``autograder/``
    ``<name>-autograder.zip`` (otter's autograder: the notebook's hidden tests with the points) and the
    notebook with solutions and all tests.
``solutions/``
    ``<name>.ipynb``: the reference notebook, every answer filled in (for the id ``reference``).

Every student's numbers are their own: each question starts with ``variant(label, STUDENT_ID)``
(:func:`jl_lab.check.variant`), parameters drawn from a hash of the id; the hidden test grades the
answer with ``check(label, answer, student_id=STUDENT_ID)``, which recomputes that variant's answer
with ``jl_lab`` on the teacher's machine.  A question is all or nothing.

:func:`build` then grades ``solutions/`` (full marks required) and the untouched ``student/`` notebook
(zero required) and fails otherwise.  :func:`grade` grades every ``.ipynb`` or otter export ``.zip`` of
a folder with otter's local grading API (``otter.api.grade_submission``: no Docker; the submission runs
in a kernel of this environment) and writes ``_build/assignment/grades.csv``: one row per submission,
its student id and name as written in the notebook, one column per question, and ``total``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from jl_lab import check as chk  # noqa: E402  (the instructor's edition: computes every variant)

OUT = ROOT / "_build" / "assignment"
CONFIG = ROOT / "assignment.yml"
REFERENCE_ID = "reference"

#: reference solutions, computed a second way where that is cheap; ``p`` holds the student's parameters
SOLUTIONS = {
    "jl_lemma-ex-2": '''\
from scipy import special
N, eps = p["N"], p["eps"]
n = np.arange(1, 20001)
# the chi-square tails as regularized incomplete gamma functions
tail = special.gammaincc(n / 2, n * (1 + eps) / 2) + special.gammainc(n / 2, n * (1 - eps) / 2)
answer = int(n[np.argmax(N * (N - 1) / 2 * tail <= 1)])''',
    "rp_vs_pca-ex-2": '''\
from sklearn.datasets import load_digits
from jl_lab import projections, reducers
X = load_digits().data
answer = []
for n in p["dims"]:
    r = projections.pairwise_distortion(X, reducers.fit_reducer(X, n, "pca").transform(X))
    answer.append((r.max() - r.min()) / (r.max() + r.min()))
answer = tuple(answer)''',
    "lsh-ex-2": '''\
import math
q = 1 - p["angle"] / 180   # collision probability of one bit
answer = tuple(math.ceil(math.log(1 - p["prob"]) / math.log(1 - q**b)) for b in (8, 12, 16))''',
    "rsvd-ex-2": '''\
from jl_lab import rsvd
flat = np.ones(1000)
answer = tuple(next(q for q in range(100) if rsvd.hmt_bound(flat, p["k"], pp, q) <= p["factor"])
               for pp in (5, 10, 20))''',
    "rsvd-ex-3": '''\
from jl_lab import rsvd
M = rsvd.matrix_with_spectrum(300, 120, 1 / np.arange(1, 121), rng=p["seed_m"])
Q = rsvd.range_finder(M.T, p["k"], power_iters=2, rng=p["seed_q"])
answer = np.linalg.norm(M - M @ Q @ Q.T, 2) * (p["k"] + 1)   # sigma_{k+1} = 1/(k+1)''',
    "cocluster-ex-4": '''\
from jl_lab import cocluster, corpus
answer = []
for name in ("python-docs", "sklearn-docs"):
    counts, _ = cocluster.bigram_counts(corpus.load_corpus(name), vocab_size=p["vocab_size"])
    answer.append(np.sort(counts.data)[::-1][: p["top"]].sum() / counts.sum())
answer = tuple(answer)''',
    "dimension_formula-ex-3": '''\
from scipy import optimize
from jl_lab import entropy
answer = tuple(
    optimize.brentq(lambda n: 2 * np.log(p["N"]) + entropy.entropy_correction(n) - np.log(m), 2, 500)
    for m in (100, 1))''',
    "attention-ex-2": '''\
from jl_lab import attention
P = attention.sparse_target(512, k=1, rng=p["seed"])
support = P.argmax(axis=1)
betas = np.arange(1, 200)
answer = []
for d in (16, 32, 64):
    _, K = attention.jl_construction(P, d, 1.0, rng=p["seed"])
    G = (K @ K.T)[support]            # row i: <k_s(i), k_j>; the query is beta k_s(i)
    G[np.arange(len(support)), support] = -np.inf
    tv = np.array([(1 - 1 / (1 + np.exp(b * (G - 1)).sum(axis=1))).max() for b in betas])
    ok = np.flatnonzero(tv <= p["tol"])
    answer.append(int(betas[ok[0]]) if ok.size else None)
answer = tuple(answer)''',
}


# --------------------------------------------------------------------------------------------------
# The teacher's file
# --------------------------------------------------------------------------------------------------

def load_config(path: Path | str = CONFIG) -> dict:
    """Read and check ``assignment.yml``: title, name, due, questions (exercise label and points)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a mapping with title, name, due and questions")
    config = {
        "title": str(data.get("title", "jl-lab assignment")),
        "name": str(data.get("name", "jl-lab-assignment")),
        "due": str(data.get("due", "")),
        "questions": [],
    }
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", config["name"]):
        raise SystemExit(f"{path}: name {config['name']!r} must be a file name (letters, digits, - _ .)")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise SystemExit(f"{path}: 'questions' must be a non-empty list of {{exercise: <label>, points: <n>}}")
    seen = set()
    for k, q in enumerate(questions, start=1):
        label = q.get("exercise") if isinstance(q, dict) else q
        points = q.get("points", 1) if isinstance(q, dict) else 1
        if label not in chk.EXERCISES:
            raise SystemExit(f"{path}: question {k}: {label!r} is not a checkable exercise; "
                             f"choose among {', '.join(chk.available())}")
        if label in seen:
            raise SystemExit(f"{path}: {label} is assigned twice")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
            raise SystemExit(f"{path}: question {k} ({label}): points must be a positive number, got {points!r}")
        seen.add(label)
        config["questions"].append({"name": f"q{k}", "exercise": label, "points": points})
    return config


# --------------------------------------------------------------------------------------------------
# The master notebook (otter's v1 format)
# --------------------------------------------------------------------------------------------------

def _raw(text: str):
    return nbformat.v4.new_raw_cell(text)


def instructions(config: dict) -> str:
    due = f"**Due:** {config['due']}\n\n" if config["due"] else ""
    return f"""# {config['title']}

{due}**Before you start**, write your name and your student id in the cell below and run it: every
question uses numbers of its own for your id (run the notebook with a different id and you solve a
different assignment, which will not be graded as yours).

**Answer** each question in the cell under it: compute the value and store it in the variable the
question names (`q1_answer`, ...). `grader.check("q1")` tells you whether your answer has the right
*form* (a number, a tuple of the right length); whether its *value* is right is graded after the
deadline. `jl_lab.check.check` checks the book's version of an exercise, not your variant.

**Hand in**: run the whole notebook from the top (menu Run, Run All Cells), then the last cell, which
writes a zip file next to the notebook; hand in that zip file (or the notebook itself, saved, if your
teacher asks for it)."""


def master_notebook(config: dict) -> nbformat.NotebookNode:
    """The otter master notebook: config, id cell, one question per exercise with solution and tests."""
    nb = nbformat.v4.new_notebook()
    otter_config = {
        "name": config["name"],
        "init_cell": True,
        "check_all_cell": True,
        "export_cell": {"pdf": False, "instructions": "Hand in the zip file this cell writes."},
        "strip_solutions_from_all_cells": True,
        "run_tests": False,
        "solutions_pdf": False,
        "template_pdf": False,
        "generate": {"pdf": False, "filtering": False},
    }
    cells = [
        _raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(otter_config, sort_keys=False).strip()),
        nbformat.v4.new_markdown_cell(instructions(config)),
        nbformat.v4.new_code_cell(
            f'NAME = "Reference solution"  # SOLUTION\nSTUDENT_ID = "{REFERENCE_ID}"  # SOLUTION\n\n'
            "import numpy as np\nfrom jl_lab.check import variant, well_formed"),
    ]
    for q in config["questions"]:
        ex = chk.EXERCISES[q["exercise"]]
        name, label = q["name"], q["exercise"]
        task = ex.task or f"{ex.expects[0].upper()}{ex.expects[1:]}."
        params = (f"Your parameters are printed by the first lines of the cell below: {', '.join(f'`{k}`' for k in ex.variants)}. "
                  if ex.variants else "")
        points = q["points"]
        cells += [
            _raw(f"# BEGIN QUESTION\nname: {name}\npoints: [0, {points}]"),
            nbformat.v4.new_markdown_cell(
                f"## Question {name[1:]} ({points} point{'s' if points != 1 else ''}): exercise `{label}`\n\n"
                f"{task}\n\n{params}Store your answer in `{name}_answer`."),
            _raw("# BEGIN SOLUTION"),
            nbformat.v4.new_code_cell(
                f'{name}_params = p = variant("{label}", STUDENT_ID)\nprint("your parameters:", p)\n\n'
                "# BEGIN SOLUTION NO PROMPT\n"
                + SOLUTIONS.get(label, f'from jl_lab.check import expected\nanswer = expected("{label}", STUDENT_ID)')
                + f"\n# END SOLUTION\n{name}_answer = answer  # SOLUTION"),
            _raw("# END SOLUTION"),
            _raw("# BEGIN TESTS"),
            nbformat.v4.new_code_cell(f'assert well_formed("{label}", {name}_answer), '
                                      f'"{name}_answer must be {answer_form(ex)}"'),
            nbformat.v4.new_code_cell(f'# HIDDEN\nfrom jl_lab.check import check as _check\n'
                                      f'assert _check("{label}", {name}_answer, student_id=STUDENT_ID)'),
            _raw("# END TESTS"),
            _raw("# END QUESTION"),
        ]
    nb.cells = cells
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def answer_form(ex) -> str:
    """What an answer looks like, without the book's parameters (for the public test's message)."""
    one = "an integer" if ex.integer else "a float"
    if not ex.parts:
        return one
    several = "integers" if ex.integer else "floats"
    return (f"a tuple of {ex.n_values} {several}" + (" (None where no value exists)" if ex.allow_none else "")
            + f": ({', '.join(ex.parts)})" * (not ex.variants))


def _hidden_test_sources(config: dict) -> list[str]:
    """The text of every hidden test (to check that none reaches students)."""
    return [f'assert _check("{q["exercise"]}", {q["name"]}_answer, student_id=STUDENT_ID)'
            for q in config["questions"]]


def _student_notebook(path: Path) -> None:
    """Empty strings for the name and id (otter leaves ``...``), so a student sees what to type."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("NAME = ..."):
            cell.source = (cell.source.replace("NAME = ...", 'NAME = ""  # your name', 1)
                           .replace("STUDENT_ID = ...", 'STUDENT_ID = ""  # your student id, exactly as your teacher has it', 1))
    nbformat.write(nb, path)


def student_readme(config: dict, wheel: str | None) -> str:
    install = f"pip install {wheel} -r requirements.txt" if wheel else "pip install -r requirements.txt"
    return f"""# {config['title']}: assignment

- `{config['name']}.ipynb`: the assignment. Open it in JupyterLab, write your name and student id in
  its first code cell, answer the questions, then run the last cell and hand in the zip file it writes.
- `requirements.txt`: the exact versions of what the notebook uses (JupyterLab and otter-grader included).
{f"- `{wheel}`: the book's helper package `jl_lab`." if wheel else ""}

With Python 3.11, in this folder:

```bash
python3 -m venv .venv
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
{install}
jupyter lab {config['name']}.ipynb
```
"""


# --------------------------------------------------------------------------------------------------
# Building and grading
# --------------------------------------------------------------------------------------------------

def build(config_path: Path | str = CONFIG, out: Path = OUT, verify: bool = True, wheel: bool = True) -> dict:
    """Write ``out/{student,autograder,solutions}`` from the teacher's file; grade the solutions and the
    blank notebook.  Returns the config."""
    from otter.assign import main as otter_assign

    config = load_config(config_path)
    name = config["name"]
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("master", "dist", "student", "autograder", "solutions", "grades.csv"):
        shutil.rmtree(out / sub, ignore_errors=True) if (out / sub).is_dir() else (out / sub).unlink(missing_ok=True)
    master = out / "master" / f"{name}.ipynb"
    master.parent.mkdir(parents=True)
    nbformat.write(master_notebook(config), master)
    otter_assign(str(master), str(out / "dist"), no_pdfs=True, no_run_tests=True)
    dist = out / "dist"
    shutil.copytree(dist / "student", out / "student")
    _student_notebook(out / "student" / f"{name}.ipynb")
    (out / "autograder").mkdir()
    (zipped,) = (dist / "autograder").glob("*.zip")
    shutil.copy2(zipped, out / "autograder" / f"{name}-autograder.zip")
    shutil.copy2(dist / "autograder" / f"{name}.ipynb", out / "autograder" / f"{name}.ipynb")
    (out / "solutions").mkdir()
    shutil.copy2(dist / "autograder" / f"{name}.ipynb", out / "solutions" / f"{name}.ipynb")
    shutil.rmtree(dist)
    shutil.rmtree(master.parent)  # the autograder's notebook has everything it had
    wheel_name = None
    if wheel:
        import student  # tools/student.py: the student wheel (answer keys, no computing functions)

        wheel_name = student.build_wheel(out / "student").name
        (out / "student" / "requirements.txt").write_text(student.student_requirements(extra=("otter-grader",)))
    (out / "student" / "README.md").write_text(student_readme(config, wheel_name))
    leaks = [f for f in (out / "student").rglob("*") if f.is_file() and f.suffix != ".whl"
             and any(t in f.read_text(errors="replace") for t in _hidden_test_sources(config) + ["# HIDDEN"])]
    if leaks:
        raise SystemExit(f"hidden tests in the student folder: {leaks}")
    if verify:
        possible = sum(q["points"] for q in config["questions"])
        full = grade_notebook(out / "solutions" / f"{name}.ipynb", out)
        blank = grade_notebook(out / "student" / f"{name}.ipynb", out)
        problems = []
        if full["total"] != possible:
            problems.append(f"the reference solutions score {full['total']} of {possible}: {full}")
        if blank["total"] != 0:
            problems.append(f"the blank student notebook scores {blank['total']}, not 0: {blank}")
        if problems:
            raise SystemExit("\n".join(problems))
        print(f"solutions: {full['total']} of {possible} points; blank notebook: 0")
    return config


def autograder_zip(out: Path = OUT) -> Path:
    found = sorted((out / "autograder").glob("*-autograder.zip"))
    if not found:
        raise SystemExit(f"no autograder in {out / 'autograder'}: run make assignment first")
    return found[0]


def _notebook_of(path: Path, tmp: Path) -> Path:
    """The notebook of a submission: the file itself, or the one .ipynb inside an otter export zip."""
    if path.suffix == ".ipynb":
        return path
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".ipynb") and not n.startswith("__MACOSX")]
        if len(names) != 1:
            raise ValueError(f"{path.name}: {len(names)} notebooks in the zip file, expected one")
        target = tmp / Path(names[0]).name
        target.write_bytes(z.read(names[0]))
        return target


def _identity(nb_path: Path) -> tuple[str, str]:
    """NAME and STUDENT_ID as written in the notebook's id cell (empty if not found)."""
    nb = nbformat.read(nb_path, as_version=4)
    found = {"NAME": "", "STUDENT_ID": ""}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for key in found:
                m = re.search(rf"^{key}\s*=\s*(['\"])(.*?)\1", cell.source, flags=re.M)
                if m and not found[key]:
                    found[key] = m.group(2)
    return found["NAME"], found["STUDENT_ID"]


def grade_notebook(path: Path, out: Path = OUT) -> dict:
    """Grade one submission (notebook or otter zip) locally; ``{"question": points, ..., "total": ...}``."""
    from otter.api import grade_submission

    ag = autograder_zip(out)
    with tempfile.TemporaryDirectory() as tmp:
        nb = _notebook_of(Path(path), Path(tmp))
        name, sid = _identity(nb)
        results = grade_submission(str(nb), str(ag), quiet=True)
    scores = {q: float(results.get_score(q)) for q in sorted(results.test_files, key=lambda s: int(s[1:]))}
    return {"name": name, "student_id": sid, **scores, "total": float(sum(scores.values()))}


def grade(submissions: Path | str, out: Path = OUT) -> Path:
    """Grade every ``.ipynb`` and ``.zip`` of a folder; write ``out/grades.csv`` and return its path."""
    folder = Path(submissions)
    if not folder.is_dir():
        raise SystemExit(f"SUBMISSIONS={folder} is not a folder (of .ipynb or otter .zip files)")
    files = sorted(f for f in folder.iterdir() if f.suffix in {".ipynb", ".zip"} and f.is_file())
    if not files:
        raise SystemExit(f"no .ipynb or .zip file in {folder}")
    rows = []
    for f in files:
        try:
            row = grade_notebook(f, out)
        except Exception as exc:  # one broken file must not stop the class's grading
            print(f"{f.name}: could not be graded ({type(exc).__name__}: {exc})", file=sys.stderr)
            row = {"name": "", "student_id": "", "total": 0.0, "error": f"{type(exc).__name__}: {exc}"}
        rows.append({"submission": f.name, **row})
        print(f"{f.name}: {row.get('total')}")
    questions = sorted({k for r in rows for k in r if re.fullmatch(r"q\d+", k)}, key=lambda s: int(s[1:]))
    columns = ["submission", "student_id", "name", *questions, "total"] + (["error"] if any("error" in r for r in rows) else [])
    target = out / "grades.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, 0.0 if re.fullmatch(r"q\d+", c) else "") for c in columns})
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", choices=["build", "grade"], default="build")
    ap.add_argument("submissions", nargs="?", help="grade: the folder of .ipynb or otter .zip submissions")
    ap.add_argument("--config", default=str(CONFIG), help="the teacher's file (default: assignment.yml)")
    ap.add_argument("--out", default=str(OUT), help="output folder (default: _build/assignment)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    if args.command == "grade":
        if not args.submissions:
            ap.error("grade needs the folder of submissions (make grade SUBMISSIONS=folder)")
        if not (out / "autograder").is_dir():
            build(args.config, out)
        target = grade(args.submissions, out)
        print(f"grades: {target}")
        return 0
    build(args.config, out)
    print(f"assignment in {out}: student/ (hand out), autograder/, solutions/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
