"""One smoke test per figure of jl_lab.plots: it draws a Figure with labelled, non-empty axes from
inputs computed the way the pages compute them (at toy sizes), and it refuses bad input by name.

The boundary checks common to every figure (missing or None arguments, empty data, complex numbers,
non-finite or non-integral scalars) live once in ``plots._style.styled``; the bad calls below go
through it.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from jl_lab import attention, bounds, cocluster, entropy, lsh, plots, projections, reducers, rsvd, sketch  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 12))


def _inputs():
    """name -> (args, kwargs) of a good call, for every figure function."""
    dims = np.arange(1, 30)
    eps_values = [0.2, 0.4]
    exact = np.array([[0.5 ** (d * e) for d in dims] for e in eps_values])
    ratios = {4: projections.pairwise_distortion(X, projections.random_projection(X, 4, rng=0)),
              8: projections.pairwise_distortion(X, projections.random_projection(X, 8, rng=0))}
    curve = bounds.success_curve(X, 0.5, [4, 8, 16], trials=3, rng=0)
    chain = lsh.chain_errors(X, [8, 16, 32], rng=0)
    codes = lsh.sign_codes(X, 32, rng=0)
    h = lsh.hamming_distance(codes, codes)[np.triu_indices(40, 1)]
    cosx = (X / np.linalg.norm(X, axis=1, keepdims=True))
    cos = (cosx @ cosx.T)[np.triu_indices(40, 1)]
    by_n = lsh.estimator_spread([0.5], [8, 16], 20, rng=0)
    by_rho = lsh.estimator_spread([0.1, 0.5, 0.9], [16], 20, rng=0)
    Q = RNG.normal(size=(5, 12))
    isweep = lsh.index_sweep(X, Q, [4, 8], [1, 2], k=3, rng=0, repeat=1)
    s = 1.0 / np.arange(1, 31)
    M = rsvd.matrix_with_spectrum(40, 30, s, rng=0)
    rec = rsvd.seed_recipe_errors(M, [2, 4], s=s, rng=0)
    sweep = rsvd.error_sweep(s, 3, [2, 4], [0, 1], trials=2, rng=0)
    norm = rsvd.normalizer_errors(M, [2, 4], s, rng=0)
    img = RNG.random((40, 40))
    comp = rsvd.compression_curve(img, [2, 4, 6, 8, 10], rng=0)
    report = rsvd.approximation_report(M, 4, 4, 1, rng=0)
    table = reducers.sweep(X, [2, 4, 8], kinds=("gaussian", "pca"), k=3, rng=0)
    checks = reducers.variance_check(X, table, n_pairs=50, rng=1)
    points = [(str(c["kind"]), "toy", c["predicted"], c["measured"]) for c in checks]
    pairs = reducers.pair_ratio_sweep(X, [2, 4], n_pairs=50, k=3, rng=0)
    counts = RNG.poisson(2.0, size=(20, 20)).astype(float) + np.eye(20)
    rows, cols = cocluster.svd_cocluster(counts, 3, 3, rng=0)
    vocab = [f"w{i}" for i in range(20)]
    view = cocluster.block_view(counts, rows, cols, vocab, n_top=3)
    model = cocluster.planted_bigram_model(30, 2, 2, rng=0)
    recovery = cocluster.recovery_curve(model, [2000, 4000], {"NMI": lambda a, b: float(np.mean(a == b)),
                                                              "ARI": lambda a, b: float(np.mean(a == b))},
                                        rng=0, methods=("svd",), em_iter=3)
    U, sv, Vt = np.linalg.svd(counts / counts.sum(1, keepdims=True))
    P = attention.make_target("sparse", 8, rng=0)
    fit = attention.fit_attention(P, 2, max_iter=5, rng=0)
    n_grid = np.array([2, 4, 8, 16])
    A = RNG.normal(size=(200, 5))
    b = RNG.normal(size=200)
    dcurve = sketch.distortion_curve(A, [20, 40], kinds=("gaussian", "countsketch"), trials=3, rng=0)
    mean, se = reducers.paired_difference(RNG.random((3, 2, 4)), RNG.random((3, 2, 4)))
    return {
        "rp_knn_difference": (({"toy": ([2, 4], mean, se)},), {}),
        "lsh_amplification": ((np.linspace(0, 1, 11), {"r=2, b=4": 1 - (1 - np.linspace(0, 1, 11) ** 2) ** 4},
                               np.linspace(0.1, 3.0, 5), {"measured": (np.linspace(1, 0, 5), None)}), {}),
        "lsh_multiprobe": (([{"label": "a", "kind": "plain", "scanned": 0.1, "recall": 0.5, "theory": None},
                             {"label": "b", "kind": "multi-probe", "scanned": 0.2, "recall": 0.8, "theory": 0.7}],), {}),
        "lsh_ann_comparison": (({"exact": [("k=10", 1.0, 1e-3)], "LSH": [("8 bits", 0.8, 1e-4), ("16 bits", 0.6, 5e-5)]},), {}),
        "rsvd_krylov": ((rsvd.krylov_comparison(M, 3, [0, 1], [1, 2], oversample=2, rng=0), float(s[3])), {"title": "toy"}),
        "sketch_sizes": (([2, 4], {"toy": {"gaussian": [10, 20], "countsketch": [15, 40]}}, {"toy": {"d / eps^2": [8, 16]}}, 0.5), {}),
        "sketch_distortion": (({"toy": dcurve}, 0.5), {}),
        "sketch_residuals": ((sketch.residual_sweep(A, b, [20, 40], kinds=("gaussian",), trials=2, rng=0),), {}),
        "sketch_preconditioning": ((sketch.preconditioning_sweep([10.0, 100.0], 200, 5, 40, rng=0), "sparse-sign"), {}),
        "sketch_timings": ((sketch.lstsq_timings(A, b, 40, repeats=1, rng=0), "toy"), {}),
        "scale_out_summary": (([1000, 2000, 4000], [0.1, 0.2, 0.4], 1e-4, 0.0,
                               {"numpy": {"passes": 6.0, "seconds": 0.5}, "dask": {"passes": 2.0, "seconds": 0.3}}), {}),
        "dim_wordvec_quality": (({100: ([2, 4, 8], [[0.1, 0.3, 0.2], [0.15, 0.25, 0.2]])},), {}),
        "plot_tail_bound": ((dims, eps_values, exact, exact * 2), {}),
        "plot_dimension_vs_log": (({"toy": (np.array([1.0, 2.0]), np.array([10, 20]))}, {"su24": 24}), {}),
        "plot_distortion_histograms": ((ratios,), {"eps": 0.3}),
        "plot_success_curve": (([4, 8, 16], curve[0]), {"marks": {"su24": 10}, "eps": 0.5}),
        "plot_jl_explorer": ((ratios[4], 0.3, 4, {"su24": 100}), {}),
        "rp_spectra": (({"toy": reducers.pca_spectrum(X)},), {}),
        "rp_accuracy": (({"toy": table},), {}),
        "rp_variance_check": ((points,), {}),
        "rp_costs": ((table,), {}),
        "rp_out_of_sample": (({"toy": {"PCA fitted on these points": ([2, 4], [0.5, 0.7]),
                                       "Gaussian": ([2, 4], [0.3, 0.5])}},), {}),
        "rp_stored_maps": (({"PCA": [("mean", np.ones(64)), ("c1", np.arange(64.0))]},), {}),
        "rp_pairs_frame": ((pairs, 2), {}),
        "lsh_chain": ((chain,), {}),
        "lsh_arcsine": ((cos, h, 32), {}),
        "lsh_variance": ((by_n, by_rho), {}),
        "lsh_estimates": ((lsh.simulate_cosine_estimates(0.5, 32, 50, rng=0),), {}),
        "lsh_index": ((isweep,), {}),
        "rsvd_seed_recipe": (([rec, rec], ["a", "b"]), {}),
        "rsvd_qqt": ((RNG.random(5), RNG.random(5), 20, 5), {"z": RNG.normal(size=200)}),
        "rsvd_error_sweep": (([sweep, sweep], ["a", "b"]), {}),
        "rsvd_power_spectra": (({"1/j": s, "1/sqrt j": 1 / np.sqrt(np.arange(1, 31))}, 5), {}),
        "rsvd_normalizers": ((norm, {"lu": 0.1, "qr-every": 0.2}), {}),
        "rsvd_timings": (({"dense": {"a": {"time": 0.1, "error": 1.0}, "b": {"time": 0.2, "error": 1.1}}},
                          {"dense": 1.0}), {}),
        "rsvd_compression": ((img, comp), {"show": (0, 2, 4)}),
        "rsvd_report": ((report,), {}),
        "cocluster_spectrum": (({"exact": sv, "estimate": sv * 1.1}, 2), {}),
        "cocluster_factors": (((U[:, :3], sv[:3], Vt[:3]), (np.full((20, 2), 0.5), np.full((2, 2), 0.5),
                                                             np.full((2, 20), 0.05))), {}),
        "cocluster_recovery": ((recovery,), {}),
        "cocluster_em_history": (({"run": np.array([-3.0, -2.0, -1.5])}, 1000.0), {}),
        "cocluster_matrix": ((view,), {}),
        "cocluster_words_table": ((view,), {}),
        "dim_per_dimension_constant": ((n_grid, entropy.per_dimension_constant(n_grid), entropy.PER_DIMENSION_LIMIT), {}),
        "dim_root_vs_formula": (([10, 100, 1000], [20, 40, 60], [10, 20, 30]), {}),
        "dim_sampled_entropy": ((n_grid, {10: RNG.random((3, 4))}, {10: RNG.random(4)}, {10: 4}), {}),
        "attn_head_size_sweep": (([8, 16], {"sparse": [2, 4]}, 64, {"entropy": (np.array([1.0, 2.0]), "--")}), {}),
        "attn_logit_bound": (([1.0, 2.0, 4.0], [8, 4, 2], 16, 2.0, 3), {}),
        "attn_fit": ((P, fit.A), {"title": "toy"}),
        "rsvd_report_update": ((plots.rsvd_report(report), report), {}),
        "attn_fit_update": ((plots.attn_fit(P, fit.A, title="toy"), P, fit.A), {"title": "toy"}),
        "plot_jl_explorer_update": ((plots.plot_jl_explorer(ratios[4], 0.3, 4, {"su24": 100}), ratios[8], 0.2, 8,
                                     {"su24": 90}), {}),
        "lsh_estimates_update": ((plots.lsh_estimates(lsh.simulate_cosine_estimates(0.5, 32, 50, rng=0)),
                                  lsh.simulate_cosine_estimates(-0.3, 64, 50, rng=1)), {}),
        "cocluster_matrix_update": ((plots.cocluster_matrix({**view, "row_top": [], "col_top": []}),
                                     {**view, "row_top": [], "col_top": []}), {}),
        "attn_linformer": (({"uniform": attention.linformer_error(P, RNG.normal(size=(P.shape[0], 2)), [2, 4],
                                                                  trials=2, rng=0)},), {}),
    }


_NOT_FIGURES = {"use_style", "style", "figure", "styled", "table", "FrameSlider", "frame_slider"}
FIGURES = [n for n in plots.__all__
           if n not in _NOT_FIGURES and n not in plots.DEPRECATED_ALIASES and callable(getattr(plots, n))]


def test_deprecated_names_are_the_renamed_figures():
    for old, new in plots.DEPRECATED_ALIASES.items():
        assert getattr(plots, old) is getattr(plots, new)


@pytest.fixture(scope="module")
def inputs():
    return _inputs()


def test_every_figure_function_has_a_smoke_test(inputs):
    assert sorted(FIGURES) == sorted(inputs), set(FIGURES) ^ set(inputs)


@pytest.mark.parametrize("name", FIGURES)
def test_figure_draws_with_labels(name, inputs):
    args, kwargs = inputs[name]
    out = getattr(plots, name)(*args, **kwargs)
    if name == "cocluster_words_table":  # an HTML table, not a figure
        assert "<table" in out.data and "w" in out.data
        return
    assert isinstance(out, Figure)
    axes = [ax for ax in out.axes if ax.get_visible()]
    assert axes and any(ax.has_data() or ax.images for ax in axes)
    texts = [ax.get_xlabel() + ax.get_ylabel() + ax.get_title() for ax in axes] + [
        out._suptitle.get_text() if out._suptitle else ""]
    assert any(t.strip() for t in texts), f"{name}: no axis label or title to describe in alt text"


@pytest.mark.parametrize("name", FIGURES)
def test_figure_refuses_missing_none_empty_and_complex_input(name, inputs):
    import inspect

    fn = getattr(plots, name)
    args, kwargs = inputs[name]
    first = next(iter(inspect.signature(fn).parameters))
    with pytest.raises(TypeError, match=r"missing|required"):
        fn()
    with pytest.raises(TypeError, match=first):
        fn(None, *args[1:], **kwargs)
    bad = args[0]
    if isinstance(bad, dict):
        spoilt = {}
    elif isinstance(bad, np.ndarray) and bad.dtype.kind in "fiu":
        spoilt = bad + 1j
    else:
        spoilt = []
    with pytest.raises((TypeError, ValueError), match=first):
        fn(spoilt, *args[1:], **kwargs)


@pytest.mark.parametrize(("name", "param", "value"), [
    ("plot_jl_explorer", "eps", float("nan")), ("plot_jl_explorer", "n", 2.5), ("lsh_arcsine", "n_bits", "32"),
    ("attn_logit_bound", "d_max", True), ("rsvd_qqt", "k", 1j), ("rsvd_qqt", "k", 30), ("rsvd_qqt", "eig_orth", [1.0]),
    ("plot_success_curve", "marks", [1, 2]),
])
def test_figure_refuses_bad_scalars_by_name(name, param, value, inputs):
    import inspect

    fn = getattr(plots, name)
    args, kwargs = inputs[name]
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.arguments[param] = value
    with pytest.raises((TypeError, ValueError), match=param):
        fn(*bound.args, **bound.kwargs)


def test_attn_head_size_sweep_leaves_out_lengths_not_fitted():
    """A 0 in a family's results (length not fitted) draws no point; a result above the cap draws a triangle."""
    fig = plots.attn_head_size_sweep([32, 64, 128], {"sparse": [3, 4, 0], "dirichlet": [19, 129, 0]}, 64,
                                     {"entropy": (np.array([1.0, 2.0, 3.0]), "--")})
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    np.testing.assert_array_equal(lines["sparse"].get_xdata(), [32, 64])
    np.testing.assert_array_equal(lines["dirichlet"].get_xdata(), [32])
    np.testing.assert_array_equal(lines["dirichlet: more than 64"].get_xdata(), [64])
    assert min(np.min(ln.get_ydata()) for ln in lines.values()) > 0
