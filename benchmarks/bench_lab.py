"""Every explorer in a real JupyterLab, driven by headless Chromium: slider step to new image, in ms.

Run with `make bench` (after bench_widgets.py, which times compute + figure + PNG in this process).
This one measures what a reader waits for: it starts JupyterLab (tools/lab_server.py) on a temporary
folder holding one notebook that shows every explorer at the default its page uses, runs it, and for
each explorer presses the arrow key on its first slider several times.  For each step it takes the time
from the key press (a keydown listener in the page) to the ``load`` event of the explorer's new image
(the browser has the new PNG decoded): kernel round trip, compute, figure, PNG, transfer and decoding.
Prints the median and the worst step per explorer against the 200 ms budget, and the median of the
kernel's part as the explorer's status line reports it (compute, figure and PNG, wall time in the
kernel); the rest is the round trip: the slider's message to the kernel, the new image back to the
page, decoding it.  Needs Chromium (/usr/bin/chromium or $JL_CHROMIUM).  Print ``uptime`` with it: on a
shared machine the load changes the numbers more than anything else.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from lab_server import lab_server  # noqa: E402

BUDGET_MS = 200.0
STEPS = 6
CHROMIUM = os.environ.get("JL_CHROMIUM", "/usr/bin/chromium")

#: (name, code showing the explorer as its page does)
EXPLORERS = [
    ("JL explorer", "patches = data.image_patches(200, rng=0)\nwidgets.jl_explorer(patches)"),
    ("LSH explorer", "widgets.lsh_explorer(angle=40, n_bits=128)"),
    ("randomized SVD explorer", 'with cbook.get_sample_data("grace_hopper.jpg") as f:\n'
     "    img = plt.imread(f).mean(axis=2) / 255.0\n"
     "widgets.rsvd_explorer(img, k=20, oversample=10, power_iters=1)"),
    ("co-clustering explorer", 'counts, vocab = cocluster.bigram_counts(corpus.load_corpus("python-docs"), vocab_size=1000)\n'
     "widgets.cocluster_explorer(counts, vocab, n_classes=8, vocab_size=400)"),
    ("attention explorer", 'widgets.attention_explorer("sparse", 64, 3)'),
]  # fmt: skip
SETUP = (
    "import matplotlib.pyplot as plt\nfrom matplotlib import cbook\n\n"
    "from jl_lab import cocluster, corpus, data, plots, widgets\n\nplots.use_style()"
)

# in the page: the time of every keydown, and of every load of an explorer image
INSTRUMENT = """
() => {
  window.__jlKeys = []; window.__jlLoads = [];
  document.addEventListener('keydown', () => window.__jlKeys.push(performance.now()), true);
  document.addEventListener('load', (e) => {
    if (e.target.tagName === 'IMG' && e.target.closest('.widget-image, .jupyter-widgets')) {
      window.__jlLoads.push([e.target.dataset.jlIndex, performance.now()]);
    }
  }, true);
}
"""


def bench_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP)] + [nbformat.v4.new_code_cell(code) for _, code in EXPLORERS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "bench_explorers.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: skipped (apt-get install chromium, or set JL_CHROMIUM)")
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        bench_notebook(Path(tmp))
        with lab_server(Path(tmp), log=Path(tmp) / "jupyter.log") as lab, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])  # fmt: skip
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.set_default_timeout(300_000)
            page.goto(lab.url("lab/tree/bench_explorers.ipynb"))
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell")
            page.evaluate(INSTRUMENT)
            # the kernel is up (the status bar says Idle), then every cell is run in order (Shift+Enter)
            page.wait_for_function("() => /\\| Idle/.test(document.body.innerText)")
            page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-editor").first.click()
            for _ in range(len(EXPLORERS) + 1):
                page.keyboard.press("Shift+Enter")
            cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
            # every explorer is drawn and the kernel has finished all cells before the first step: a step
            # taken while later cells still run waits for them (the first JL step used to take ~1 s so)
            for i in range(1, len(EXPLORERS) + 1):
                image = cells.nth(i).locator("img.widget-image, .widget-image img").first
                image.wait_for(state="visible")
                image.evaluate("(img, i) => { img.dataset.jlIndex = String(i); }", i)
            page.wait_for_function("() => /\\| Idle/.test(document.body.innerText)")
            for i, (name, _) in enumerate(EXPLORERS, start=1):
                cell = cells.nth(i)
                handle = cell.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle").first
                handle.scroll_into_view_if_needed()
                handle.focus()
                times, kernel = [], []
                for step in range(STEPS):
                    page.evaluate("() => { window.__jlKeys = []; window.__jlLoads = []; }")
                    page.keyboard.press("ArrowLeft" if step % 2 == 0 else "ArrowRight")  # N starts at its maximum
                    page.wait_for_function(
                        "i => window.__jlLoads.some(([j]) => j === String(i))", arg=i, timeout=60_000
                    )
                    # let the explorer's status line settle: no update still queued
                    page.wait_for_timeout(300)
                    key = page.evaluate("() => window.__jlKeys[0]")
                    load = page.evaluate("i => window.__jlLoads.filter(([j]) => j === String(i))[0][1]", i)
                    times.append(load - key)
                    status = re.findall(r"updated in (\d+) ms", cell.inner_text())
                    kernel.append(float(status[-1]) if status else float("nan"))
                results[name] = times, kernel
            browser.close()
    worst = 0.0
    print(f"{'explorer (in JupyterLab, headless Chromium)':45s} {'median ms':>10s} {'max ms':>8s} {'kernel ms':>10s}")
    for name, (times, kernel) in results.items():
        med = statistics.median(times)
        worst = max(worst, med)
        flag = "  OVER BUDGET" if med > BUDGET_MS else ""
        print(f"{name:45s} {med:10.0f} {max(times):8.0f} {statistics.median(kernel):10.0f}{flag}")
    print(f"budget {BUDGET_MS:.0f} ms from slider step to new image: {'met' if worst <= BUDGET_MS else 'NOT met'} "
          f"(median of {STEPS} steps per explorer)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
