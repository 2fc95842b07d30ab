"""The browser test: every page of the built book, read offline in headless Chromium.

The site (``_build/html``) is served on 127.0.0.1 and opened in Chromium with every request outside
localhost aborted (fixtures in tests/conftest.py).  Every page of _toc.yml is read four times: on a
phone (390 CSS px) and a desktop (1400 px), each in the light and the dark colour scheme.  Each time:
no display equation is wider than its column (none scrolls sideways; jl-readers.js's scroll cue is a fallback),
no code block is cut off (desktop), every figure is drawn at twice its size on screen, a figure shown
smaller than drawn opens at full size when tapped, and axe-core (pinned, fetched from npm at test time
into _build/npm/) finds no serious or critical accessibility violation, colour contrast included;
screenshots go to ``_build/screenshots/<page>-<width>-<scheme>.png``.  For each page also: no console
error, no failed request, no outside request at all, every formula typeset by MathJax (no raw TeX
left), every image loaded; a full-page screenshot goes to ``_build/screenshots/<page>.png``.  Each chapter also
has a static frame slider (a ``div.jl-frames`` holding ``img.jl-frames-img`` and
``input.jl-frames-slider[type=range]``) that must change the picture when moved, and in the theme's
dark mode every figure must still sit on a light background (one dark screenshot is saved).  Each
page is loaded once; all its problems are reported together.  Finally a tiny book whose page embeds real widget state (an executed
``ipywidgets.IntSlider``) is built with the book's own _config.yml and must render its widget offline:
require.js and the widget manager come from the site, not from a CDN.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from myst import chapters as book_chapters  # tools/ is on the test path (pyproject)
from myst import toc_pages as toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
PAGES = toc_files()

pytestmark = pytest.mark.book


def chapters() -> list[str]:
    """The chapters of the book (tools/myst.py: the toc pages written as notebooks)."""
    return book_chapters()


# What the page looks like once its scripts ran: MathJax's first typesetting finished, every image
# loaded or failed (lazy images are made eager first).  Each returns JSON-able data to Python.
# Conditions, not sleeps: the 120 s cap only stops a page that never settles from hanging the run.
WAIT_JS = """async () => {
  const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const imgs = Array.from(document.images);
  imgs.forEach((i) => { if (i.loading === "lazy") i.loading = "eager"; });
  const loaded = Promise.all(imgs.map((i) => i.complete ? null : new Promise((resolve) => {
    i.addEventListener("load", resolve); i.addEventListener("error", resolve); })));
  const typeset = (window.MathJax && MathJax.startup && MathJax.startup.promise) || null;
  await Promise.race([Promise.all([loaded, typeset]), timeout(120000)]);
  return true;
}"""

MATH_JS = """() => {
  const root = document.body;
  const math = Array.from(root.querySelectorAll(".math"));
  // .onlyprint: the theme's print-only header, which repeats the title as plain text (without its math)
  const skip = "pre, code, kbd, script, style, textarea, template, mjx-container, .highlight, .onlyprint";
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
    n.parentElement && n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const text = [];
  while (walker.nextNode()) text.push(walker.currentNode.nodeValue);
  return {
    n_math: math.length,
    n_typeset: root.querySelectorAll("mjx-container").length,
    untypeset: math.filter((m) => !m.querySelector("mjx-container")).map((m) => m.textContent.slice(0, 80)),
    errors: Array.from(root.querySelectorAll("mjx-merror")).map((e) =>
      e.getAttribute("data-mjx-error") || e.textContent.slice(0, 80)),
    text: text.join(" "),
  };
}"""

BROKEN_IMAGES_JS = """() => Array.from(document.images)
  .filter((i) => !(i.complete && i.naturalWidth > 0))
  .map((i) => (i.getAttribute("src") || "").slice(0, 120))"""

# raw TeX that MathJax should have replaced, in any text of the page outside code (the navigation
# and link texts included): \( \) \[ \] $$, $...$ spans on one line, and commands such as \log
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s][^$\n]{0,200}?\$|\\[A-Za-z]{2,}")


def page_url(site_url: str, page: str) -> str:
    return f"{site_url}{page}.html"


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.evaluate(WAIT_JS)
    page.wait_for_load_state("networkidle")


DARK_BODY_JS = """() => {
  const c = (getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g) || []).map(Number);
  return c.length >= 3 && 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 80;
}"""


def luminance(rgb) -> float:
    r, g, b = rgb[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def check_reading(name: str, page) -> list[str]:
    """Complete: typeset, every image loaded; saves the full-page screenshot.  (What the browser log
    recorded, outside requests included, is checked by the test itself.)"""
    problems = []
    math = page.evaluate(MATH_JS)
    broken = page.evaluate(BROKEN_IMAGES_JS)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{Path(name).name}.png"), full_page=True)
    if broken:
        problems.append(f"images that did not load: {broken}")
    if math["untypeset"] or math["n_typeset"] < math["n_math"]:
        problems.append(f"formulas left as TeX ({math['n_typeset']} typeset of {math['n_math']}): {math['untypeset'][:5]}")
    if math["errors"]:
        problems.append(f"MathJax errors: {math['errors'][:5]}")
    raw = RAW_TEX.findall(math["text"])
    if raw:
        problems.append(f"raw TeX in the text: {raw[:5]}")
    source = (ROOT / f"{name}.md").read_text()
    if re.search(r"\$[^$\n]+\$|\{math\}", source) and math["n_typeset"] == 0:
        problems.append("the source has math but the page shows none typeset")
    if ":mystnb:" in source and not page.locator("main img").count():
        problems.append("a page with figures shows no image")
    return problems


def check_frame_sliders(name: str, page) -> list[str]:
    """Every static frame slider (div.jl-frames) shows another, loaded frame when moved by keyboard."""
    problems = []
    containers = page.locator("main div.jl-frames")
    if containers.count() == 0:
        return ["no frame slider (div.jl-frames holding img.jl-frames-img and input.jl-frames-slider)"]
    for i in range(containers.count()):
        box = containers.nth(i)
        img, slider = box.locator("img.jl-frames-img").first, box.locator("input.jl-frames-slider[type=range]").first
        if not (img.count() and slider.count()):
            problems.append(f"frame slider {i} lacks its img.jl-frames-img or its input[type=range]")
            continue
        slider.scroll_into_view_if_needed()
        before = img.get_attribute("src")
        at_max = slider.evaluate("(s) => Number(s.value) >= Number(s.max)")
        slider.focus()
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        try:
            page.wait_for_function(
                "([img, before]) => img.getAttribute('src') !== before", arg=[img.element_handle(), before], timeout=60_000
            )
        except Exception:  # playwright's TimeoutError
            problems.append(f"moving frame slider {i} did not change its image")
            continue
        img.evaluate("(i) => i.complete ? true : new Promise((r) => { i.onload = r; i.onerror = r; })")
        if not img.evaluate("(i) => i.naturalWidth > 0"):
            problems.append(f"frame slider {i} shows a broken image after moving")
    return problems


def check_dark_mode(name: str, page, screenshot: bool) -> list[str]:
    """Dark theme: the page turns dark and each output figure keeps a light background."""
    from PIL import Image

    if page.evaluate("() => document.documentElement.dataset.theme") != "dark":
        page.evaluate("() => { const d = document.documentElement.dataset; d.theme = 'dark'; d.mode = 'dark'; }")
    try:  # the condition itself, not a fixed pause: the theme's stylesheet has switched the body
        page.wait_for_function(DARK_BODY_JS, timeout=60_000)
    except Exception:  # playwright's TimeoutError; reported below with the colour found
        pass
    body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    if luminance([float(v) for v in re.findall(r"[\d.]+", body)[:3]]) >= 80:
        return [f"the dark theme did not switch (body background {body})"]
    if screenshot:
        page.screenshot(path=str(SHOTS / f"{Path(name).name}-dark.png"), full_page=True)
    problems = []
    figures = page.locator("main div.cell_output img, main img.jl-frames-img")
    for i in range(figures.count()):
        img = figures.nth(i)
        img.scroll_into_view_if_needed()
        shot = Image.open(io.BytesIO(img.screenshot())).convert("RGBA")
        w, h = shot.size
        inset = 12  # past the theme's 0.5rem padding, inside the figure's own margin
        corners = [shot.getpixel((x, y)) for x in (inset, w - 1 - inset) for y in (inset, h - 1 - inset)]
        if min(luminance(c) for c in corners) < 170:
            problems.append(f"figure {(img.get_attribute('alt') or '')[:50]!r} on a dark background: {corners}")
    return problems


# The screens and colour schemes every page is read in: a phone (390 CSS px, the width of a current
# iPhone) and a desktop (1400 px), each in the light and the dark theme (the reader's system setting:
# the theme's default mode is "auto").
# (1100 px high: the tallest figure, 914 px, fits, so that an element screenshot of it is whole)
MODES = [(390, 844, "light"), (390, 844, "dark"), (1400, 1100, "light"), (1400, 1100, "dark")]

# Geometry of what a reader sees, measured in the page: display equations against their column, code
# blocks that scroll (a line cut off), figures' pixels against their size on screen, and whether a
# figure shown smaller than it was drawn can be opened at full size (class jl-zoomable, jl-readers.js).
LAYOUT_JS = """() => {
  const column = (el) => (el.closest("article") || el.closest("main") || document.body).getBoundingClientRect();
  const equations = Array.from(document.querySelectorAll('main mjx-container[display="true"]')).map((m) => {
    const r = m.getBoundingClientRect(), c = column(m);
    const scrolls = m.scrollWidth > m.clientWidth + 1;
    const note = m.nextElementSibling;
    return {tex: (m.closest(".math") || m).getAttribute("id") || m.textContent.slice(0, 40),
            left: r.left, right: r.right, col_left: c.left, col_right: c.right, visible: r.width > 0,
            scrolls, cue: m.classList.contains("jl-scrolls") && !!note && note.classList.contains("jl-scroll-note")};
  });
  const code = Array.from(document.querySelectorAll("main div.highlight pre")).filter((p) => p.offsetParent !== null)
    .filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent.split("\\n")[0].slice(0, 60));
  const figures = Array.from(document.querySelectorAll("main div.cell_output img, main img.jl-frames-img"))
    .filter((i) => i.offsetParent !== null && i.clientWidth > 0).map((i) => ({
      alt: (i.alt || "").slice(0, 50), svg: /\\.svg($|\\?)|^data:image\\/svg/.test(i.currentSrc || i.src),
      natural: i.naturalWidth, shown: i.clientWidth,
      intended: parseFloat(i.style.width) || parseFloat(i.getAttribute("width")) || i.naturalWidth, zoomable: i.classList.contains("jl-zoomable")}));
  // contrast of each frame slider's caption and value against what is really behind them
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => { const v = rgb(c).slice(0, 3).map((x) => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
    const a = rgb(c); if (a.length >= 3 && (a.length < 4 || a[3] > 0.5)) return c; } return "rgb(255, 255, 255)"; };
  const captions = Array.from(document.querySelectorAll("main div.jl-frames :is(.caption-text, .jl-frames-value)"))
    .map((t) => { const f = lum(getComputedStyle(t).color), b = lum(behind(t));
      return {text: t.textContent.slice(0, 40), ratio: (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05)}; });
  return {equations, code, figures, captions, page_width: document.documentElement.scrollWidth,
          viewport: window.innerWidth};
}"""


def check_layout(page, width: int) -> list[str]:
    """Equations within their column (none wider than it, so none scrolls), no code cut off, every
    figure drawn at twice its on-screen size (or SVG), and one shown smaller than drawn can be enlarged."""
    problems = []
    got = page.evaluate(LAYOUT_JS)
    if got["page_width"] > got["viewport"] + 1:
        problems.append(f"the page is {got['page_width']} px wide in a {got['viewport']} px window (sideways scroll)")
    for eq in got["equations"]:
        if eq["visible"] and (eq["left"] < eq["col_left"] - 1 or eq["right"] > eq["col_right"] + 1):
            problems.append(f"display equation {eq['tex']!r} runs out of its column: "
                            f"{eq['left']:.0f}..{eq['right']:.0f} px, column {eq['col_left']:.0f}..{eq['col_right']:.0f}")
        if eq["scrolls"]:  # the scroll cue of jl-readers.js is a fallback; the book's equations must fit
            problems.append(f"display equation {eq['tex']!r} is wider than its column and scrolls sideways "
                            f"(cue shown: {eq['cue']}): break it into lines")
    for cap in got["captions"]:
        if cap["ratio"] < 4.5:
            problems.append(f"frame slider text {cap['text']!r} at contrast {cap['ratio']:.1f}:1 (under 4.5:1)")
    if width >= 1000 and got["code"]:
        problems.append(f"{len(got['code'])} code blocks cut off at the right edge: {got['code'][:3]}")
    for fig in got["figures"]:
        if not fig["svg"] and fig["natural"] < 1.9 * fig["shown"]:
            problems.append(f"figure {fig['alt']!r}: {fig['natural']} px drawn for {fig['shown']} px on screen (not 2x)")
        if fig["shown"] < 0.87 * fig["intended"] and not fig["zoomable"]:
            problems.append(f"figure {fig['alt']!r} shrunk to {fig['shown']} of {fig['intended']:.0f} px, "
                            "and tapping it does not enlarge it")
    return problems


def check_accessibility(page) -> list[str]:
    """axe-core (pinned, fetched from npm by the test, never part of the site): no serious or critical
    violation, colour contrast included."""
    from build_book import ensure_test_assets

    page.add_script_tag(path=str(ensure_test_assets() / "axe-core" / "axe.min.js"))
    violations = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ["violations"]});
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
        id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
        where: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + (n.failureSummary ?
          " [" + n.failureSummary.split("\\n").slice(1, 2).join("").trim().slice(0, 120) + "]" : ""))}));
    }""")
    return [f"axe {v['impact']} {v['id']} ({v['help']}) on {v['n']} elements, e.g. {v['where']}" for v in violations]


