"""Optional, long run for the attention chapter: minimal head sizes for longer sequences.

The chapter book/attention.md sweeps L = 32..512 with head sizes capped at 128 and a
geometric grid of candidates, within its time budget.  This script lifts the cap
(every d up to L is allowed), searches every integer, and goes further in L.  It is
not run when the book is built.  Reproduce with::

    .venv/bin/python tools/attention_sweep_large.py                 # L up to 1024, about 16 min
    .venv/bin/python tools/attention_sweep_large.py --max-L 512     # the chapter's range, uncapped

It prints one line per family: L and the smallest head size reaching worst-row
total variation <= tol (a value L + 1 means not reached even at d = L).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from jl_lab import attention, entropy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-L", type=int, default=1024, help="largest sequence length (a power of two)")
    ap.add_argument("--tol", type=float, default=0.1, help="worst-row TV tolerance")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-iter", type=int, default=500)
    args = ap.parse_args()
    lengths = [L for L in (32, 64, 128, 256, 512, 1024, 2048, 4096) if L <= args.max_L]
    print(f"tol = {args.tol}, seed = {args.seed}, max_iter = {args.max_iter}")
    print("L:", lengths)
    print("8.33 log L:", [round(float(8.33 * np.log(L)), 1) for L in lengths])
    print("row-wise entropy root:", [round(entropy.entropy_dimension(L, conditional=True), 1) for L in lengths])
    for family in attention.FAMILIES:
        t0 = time.perf_counter()
        d = attention.head_size_sweep(
            family, lengths, args.tol, max_iter=args.max_iter, rng=args.seed,
            **attention.DEFAULT_PARAMS[family],
        )
        print(f"{family:>10}: {d.tolist()}  ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
