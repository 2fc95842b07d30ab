"""What readers see of a page's code: the cells that teach, not the bookkeeping.

The developers' guide: "Readers see the code that teaches; bookkeeping (``glue`` calls) stays out of
their sight."  A ``glue(...)`` call belongs in a cell tagged ``remove-input`` (or ``remove-cell``);
``pages.glue_all`` does a page's gluing in one such cell.  Checked on the MyST sources (fast, no build).
"""

from __future__ import annotations

import ast
import re

import pytest

import myst  # tools/ is on the test path (pyproject.toml)

PAGES = sorted((myst.ROOT / "book").glob("*.md"))
GLUE = {"glue", "glue_all"}
HIDDEN = re.compile(r"\b(remove-input|remove-cell)\b")


def _called(node) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _source(cell) -> str:
    """A cell's code, its leading ``:option:`` lines and IPython magics blanked (line numbers kept) so
    that ``ast`` can read it."""
    lines, in_options = [], True
    for line in cell.lines[1:-1]:
        in_options = in_options and line.startswith(":")
        lines.append("" if in_options or line.lstrip().startswith(("%", "!")) else line)
    return "\n".join(lines)


def glue_wrappers(cells) -> set[str]:
    """``glue`` and the page's own functions that call it (``def gl(key, value): glue(key, value, ...)``)."""
    names = set(GLUE)
    trees = [ast.parse(_source(c)) for c in cells]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for fn in ast.walk(tree):
                if isinstance(fn, ast.FunctionDef) and fn.name not in names and any(
                        isinstance(n, ast.Call) and _called(n) in names for n in ast.walk(fn)):
                    names.add(fn.name)
                    grew = True
    return names


def visible_glue_calls(text: str) -> list[str]:
    """``line: code`` of every glue call (or call of a page function that glues) in a code cell whose
    input the built page shows."""
    cells = myst.directives(text, {"code-cell"}, nested=False)
    names = glue_wrappers(cells)
    found = []
    for cell in cells:
        if HIDDEN.search(cell.options.get("tags", "")):
            continue
        lines = _source(cell).split("\n")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Call) and _called(node) in names:
                k = node.lineno  # 1-based within the cell body; the body starts on the line after the fence
                found.append(f"{cell.start + 1 + k}: {lines[k - 1].strip()[:90]}")
    return found


def test_the_check_finds_a_visible_glue_call_and_ignores_a_hidden_one():
    shown = "```{code-cell} ipython3\nx = 1\nglue('x', x, display=False)\n```\n"
    hidden = "```{code-cell} ipython3\n:tags: [remove-input]\nglue('x', x, display=False)\n```\n"
    imported = "```{code-cell} ipython3\nfrom myst_nb import glue  # glue( in a comment\n```\n"
    wrapper = ("```{code-cell} ipython3\n:tags: [remove-input]\ndef gl(k, v):\n    glue(k, v, display=False)\n```\n\n"
               "```{code-cell} ipython3\ny = 2\ngl('y', y)\n```\n")
    assert visible_glue_calls(shown) == ["3: glue('x', x, display=False)"]
    assert visible_glue_calls(hidden) == [] and visible_glue_calls(imported) == []
    assert visible_glue_calls(wrapper) == ["9: gl('y', y)"]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_no_glue_call_in_a_cell_readers_see(page):
    found = visible_glue_calls(page.read_text())
    assert not found, f"{page.name}: glue calls shown to readers (move them to a remove-input cell):\n" + "\n".join(found)
