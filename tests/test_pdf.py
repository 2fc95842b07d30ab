"""The PDF editions (``make pdf``, tools/pdf.py): the whole book and one PDF per chapter, printed from the
built site.  Read back with pypdf: every page title is there, nothing of the MyST source or the website's
controls leaked into the text, the solutions sit in the appendix (after every chapter) and at the end of
each chapter's own PDF, and the page counts add up.  The student edition's PDF is checked when
``make student`` has built its site (otherwise that one test is skipped)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from myst import chapters, toc_pages  # tools/ is on the test path (pyproject)

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "pdf"
HTML = ROOT / "_build" / "html"

pytestmark = pytest.mark.book

# MyST or LaTeX source that must never reach a reader; the website's click-to-open controls
# (the how-to page names the {exercise} and {solution} directives on purpose, in code)
RAW = re.compile(r"\{(glue|glue:text|cite|eq|term|numref|ref|doc|math|code-cell)\}|```|:label:"
                 r"|\$\$|\\\(|\\\[|\\begin\{|Click to (show|hide)|(Show|Hide) code cell")


def title(page: str) -> str:
    h1 = BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser").select_one("main h1")
    return " ".join(h1.get_text(" ").replace("#", "").split())


def texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def pdfs(build):
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_book_pdf_has_every_page_in_order_and_no_raw_source(pdfs):
    pages = texts(PDF / "jl-lab.pdf")
    text = " ".join(pages)
    letters, pos = re.sub(r"[^A-Za-z]", "", text), 0
    for page in toc_pages():  # each title after the previous one (the introduction's contents name them too)
        t = title(page)
        found = letters.find(re.sub(r"[^A-Za-z]", "", t)[:30], pos)
        assert found >= 0, f"title {t!r} of {page} not in the PDF after the pages before it in _toc.yml"
        pos = found + 1
    leaks = sorted({m.group(0) for m in RAW.finditer(text)})
    assert not leaks, f"raw source or website controls in the PDF text: {leaks}"
    def letters_of(t):
        return re.sub(r"[^A-Za-z]", "", t)

    assert "Appendixsolutionstotheexercises" in letters
    first_solution = min(i for i, p in enumerate(pages) if "Solution to" in p)
    appendix = min(i for i, p in enumerate(pages) if "Appendixsolutionstotheexercises" in letters_of(p))
    assert first_solution >= appendix, f"a solution on page {first_solution + 1}, before the appendix (page {appendix + 1})"
    n_solutions = sum(len(BeautifulSoup((HTML / f"{p}.html").read_text(), "html.parser").select("main .solution"))
                      for p in toc_pages())
    assert text.count("Solution to") == n_solutions > 0
    # at least a page per page of the site, and no blank runaway (e.g. a figure split over many sheets)
    assert len(toc_pages()) + 1 <= len(pages) <= 40 * len(toc_pages()), len(pages)


def test_each_chapter_has_its_own_pdf_with_its_solutions_at_the_end(pdfs):
    total = 0
    for i, page in enumerate(chapters(), start=1):
        path = PDF / "chapters" / f"{i:02d}-{Path(page).name}.pdf"
        assert path.exists(), f"no {path}"
        pages = texts(path)
        total += len(pages)
        assert re.sub(r"[^A-Za-z]", "", title(page))[:30] in re.sub(r"[^A-Za-z]", "", pages[0] + pages[-1] + " ".join(pages))
        assert not RAW.search(" ".join(pages)), f"{path.name}: raw source in the text"
        n = len(BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser").select("main .solution"))
        assert " ".join(pages).count("Solution to") == n, f"{path.name}: {n} solutions expected"
        if n:
            exercises = [j for j, p in enumerate(pages) if "Exercise" in p and "Solution to" not in p]
            solutions = [j for j, p in enumerate(pages) if "Solution to" in p]
            assert min(solutions) >= max(j for j in exercises if j <= min(solutions)), path.name
    assert total < len(texts(PDF / "jl-lab.pdf")) + 10 * len(chapters())


def test_student_pdf_has_no_solution(build):
    site = ROOT / "_build" / "student" / "_build" / "html"
    if not (site / "index.html").exists():
        pytest.skip("no student site: `make student` builds it (then `make pdf` prints its PDF)")
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"), "--edition", "student"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = " ".join(texts(PDF / "jl-lab-student.pdf"))
    assert "Solution to" not in text and "Appendix: solutions" not in text
    assert not RAW.search(text)
