"""Tests of jl_lab.check and of the exercise convention of the pages.

For every checkable exercise the right answer, computed here a second way (a closed form against
jl_lab's search, scikit-learn against jl_lab, a different root finder or search path), passes; a
clearly wrong one and answers of the wrong type or shape give "not yet" without an exception and
without showing the expected value.  The pages are checked against the convention the student
edition relies on: every registered label is an exercise whose text says how to check it, every
exercise is followed directly by its hidden solution, and cells tagged ``solution`` feed nothing
but the solutions.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import myst  # tools/myst.py, the page model (tools/ is on the test path)
from scipy import optimize, special
from scipy.spatial.distance import pdist

from jl_lab import attention, check as chk, cocluster, corpus, entropy, rsvd
from jl_lab.check import EXERCISES, CheckResult, available, check

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


# --------------------------------------------------------------------------- answers, a second way


def _jl_lemma_ex_2():
    # the chi-square tails as regularized incomplete gamma functions, n scanned one by one
    N, eps = 100, 0.3
    for n in range(1, 5000):
        a = n / 2
        tail = special.gammaincc(a, n * (1 + eps) / 2) + special.gammainc(a, n * (1 - eps) / 2)
        if math.comb(N, 2) * tail <= 1:
            return n
    raise AssertionError("no n found")


def _rp_vs_pca_ex_2():
    # scikit-learn's PCA and SciPy's pdist instead of jl_lab.reducers and jl_lab.projections
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA

    X = load_digits().data
    dx = pdist(X, "sqeuclidean")
    out = []
    for n in (16, 32):
        r = pdist(PCA(n, svd_solver="full").fit_transform(X), "sqeuclidean") / dx
        out.append((r.max() - r.min()) / (r.max() + r.min()))
    return tuple(out)


def _lsh_ex_2():
    # the closed form L = ceil(log 0.1 / log(1 - p^b)) instead of counting tables up
    p = 5 / 6
    return tuple(math.ceil(math.log(0.1) / math.log(1 - p**b)) for b in (8, 12, 16))


def _rsvd_ex_2():
    # flat spectrum: the bound is B^(1/(2q+1)) with a bracket B that does not depend on q
    k, n = 20, 1000
    out = []
    for p in (5, 10, 20):
        B = 1 + math.sqrt(k / (p - 1)) + math.e * math.sqrt(k + p) / p * math.sqrt(n - k)
        out.append(max(0, math.ceil((math.log(B) / math.log(1.5) - 1) / 2)))
    return tuple(out)


def _rsvd_ex_3():
    # the same seeded M and Q, the norm from SciPy's singular values of the residual
    from scipy.linalg import svdvals

    s = 1.0 / np.arange(1, 121)
    M = rsvd.matrix_with_spectrum(300, 120, s, rng=20)
    Q = rsvd.range_finder(M.T, 30, power_iters=2, rng=23)
    ratio = svdvals(M - (M @ Q) @ Q.T)[0] * 31
    assert ratio >= 1 - 1e-9, "no rank-30 approximation beats sigma_31 (Eckart-Young)"
    return ratio


def _sketch_ex_1():
    # the birthday product evaluated for m = d, d + 1, ... instead of sketch's bisection
    d, prob = 10, 0.9
    m = d
    while math.prod(1 - i / m for i in range(d)) < prob:
        m += 1
    return m


def _cocluster_ex_4():
    # plain Counters over the token list instead of jl_lab.cocluster.bigram_counts
    out = []
    for name in ("python-docs", "sklearn-docs"):
        tokens = corpus.load_corpus(name)
        vocab = {w for w, _ in Counter(tokens).most_common(1000)}
        pairs = Counter((a, b) for a, b in zip(tokens, tokens[1:]) if a in vocab and b in vocab)
        total = sum(pairs.values())
        out.append(sum(c for _, c in pairs.most_common(10)) / total)
    return tuple(out)


def _dimension_formula_ex_1():
    # the closed form of the solution (cos theta uniform on [-1, 1] for n = 3)
    return math.log(math.sinh(3) / 3) - 3 * (1 / math.tanh(3) - 1 / 3)


def _dimension_formula_ex_2():
    # numerical maximisation of s t + log(1 - t^2)/2 instead of the root of s t^2 + t - s = 0
    def coefficient(s):
        res = optimize.minimize_scalar(lambda t: -(s * t + 0.5 * np.log1p(-t * t)), bounds=(0, 1 - 1e-12),
                                       method="bounded", options={"xatol": 1e-12})
        return 2 / abs(0.5 * np.log1p(-res.x**2))

    assert coefficient(1.0) == pytest.approx(entropy.formula_coefficient(), rel=1e-6)
    return coefficient(0.5), coefficient(2.0)


def _dimension_formula_ex_3():
    # h_n from the von Mises-Fisher closed form (Bessel functions) instead of the quadrature
    N = 1000
    roots = []
    for m in (100, 1):
        roots.append(optimize.brentq(
            lambda n: 2 * np.log(N) + entropy.entropy_correction(n, method="bessel") - np.log(m), 2, 500))
    assert roots[1] == pytest.approx(entropy.entropy_dimension(N), rel=1e-6)
    return tuple(roots)


def _attention_ex_2():
    # every beta of the grid, the worst-row TV in closed form from the key Gram matrix: with the
    # query beta k_s the weights are e^{beta <k_s, k_j>}, so TV_i = 1 - 1/(1 + sum_{j != s} e^{beta(g_sj - 1)})
    P = attention.sparse_target(512, k=1, rng=0)
    support = P.argmax(axis=1)
    betas = np.arange(1.0, 200.0, 1.0)
    out = []
    for d in (16, 32, 64):
        _, K = attention.jl_construction(P, d, 1.0, rng=0)
        G = (K @ K.T)[support]  # row i: <k_s(i), k_j>
        G[np.arange(len(support)), support] = -np.inf  # leave out the support itself
        tv = np.array([(1 - 1 / (1 + np.exp(b * (G - 1)).sum(axis=1))).max() for b in betas])
        ok = np.flatnonzero(tv <= 0.1)
        out.append(int(betas[ok[0]]) if ok.size else None)
    return tuple(out)


def _attention_ex_3():
    # min_head_size by another search path (galloping from a guess); the per-d verdicts are seeded
    return tuple(
        attention.min_head_size(attention.dirichlet_target(64, alpha=a, rng=0), 0.1, rng=0, guess=4)
        for a in (0.1, 1.0, 10.0)
    )


SECOND_WAY = {
    "jl_lemma-ex-2": _jl_lemma_ex_2,
    "rp_vs_pca-ex-2": _rp_vs_pca_ex_2,
    "lsh-ex-2": _lsh_ex_2,
    "rsvd-ex-2": _rsvd_ex_2,
    "rsvd-ex-3": _rsvd_ex_3,
    "sketch-ex-1": _sketch_ex_1,
    "cocluster-ex-4": _cocluster_ex_4,
    "dimension_formula-ex-1": _dimension_formula_ex_1,
    "dimension_formula-ex-2": _dimension_formula_ex_2,
    "dimension_formula-ex-3": _dimension_formula_ex_3,
    "attention-ex-2": _attention_ex_2,
    "attention-ex-3": _attention_ex_3,
}


@pytest.fixture(scope="module")
def right_answers():
    """label -> the right answer, each computed the second way (once per module)."""
    cache = {}

    def get(label):
        if label not in cache:
            cache[label] = SECOND_WAY[label]()
        return cache[label]

    return get


def _as_tuple(answer) -> tuple:
    return tuple(answer) if isinstance(answer, (tuple, list)) else (answer,)


def _wrong(label, answer):
    """A clearly wrong answer of the right shape: every number moved far (a None made a number)."""
    ex = EXERCISES[label]
    moved = []
    for v in _as_tuple(answer):
        if v is None:
            moved.append(50)
        elif ex.integer:
            moved.append(int(v) + 7)
        else:
            moved.append(float(v) * 1.5)
    return tuple(moved) if ex.parts else moved[0]


# --------------------------------------------------------------------------- the registry


def test_every_label_has_a_second_way():
    assert set(SECOND_WAY) == set(available())


def test_available_lists_the_registry_in_book_order():
    labels = available()
    assert labels == list(EXERCISES) and len(labels) == len(set(labels))
    pages = chapters()
    order = [pages.index(label.split("-ex-")[0]) for label in labels]
    assert order == sorted(order)


def test_every_chapter_has_a_checkable_exercise():
    pages = {label.split("-ex-")[0] for label in available()}
    missing = set(chapters()) - pages
    assert not missing, f"chapters without a checkable exercise: {missing}"


def test_registry_entries_are_complete():
    for label, ex in EXERCISES.items():
        assert ex.label == label
        assert re.fullmatch(r"[a-z_]+-ex-\d+", label)
        assert ex.expects and ex.hint and callable(ex.compute)
        assert 0 < ex.rtol < 0.01


# --------------------------------------------------------------------------- right, wrong, malformed


@pytest.mark.parametrize("label", list(SECOND_WAY))
def test_right_answer_computed_a_second_way_passes(label, right_answers):
    answer = right_answers(label)
    result = check(label, answer)
    assert isinstance(result, CheckResult)
    assert result, f"{label}: {result!r}"
    assert result.verdict == "correct" and "correct" in repr(result) and "correct" in result._repr_html_()


@pytest.mark.parametrize("label", list(SECOND_WAY))
def test_right_answer_passes_in_other_containers(label, right_answers):
    answer = _as_tuple(right_answers(label))
    if EXERCISES[label].parts:
        assert check(label, list(answer))
        if None not in answer:
            assert check(label, np.array(answer))
    else:
        assert check(label, np.float64(answer[0]))
        assert check(label, np.array(answer[0]))


@pytest.mark.parametrize("label", list(SECOND_WAY))
def test_clearly_wrong_answer_fails_without_showing_the_answer(label, right_answers):
    answer = right_answers(label)
    result = check(label, _wrong(label, answer))
    assert not result and result.verdict == "not yet"
    assert "not yet" in repr(result) + result._repr_html_() and result.hint in repr(result)
    # what the result adds to the fixed texts (expects, hint, names of the parts) must not hold the answer
    text = " ".join(result.problems)
    for name in EXERCISES[label].parts:
        text = text.replace(name, "")
    for v in _as_tuple(answer):
        if v is None:
            continue
        shown = {f"{v:.3g}", f"{v:.4g}", f"{v:.6g}", repr(v)} if not EXERCISES[label].integer else {str(int(v))}
        for s in shown:
            assert not re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", text), f"{label}: {s} shown in {text!r}"


@pytest.mark.parametrize("label", list(SECOND_WAY))
def test_slightly_wrong_answer_fails(label, right_answers):
    ex = EXERCISES[label]
    values = _as_tuple(right_answers(label))
    i = next(j for j, v in enumerate(values) if v is not None)
    v = values[i]
    moved = list(values)
    moved[i] = int(v) + ex.atol + 1 if ex.integer else v * (1 + 3 * ex.rtol)
    result = check(label, tuple(moved) if ex.parts else moved[0])
    assert not result
    assert len(result.problems) == 1
    assert ("off by one" if ex.integer else "close") in result.problems[0]


@pytest.mark.parametrize("label", list(SECOND_WAY))
@pytest.mark.parametrize(
    "bad",
    ["forty-two", None, {"a": 1}, True, [1.0] * 7, float("nan"), np.zeros((2, 2, 2)), object()],
    ids=["str", "None", "dict", "bool", "too-long", "nan", "3d-array", "object"],
)
def test_wrong_type_or_shape_is_not_yet_with_what_is_expected(label, bad):
    result = check(label, bad)
    assert not result and result.problems
    assert result.expects in repr(result)
    assert isinstance(result._repr_html_(), str)


def test_non_integer_for_an_integer_answer_says_so():
    result = check("lsh-ex-2", (9.5, 20, 42))
    assert not result and "an integer is expected" in result.problems[0]


def test_none_is_accepted_only_where_no_value_exists(right_answers):
    answer = right_answers("attention-ex-2")
    assert None in answer
    assert check("attention-ex-2", tuple(float("nan") if v is None else v for v in answer))
    numbers = [i for i, v in enumerate(answer) if v is not None]
    with_none = list(answer)
    with_none[numbers[0]] = None
    result = check("attention-ex-2", tuple(with_none))
    assert not result and "not None" in result.problems[0]
    assert not check("rsvd-ex-3", None)


def test_wrong_sign_is_named():
    result = check("dimension_formula-ex-1", -_dimension_formula_ex_1())
    assert not result and "wrong sign" in result.problems[0]


def test_unknown_label_raises_and_lists_the_labels():
    with pytest.raises(ValueError, match="label") as info:
        check("lsh-ex-99", 1)
    for label in available():
        assert label in str(info.value)
    with pytest.raises(TypeError, match="label"):
        check(2, 1)


def test_result_is_not_printed(capsys):
    check("lsh-ex-2", (1, 2, 3))
    assert capsys.readouterr() == ("", "")


def test_html_escapes_the_student_input():
    result = check("rsvd-ex-3", "<script>alert(1)</script>")
    assert "<script>" not in result._repr_html_()


def test_expected_answers_are_not_typed_into_the_module(right_answers):
    source = "".join(p.read_text() for p in Path(chk.__file__).parent.glob("*.py"))
    for label in available():
        for v in _as_tuple(right_answers(label)):
            if v is None or (EXERCISES[label].integer and abs(v) < 100):
                continue  # small integers occur as parameters (grids, seeds); nothing to learn from them
            for s in {f"{v:.3g}", f"{v:.4g}", f"{v:.6g}"}:
                assert not re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", source), f"{label}: {s} in check.py"


# --------------------------------------------------------------------------- the pages follow the convention

class _Block(dict):
    """One fenced block of a page as the tests below read it: ``m["body"]`` and ``m.span()`` (character offsets)."""

    def span(self) -> tuple[int, int]:
        return self["span"]


def _blocks(text: str, names) -> list[_Block]:
    """The top-level blocks named ``names`` (myst.fences: the one fence parser of the project), in order."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    out = []
    for f in myst.fences(text):
        if f.name in names:
            end = offsets[f.end] + len(lines[f.end]) if f.end < len(lines) else len(text)
            out.append(_Block(kind=f.name, arg=f.arg, options=f.options, body=f.body, span=(offsets[f.start], end)))
    return out


