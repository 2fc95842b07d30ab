"""Sphinx extension of jl-lab: a kernel-free answer box under every checkable exercise.

Registered in _config.yml (``sphinx: local_extensions``).  For every ``{exercise}`` whose label is a
checkable exercise of :mod:`jl_lab.check`, the box is appended to the exercise: one text field per
entry of the answer, a "Check" button and an ``aria-live`` verdict ("correct" or "not yet", with
what is off).  The page holds the exercise's answer key, computed here at build time
(:func:`jl_lab.check.export_keys`: salted hashes, see :mod:`jl_lab.check.engine`), never the answer;
``book/_static/jl-answer.js`` hashes what the reader types the same way and compares, in the browser,
with no kernel and no network.  The pages need no change: the exercise's label is enough.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes

STATIC = Path(__file__).resolve().parents[2] / "book" / "_static"
SCRIPT = "jl-answer.js"


def _box(label: str) -> str | None:
    from jl_lab import check

    if label not in check.EXERCISES:
        return None
    entry = check.export_keys([label])[label]
    ex = entry["exercise"]
    parts = ex["parts"] or ["your answer"]
    kind = "an integer" if ex["integer"] else "a number"
    if ex["allow_none"]:
        kind += " (or None)"
    fields = "".join(
        f'<label class="jl-answer-part">{html.escape(name)} '
        f'<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" size="10" '
        f'aria-label="{html.escape(f"{label}, {name}: {kind}")}"></label> '
        for name in parts
    )
    return (
        f'<form class="jl-answer" data-label="{html.escape(label)}" '
        f'data-key="{html.escape(json.dumps(entry["key"], separators=(",", ":")))}" '
        f'data-part-names="{html.escape(json.dumps(parts))}" novalidate>'
        f'<span class="jl-answer-title">Check your answer here ({html.escape(kind)} per field; '
        f'nothing is sent anywhere):</span> {fields}'
        f'<button type="submit">Check</button> '
        f'<output class="jl-answer-verdict" aria-live="polite"></output></form>'
    )


def _add_boxes(app, doctree) -> None:
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

    for node in list(doctree.findall(lambda n: isinstance(n, (exercise_node, exercise_enumerable_node)))):
        label = node.get("label", "")
        box = _box(label) if label else None
        if box:
            node += nodes.raw("", box, format="html")


def _static_path(app) -> None:
    if str(STATIC) not in [str(Path(app.confdir, p).resolve()) for p in app.config.html_static_path]:
        app.config.html_static_path.append(str(STATIC))


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", _static_path)
    app.connect("doctree-read", _add_boxes)
    app.add_js_file(SCRIPT, loading_method="defer")
    app.add_css_file("jl-answer.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
