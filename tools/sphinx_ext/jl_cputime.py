"""Sphinx extension of jl-lab: record the CPU time of the kernel that executed each page.

Registered in _config.yml (``sphinx: local_extensions``).  MyST-NB records the *wall* time of each
executed notebook, which load on a shared machine stretches at will (the same commit took 10 minutes
on a quiet 2-core machine and 18 with five other jobs).  The book test enforces its budgets on CPU
time instead, which load changes much less (see below for the rest).

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

Load still changes CPU time: two busy processes share caches and memory bandwidth, and on a virtual
machine the host's cores are shared with other guests, so the speed of a core drifts by tens of percent
over minutes (builds of the same chapters measured 289, 315 and 401 s of kernel CPU on this 2-core
machine within a day).  So each record also carries a *reference*: a thread of the Sphinx process runs a
fixed workload (:func:`reference_work`: BLAS, memory-bound array arithmetic, plain Python, one thread)
every :data:`SAMPLE_PAUSE_S` seconds while the page's kernel executes, on the core the kernel leaves
free, and the median of its CPU times, divided by :data:`REFERENCE_NOMINAL_S` (the same workload on
this machine when quiet), is the record's ``load_factor``; ``calibrated_cpu_seconds = cpu_seconds /
load_factor`` is what the page would have cost at the nominal speed.  The book test budgets the
calibrated time and reports both.

The directive ``{jl-cpu-table}`` (used on book/timing.md) shows these records as a table, filled in
when the pages are written, after every page has been read and executed.
"""

from __future__ import annotations

import json
import resource
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

FILE_NAME = "kernel-cpu.json"

#: Median CPU seconds of :func:`reference_work` on the quiet 2-core machine of the budgets
#: (Xeon, 2 vCPUs, one BLAS thread; measured with ``python tools/sphinx_ext/jl_cputime.py``,
#: nothing else running, 2026-12-01).
REFERENCE_NOMINAL_S = 0.130

#: Seconds between two runs of the reference while a page executes.
SAMPLE_PAUSE_S = 2.0


def reference_work() -> float:
    """CPU seconds (of the calling thread) of a fixed workload like the pages': BLAS, arrays, plain Python.

    One BLAS thread, fixed data (seed 0), about 0.13 s on the budgets' machine.  Only its CPU time
    matters: it is compared with :data:`REFERENCE_NOMINAL_S`.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    gen = np.random.default_rng(0)
    A = gen.standard_normal((512, 512))
    x = gen.standard_normal(1 << 20)
    with threadpool_limits(1):
        t0 = time.thread_time()
        for _ in range(6):
            A @ A
        for _ in range(2):
            np.sort(np.sqrt(x * x + 1.0))
        d: dict[int, float] = {}
        for i in range(150_000):
            d[i % 977] = d.get(i % 977, 0.0) + i * 0.5
        return time.thread_time() - t0


class ReferenceSampler(threading.Thread):
    """Runs :func:`reference_work` every :data:`SAMPLE_PAUSE_S` seconds until :meth:`stop`.

    It runs in the Sphinx process while the page's kernel (another process) executes, so it samples
    how fast this machine is *during* the page: on a 2-core machine it has the core the kernel does
    not use, and its own CPU time is not the kernel's.  :meth:`stop` returns the median sample
    (at least one sample is always taken).
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            self.samples.append(reference_work())
            if self._done.wait(SAMPLE_PAUSE_S):
                return

    def stop(self) -> float:
        self._done.set()
        self.join()
        return float(statistics.median(self.samples))


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def record_path(app) -> Path:
    """``<build>/kernel-cpu.json``: next to ``html/`` (the html folder is deleted when the cache is)."""
    return Path(app.outdir).parent / FILE_NAME


# page -> (children's CPU seconds, time, sampler) at source-read; kept here, not in app.env, which
# Sphinx pickles (a running thread cannot be pickled)
_STARTS: dict[str, tuple] = {}


def _start(app, docname: str, source) -> None:
    sampler = None
    if "```{code-cell}" in (source[0] if source else ""):
        sampler = ReferenceSampler()
        sampler.start()
    _STARTS[docname] = (_children_cpu(), time.time(), sampler)


def _finish(app, doctree) -> None:
    docname = app.env.docname
    start = _STARTS.pop(docname, None)
    if start is None:
        return
    cpu0, t0, sampler = start
    cpu = _children_cpu() - cpu0
    ref = sampler.stop() if sampler is not None else None
    try:
        from myst_nb.sphinx_ import NbMetadataCollector

        exec_data = NbMetadataCollector.get_exec_data(app.env, docname)
    except Exception:  # not a notebook page, or another MyST-NB layout
        exec_data = None
    if not exec_data or not exec_data.get("succeeded") or (exec_data.get("mtime") or 0) < t0:
        return  # no code, a failed execution, or outputs from the execution cache
    path = record_path(app)
    records = json.loads(path.read_text()) if path.exists() else {}
    if ref is None:
        return  # a page without code cells has no kernel
    load = ref / REFERENCE_NOMINAL_S
    records[docname] = {
        "cpu_seconds": cpu,
        "wall_seconds": exec_data.get("runtime"),
        "executed_at": exec_data.get("mtime"),
        "reference_seconds": ref,
        "reference_samples": len(sampler.samples),
        "load_factor": load,
        "calibrated_cpu_seconds": cpu / load,
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
            group = nodes.tgroup(cols=6)
            table += group
            for _ in range(6):
                group += nodes.colspec(colwidth=16)
            head, body = nodes.thead(), nodes.tbody()
            head += _row(["Page", "Kernel CPU time (s)", "Load factor", "Calibrated CPU time (s)",
                          "Wall time (s)", "Wall / CPU"])
            total_cpu = total_cal = total_wall = 0.0
            for page, rec in sorted(records.items()):
                cpu, wall = rec.get("cpu_seconds") or 0.0, rec.get("wall_seconds") or 0.0
                load = rec.get("load_factor") or 1.0
                cal = rec.get("calibrated_cpu_seconds", cpu)
                total_cpu, total_cal, total_wall = total_cpu + cpu, total_cal + cal, total_wall + wall
                body += _row([page.removeprefix("book/"), f"{cpu:.1f}", f"{load:.2f}", f"{cal:.1f}",
                              f"{wall:.1f}", f"{wall / max(cpu, 1e-9):.2f}"])
            body += _row(["all pages", f"{total_cpu:.1f}", "", f"{total_cal:.1f}", f"{total_wall:.1f}",
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


if __name__ == "__main__":  # re-measure REFERENCE_NOMINAL_S on a quiet machine: 60 samples, as a page would
    runs = sorted(reference_work() for _ in range(60))
    print(f"reference_work: median {statistics.median(runs):.4f} s, quartiles {runs[15]:.4f} {runs[45]:.4f}")