def chapters() -> list[str]:
    """The chapters (myst.chapters: the notebook pages of the numbered part of _toc.yml), as page names."""
    return [p.removeprefix("book/") for p in myst.chapters()]


def directives(page: str) -> list[dict]:
    out = []
    for b in _blocks((BOOK / f"{page}.md").read_text(), {"exercise", "solution"}):
        label = b["options"].get("label", "") if b["kind"] == "exercise" else b["arg"].strip()
        out.append({"kind": b["kind"], "label": label, "body": b["body"], "span": b.span()})
    return out


@pytest.mark.parametrize("page", chapters())
def test_exercises_are_each_followed_by_a_hidden_solution(page):
    text = (BOOK / f"{page}.md").read_text()
    ds = directives(page)
    exercises = [d for d in ds if d["kind"] == "exercise"]
    assert len(exercises) >= 3, f"{page}: {len(exercises)} exercises"
    for i, d in enumerate(ds):
        if d["kind"] != "exercise":
            continue
        assert re.fullmatch(rf"{re.escape(page)}-ex-\d+", d["label"]), f"{page}: label {d['label']!r}"
        assert i + 1 < len(ds) and ds[i + 1]["kind"] == "solution", f"{d['label']}: no solution after it"
        sol = ds[i + 1]
        assert sol["label"] == d["label"], f"{d['label']}: followed by the solution of {sol['label']}"
        assert not text[d["span"][1]:sol["span"][0]].strip(), f"{d['label']}: text between exercise and solution"
        assert re.search(r"^:class:\s*dropdown\s*$", sol["body"], re.M), f"{d['label']}: solution not hidden"
    assert len([d for d in ds if d["kind"] == "solution"]) == len(exercises)


