"""PDF editions of the jl-lab book, printed from the built website by Chromium.

Usage::

    python tools/pdf.py                    # instructor edition: _build/pdf/jl-lab.pdf and _build/pdf/chapters/*.pdf
    python tools/pdf.py --edition student  # student edition from `make student`'s site: _build/pdf/jl-lab-student.pdf

Route.  The pages are the executed notebooks already rendered by Sphinx (``make book``); each page of
_toc.yml is opened in headless Chromium (the Debian package the browser test uses, driven by
Playwright) and printed with ``page.pdf()``, in the print layout of tools/sphinx_ext/static/jl-readers.css:
no navigation, every collapsed box open, code wrapped, each frame slider as its current frame with a
note, figure, equation and exercise numbers as on the website (Sphinx numbered them), MathJax's
typesetting.  The pages are then joined with pypdf, with one bookmark per page.  Nothing is
installed: no LaTeX (Debian's texlive would add gigabytes to every CI run and a second renderer
whose output differs from the site's), no network (the site is served on 127.0.0.1).

Editions.  Instructor (the normal book): each ``{solution}`` is taken out of its chapter and printed in
an appendix, "Solutions", after the last page of the whole book, and at the end of the chapter in a
chapter's own PDF.  Student: printed from the student edition's site (``make student`` writes
``_build/student/_build/html``, which has no solution at all); the script refuses to print it if any
solution is found there.

Links between pages are printed as plain text (their targets are in the same PDF); links to other
sites keep their address.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package
from myst import ROOT, chapters, toc_pages  # noqa: E402  (the page model)

OUT = ROOT / "_build" / "pdf"
SITES = {"instructor": ROOT / "_build" / "html", "student": ROOT / "_build" / "student" / "_build" / "html"}
CHROMIUM = os.environ.get("JL_CHROMIUM", "/usr/bin/chromium")  # Debian's package, as for the browser test
MARGIN = {"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="title"></span> &middot; page <span class="pageNumber"></span> of '
          '<span class="totalPages"></span></div>')

# Run in each page before printing: wait for MathJax and the images, open every box, take the solutions
# out (returned as HTML with their TeX, for the appendix), unlink links between pages of the site.
PREPARE_JS = """async (keepSolutions) => {
  const imgs = Array.from(document.images);
  imgs.forEach((i) => { if (i.loading === "lazy") i.loading = "eager"; });
  await Promise.all(imgs.map((i) => i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; })));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  if (window.jlReaders) jlReaders.openEverything();
  const solutions = [];
  document.querySelectorAll("main .solution, main .cell.tag_solution").forEach((s) => {
    if (keepSolutions) solutions.push(s.dataset.jlSource || s.outerHTML);
    s.remove();
  });
  document.querySelectorAll("main a[href]").forEach((a) => {
    const url = new URL(a.href, location.href);
    if (url.host === location.host) a.removeAttribute("href");
  });
  const h1 = document.querySelector("main h1");
  return {title: h1 ? h1.textContent.replace(/#$/, "").trim() : document.title, solutions};
}"""

# The solutions' source HTML (with TeX), kept before MathJax replaces it, so that the appendix page can
# typeset them again in its own context.
KEEP_SOURCE_JS = """() => { document.querySelectorAll("main .solution, main .cell.tag_solution").forEach(
  (s) => { s.dataset.jlSource = s.outerHTML; }); }"""

APPENDIX_JS = """async ([title, blocks]) => {
  const main = document.querySelector("main article") || document.querySelector("main");
  const section = document.createElement("section");
  section.className = "jl-solutions-appendix";
  section.style.breakBefore = "page";
  // an h2 styled as a title: the theme's print layout drops an article's extra h1
  section.innerHTML = '<h2 class="jl-appendix-title" style="font-size:2em">' + title + "</h2>" + blocks.map(([head, html]) =>
    (head ? "<h2>" + head + "</h2>" : "") + html.join("\\n")).join("\\n");
  section.querySelectorAll("a[href]").forEach((a) => a.removeAttribute("href"));
  section.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  section.querySelectorAll("button.toggle-button").forEach((b) => b.remove());
  main.appendChild(section);
  if (window.MathJax && MathJax.typesetPromise) await MathJax.typesetPromise([section]);
}"""

REPLACE_MAIN_JS = """() => { document.querySelector("main").innerHTML = '<article class="bd-article"></article>'; }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".svg": "image/svg+xml", ".woff": "font/woff", ".woff2": "font/woff2"}

    def log_message(self, format, *args):  # noqa: A002
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def open_page(page, url: str, keep_solutions: bool) -> dict:
    page.goto(url, wait_until="load")
    page.evaluate(KEEP_SOURCE_JS)
    return page.evaluate(PREPARE_JS, keep_solutions)


