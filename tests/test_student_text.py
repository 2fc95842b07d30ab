"""What the student archive says and pins (tools/student.py), checked without building it (fast).

The pages and notebooks of the student edition mention no command that only the repository has
(``make lab``, ``make bench``, ``tools/...``) and no launch service the student site does not offer;
``requirements.txt`` of the archive is a full lock (every package the notebooks need, and everything
those need in turn, at the instructor's versions); the ``jl_lab`` wheel holds answer keys, not the
functions that compute the answers.
"""

from __future__ import annotations

import re
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
import student  # tools/ is on the test path (pyproject.toml)


@pytest.fixture(scope="module")
def student_source(tmp_path_factory):
    src = tmp_path_factory.mktemp("student-src")
    notebooks = student.write_source(student.ROOT, src)
    return src, notebooks


def test_pages_and_notebooks_mention_no_repository_command(student_source):
    src, notebooks = student_source
    found = []
    for f in sorted(src.rglob("*.md")):
        for n, line in enumerate(f.read_text().splitlines(), start=1):
            if student.REPOSITORY_ONLY.search(line):
                found.append(f"{f.relative_to(src)}:{n}: {line.strip()[:100]}")
    for page, nb in notebooks.items():
        for cell in nb.cells:
            if student.REPOSITORY_ONLY.search(cell.source):
                found.append(f"{page} notebook: {cell.source[:100]}")
    assert not found, "\n".join(found)
    # the pattern does find them in the instructor's pages (so the test looks for something real)
    instructor = "".join((ROOT / "book" / f"{p}.md").read_text() for p in ("how_to_use", "intro", "rsvd", "attention"))
    assert len(student.REPOSITORY_ONLY.findall(instructor)) >= 5


def test_intro_tells_students_how_to_run_the_notebooks(student_source):
    src, _ = student_source
    intro = (src / "book" / "intro.md").read_text()
    assert "jupyter lab notebooks" in intro and "make book" not in intro


def test_readme_mentions_no_repository_command(tmp_path):
    readme = student.student_readme(Path("jl_lab-0.1.0-py3-none-any.whl"), [("01-jl_lemma.ipynb", "The lemma")])
    assert not student.REPOSITORY_ONLY.search(readme)
    assert "pip install jl_lab-0.1.0-py3-none-any.whl -r requirements.txt" in readme


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def test_student_requirements_are_a_full_lock():
    text = student.student_requirements()
    pins = dict(line.split("==") for line in text.splitlines() if line and not line.startswith("#"))
    locked = {_canonical(n) for n in pins}
    repo = set((ROOT / "requirements.txt").read_text().splitlines())
    assert all(f"{n}=={v}" in repo for n, v in pins.items()), "every pin is the instructor's"
    assert {_canonical(p) for p in student.STUDENT_PACKAGES} <= locked
    # closed: whatever a locked package requires here is locked too, at the installed version
    for name in locked:
        dist = metadata.distribution(name)
        assert pins[next(n for n in pins if _canonical(n) == name)] == dist.version, name
        for text_req in dist.requires or []:
            req = Requirement(text_req)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                assert _canonical(req.name) in locked, f"{name} needs {req.name}, which is not pinned"
    assert {"jupyter-server", "tornado", "pyzmq", "jinja2", "contourpy"} <= locked
    assert len(locked) > 3 * len(student.STUDENT_PACKAGES)
    with_otter = student.student_requirements(extra=("otter-grader",))
    assert "otter-grader==" in with_otter and "pandas==" in with_otter


def test_wheel_holds_answer_keys_not_the_computing_functions(tmp_path):
    wheel = student.build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "jl_lab/check/answer_keys.json" in names and "jl_lab/check/engine.py" in names
        assert "jl_lab/check/exercises.py" not in names
        keys = z.read("jl_lab/check/answer_keys.json").decode()
    assert '"ok"' in keys and "def " not in keys
    assert (ROOT / "jl_lab" / "check" / "exercises.py").exists(), "the instructor's package is untouched"
    assert not (ROOT / "jl_lab" / "check" / "answer_keys.json").exists()


def test_the_student_sites_jupyterlite_gets_the_student_wheel(tmp_path):
    """tools/student.py hands its wheel builder to tools/notebooks.py; the check after the build finds a
    computing wheel."""
    import notebooks

    instructor = notebooks.build_wheel(tmp_path / "instructor")
    assert student.computing_wheels(tmp_path) == [instructor]
    (tmp_path / "instructor" / instructor.name).unlink()
    student.build_wheel(tmp_path / "student")
    assert student.computing_wheels(tmp_path) == []
    source = (ROOT / "tools" / "student.py").read_text()
    assert "site_notebooks.build_wheel = build_wheel" in source


def test_pages_send_students_to_the_route_without_solutions():
    """Outside the how-to-use page's table of commands, a page that tells readers how to run it live
    names `make lab-student` (student notebooks, no solutions), never `make lab` (the sources, solutions
    included)."""
    pages = {p.name: p.read_text() for p in sorted((ROOT / "book").glob("*.md"))}
    student_route = [name for name, text in pages.items() if "`make lab-student`" in text]
    author_route = [
        f"{name}:{n}: {line.strip()[:100]}"
        for name, text in pages.items()
        for n, line in enumerate(text.splitlines(), start=1)
        if "`make lab`" in line and not (name == "how_to_use.md" and line.startswith("|"))
        and "for authors" not in line and "solutions included" not in line
    ]
    assert not author_route, "\n".join(author_route)
    assert {"intro.md", "jl_lemma.md", "lsh.md", "rsvd.md", "cocluster.md", "attention.md"} <= set(student_route)