def test_every_registered_label_is_an_exercise_that_says_how_to_check_it():
    found = {d["label"]: d for page in chapters() for d in directives(page) if d["kind"] == "exercise"}
    for label in available():
        assert label in found, f"{label} is not an exercise label in book/*.md"
        body = " ".join(found[label]["body"].split())
        assert f'check("{label}", answer)' in body, f"{label}: the exercise does not show its check call"
        assert "from jl_lab.check import check" in body
        assert "Here `answer` is" in body, f"{label}: the exercise does not say what answer is"
        # the check sentence ends the exercise
        assert body.rstrip().endswith("(`from jl_lab.check import check`)."), label


def test_no_exercise_mentions_a_check_that_does_not_exist():
    for page in chapters():
        for d in directives(page):
            for label in re.findall(r'check\("([^"]+)"', d["body"]):
                assert label in EXERCISES, f"{page}: check({label!r}) is not registered"
                assert label == d["label"], f"{page}: {d['label']} shows the check of {label}"


def _tags(cell: str) -> list[str]:
    m = re.search(r"^:tags:\s*\[(.*?)\]", cell, re.M)
    return [t.strip() for t in m.group(1).split(",")] if m else []


def _assigned(code: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _loaded(code: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _source(cell: str) -> str:
    return "\n".join(line for line in cell.splitlines() if not line.startswith(":"))


@pytest.mark.parametrize("page", chapters())
def test_solution_cells_feed_only_the_solutions(page):
    text = (BOOK / f"{page}.md").read_text()
    cells = _blocks(text, {"code-cell"})
    for m in cells:
        if "hidden solution" in m["body"]:
            assert "solution" in _tags(m["body"]), f"{page}: a cell for the solutions lacks the tag 'solution'"
    solution_spans = [d["span"] for d in directives(page) if d["kind"] == "solution"]
    outside = text
    for a, b in sorted(solution_spans + [m.span() for m in cells if "solution" in _tags(m["body"])], reverse=True):
        outside = outside[:a] + outside[b:]
    solution_names, main_names = set(), set()
    for m in cells:
        code = _source(m["body"])
        if "solution" in _tags(m["body"]):
            for pattern in re.findall(r"""glue\(\s*f?["']([^"']+)["']""", code):
                key = re.sub(r"\\\{[^}]*\\\}", r"[^`:]+", re.escape(pattern))
                used = re.findall(rf"\{{glue:\w+\}}`({key})(?::[^`]*)?`", outside)
                assert not used, f"{page}: glue keys {used} of a solution cell are used outside the solutions"
            solution_names |= _assigned(code) - main_names
        else:
            leaked = (_loaded(code) & solution_names) - _assigned(code)
            assert not leaked, f"{page}: a cell outside the solutions uses {leaked} from a solution cell"
            main_names |= _assigned(code)


# --------------------------------------------------------------------------- answer keys, variants, the student edition


@pytest.mark.parametrize("label", [label for label in SECOND_WAY if not EXERCISES[label].integer])
def test_real_answers_rounded_to_three_digits_pass_and_the_tolerance_is_sharp(label, right_answers):
    ex = EXERCISES[label]
    values = _as_tuple(right_answers(label))
    pack = (lambda v: tuple(v)) if ex.parts else (lambda v: v[0])
    assert check(label, pack([float(f"{v:.3g}") for v in values]))  # whatever side of a boundary it rounds to
    for factor in (1 - 0.9 * ex.rtol, 1 + 0.9 * ex.rtol):
        assert check(label, pack([v * factor for v in values])), factor
    for factor in (1 - 1.6 * ex.rtol, 1 + 1.6 * ex.rtol):
        assert not check(label, pack([v * factor for v in values])), factor


@pytest.mark.parametrize("label", [label for label in SECOND_WAY if EXERCISES[label].integer])
def test_integer_feedback_does_not_allow_bisection(label, right_answers):
    ex = EXERCISES[label]
    values = _as_tuple(right_answers(label))
    i = next(j for j, v in enumerate(values) if v is not None)
    texts = set()
    for shift in (-40, -5, 5, 40):
        moved = list(values)
        moved[i] = int(values[i]) + shift
        result = check(label, tuple(moved) if ex.parts else moved[0])
        assert not result
        texts.add(result.problems)
        assert not re.search(r"large|small|high|low|above|below", " ".join(result.problems))
    assert len(texts) == 1, "below and above the answer must read the same"


def test_an_optimisers_integer_output_is_checked_with_a_tolerance(right_answers):
    answer = right_answers("attention-ex-3")
    assert EXERCISES["attention-ex-3"].atol >= 1
    assert check("attention-ex-3", tuple(v + 1 for v in answer)) and check("attention-ex-3", tuple(v - 1 for v in answer))


def test_answer_keys_hold_hashes_only(right_answers):
    keys = chk.export_keys()
    assert set(keys) == set(available())
    assert "compute" not in json.dumps(keys)
    text = json.dumps([entry["key"] for entry in keys.values()])  # the metadata is the module's text
    for label in available():
        for part in keys[label]["key"]["parts"]:
            assert part["ok"] and all(re.fullmatch(r"[0-9a-f]{%d}" % chk.engine.HASH_CHARS, h) for h in part["ok"])
        for v in _as_tuple(right_answers(label)):
            if v is None or (EXERCISES[label].integer and abs(v) < 100):
                continue
            for s in {f"{v:.3g}", f"{v:.4g}", repr(v)}:
                assert not re.search(rf"(?<![\w.]){re.escape(s)}(?![\w])", text), f"{label}: {s} in the answer keys"


def test_variants_differ_between_students_and_each_grades_its_own():
    label = "rsvd-ex-3"
    a, b = "s1001", "s2002"
    assert chk.variant(label, a) != chk.variant(label, b)
    assert chk.variant(label, " S1001 ") == chk.variant(label, a)
    assert chk.variant(label) == dict(EXERCISES[label].params)
    ans_a, ans_b = chk.expected(label, a), chk.expected(label, b)
    assert ans_a != ans_b
    assert check(label, ans_a, student_id=a) and check(label, ans_b, student_id=b)
    assert not check(label, ans_a, student_id=b) and not check(label, ans_b, student_id=a)
    # the parameters are the ones the variant says: the exercise's function with them gives the same answer
    s = 1.0 / np.arange(1, 121)
    p = chk.variant(label, a)
    M = rsvd.matrix_with_spectrum(300, 120, s, rng=p["seed_m"])
    Q = rsvd.range_finder(M.T, p["k"], power_iters=2, rng=p["seed_q"])
    assert ans_a[0] == pytest.approx(np.linalg.norm(M - M @ Q @ Q.T, 2) * (p["k"] + 1), rel=1e-9)
    with pytest.raises(ValueError, match="student_id"):
        chk.variant(label, "  ")
    with pytest.raises(TypeError, match="student_id"):
        chk.variant(label, ...)


def test_every_variant_parameter_is_a_parameter_of_the_exercise():
    for label, ex in EXERCISES.items():
        assert set(ex.variants) <= set(ex.params), label
        if ex.variants:
            assert ex.task, f"{label}: a variant needs the task text that names its parameters"
            for name in ex.params:
                assert f"{name}" in ex.task or name in ("N", "eps"), (label, name)


def test_student_edition_checks_with_the_keys_alone(tmp_path, right_answers):
    """A copy of jl_lab without jl_lab/check/exercises.py and with answer_keys.json, in a fresh interpreter."""
    import shutil
    import subprocess
    import sys

    pkg = tmp_path / "jl_lab"
    shutil.copytree(Path(chk.__file__).parents[1], pkg, ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "check" / "exercises.py").unlink()
    (pkg / "check" / "answer_keys.json").write_text(json.dumps(chk.export_keys()))
    answers = {label: right_answers(label) for label in available()}
    wrong = {label: _wrong(label, answers[label]) for label in available()}
    code = f"""
import json, sys
from jl_lab import check
assert check.edition == "student", check.edition
answers, wrong = {json.dumps(answers)!r}, {json.dumps(wrong)!r}
answers, wrong = json.loads(answers), json.loads(wrong)
for label in check.available():
    a, w = answers[label], wrong[label]
    a, w = (tuple(a), tuple(w)) if isinstance(a, list) else (a, w)
    assert check.check(label, a), (label, repr(check.check(label, a)))
    assert not check.check(label, w), label
for call in (lambda: check.expected("lsh-ex-2"), lambda: check.check("lsh-ex-2", (1, 2, 3), student_id="s1")):
    try:
        call()
    except LookupError:
        pass
    else:
        raise AssertionError("the student edition computed an answer")
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
