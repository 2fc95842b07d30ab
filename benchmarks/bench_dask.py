"""Benchmark the dask paths of jl_lab on a matrix larger than the workers' memory (run by ``make bench``).

The matrix (ROWS x COLS float64, about 1 GB, exact singular values) is written
once as ``.npy`` blocks under ``_build/bench_dask/`` and reused.  The cluster
is a ``distributed.LocalCluster`` of two worker *processes* with one thread
each and a memory limit of WORKER_MEMORY each, together less than the matrix
(or the cluster at ``$JL_LAB_SCHEDULER``, which must see the same directory).
It prints

* scaling: the time (best of 3) of one pass (Gaussian projection to 32 dimensions,
  computed back to the client) on a quarter, half, three quarters and all of
  the rows, the fitted slope (s per 100,000 rows, with its standard error),
  R^2, and the throughput in MB/s at full size;
* randomized SVD (k = 10, oversampling 10, q = 1): jl_lab against
  ``dask.array.linalg.svd_compressed(compute=True)``: seconds, passes over the
  data (bytes read / matrix bytes), throughput (MB read per second), peak of
  loaded blocks alive at once, and the largest relative error of the ten
  singular values;
* the largest resident memory (VmHWM) any worker process reached, against its limit.

Single runs on a shared machine: read the times as rough, the passes and bytes as exact.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jl_lab import projections, scale_out  # noqa: E402

ROWS, COLS, BLOCK_ROWS = 320_000, 400, 2_500
WORKER_MEMORY = "400MB"
S_TRUE = 0.8 ** np.arange(60)


def _peak_rss_mb() -> float:
    """Largest resident set of this process so far (VmHWM, Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e3
    return float("nan")


def main() -> None:
    store = scale_out.data_directory("bench_dask")  # _build/bench_dask, or $JL_LAB_DATA/bench_dask
    meta = scale_out.write_npy_blocks(store, ROWS, COLS, S_TRUE, BLOCK_ROWS, seed=0)
    nbytes = meta["bytes"]
    if meta["seconds"]:
        print(f"wrote {nbytes / 1e6:.0f} MB in {meta['seconds']:.1f} s to {store}")
    client = scale_out.start_client(n_workers=2, threads_per_worker=1, processes=True, memory_limit=WORKER_MEMORY)
    try:
        workers = client.scheduler_info()["workers"].values()
        limit = sum(w["memory_limit"] for w in workers)
        print(f"matrix {ROWS:,} x {COLS} = {nbytes / 1e6:.0f} MB; {len(workers)} workers, memory limits "
              f"{limit / 1e6:.0f} MB together (the matrix is {nbytes / max(limit, 1):.2f} x that)")

        def project(X):
            return projections.random_projection(X, 32, rng=1).compute()

        sizes = [ROWS // 4, ROWS // 2, 3 * ROWS // 4, ROWS]
        sweep = scale_out.scaling(store, sizes, project, client, repeats=3)
        print("scaling (one pass, projection to 32 dims):")
        for r, t, p in zip(sweep["rows"], sweep["seconds"], sweep["passes"]):
            print(f"  {r:>9,} rows  {t:7.2f} s  passes {p:.2f}")
        print(f"  slope {sweep['slope'] * 1e5:.2f} +- {sweep['slope_se'] * 1e5:.2f} s per 100,000 rows, "
              f"intercept {sweep['intercept']:.2f} s, R^2 {sweep['r2']:.4f}; "
              f"throughput {nbytes / 1e6 / sweep['seconds'][-1]:.0f} MB/s at full size")

        X = scale_out.open_npy_blocks(store)
        cmp = scale_out.compare_svd(X, 10, S_TRUE, oversample=10, power_iters=1, client=client)
        print("randomized SVD, k = 10, oversampling 10, q = 1:")
        for name, r in cmp.items():
            print(f"  {name:8s} {r['seconds']:7.2f} s  passes {r['passes']:.0f}  "
                  f"{nbytes * r['passes'] / 1e6 / r['seconds']:6.0f} MB/s read  "
                  f"peak blocks {r['peak'] / 1e6:5.0f} MB  max rel. error of s {r['s_error']:.1e}")
        rss = client.run(_peak_rss_mb)
        print(f"largest worker resident memory {max(rss.values()):.0f} MB "
              f"(limit {limit / len(workers) / 1e6:.0f} MB per worker)")
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":  # worker processes are spawned: the guard is required
    main()