def check_zoom(page) -> list[str]:
    """On a phone, tapping a shrunk figure opens it at its full drawn size; Close brings the page back."""
    img = page.locator("main img.jl-zoomable").first
    if not img.count():
        return []
    intended = img.evaluate("(i) => parseFloat(i.style.width) || parseFloat(i.getAttribute('width')) || i.naturalWidth")
    img.scroll_into_view_if_needed()
    img.click()
    dialog = page.locator("dialog.jl-zoom[open]")
    try:
        dialog.wait_for(state="visible", timeout=60_000)
    except Exception:  # playwright's TimeoutError
        return ["tapping a shrunk figure opened no full-size view"]
    shown = dialog.locator("img").evaluate("(i) => i.getBoundingClientRect().width")
    dialog.locator("button").click()
    problems = [] if shown >= intended - 1 else [f"the full-size view shows the figure {shown:.0f} px wide, not {intended:.0f}"]
    if page.locator("dialog.jl-zoom").count():
        problems.append("Close left the full-size view open")
    return problems


def check_dark_theme(page) -> list[str]:
    try:  # the condition itself, not a fixed pause
        page.wait_for_function(DARK_BODY_JS, timeout=60_000)
    except Exception:  # playwright's TimeoutError; reported below with the colour found
        pass
    body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    if luminance([float(v) for v in re.findall(r"[\d.]+", body)[:3]]) >= 80:
        return [f"the dark theme did not follow the system setting (body background {body})"]
    return []


