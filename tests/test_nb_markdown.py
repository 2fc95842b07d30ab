"""Readable notebooks: plain Jupyter Markdown wherever a reader or a student runs a chapter.

The unit tests convert small synthetic cells with tools/nb_markdown.py.  The book tests check every
notebook a reader can get: the site's downloads (``_build/html/notebooks``), the JupyterLite files
(``_build/html/lite/files``), and the student edition's notebooks and site (``make student``), with a
detector of MyST syntax written here independently of the converter: any role, directive fence,
``:option:`` line, ``(target)=`` line, MyST comment or ``{glue`` left in a Markdown cell fails.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nb_markdown  # noqa: E402  (tools/nb_markdown.py)
from myst import chapters, toc_pages  # noqa: E402,F401  (the page model)

BUILD = ROOT / "_build"
STUDENT = BUILD / "student"


# ---- a detector of MyST syntax, independent of the converter --------------------------------------

CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
ROLE_OR_CODE = re.compile(r"\{[A-Za-z][\w:.+-]*\}`|(?P<code>(`+).+?\2)", re.S)


def myst_leftovers(text: str) -> list[str]:
    """The MyST syntax left in one Markdown cell (empty when it is plain Jupyter Markdown)."""
    found, kept, lines, i = [], [], text.split("\n"), 0
    while i < len(lines):
        m = CODE_FENCE.match(lines[i])
        if m:
            if m.group(2).strip().startswith("{") or m.group(1)[0] == ":":
                found.append(f"directive fence: {lines[i]}")
            fence = m.group(1)
            j = i + 1
            while j < len(lines) and not re.fullmatch(re.escape(fence[0]) + "{%d,}" % len(fence), lines[j].strip()):
                j += 1
            i = j + 1  # a code block: its content is code, not Markdown
            continue
        kept.append(lines[i])
        i += 1
    prose = "\n".join(kept)
    for m in ROLE_OR_CODE.finditer(prose):
        if m.group("code") is None:
            found.append(f"role: {prose[max(0, m.start() - 30) : m.end() + 40]!r}")
    for line in kept:
        if re.match(r"^:[\w-]+:(\s|$)", line):
            found.append(f"option line: {line}")
        if re.match(r"^\([^()\s]+\)=\s*$", line):
            found.append(f"target: {line}")
        if re.match(r"^%", line):
            found.append(f"MyST comment: {line}")
    if "{glue" in prose:
        found.append("a {glue...} placeholder")
    return found


def test_detector_finds_myst_and_spares_plain_markdown():
    assert myst_leftovers("A number {glue:text}`x:.2f` here.")
    assert myst_leftovers("See {numref}`fig-a`.")
    assert myst_leftovers("```{exercise}\n:label: a-ex-1\nDo it.\n```")
    assert myst_leftovers(":::{note}\nHi\n:::")
    assert myst_leftovers("Text\n:label: x\n")
    assert myst_leftovers("(my-target)=\n# Title")
    assert myst_leftovers("% a comment\nText")
    plain = "Code `check(\"a\", answer)` and `{exercise}` in backticks.\n\n```python\n:label: in code\n```\n$x$"
    assert myst_leftovers(plain) == []


# ---- the converter on synthetic cells ----------------------------------------------------------------

REFS = {
    "site_url": "https://example.org/book/",
    "numfig_format": {"figure": "Fig. %s", "exercise": "Exercise %s", "theorem": "theorem %s"},
    "math_eqref_format": "({number})",
    "docs": {
        "book/ch": {"title": "A chapter", "url": "book/ch.html", "number": "2"},
        "book/glossary": {"title": "Glossary", "url": "book/glossary.html", "number": ""},
        "book/references": {"title": "References", "url": "book/references.html", "number": ""},
    },
    "labels": {"sec-a": {"doc": "book/ch", "id": "sec-a", "title": "A section"}},
    "numbers": {
        "fig-a": {"doc": "book/ch", "type": "figure", "number": "2.1"},
        "ch-ex-1": {"doc": "book/ch", "type": "exercise", "number": "2.3"},
        "thm-a": {"doc": "book/ch", "type": "theorem", "number": "2.1"},
        "equation-eq-a": {"doc": "book/ch", "type": "displaymath", "number": "2.4"},
    },
    "terms": {"distortion": {"doc": "book/glossary", "id": "term-distortion"}},
    "citations": {"su2021": {"p": "[Su, 2021]", "t": "Su [2021]", "url": "book/references.html#id3"}},
}
GLUE = {
    "x": {"data": {"text/plain": "0.123456"}},
    "n": {"data": {"text/plain": "4891"}},
    "verdict": {"data": {"text/markdown": "**about 52**", "text/plain": "'about 52'"}},
}


def convert(text: str, solutions: str = "details") -> str:
    return nb_markdown.Converter(REFS, "book/ch", GLUE, solutions=solutions).convert(text)


def test_glued_values_become_the_numbers_the_site_shows():
    out = convert("eps {glue:text}`x:.2f`, n = {glue:text}`n`, {glue:md}`verdict`, raw {glue:text}`x`.")
    assert out == "eps 0.12, n = 4891, **about 52**, raw 0.123456."


def test_references_become_numbers_and_citations_author_year_links():
    out = convert("{numref}`fig-a`, {numref}`Figure %s <fig-a>`, {eq}`eq-a`, {prf:ref}`thm-a`, {ref}`sec-a`.")
    assert out == "Fig. 2.1, Figure 2.1, (2.4), Theorem 2.1, A section."
    out = convert("As {cite}`su2021` shows; {cite:t}`su2021` says.")
    assert out == (
        "As \\[[Su, 2021](https://example.org/book/book/references.html#id3)\\] shows; "
        "[Su [2021]](https://example.org/book/book/references.html#id3) says."
    )
    assert convert("{term}`the distortion <distortion>`") == (
        "[the distortion](https://example.org/book/book/glossary.html#term-distortion)"
    )
    assert convert("{doc}`glossary`") == "[Glossary](https://example.org/book/book/glossary.html)"


def test_theorems_exercises_solutions_equations_and_figures():
    cell = (
        "```{prf:theorem} Johnson–Lindenstrauss\n:label: thm-a\n\nLet $n > 24\\log N/\\varepsilon^2$.\n```\n\n"
        "```{prf:proof}\nA union bound.\n```\n\n"
        "```{math}\n:label: eq-a\nP(X) \\le 2e^{-n}\n```\n\n"
        "$$a = b$$ (eq-a)\n\n"
        "% an author's comment\n(sec-a)=\n## Exercises\n\n"
        "````{exercise}\n:label: ch-ex-1\nCompute {glue:text}`n`.\n\n```python\nx = 1\n```\n````\n\n"
        "```{solution} ch-ex-1\n:class: dropdown\nThe answer.\n```"
    )
    out = convert(cell)
    assert myst_leftovers(out) == []
    assert "**Theorem 2.1 (Johnson–Lindenstrauss).** Let $n > 24\\log N/\\varepsilon^2$." in out
    assert "*Proof.* A union bound. $\\square$" in out
    assert "$$\nP(X) \\le 2e^{-n} \\tag{2.4}\n$$" in out and "$$a = b \\tag{2.4}$$" in out
    assert "### Exercise 2.3\n\nCompute 4891.\n\n```python\nx = 1\n```" in out
    assert "<details>\n<summary><b>Solution to Exercise 2.3</b>" in out and "The answer." in out
    assert "comment" not in out and "(sec-a)=" not in out
    dropped = convert(cell, solutions="drop")
    assert "The answer" not in dropped and "Solution" not in dropped
    nb = nbformat.v4.new_notebook()
    fig = nbformat.v4.new_code_cell("plot()", metadata={"mystnb": {"figure": {"caption": "Tail {eq}`eq-a`.",
                                                                              "name": "fig-a"}}})
    nb.cells = [nbformat.v4.new_markdown_cell("See {numref}`fig-a`."), fig]
    out_nb = nb_markdown.convert_notebook(nb, REFS, "book/ch", glue=GLUE)
    assert [c.source for c in out_nb.cells] == ["See Fig. 2.1.", "plot()", "**Fig. 2.1.** Tail (2.4)."]
    assert nb_markdown.CAPTION_TAG in out_nb.cells[2].metadata["tags"]
    assert nb.cells[0].source == "See {numref}`fig-a`."  # the input notebook is not changed


def test_an_unresolved_glue_key_or_label_is_an_error_not_a_placeholder():
    with pytest.raises(nb_markdown.ConversionError, match="missing"):
        convert("{glue:text}`missing`")
    with pytest.raises(nb_markdown.ConversionError, match="fig-none"):
        convert("{numref}`fig-none`")
    with pytest.raises(nb_markdown.ConversionError, match="nobody"):
        convert("{cite}`nobody`")


# ---- every notebook a reader or student gets (after make book / make student) ----------------------


def chapter_names() -> list[str]:
    return [Path(p).name for p in chapters()]  # the numbered chapters (an appendix has no numbers to show)


def check_notebooks(paths: list[Path]) -> None:
    assert paths, "no notebooks to check"
    problems = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        found = [x for c in nb.cells if c.cell_type == "markdown" for x in myst_leftovers(c.source)]
        if found:
            problems[str(path.relative_to(BUILD))] = found[:4]
    assert not problems, "MyST syntax in notebooks:\n" + json.dumps(problems, indent=1, ensure_ascii=False)


def glued_keys(name: str) -> set[str]:
    return set(re.findall(r"\{glue:(?:text|md)?\}`([^`:]+)", (ROOT / "book" / f"{name}.md").read_text()))


@pytest.mark.book
def test_book_notebooks_are_plain_markdown(build):
    names = chapter_names()
    site = [BUILD / "html" / "notebooks" / f"{n}.ipynb" for n in names]
    lite = [BUILD / "html" / "lite" / "files" / f"{n}.ipynb" for n in names]
    assert all(p.exists() for p in site + lite), [p for p in site + lite if not p.exists()]
    check_notebooks(site + lite)
    # a reader runs them to work on the exercises: no solution (the website keeps them, behind a click)
    for path in site + lite:
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if "solution" in c.metadata.get("tags", [])], path.name
        assert not any("Solution to" in c.source for c in nb.cells if c.cell_type == "markdown"), path.name


@pytest.mark.book
def test_book_notebooks_show_numbers_exercises_and_figure_captions(build):
    refs = json.loads((BUILD / nb_markdown.REFS_FILE).read_text())
    for name in chapter_names():
        nb = nbformat.read(BUILD / "html" / "notebooks" / f"{name}.ipynb", as_version=4)
        md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        source = (ROOT / "book" / f"{name}.md").read_text()
        chapter = refs["docs"][f"book/{name}"]["number"]
        n_ex = len(re.findall(r"^(`{3,}|:{3,})\{exercise\}", source, flags=re.M))
        headings = re.findall(rf"^### Exercise {re.escape(chapter)}\.(\d+)", md, flags=re.M)
        assert headings == [str(k) for k in range(1, n_ex + 1)], (name, headings)
        figures = [c for c in nb.cells if c.cell_type == "code" and (c.metadata.get("mystnb") or {}).get("figure")]
        captions = [c for c in nb.cells if nb_markdown.CAPTION_TAG in c.metadata.get("tags", [])]
        assert len(captions) == len(figures)
        assert all(re.match(rf"\*\*Fig\. {re.escape(chapter)}\.\d+\.\*\* \S", c.source) for c in captions)
        # every glued value appears as the site shows it: the site's pasted text is in the notebook
        soup = BeautifulSoup((BUILD / "html" / "book" / f"{name}.html").read_text(), "html.parser")
        for solution in soup.select(".solution"):  # dropped from the notebooks a reader runs
            solution.decompose()
        pasted = {span.get_text() for span in soup.select("span.pasted-text")}
        assert glued_keys(name) and pasted, name
        missing = [p for p in pasted if p not in md.replace("\n", " ") and p not in md]
        assert not missing, f"{name}: glued values of the site not in the notebook: {missing[:5]}"


@pytest.mark.book
def test_student_notebooks_are_plain_markdown(student_build):
    assert student_build.returncode == 0, student_build.stdout[-3000:]
    names = chapter_names()
    notebooks = sorted((STUDENT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == len(names)
    site = [STUDENT / "_build" / "html" / "notebooks" / f"{n}.ipynb" for n in names]
    lite = [STUDENT / "_build" / "html" / "lite" / "files" / f"{n}.ipynb" for n in names]
    check_notebooks(notebooks + site + lite)
    for path in notebooks:
        md = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        assert re.search(r"^### Exercise \d+\.1$", md, flags=re.M), path.name
        assert "Solution to" not in md and "<details>" not in md, path.name
