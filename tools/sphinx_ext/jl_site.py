"""Sphinx extension of jl-lab: three fixes so that every page reads cleanly, offline or not.

Registered in _config.yml (``sphinx: local_extensions``).  The browser test (tests/test_browser.py)
fails on any console error or raw TeX, and each of these showed up on pages of the book:

* The theme's light/dark mode: pydata-sphinx-theme logs ``Got invalid theme mode: .`` for a reader
  who has never chosen a mode, unless ``html_context["default_mode"]`` is set (the theme's documented
  way).  It is set to ``auto`` (follow the reader's system), unless the configuration already sets it.
* sphinx-thebe registers an inline ``<script>const THEBE_JS_URL = ...</script>`` after the HTML
  builder started; Sphinx 7.4 then writes it twice into every page (once as registered, once when
  it prepares writing, as a different object), and the second copy throws ``SyntaxError:
  Identifier 'THEBE_JS_URL' has already been declared``.  Identical scripts are kept once.
* MathJax on every page: Sphinx loads it only on pages that contain math, but the navigation
  sidebar of every page shows the chapter titles, one of which has a formula; on a page without math
  (the glossary, say) that title stayed raw TeX, ``\\(n > 8.33 \\log N\\)``.  The HTML assets policy
  "always" makes Sphinx load MathJax (served from the site, see _config.yml) on every page.

It also adds the book's reader stylesheet and script (``static/jl-readers.css`` and ``.js``): display
equations that never overflow their column on a phone (a long one scrolls, with a visible cue), code
that wraps, figures that open at full size when tapped, frame-slider captions legible in dark mode,
and a print layout (collapsed boxes opened, one frame per slider with a note) used by ``make pdf``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"


def _default_mode(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _script_key(js) -> tuple:
    attributes = getattr(js, "attributes", {}) or {}
    return (getattr(js, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _dedupe_scripts(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, kept = set(), []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept


def _reader_assets(app, config) -> None:
    config.html_static_path = [*(config.html_static_path or []), str(STATIC)]


def setup(app) -> dict[str, Any]:
    app.set_html_assets_policy("always")
    app.connect("config-inited", _default_mode)
    app.connect("config-inited", _reader_assets)
    app.add_css_file("jl-readers.css")
    app.add_js_file("jl-readers.js")
    app.connect("html-page-context", _dedupe_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