@pytest.mark.parametrize("name", PAGES, ids=[Path(p).name for p in PAGES])
def test_page_reads_completely_offline(name, site_url, make_offline_context, browser_log):
    """Each page in four readings (390 and 1400 px, light and dark): geometry and axe-core each time;
    on the desktop in light, the reading checks and the frame sliders; in dark, the figures' background.
    Screenshots of every reading go to _build/screenshots/<page>[-<width>-<scheme>].png."""
    problems = []
    for width, height, scheme in MODES:
        page = make_offline_context(width=width, height=height, color_scheme=scheme).new_page()
        page.set_default_timeout(120_000)  # a cap for a loaded machine, not a pause
        open_page(page, page_url(site_url, name))
        mode = f"{width} px, {scheme}"
        found = []
        if scheme == "dark":
            found += check_dark_theme(page)
        if (width, scheme) == (1400, "light"):
            found += check_reading(name, page)  # also saves _build/screenshots/<page>.png
        else:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{Path(name).name}-{width}-{scheme}.png"), full_page=True)
        found += check_layout(page, width)
        found += check_accessibility(page)
        if name in chapters():
            if (width, scheme) == (1400, "light"):
                found += check_frame_sliders(name, page)
            if (width, scheme) == (1400, "dark"):  # on a phone the corners' inset falls inside the plot
                found += check_dark_mode(name, page, screenshot=False)
            if (width, scheme) == (390, "light"):
                found += check_zoom(page)
        problems += [f"[{mode}] {p}" for p in found]
        page.close()
    problems += browser_log.problems()  # outside requests (none may be needed), failures, console errors
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_no_page_links_a_script_style_or_image_from_outside(build):
    """Static check of every HTML file of the site (search and index pages too): nothing needed for
    reading comes from outside; only links (<a href>) may point there."""
    outside = []
    for path in HTML.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(el.get("rel", [])):
                    continue
                if re.match(r"(https?:)?//", url):
                    outside.append(f"{path.relative_to(HTML)}: <{tag} {attr}={url}>")
    assert not outside, "\n".join(outside[:30])