def print_pdf(page, path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("(t) => { document.title = t; }", title)
    page.pdf(path=str(path), format="A4", margin=MARGIN, print_background=True, display_header_footer=True,
             header_template="<span></span>", footer_template=FOOTER, outline=False, tagged=True)


def join(parts: list[tuple[str, Path]], target: Path) -> int:
    """Concatenate PDFs into ``target`` with one bookmark per part; return its number of pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, path in parts:
        start = len(writer.pages)
        writer.append(str(path))
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": "jl-lab: the Johnson-Lindenstrauss lemma, computed"})
    with target.open("wb") as f:
        writer.write(f)
    return len(writer.pages)


def make(edition: str = "instructor", chapters_too: bool = True) -> int:
    from playwright.sync_api import sync_playwright

    site = SITES[edition]
    if not (site / "index.html").exists():
        how = "make book" if edition == "instructor" else "make student"
        print(f"no {edition} site at {site}: run `{how}` first")
        return 2
    pages = toc_pages()
    chapter_set = set(chapters())
    tmp = OUT / f".pages-{edition}"
    tmp.mkdir(parents=True, exist_ok=True)
    server, url = serve(site)
    t0 = time.perf_counter()
    parts, appendix = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            context = browser.new_context(viewport={"width": 1000, "height": 1400}, color_scheme="light")
            context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
            page = context.new_page()
            page.emulate_media(media="print", color_scheme="light")
            for name in pages:
                info = open_page(page, f"{url}{name}.html", keep_solutions=edition == "instructor")
                if edition == "student" and info["solutions"]:
                    raise SystemExit(f"{name}: the student site holds solutions; rebuild it with `make student`")
                slug = Path(name).name
                print_pdf(page, tmp / f"{slug}.pdf", info["title"])
                parts.append((info["title"], tmp / f"{slug}.pdf"))
                if info["solutions"]:
                    appendix.append((info["title"], info["solutions"]))
                if chapters_too and edition == "instructor" and name in chapter_set:
                    number = len([p for p in pages[: pages.index(name) + 1] if p in chapter_set])
                    if info["solutions"]:  # the chapter's own PDF ends with its solutions
                        page.evaluate(APPENDIX_JS, ["Solutions", [["", info["solutions"]]]])
                    print_pdf(page, OUT / "chapters" / f"{number:02d}-{slug}.pdf", info["title"])
                print(f"[{time.perf_counter() - t0:4.0f} s] printed {name}", flush=True)
            if appendix:
                open_page(page, f"{url}{pages[-1]}.html", keep_solutions=False)
                page.evaluate(REPLACE_MAIN_JS)
                page.evaluate(APPENDIX_JS, ["Appendix: solutions to the exercises", [list(a) for a in appendix]])
                print_pdf(page, tmp / "appendix.pdf", "Appendix: solutions")
                parts.append(("Appendix: solutions to the exercises", tmp / "appendix.pdf"))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    target = OUT / ("jl-lab.pdf" if edition == "instructor" else "jl-lab-student.pdf")
    n = join(parts, target)
    for _, p in parts:
        p.unlink()
    tmp.rmdir()
    print(f"{target}: {n} pages ({target.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - t0:.0f} s"
          + (f"; chapters in {OUT / 'chapters'}" if chapters_too and edition == "instructor" else ""))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edition", choices=sorted(SITES), default="instructor")
    ap.add_argument("--no-chapters", action="store_true", help="only the whole book, no PDF per chapter")
    args = ap.parse_args(argv)
    return make(args.edition, chapters_too=not args.no_chapters)


if __name__ == "__main__":
    raise SystemExit(main())
