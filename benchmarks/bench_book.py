"""Execution time of each page of the last book build: kernel CPU time (what the book test budgets) and wall time.

Run with ``make bench`` after ``make book`` (or ``.venv/bin/python benchmarks/bench_book.py``).  Reads
``_build/kernel-cpu.json``, written by tools/sphinx_ext/jl_cputime.py while the build executed the
pages; nothing is executed here.  A wall/CPU ratio well above 1 means the machine was busy: the book
test's budgets (90 s per page, 360 s for the book) apply to the CPU time, which load changes much less.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "_build" / "kernel-cpu.json"
CHAPTER_BUDGET_S, BOOK_BUDGET_S = 90.0, 360.0


def main() -> int:
    if not RECORDS.exists():
        print(f"no {RECORDS.relative_to(ROOT)}: build the book first (make book)")
        return 0
    records = json.loads(RECORDS.read_text())
    print(f"{'page':<28} {'CPU s':>7} {'wall s':>7} {'wall/CPU':>8}")
    cpu_total = wall_total = 0.0
    for page, rec in sorted(records.items()):
        cpu, wall = rec["cpu_seconds"], rec.get("wall_seconds") or float("nan")
        cpu_total, wall_total = cpu_total + cpu, wall_total + wall
        flag = "  OVER BUDGET" if cpu > CHAPTER_BUDGET_S else ""
        print(f"{page:<28} {cpu:7.1f} {wall:7.1f} {wall / cpu:8.2f}{flag}")
    print(f"{'all pages':<28} {cpu_total:7.1f} {wall_total:7.1f} {wall_total / cpu_total:8.2f}"
          f"  (budget {BOOK_BUDGET_S:.0f} s of CPU: {'met' if cpu_total <= BOOK_BUDGET_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
