"""A chapter run as a student runs it, in headless Chromium with the outside network refused.

* JupyterLab (the route of ``make lab-student``: the student edition's notebooks, started here with
  ``tools/lab_server.py`` on a copy of them): two chapters open with their Markdown rendered as the
  book reads, "Exercise N.k" headings followed by answer cells, glued numbers as numbers (the values the
  student site shows), typeset math, no MyST syntax, no solution.
* JupyterLite (the site's ``lite/``): a chapter opens rendered the same way; when a cell is run and the
  Pyodide runtime cannot be fetched (its CDN is refused here), a message says within 15 s that the
  in-browser kernel needs to download Python once from the internet and what to do offline.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from lab_server import lab_server  # noqa: E402  (tools/lab_server.py)

pytestmark = pytest.mark.book

BUILD = ROOT / "_build"
STUDENT = BUILD / "student"
MYST = re.compile(r"\{(glue|numref|eq|cite|prf:|term|doc|ref|exercise|solution)[^}]*\}|^:(label|class):", re.M)
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def pasted_values(html_file: Path) -> list[str]:
    """The glued values a page of the site shows outside its solutions (MyST-NB's pasted-text spans)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_file.read_text(), "html.parser")
    for hidden in soup.select(".solution"):  # the notebooks a reader runs hold no solution
        hidden.decompose()
    values = {span.get_text() for span in soup.select("span.pasted-text")}
    return sorted((v for v in values if re.search(r"\d", v)), key=len, reverse=True)


def rendered_markdown(page) -> str:
    return "\n".join(page.locator(f"{NOTEBOOK} .jp-MarkdownCell .jp-RenderedMarkdown").all_text_contents())


def exercise_headings(page) -> list[str]:
    texts = page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown h3").all_text_contents()
    return [t.replace("\u00b6", "").strip() for t in texts if t.strip().startswith("Exercise")]


@pytest.fixture(scope="module")
def student_lab(student_build, tmp_path_factory):
    """JupyterLab on a copy of the student notebooks (what ``make lab-student`` opens)."""
    assert student_build.returncode == 0, student_build.stdout[-3000:]
    work = tmp_path_factory.mktemp("student-work")
    for nb in (STUDENT / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, work / nb.name)
    with lab_server(work, log=tmp_path_factory.mktemp("lab-log") / "jupyter.log") as lab:
        yield lab


@pytest.mark.parametrize("index, name", [(1, "jl_lemma"), (4, "rsvd")])
def test_student_chapter_reads_like_the_book_in_jupyterlab(student_lab, offline_page, index, name):
    page = offline_page
    page.set_default_timeout(60_000)
    page.goto(student_lab.url(f"lab/tree/{index:02d}-{name}.ipynb"), wait_until="load")
    page.wait_for_selector(f"{NOTEBOOK} .jp-RenderedMarkdown h1")
    page.wait_for_function(
        "n => [...document.querySelectorAll('.jp-RenderedMarkdown h3')].some(h => h.textContent.startsWith(n))",
        arg=f"Exercise {index}.1",
    )
    text = rendered_markdown(page)
    assert not MYST.search(text), f"MyST syntax rendered in JupyterLab: {MYST.search(text).group(0)!r}"
    assert "Solution to" not in text
    headings = exercise_headings(page)
    assert headings[:3] == [f"Exercise {index}.{k}" for k in (1, 2, 3)], headings
    # glued numbers: the values the student site shows for this chapter are in the rendered text
    values = pasted_values(STUDENT / "_build" / "html" / "book" / f"{name}.html")
    assert values and sum(v in text for v in values) >= 0.9 * len(values), [v for v in values if v not in text][:5]
    # math typeset by JupyterLab's MathJax (not left as $...$), equation numbers shown
    page.wait_for_selector(f"{NOTEBOOK} .jp-RenderedMarkdown mjx-container", state="attached")
    assert page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown mjx-container").count() > 10
    # the answer cells: after each exercise heading's cell comes a code or a Markdown answer cell
    cells = page.locator(f"{NOTEBOOK} .jp-Cell")
    kinds = cells.evaluate_all(
        "cs => cs.map(c => [c.classList.contains('jp-CodeCell') ? 'code' : 'markdown',"
        " (c.querySelector('h3') || {}).textContent || '', c.textContent.includes('# your code here'),"
        " c.textContent.includes('Your answer')])"
    )
    after = [kinds[i + 1] for i, k in enumerate(kinds[:-1]) if k[1].startswith("Exercise")]
    assert after and all(code or answer for _, _, code, answer in after), after


def test_lite_chapter_reads_like_the_book_and_explains_a_missing_kernel(build, serve_directory, offline_page,
                                                                       browser_log):  # fmt: skip
    """JupyterLite with the outside network refused: rendered chapter, then a message about the kernel."""
    page = offline_page
    page.set_default_timeout(60_000)
    url = serve_directory(BUILD / "html")
    page.goto(f"{url}lite/lab/index.html?path=lsh.ipynb", wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-RenderedMarkdown h3')].some(h => h.textContent.startsWith('Exercise'))"
    )
    text = rendered_markdown(page)
    assert not MYST.search(text), f"MyST syntax rendered in JupyterLite: {MYST.search(text).group(0)!r}"
    headings = exercise_headings(page)
    assert len(headings) >= 3 and all(re.fullmatch(r"Exercise \d+\.\d+", h) for h in headings), headings
    values = pasted_values(BUILD / "html" / "book" / "lsh.html")
    assert values and sum(v in text for v in values) >= 0.9 * len(values)
    # run the first code cell (the set-up cell); the kernel cannot start without Pyodide's runtime
    page.locator(f"{NOTEBOOK} .jp-CodeCell").first.click()
    page.keyboard.press("Shift+Enter")
    message = page.locator("#jl-kernel-help")
    message.wait_for(state="visible", timeout=15_000)
    said = message.inner_text()
    assert "download Python" in said and "internet" in said, said
    assert "student edition" in said and "make lab-student" in said, said
    assert any(u.startswith("https://cdn.jsdelivr.net/pyodide/") for u in browser_log.blocked)
    # the message can be closed
    page.get_by_role("button", name="Close this message").click()
    message.wait_for(state="detached")
