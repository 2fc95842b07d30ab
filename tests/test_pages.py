"""jl_lab.pages.glue_all: the values reach myst_nb.glue unchanged but for NumPy scalars; bad input refused."""

import numpy as np
import pytest

from jl_lab import pages


def test_glue_all_glues_every_value_with_plain_python_numbers(monkeypatch):
    seen = []
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: seen.append((name, value, display)))
    names = pages.glue_all({"n": np.int64(5500), "r": np.float64(0.25), "s": "text", "b": np.bool_(True)}, prefix="x_")
    assert names == ["x_n", "x_r", "x_s", "x_b"]
    assert seen == [("x_n", 5500, False), ("x_r", 0.25, False), ("x_s", "text", False), ("x_b", True, False)]
    assert [type(v) for _, v, _ in seen] == [int, float, str, bool]


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([("a", 1)],), TypeError, "values must be a mapping"),
        (({},), ValueError, "must not be empty"),
        (({1: 2},), TypeError, "every glue name must be a string"),
        (({"a b": 1},), ValueError, "only letters"),
        (({"": 1},), ValueError, "non-empty"),
    ],
)
def test_glue_all_refuses_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        pages.glue_all(*args)


def test_glue_all_refuses_a_non_string_prefix():
    with pytest.raises(TypeError, match="prefix must be a string"):
        pages.glue_all({"a": 1}, prefix=3)
