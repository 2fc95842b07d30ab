"""Graded assignments (``make assignment``, ``make grade``; tools/assignment.py, otter-grader).

The fast tests check the teacher's file, the master notebook and the reference solutions (run here
for several student ids, against ``jl_lab.check``'s own computation).  The tests marked
``assignment`` build the assignment once (otter assign, which grades the reference solutions: full
marks, and the blank student notebook: zero) and grade, with otter's local API, a notebook with
exactly one wrong answer, the solutions of two students (each with their own numbers), one student's
answers handed in under another's id, and a folder of submissions (notebooks and an otter zip) into
``grades.csv``.  Hidden test text must appear nowhere under ``student/``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
import assignment  # tools/ is on the test path (pyproject.toml)

from jl_lab import check as chk  # noqa: E402

IDS = ("s1001", "s2002")


@pytest.fixture(scope="module")
def config():
    return assignment.load_config(ROOT / "assignment.yml")


# ---- the teacher's file and the master notebook (fast) -------------------------------------------


def test_default_file_assigns_one_checkable_exercise_per_chapter(config):
    labels = [q["exercise"] for q in config["questions"]]
    chapters = [label.split("-ex-")[0] for label in labels]
    assert len(set(chapters)) == len(chapters)
    assert set(chapters) == {label.split("-ex-")[0] for label in chk.available()}
    assert [q["name"] for q in config["questions"]] == [f"q{k}" for k in range(1, len(labels) + 1)]
    assert all(q["points"] > 0 for q in config["questions"])
    assert all(chk.EXERCISES[label].variants for label in labels), "every default question has variants"


@pytest.mark.parametrize("text, message", [
    ("questions: [{exercise: lsh-ex-99, points: 1}]", "not a checkable exercise"),
    ("questions: [{exercise: lsh-ex-2, points: 0}]", "points must be a positive number"),
    ("questions: [{exercise: lsh-ex-2}, {exercise: lsh-ex-2}]", "assigned twice"),
    ("questions: []", "non-empty list"),
    ("name: 'a b'\nquestions: [lsh-ex-2]", "must be a file name"),
])
def test_bad_teacher_files_are_refused_with_the_reason(tmp_path, text, message):
    f = tmp_path / "assignment.yml"
    f.write_text(text)
    with pytest.raises(SystemExit, match=message):
        assignment.load_config(f)


def test_a_small_file_chooses_exercises_and_points(tmp_path):
    f = tmp_path / "a.yml"
    f.write_text("title: Week 3\ndue: Monday 9:00\nquestions:\n  - exercise: lsh-ex-2\n    points: 3\n  - rsvd-ex-3\n")
    config = assignment.load_config(f)
    assert config["title"] == "Week 3" and config["due"] == "Monday 9:00"
    assert [(q["name"], q["exercise"], q["points"]) for q in config["questions"]] == [
        ("q1", "lsh-ex-2", 3), ("q2", "rsvd-ex-3", 1)]
    nb = assignment.master_notebook(config)
    raw = [c.source for c in nb.cells if c.cell_type == "raw"]
    assert raw[0].startswith("# ASSIGNMENT CONFIG")
    assert sum(s.startswith("# BEGIN QUESTION") for s in raw) == 2
    assert "points: [0, 3]" in raw[1]
    hidden = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("# HIDDEN")]
    assert len(hidden) == 2 and all("student_id=STUDENT_ID" in h for h in hidden)
    assert "Monday 9:00" in "".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("label", list(assignment.SOLUTIONS))
def test_reference_solutions_match_jl_lab_for_several_students(label):
    """Each reference solution (a second way where cheap) gives the variant's answer for three ids."""
    for sid in (assignment.REFERENCE_ID, *IDS):
        scope = {"np": np, "p": chk.variant(label, sid)}
        exec(assignment.SOLUTIONS[label], scope)  # noqa: S102 - our own reference code
        assert chk.check(label, scope["answer"], student_id=sid), (label, sid, scope["answer"])


# ---- the assignment, built and graded (slow) -----------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory, config):
    """``make assignment`` into a temporary folder (it grades the solutions and the blank notebook)."""
    out = tmp_path_factory.mktemp("assignment")
    assignment.build(ROOT / "assignment.yml", out)
    return out


def _notebook(built, config, sub) -> nbformat.NotebookNode:
    return nbformat.read(built / sub / f"{config['name']}.ipynb", as_version=4)


