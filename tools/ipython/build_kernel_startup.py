"""IPython start-up file of the kernels that execute the book's pages (installed by tools/build_book.py).

``tools/build_book.py`` copies this file into ``<build>/ipython/profile_default/startup/`` and points
``IPYTHONDIR`` there, so only the build's kernels run it (not a reader's or a student's). It does two
things, neither visible in the pages.

1. **Skips a parser nothing uses.** The first ``myst_nb.glue`` call of a page imports nbformat, which
   imports jsonschema, which imports ``rfc3987_syntax`` when it is installed (it comes with
   ``jsonschema[format-nongpl]``, which the Jupyter packages require). At import, ``rfc3987_syntax``
   compiles about 35 Earley parsers: 2.6 s of CPU in every kernel on this project's 2-core machine,
   nine times per build, to validate the string formats "iri" and "iri-reference", which no notebook
   schema uses (https://github.com/python-jsonschema/jsonschema/issues/1428). Marking the module
   absent makes jsonschema skip those two format checkers, as it does when the package is missing.

2. **Times a reference workload in the page's own kernel** (when ``JL_LAB_CPU_REFERENCE_DIR`` is
   set): a fixed mix of BLAS products, memory-bound array operations, a sort and interpreted Python,
   about 0.1 s of CPU on a quiet machine, timed when the kernel starts, after any cell once 5 s of
   CPU have passed since the last sample, and when the kernel exits. On a virtual machine whose host
   is shared, a core's speed drifts (the same pages have measured 289 to 402 s of CPU within a day);
   the reference, timed in the same process at the same time, slows down with it. The samples and the
   CPU they cost are written to ``<dir>/<pid>.json`` after every sample; tools/sphinx_ext/jl_cputime.py
   attaches them to the page's CPU record, and the book test scales each page's CPU time by
   quiet reference / measured reference (never above 1).
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)


def _install_reference() -> None:
    import atexit
    import json
    import os
    import time

    out = os.environ.get("JL_LAB_CPU_REFERENCE_DIR")
    if not out:
        return
    import numpy as np

    record = {"started": time.time(), "samples": [], "cpu_seconds": 0.0}
    path = os.path.join(out, f"{os.getpid()}.json")
    last = [0.0]

    def workload() -> float:
        t = time.process_time()
        a = np.random.default_rng(0).standard_normal((256, 256))
        for _ in range(20):
            a = np.tanh(a @ a / 256)
        b = np.random.default_rng(1).standard_normal(1_000_000)
        np.exp(b)
        np.sort(b)
        s = 0
        for i in range(300_000):
            s += i * i % 7
        return time.process_time() - t

    def sample() -> None:
        t = time.process_time()
        record["samples"].append(workload())
        last[0] = time.process_time()
        record["cpu_seconds"] += last[0] - t
        with open(path, "w") as f:
            json.dump(record, f)

    def after_cell(_result) -> None:
        if time.process_time() - last[0] >= 5.0:
            sample()

    sample()
    get_ipython().events.register("post_run_cell", after_cell)  # noqa: F821  (IPython's start-up namespace)
    atexit.register(sample)


_install_reference()
del _install_reference
