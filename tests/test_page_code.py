"""What readers see of a page's code: the cells that teach, not the bookkeeping.

The developers' guide: "Readers see the code that teaches; bookkeeping (``glue`` calls) stays out of
their sight."  A ``glue(...)`` call belongs in a cell tagged ``remove-input`` (or ``remove-cell``);
``pages.glue_all`` does a page's gluing in one such cell.  Checked on the MyST sources (fast, no build).
"""

from __future__ import annotations

import re

import pytest

import myst  # tools/ is on the test path (pyproject.toml)

PAGES = sorted((myst.ROOT / "book").glob("*.md"))
GLUE_CALL = re.compile(r"(?<![\w.])(?:glue|glue_all|pages\.glue_all)\s*\(")
HIDDEN = re.compile(r"\b(remove-input|remove-cell)\b")


def visible_glue_calls(text: str) -> list[str]:
    """``line: code`` of every glue call in a code cell whose input the built page shows."""
    found = []
    for cell in myst.directives(text, {"code-cell"}, nested=False):
        if HIDDEN.search(cell.options.get("tags", "")):
            continue
        for k, line in enumerate(cell.lines[1:-1], start=cell.start + 2):
            if GLUE_CALL.search(line.split("#", 1)[0]):
                found.append(f"{k}: {line.strip()[:90]}")
    return found


def test_the_check_finds_a_visible_glue_call_and_ignores_a_hidden_one():
    shown = "```{code-cell} ipython3\nx = 1\nglue('x', x, display=False)\n```\n"
    hidden = "```{code-cell} ipython3\n:tags: [remove-input]\nglue('x', x, display=False)\n```\n"
    imported = "```{code-cell} ipython3\nfrom myst_nb import glue  # glue( in a comment\n```\n"
    assert visible_glue_calls(shown) == ["3: glue('x', x, display=False)"]
    assert visible_glue_calls(hidden) == [] and visible_glue_calls(imported) == []


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_no_glue_call_in_a_cell_readers_see(page):
    found = visible_glue_calls(page.read_text())
    assert not found, f"{page.name}: glue calls shown to readers (move them to a remove-input cell):\n" + "\n".join(found)