WIDGET_PAGE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Embedded widget state

A formula, $x^2$, so that MathJax and the widget manager share the page (the manager typesets every
widget label with MathJax 2's API, which the site's setup.js maps to MathJax 3).

```{code-cell} ipython3
import ipywidgets

ipywidgets.IntSlider(value=3, min=0, max=10, description="n")
```
"""


def test_embedded_widget_state_renders_offline(build, tmp_path, serve_directory, offline_page, browser_log):
    """A page with real widget state, built with the book's _config.yml, renders its widget from the
    site's own require.js and widget manager (no CDN), fonts included, with no console error (the
    label's typesetting threw "Cannot read properties of undefined (reading 'Queue')" without setup.js)."""
    book = tmp_path / "widget_book"
    (book / "book").mkdir(parents=True)
    (book / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    (book / "_toc.yml").write_text("format: jb-book\nroot: widgets\n")
    (book / "widgets.md").write_text(WIDGET_PAGE)
    (book / "book" / "references.bib").symlink_to(ROOT / "book" / "references.bib")
    (book / "book" / "_static").symlink_to(ROOT / "book" / "_static")  # the favicon
    (book / "_vendor").symlink_to(ROOT / "_vendor")
    (book / "tools").symlink_to(ROOT / "tools")
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", str(book), "-n", "-W", "--keep-going"], capture_output=True, text=True)
    assert proc.returncode == 0 and "build succeeded" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]

    html = (book / "_build" / "html" / "widgets.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" in html, "the page embeds no widget state"
    scripts = [s.get("src") for s in BeautifulSoup(html, "html.parser").find_all("script") if s.get("src")]
    assert not [s for s in scripts if "://" in s], f"scripts from outside: {scripts}"
    assert any("requirejs/require.js" in s for s in scripts) and any("embed-amd.js" in s for s in scripts)

    url = serve_directory(book / "_build" / "html")
    open_page(offline_page, url + "widgets.html")
    slider = offline_page.locator(".widget-slider")
    slider.first.wait_for(state="visible", timeout=60_000)
    readout = offline_page.locator(".widget-readout").first.inner_text()
    assert readout.strip() == "3", readout
    assert offline_page.locator(".widget-slider .widget-label").first.inner_text().strip() == "n"
    SHOTS.mkdir(parents=True, exist_ok=True)
    offline_page.screenshot(path=str(SHOTS / "widget-state-test.png"))
    assert not browser_log.problems(), browser_log.problems()
