"""Sphinx extension of jl-lab: the Performance page shows the results of the last ``make bench``.

Registered in _config.yml (``sphinx: local_extensions``).  ``benchmarks/bench_peers.py`` writes
``_build/bench/peers.json``; the directive ``{jl-bench-results}`` (book/performance.md) renders it as
tables and the list of targets, when the pages are written.  No number on the page is typed: they
all come from that file, and the page says when the benchmark ran.  Without the file (a fresh clone
before ``make bench``) the page says so instead.  The page is rewritten at every build.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective


def results_path(app) -> Path:
    return Path(app.srcdir) / "_build" / "bench" / "peers.json"


class BenchNode(nodes.General, nodes.Element):
    """Placeholder for the benchmark's results, replaced when the page is written."""


class BenchResults(SphinxDirective):
    """``{jl-bench-results}``: tables of the last run of benchmarks/bench_peers.py."""

    def run(self):
        self.env.jl_bench_docs = getattr(self.env, "jl_bench_docs", set()) | {self.env.docname}
        return [BenchNode()]


def _pages_to_update(app, env):
    return sorted(getattr(env, "jl_bench_docs", set()))


def _para(text: str) -> nodes.paragraph:
    return nodes.paragraph(text=text)


def _table(header: list[str], rows: list[list[str]], title: str) -> list[nodes.Node]:
    table = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=10)
    head, body = nodes.thead(), nodes.tbody()
    for cells, part in [(header, head)] + [(r, body) for r in rows]:
        row = nodes.row()
        for text in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=text)
            row += entry
        part += row
    group += head
    group += body
    return [nodes.rubric(text=title), table]


def _share(r: dict) -> str:
    share = r.get("share")
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "-"
    return f"{share:.0%} of {r['bound']}"


def render(res: dict) -> list[nodes.Node]:
    lim = res["limits"]
    out: list[nodes.Node] = [
        _para(
            f"Last run of make bench: {res['when']}, single thread, best of {res['repeats']} interleaved repeats. "
            f"This machine: GEMM {lim['gemm64'] / 1e9:.1f} GFlop/s in float64 and {lim['gemm32'] / 1e9:.1f} in "
            f"float32, memory bandwidth {lim['bandwidth'] / 1e9:.1f} GB/s (copy, bytes read plus written)."
        )
    ]
    targets = nodes.bullet_list()
    for t in res["targets"]:
        item = nodes.list_item()
        item += _para(f"{'Met' if t['met'] else 'NOT met'}: {t['what']} ({t['detail']}).")
        targets += item
    out += [nodes.rubric(text="Targets of the performance issue"), targets]
    out += _table(
        ["D", "n", "method", "ms", "time / jl_lab Gaussian", "share of bound"],
        [[str(r["d"]), str(r["n"]), r["method"], f"{1e3 * r['seconds']:.1f}", f"{r['vs_gaussian']:.2f}", _share(r)]
         for r in res["projections"]],
        "Random projections of 2000 points (drawing the map included)",
    )
    out += _table(
        ["input", "method", "output", "ms", "time / scikit-learn", "error / optimum", "share of bound"],
        [[r["dtype"], r["method"], r["dtype_out"], f"{1e3 * r['seconds']:.1f}", f"{r['vs_sklearn']:.2f}",
          f"{r['error']:.4f}", _share(r)] for r in res["svd"]],
        "Rank-50 SVD of a dense 5000 x 2000 matrix with sigma_j = 1/j (q = 2, oversampling 10)",
    )
    out += _table(
        ["bits", "method", "ms", "time / FAISS", "share of bound"],
        [[str(r["n_bits"]), r["method"], f"{1e3 * r['seconds']:.1f}", f"{r['vs_faiss']:.2f}", _share(r)]
         for r in res["hamming"]],
        "All-pairs Hamming distances, 1000 x 20000 packed codes",
    )
    idx = res["index"]
    rows = [[f"exact, {name}", "1.000", f"{1e3 * sec:.3f}", f"{idx['exact_memory'][name] / 1e6:.1f}"]
            for name, sec in idx["exact"].items()]
    rows += [[f"SignLSHIndex b={r['n_bits']} L={r['n_tables']}", f"{r['recall']:.3f}", f"{1e3 * r['seconds']:.3f}",
              f"{r['memory'] / 1e6:.1f}"] for r in idx["index"]]
    out += _table(
        ["method", "recall@10", "ms per query", "memory (MB)"], rows,
        f"Top-10 search among {idx['n_points']:,} clustered unit vectors in {idx['d']} dimensions "
        f"(median cosine to the true neighbours {idx['nn_cosine']:.3f})",
    )
    return out


class BenchTransform(SphinxPostTransform):
    default_priority = 8

    def run(self, **kwargs) -> None:
        path = results_path(self.app)
        for node in list(self.document.findall(BenchNode)):
            if path.exists():
                node.replace_self(render(json.loads(path.read_text())))
            else:
                node.replace_self(_para(
                    "No benchmark results yet: run make bench (benchmarks/bench_peers.py writes "
                    "_build/bench/peers.json), then build the book again."
                ))


def setup(app) -> dict[str, Any]:
    app.add_node(BenchNode)
    app.add_directive("jl-bench-results", BenchResults)
    app.connect("env-updated", _pages_to_update)
    app.add_post_transform(BenchTransform)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
