"""Execution time of each page of the last book build: kernel CPU time, what the book test counts, wall time.

Run with ``make bench`` after ``make book`` (or ``.venv/bin/python benchmarks/bench_book.py``).  Reads
``_build/kernel-cpu.json``, written by tools/sphinx_ext/jl_cputime.py while the build executed the
pages; nothing is executed here.  A wall/CPU ratio well above 1 means the machine was busy.  The book
test's budgets (90 s per page, 360 s for the book) apply to the counted time: the kernel's CPU time
less the reference workload's, scaled down by how much slower than quiet that reference ran in the
same kernel (``jl_cputime.budget_seconds``; the median reference sample is shown).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sphinx_ext.jl_cputime import QUIET_REFERENCE_SECONDS, budget_seconds  # noqa: E402

RECORDS = ROOT / "_build" / "kernel-cpu.json"
CHAPTER_BUDGET_S, BOOK_BUDGET_S = 90.0, 360.0


def main() -> int:
    if not RECORDS.exists():
        print(f"no {RECORDS.relative_to(ROOT)}: build the book first (make book)")
        return 0
    records = json.loads(RECORDS.read_text())
    print(f"{'page':<28} {'CPU s':>7} {'counted':>7} {'ref s':>6} {'wall s':>7} {'wall/CPU':>8}"
          f"   (quiet reference {QUIET_REFERENCE_SECONDS} s)")
    cpu_total = counted_total = wall_total = 0.0
    for page, rec in sorted(records.items()):
        cpu, wall = rec["cpu_seconds"], rec.get("wall_seconds") or float("nan")
        counted = budget_seconds(rec)
        ref = statistics.median(rec["reference_samples"]) if rec.get("reference_samples") else float("nan")
        cpu_total, counted_total, wall_total = cpu_total + cpu, counted_total + counted, wall_total + wall
        flag = "  OVER BUDGET" if counted > CHAPTER_BUDGET_S else ""
        print(f"{page:<28} {cpu:7.1f} {counted:7.1f} {ref:6.3f} {wall:7.1f} {wall / cpu:8.2f}{flag}")
    print(f"{'all pages':<28} {cpu_total:7.1f} {counted_total:7.1f} {'':6} {wall_total:7.1f} "
          f"{wall_total / cpu_total:8.2f}  (budget {BOOK_BUDGET_S:.0f} s: "
          f"{'met' if counted_total <= BOOK_BUDGET_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
