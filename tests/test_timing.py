"""jl_lab.timing: interleaved rounds and the faster/slower verdict built on them (no wall-clock thresholds)."""

import numpy as np
import pytest

from jl_lab.timing import interleaved_times, speed_comparison


def test_interleaved_times_calls_every_function_once_per_round_in_order():
    calls = []
    out = interleaved_times({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3)
    assert calls == ["a", "b"] * 3
    assert set(out) == {"a", "b"} and all(v.shape == (3,) and np.all(v >= 0) for v in out.values())


@pytest.mark.parametrize("bad, exc", [({}, TypeError), ([lambda: None], TypeError), ({"a": 3}, TypeError)])
def test_interleaved_times_refuses_bad_funcs(bad, exc):
    with pytest.raises(exc):
        interleaved_times(bad)
    with pytest.raises(ValueError):
        interleaved_times({"a": lambda: None}, repeats=0)


def test_speed_comparison_verdicts_and_ranges():
    out = speed_comparison([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])
    assert out["word"] == "faster than" and out["low"] == 0.25 and out["high"] == 0.75 and out["rounds"] == 3
    assert speed_comparison([5.0, 6.0], [4.0, 4.0])["word"] == "slower than"
    # the order changed between rounds: no verdict, whatever the means say
    mixed = speed_comparison([1.0, 1.0, 1.0, 5.0], [2.0, 2.0, 2.0, 2.0])
    assert mixed["word"] == "about as fast as" and mixed["low"] == 0.5 and mixed["high"] == 2.5
    # a single time is compared with every round of the other
    one = speed_comparison([10.0], [1.0, 2.0])
    assert one["word"] == "slower than" and one["low"] == 5.0 and one["high"] == 10.0 and one["rounds"] == 2
    assert "5 to 10 times the time, 2 rounds" in one["text"]
    assert one["factor_text"] == "5 to 10 times slower than"
    assert out["factor_text"] == "1.3 to 4 times faster than"        # 1/0.75 and 1/0.25
    assert mixed["factor_text"] == "about as fast as (0.5 to 2.5 times the time of)"
    assert speed_comparison([1.0], [30.0, 40.0])["factor_text"] == "30 to 40 times faster than"


def test_speed_comparison_is_antisymmetric():
    gen = np.random.default_rng(0)
    a, b = gen.uniform(1, 2, 7), gen.uniform(1.5, 3, 7)
    ab, ba = speed_comparison(a, b), speed_comparison(b, a)
    assert ab["low"] == pytest.approx(1 / ba["high"]) and ab["high"] == pytest.approx(1 / ba["low"])
    flip = {"faster than": "slower than", "slower than": "faster than", "about as fast as": "about as fast as"}
    assert flip[ab["word"]] == ba["word"]


@pytest.mark.parametrize("a, b", [([], [1.0]), ([1.0, -1.0], [1.0, 1.0]), ([np.nan], [1.0]),
                                  ([1.0, 2.0, 3.0], [1.0, 2.0]), ([[1.0]], [1.0]), ([0.0], [1.0])])
def test_speed_comparison_refuses_bad_times(a, b):
    with pytest.raises(ValueError):
        speed_comparison(a, b)


@pytest.mark.parametrize("bad", [[1j, 2.0], ["a", "b"]])
def test_speed_comparison_refuses_non_real_times_by_name(bad):
    with pytest.raises(TypeError, match="times_a must hold real seconds"):
        speed_comparison(bad, [1.0, 1.0])
