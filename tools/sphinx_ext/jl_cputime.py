"""Sphinx extension of jl-lab: record the CPU time of the kernel that executed each page.

Registered in _config.yml (``sphinx: local_extensions``).  MyST-NB records the *wall* time of each
executed notebook, which load on a shared machine stretches at will (the same commit took 10 minutes
on a quiet 2-core machine and 18 with five other jobs).  The book test enforces its budgets on CPU
time instead, which load changes much less (not nothing: on a virtual machine whose host is shared,
a core's speed drifts; builds of the same pages here measured 289 to 402 s of kernel CPU in all).

How it is measured: MyST-NB starts one kernel per executed page, as a child process of the Sphinx
process, and waits for it to end before it finishes parsing the page.  A child's CPU time (user +
system) is added to ``resource.getrusage(RUSAGE_CHILDREN)`` of its parent when the parent reaps it.
So the difference of that counter between ``source-read`` (before the page is parsed and executed)
and ``doctree-read`` (after) is the CPU time of that page's kernel, start-up and imports included.
Nothing is added to the notebooks: readers see no trace of it.

Only pages executed in this build are recorded (MyST-NB's execution data of a page served from the
execution cache carries the cache's older timestamp); the records are kept in
``<build>/kernel-cpu.json`` as ``{page: {"cpu_seconds", "wall_seconds", "executed_at"}}``, so a page
served from the cache keeps the record of the run that executed it.

Each record also carries the samples of a reference workload timed inside that page's kernel while
it ran (tools/ipython/build_kernel_startup.py, enabled by ``JL_LAB_CPU_REFERENCE_DIR``, which
tools/build_book.py sets): ``reference_samples`` (seconds of CPU per run of the workload) and
``reference_cpu_seconds`` (what those runs cost, included in ``cpu_seconds``). :func:`budget_seconds`
turns a record into the number the book test holds against the budgets: the page's own CPU time,
scaled by ``QUIET_REFERENCE_SECONDS / median(samples)`` when the reference ran slower than on a quiet
machine (never scaled up), so that a slow host does not fail the test while a page that does more work
still does.

The directive ``{jl-cpu-table}`` (used on book/timing.md) shows these records as a table, filled in
when the pages are written, after every page has been read and executed.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

FILE_NAME = "kernel-cpu.json"
#: CPU seconds of the reference workload on a quiet machine (one BLAS thread); the budgets are in
#: seconds of that machine. On this project's 2-core machine on 1 December 2026 the median sample of a
#: page's kernel ranged from 0.117 to 0.136 s across the pages of a build made while its host was slow
#: (394 s of kernel CPU for pages that measured under 300 s earlier that day), and back-to-back runs
#: gave medians of 0.115 to 0.13 s; 0.105 s is below all of them, so the scaling forgives no more
#: slowness than the reference shows.
QUIET_REFERENCE_SECONDS = 0.105


def budget_seconds(record: dict) -> float:
    """The CPU seconds a page's record counts against the budgets.

    ``(cpu_seconds - reference_cpu_seconds) * min(1, QUIET_REFERENCE_SECONDS / median(reference_samples))``:
    the page's CPU without the reference runs, scaled down by how much slower than quiet the
    reference ran in the same kernel. Without samples (a build without the start-up file) it is the
    measured CPU time, unscaled.
    """
    samples = record.get("reference_samples")
    own = record["cpu_seconds"] - (record.get("reference_cpu_seconds") or 0.0)
    if not samples:
        return own
    return own * min(1.0, QUIET_REFERENCE_SECONDS / statistics.median(samples))


def _reference(since: float) -> dict:
    """The reference samples of the kernel started after ``since`` (the page's), if it wrote any.

    They are in ``JL_LAB_CPU_REFERENCE_DIR``, set by tools/build_book.py; without it there are none.
    """
    folder = os.environ.get("JL_LAB_CPU_REFERENCE_DIR")
    if not folder:
        return {}
    found = []
    for f in Path(folder).glob("*.json"):
        try:
            rec = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if rec.get("started", 0.0) >= since:
            found.append(rec)
    if not found:
        return {}
    rec = max(found, key=lambda r: r["started"])
    return {"reference_samples": rec["samples"], "reference_cpu_seconds": rec["cpu_seconds"]}


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def record_path(app) -> Path:
    """``<build>/kernel-cpu.json``: next to ``html/`` (the html folder is deleted when the cache is)."""
    return Path(app.outdir).parent / FILE_NAME


def _start(app, docname: str, source) -> None:
    app.env.jl_cpu_start = getattr(app.env, "jl_cpu_start", {})
    app.env.jl_cpu_start[docname] = (_children_cpu(), time.time())


def _finish(app, doctree) -> None:
    docname = app.env.docname
    start = getattr(app.env, "jl_cpu_start", {}).pop(docname, None)
    if start is None:
        return
    cpu0, t0 = start
    try:
        from myst_nb.sphinx_ import NbMetadataCollector

        exec_data = NbMetadataCollector.get_exec_data(app.env, docname)
    except Exception:  # not a notebook page, or another MyST-NB layout
        exec_data = None
    if not exec_data or not exec_data.get("succeeded") or (exec_data.get("mtime") or 0) < t0:
        return  # no code, a failed execution, or outputs from the execution cache
    path = record_path(app)
    records = json.loads(path.read_text()) if path.exists() else {}
    records[docname] = {
        "cpu_seconds": _children_cpu() - cpu0,
        "wall_seconds": exec_data.get("runtime"),
        "executed_at": exec_data.get("mtime"),
        **_reference(t0),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=1, sort_keys=True))


class CpuTableNode(nodes.General, nodes.Element):
    """Placeholder for the table of kernel CPU times, replaced when the page is written."""


class CpuTable(SphinxDirective):
    """``{jl-cpu-table}``: kernel CPU time and wall time of every executed page."""

    def run(self):
        self.env.jl_cpu_table_docs = getattr(self.env, "jl_cpu_table_docs", set()) | {self.env.docname}
        return [CpuTableNode()]


def _tables_to_update(app, env):
    """Pages with a table are rewritten at every build: the records may have changed."""
    return sorted(getattr(env, "jl_cpu_table_docs", set()))


def _row(cells, header=False):
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


class CpuTableTransform(SphinxPostTransform):
    default_priority = 8

    def run(self, **kwargs) -> None:
        path = record_path(self.app)
        records = json.loads(path.read_text()) if path.exists() else {}
        for node in list(self.document.findall(CpuTableNode)):
            table = nodes.table(classes=["colwidths-auto"])
            group = nodes.tgroup(cols=5)
            table += group
            for _ in range(5):
                group += nodes.colspec(colwidth=20)
            head, body = nodes.thead(), nodes.tbody()
            head += _row(["Page", "Kernel CPU (s)", "Counted (s)", "Wall (s)", "Wall / CPU"])
            total_cpu = total_budget = total_wall = 0.0
            for page, rec in sorted(records.items()):
                cpu, wall = rec.get("cpu_seconds") or 0.0, rec.get("wall_seconds") or 0.0
                counted = budget_seconds(rec)
                total_cpu, total_budget, total_wall = total_cpu + cpu, total_budget + counted, total_wall + wall
                body += _row([page.removeprefix("book/"), f"{cpu:.1f}", f"{counted:.1f}", f"{wall:.1f}",
                              f"{wall / max(cpu, 1e-9):.2f}"])
            body += _row(["all pages", f"{total_cpu:.1f}", f"{total_budget:.1f}", f"{total_wall:.1f}",
                          f"{total_wall / max(total_cpu, 1e-9):.2f}"])
            group += head
            group += body
            node.replace_self(table)


def setup(app) -> dict[str, Any]:
    app.connect("source-read", _start)
    app.connect("doctree-read", _finish)
    app.add_node(CpuTableNode)
    app.add_directive("jl-cpu-table", CpuTable)
    app.connect("env-updated", _tables_to_update)
    app.add_post_transform(CpuTableTransform)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
