"""The book test: build the whole book once, then check what a reader would get.

It fails on any Sphinx warning or cell error (read from the build's log, not only
from Jupyter Book's exit code, which has been 0 on failed execution), on a page
of the table of contents with code cells but no executed output, on an image
without alt text, and on execution times over the budgets.  The budgets are on the CPU time of
the kernel that executed each page (recorded by tools/sphinx_ext/jl_cputime.py in
_build/kernel-cpu.json), not on wall-clock time, which load on a shared machine stretches: the
wall-clock times (from the execution cache, where MyST-NB records them) are only reported.  A
shared host slows the cores themselves too; each page's CPU time is therefore scaled by how much
slower than quiet a reference workload ran inside the same kernel (``jl_cputime.budget_seconds``).
The session fixture ``build`` that builds the book lives in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from myst import toc_pages as toc_files  # tools/ is on the test path (pyproject.toml)
from sphinx_ext.jl_cputime import QUIET_REFERENCE_SECONDS, budget_seconds

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
CHAPTER_BUDGET_S = 90.0
BOOK_BUDGET_S = 360.0

pytestmark = pytest.mark.book


def has_code_cells(page: str) -> bool:
    return "```{code-cell}" in (ROOT / f"{page}.md").read_text()


def test_build_has_no_warning_and_no_cell_error(build):
    proc, log = build
    assert proc.returncode == 0, f"book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    assert "build succeeded" in log
    assert not re.search(r"WARNING:|ERROR:|Execution Failed|CellExecutionError", log)
    reports = BUILD / "html" / "reports"
    assert not reports.exists() or not any(reports.rglob("*.log")), "execution error reports were written"


def test_every_page_of_the_toc_is_built(build):
    missing = [p for p in toc_files() if not (HTML / f"{p}.html").exists()]
    assert not missing, f"pages in _toc.yml without HTML: {missing}"


def test_every_page_with_code_has_executed_output(build):
    problems = []
    for page in filter(has_code_cells, toc_files()):
        nb_path = BUILD / "jupyter_execute" / f"{page}.ipynb"
        if not nb_path.exists():
            problems.append(f"{page}: no executed notebook")
            continue
        nb = json.loads(nb_path.read_text())
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        if not outputs:
            problems.append(f"{page}: code cells but no output")
        if any(o.get("output_type") == "error" for o in outputs):
            problems.append(f"{page}: an error output")
        if 'class="cell_output' not in (HTML / f"{page}.html").read_text():
            problems.append(f"{page}: no cell output in the HTML")
    assert not problems, problems


def test_every_image_has_alt_text(build):
    problems = []
    n_images = 0
    for page in toc_files():
        soup = BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser")
        main = soup.find("main") or soup
        for img in main.find_all("img"):
            n_images += 1
            if not (img.get("alt") or "").strip():
                problems.append(f"{page}: <img src={img.get('src')}> has no alt text")
    assert n_images > 0, "the book has no figure at all"
    assert not problems, problems


def test_every_figure_has_a_caption(build):
    problems = []
    for page in filter(has_code_cells, toc_files()):
        soup = BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser")
        for img in soup.select("div.cell_output img"):
            fig = img.find_parent("figure")
            if fig is None or not fig.find("figcaption"):
                problems.append(f"{page}: figure {img.get('alt', '')[:40]!r} has no caption")
    assert not problems, problems


def execution_times() -> dict[str, float]:
    """Seconds each notebook ran, from the jupyter-cache records MyST-NB wrote when it executed them."""
    from jupyter_cache import get_cache

    cache = get_cache(BUILD / ".jupyter_cache")
    times, created = {}, {}
    for rec in cache.list_cache_records():
        page = Path(rec.uri).resolve().relative_to(ROOT).with_suffix("").as_posix()
        if page not in created or rec.created > created[page]:  # the newest record is the current page
            times[page], created[page] = rec.data.get("execution_seconds"), rec.created
    return times


def kernel_cpu_records() -> dict[str, dict]:
    """The CPU record of the kernel that executed each page (tools/sphinx_ext/jl_cputime.py)."""
    path = BUILD / "kernel-cpu.json"
    return json.loads(path.read_text()) if path.exists() else {}


def kernel_cpu_times() -> dict[str, float]:
    """CPU seconds of the kernel that executed each page."""
    return {page: rec["cpu_seconds"] for page, rec in kernel_cpu_records().items()}


def test_execution_within_budgets(build):
    """Budgets on kernel CPU time, scaled by a reference timed in the same kernel; wall times reported alongside."""
    records, wall = kernel_cpu_records(), execution_times()
    pages = [p for p in toc_files() if has_code_cells(p)]
    missing = [p for p in pages if p not in records]
    assert not missing, (
        f"no kernel CPU record for {missing} (pages executed before tools/sphinx_ext/jl_cputime.py "
        "existed: rebuild with tools/build_book.py --force)"
    )
    counted = {p: budget_seconds(records[p]) for p in pages}
    report = {p: (f"{counted[p]:.1f} s counted ({records[p]['cpu_seconds']:.1f} s CPU, reference "
                  f"{sorted(records[p].get('reference_samples') or [float('nan')])}), "
                  f"{wall.get(p) or float('nan'):.1f} s wall") for p in pages}
    slow = {p: report[p] for p in pages if counted[p] > CHAPTER_BUDGET_S}
    assert not slow, f"pages over the {CHAPTER_BUDGET_S:.0f} s CPU budget: {slow}"
    total = sum(counted.values())
    assert total <= BOOK_BUDGET_S, f"whole book executes in {total:.0f} s of CPU > {BOOK_BUDGET_S:.0f} s: {report}"


def test_reference_is_timed_in_every_kernel(build):
    """The scaling of the budgets rests on samples taken in each page's own kernel: at least one at its
    start and one at its end, and plausible ones (a reference four times slower than on a quiet machine
    is a broken reference or a different machine, to be looked at, not scaled away)."""
    records = kernel_cpu_records()
    pages = [p for p in toc_files() if has_code_cells(p) and p in records]
    assert pages, "no page has a kernel CPU record"
    few = {p: records[p].get("reference_samples") for p in pages if len(records[p].get("reference_samples") or []) < 2}
    assert not few, f"pages whose kernel timed the reference fewer than twice: {few}"
    odd = {p: records[p]["reference_samples"] for p in pages
           if not all(0.25 * QUIET_REFERENCE_SECONDS <= s <= 4 * QUIET_REFERENCE_SECONDS
                      for s in records[p]["reference_samples"])}
    assert not odd, f"reference samples outside [0.25, 4] x {QUIET_REFERENCE_SECONDS} s: {odd}"
    for p in pages:
        rec = records[p]
        assert 0 < rec["reference_cpu_seconds"] < 0.2 * rec["cpu_seconds"], (p, rec)


def test_budget_scaling_never_adds_time():
    """budget_seconds: the page's CPU less the reference's, scaled down only when the reference ran slow."""
    q = QUIET_REFERENCE_SECONDS
    base = {"cpu_seconds": 50.0, "reference_cpu_seconds": 2.0}
    assert budget_seconds({"cpu_seconds": 50.0}) == 50.0
    assert budget_seconds({**base, "reference_samples": [q, q]}) == pytest.approx(48.0)
    assert budget_seconds({**base, "reference_samples": [0.5 * q, 0.5 * q, 0.5 * q]}) == pytest.approx(48.0)
    assert budget_seconds({**base, "reference_samples": [q, 1.5 * q, 2 * q]}) == pytest.approx(32.0)
    assert budget_seconds({**base, "reference_samples": [q, 2 * q]}) == pytest.approx(48.0 / 1.5)


def test_cpu_time_is_measured_from_the_kernel(build):
    """The CPU record of a page is a real measurement: more than nothing (a kernel's start-up alone
    takes most of a second) and at most what all cores could deliver during its wall time."""
    cpu, wall = kernel_cpu_times(), execution_times()
    pages = [p for p in toc_files() if has_code_cells(p) and p in cpu and wall.get(p)]
    assert pages, "no page has both a CPU and a wall-clock record"
    cores = os.cpu_count() or 1
    odd = {p: (round(cpu[p], 2), round(wall[p], 2)) for p in pages if not 0.2 < cpu[p] <= cores * wall[p] + 1.0}
    assert not odd, f"implausible (CPU, wall) seconds: {odd}"
