"""The kernel-free answer boxes of the website (tools/sphinx_ext/jl_answer.py, book/_static/jl-answer.js).

The fast test runs the page script in Node (when Node is installed; the build needs npm anyway) and
compares its verdict with :mod:`jl_lab.check`'s for every checkable exercise, at many values around
the right answer, the edges of the tolerance included.  The browser test (``book``: needs the built
site) opens one chapter per checkable exercise's page in headless Chromium with the network blocked,
types a right answer into one box per chapter and sees "correct", then a wrong one and sees "not yet".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from jl_lab import check as chk
from jl_lab.check import engine

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "book" / "_static" / "jl-answer.js"
NODE = shutil.which("node") or shutil.which("nodejs")


def _entries(values) -> list:
    return list(values) if isinstance(values, tuple) else [values]


def _text(v) -> str:
    return "None" if v is None else repr(float(v)) if not float(v).is_integer() else str(int(v))


def _probes(label: str) -> list[list[str]]:
    """Answers to try, as typed: the right one and, entry by entry, values around it."""
    ex = chk.EXERCISES[label]
    right = list(chk.expected(label))
    probes = [[_text(v) for v in right]]
    for i, v in enumerate(right):
        if v is None:
            moved = [3.0]
        elif ex.integer:
            moved = [v + s for s in (-ex.atol - 2, -ex.atol - 1, -1, 1, ex.atol + 1, ex.atol + 2, 50)]
        else:
            moved = [v * (1 + f * ex.rtol) for f in (-12, -8, -1.6, -1.4, -1.0, -0.99, -0.5, 0.3, 0.99, 1.0, 1.4, 1.6, 8, 12)]
            moved += [-v, float(f"{v:.3g}"), float(f"{v:.2g}"), 0.0]
        for m in moved:
            probe = [_text(x) for x in right]
            probe[i] = _text(m)
            probes.append(probe)
    return probes


def _python_verdict(label: str, probe: list[str]) -> list:
    key = engine._answer_key_for(chk.EXERCISES[label], None)
    names = chk.EXERCISES[label].parts or ("your answer",)
    out = []
    for i, (name, text) in enumerate(zip(names, probe)):
        given = None if text == "None" else float(text)
        out.append(engine._compare(key, i, name, given))
    return out


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_the_page_script_gives_the_verdicts_of_jl_lab_check():
    keys = chk.export_keys()
    cases = [(label, probe) for label in chk.available() for probe in _probes(label)]
    program = f"""
global.window = {{}};
global.document = {{ readyState: "complete", querySelectorAll: () => [] }};
require({json.dumps(str(SCRIPT))});
const keys = {json.dumps({label: entry["key"] for label, entry in keys.items()})};
const names = {json.dumps({label: list(chk.EXERCISES[label].parts) or ["your answer"] for label in keys})};
const cases = {json.dumps(cases)};
console.log(JSON.stringify(cases.map(([label, probe]) =>
  probe.map((text, i) => window.jlAnswerCompare(keys[label], i, names[label][i], text)))));
"""
    proc = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    js = json.loads(proc.stdout)
    assert len(js) == len(cases) > 100
    mismatches = []
    for (label, probe), got in zip(cases, js):
        want = _python_verdict(label, probe)
        if [g is None for g in got] != [w is None for w in want]:
            mismatches.append((label, probe, got, want))
    assert not mismatches, mismatches[:3]
    # the right answers pass and something fails in every exercise
    by_label = {}
    for (label, _), got in zip(cases, js):
        by_label.setdefault(label, []).append(all(g is None for g in got))
    assert all(v[0] for v in by_label.values()) and not any(all(v) for v in by_label.values())


# ---- in the browser --------------------------------------------------------------------------------


def one_label_per_chapter() -> dict[str, str]:
    """page -> the first checkable exercise of that chapter."""
    found = {}
    for label in chk.available():
        found.setdefault(label.split("-ex-")[0], label)
    return found


def _wrong(label: str) -> list[str]:
    ex = chk.EXERCISES[label]
    out = []
    for v in chk.expected(label):
        if v is None:
            out.append("5")
        elif ex.integer:
            out.append(str(int(v) + ex.atol + 7))
        else:
            out.append(repr(v * 1.5))
    return out


@pytest.mark.book
@pytest.mark.parametrize("page, label", sorted(one_label_per_chapter().items()))
def test_answer_box_says_correct_and_not_yet_offline(site_url, offline_page, browser_log, page, label):
    offline_page.goto(f"{site_url}book/{page}.html", wait_until="load")
    form = offline_page.locator(f'form.jl-answer[data-label="{label}"]')
    assert form.count() == 1, f"{page}: no answer box for {label}"
    inputs = form.locator("input")
    right = [_text(v) for v in chk.expected(label)]
    assert inputs.count() == len(right)
    verdict = form.locator("output.jl-answer-verdict")
    assert verdict.get_attribute("aria-live") == "polite"
    for values, expected in ((right, "correct"), (_wrong(label), "not yet")):
        for k, value in enumerate(values):
            inputs.nth(k).fill(value)
        form.locator("button").click()
        verdict.filter(has_text=expected).wait_for(timeout=10_000)
        assert verdict.inner_text().strip().endswith("correct") == (expected == "correct")
    # typing and pressing Enter works too (the box is a form)
    for k, value in enumerate(right):
        inputs.nth(k).fill(value)
    inputs.nth(len(right) - 1).press("Enter")
    verdict.filter(has_text="correct").wait_for(timeout=10_000)
    # the page holds hashes only, never the answer
    html_text = offline_page.content()
    for v in chk.expected(label):
        if v is not None and not (chk.EXERCISES[label].integer and abs(v) < 100):
            assert f"{v:.4g}" not in html_text and repr(v) not in html_text
    assert not browser_log.problems(), browser_log.problems()