def _with(nb, sid=None, after=None, replace=None) -> nbformat.NotebookNode:
    """A copy of a notebook with another student id, an extra last cell, or one line replaced."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if sid is not None:
            cell.source = re.sub(r'^STUDENT_ID = .*$', f'STUDENT_ID = "{sid}"', cell.source, flags=re.M)
        if replace is not None:
            cell.source = cell.source.replace(*replace)
    if after is not None:
        nb.cells.append(nbformat.v4.new_code_cell(after))
    return nb


@pytest.mark.assignment
def test_build_writes_the_three_folders(built, config):
    name = config["name"]
    assert (built / "student" / f"{name}.ipynb").exists()
    assert (built / "autograder" / f"{name}-autograder.zip").exists()
    assert (built / "solutions" / f"{name}.ipynb").exists()
    assert {f.suffix for f in (built / "student").iterdir()} >= {".ipynb", ".whl", ".txt", ".md"}
    nb = _notebook(built, config, "student")
    text = "\n".join(c.source for c in nb.cells)
    assert 'STUDENT_ID = ""' in text and 'NAME = ""' in text
    for q in config["questions"]:
        assert f'grader.check("{q["name"]}")' in text
        assert f"{q['name']}_answer = ..." in text
    assert "Hand in" in text and config["due"] in text
    sol = "\n".join(c.source for c in _notebook(built, config, "solutions").cells)
    assert all(f"{q['name']}_answer = answer" in sol for q in config["questions"])


@pytest.mark.assignment
def test_no_solution_and_no_hidden_test_reaches_students(built, config):
    hidden = assignment._hidden_test_sources(config)
    solution_lines = {line.strip() for code in assignment.SOLUTIONS.values() for line in code.splitlines()
                      if len(line.strip()) > 25 and not line.startswith(("from ", "import "))}
    texts = {}
    for f in (built / "student").rglob("*"):
        if f.suffix == ".whl":
            with zipfile.ZipFile(f) as z:
                names = z.namelist()
                assert not [n for n in names if n.endswith("exercises.py")], "computing functions in the wheel"
                texts.update({f"{f.name}/{n}": z.read(n).decode(errors="replace") for n in names})
        elif f.is_file():
            texts[str(f)] = f.read_text(errors="replace")
    assert texts
    for where, text in texts.items():
        assert "# HIDDEN" not in text and "student_id=STUDENT_ID" not in text, where
        for h in hidden:
            assert h not in text, where
        leaked = [line for line in solution_lines if line in text]
        assert not leaked, f"{where}: solution code {leaked[:2]}"
    # ... but the autograder has them
    with zipfile.ZipFile(next((built / "autograder").glob("*.zip"))) as z:
        everything = "".join(z.read(n).decode(errors="replace") for n in z.namelist() if n.endswith((".py", ".ipynb", ".json")))
    assert "student_id=STUDENT_ID" in everything


@pytest.mark.assignment
def test_grading_one_wrong_answer_two_students_and_a_swapped_id(built, config, tmp_path):
    """make grade on a folder: one wrong answer costs exactly its question; each student is graded on
    their own numbers; answers handed in under another id lose the questions whose numbers differ."""
    sol = _notebook(built, config, "solutions")
    subs = tmp_path / "submissions"
    subs.mkdir()
    wrong_q = config["questions"][2]  # an integer tuple question
    nbformat.write(_with(sol, sid=IDS[0], replace=(f"{wrong_q['name']}_answer = answer",
                                                   f"{wrong_q['name']}_answer = tuple(a + 7 for a in answer)")),
                   subs / "a-one-wrong.ipynb")
    nbformat.write(_with(sol, sid=IDS[1]), subs / "b-second-student.ipynb")
    buf = io.StringIO()
    nbformat.write(_with(sol, sid=IDS[0]), buf)
    with zipfile.ZipFile(subs / "c-first-student-export.zip", "w") as z:
        z.writestr(f"{config['name']}.ipynb", buf.getvalue())
        z.writestr(".OTTER_LOG", "")
    nbformat.write(_with(sol, sid=IDS[0], after=f'STUDENT_ID = "{IDS[1]}"'), subs / "d-swapped-id.ipynb")
    (subs / "notes.txt").write_text("not a submission")

    target = assignment.grade(subs, built)
    assert target == built / "grades.csv"
    with target.open() as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    questions = [q["name"] for q in config["questions"]]
    points = {q["name"]: float(q["points"]) for q in config["questions"]}
    with target.open() as fh:
        header = next(csv.reader(fh))
    assert header == ["submission", "student_id", "name", *questions, "total"]
    assert set(rows) == {"a-one-wrong.ipynb", "b-second-student.ipynb", "c-first-student-export.zip", "d-swapped-id.ipynb"}
    for name, row in rows.items():
        assert float(row["total"]) == pytest.approx(sum(float(row[q]) for q in questions)), name

    one_wrong = rows["a-one-wrong.ipynb"]
    assert one_wrong["student_id"] == IDS[0]
    for q in questions:
        assert float(one_wrong[q]) == (0.0 if q == wrong_q["name"] else points[q]), q
    for sub, sid in (("b-second-student.ipynb", IDS[1]), ("c-first-student-export.zip", IDS[0])):
        assert rows[sub]["student_id"] == sid and rows[sub]["name"] == "Reference solution"
        assert float(rows[sub]["total"]) == sum(points.values()), rows[sub]

    differ = [q["name"] for q in config["questions"]
              if chk.expected(q["exercise"], IDS[0]) != chk.expected(q["exercise"], IDS[1])]
    assert len(differ) >= len(questions) // 2, "the two ids should mostly get different numbers"
    swapped = rows["d-swapped-id.ipynb"]
    for q in questions:
        assert float(swapped[q]) == (0.0 if q in differ else points[q]), q
