"""The checking engine: answer keys made of salted hashes, and the comparison of an answer with one.

An :class:`Exercise` says what its answer is (a number or a tuple of numbers, integers or reals,
the tolerance) and, in the instructor's edition, how to compute it.  :func:`check` never compares
an answer with an expected *value*: it compares it with an **answer key**, a list of salted SHA-256
hashes computed from the expected value (:func:`answer_key`).  In the instructor's edition the key
is computed from the exercise's function the first time a label is checked; the student edition
(wheel and notebooks built by ``make student``) holds the keys only (``answer_keys.json``), never
the functions, so nothing a student receives can print an expected answer.

The hashing scheme (documented here because the browser's answer boxes, ``book/_static/jl-answer.js``,
implement the same one):

* every token is ``sha256(salt + "|" + part + "|" + text)``, hex, cut to :data:`HASH_CHARS` characters;
  the salt is per exercise, the part is the index of the entry of a tuple answer;
* an **integer** entry ``v`` is accepted if ``|v - e| <= atol``: the key holds the hashes of the
  texts ``"i:<k>"`` for ``k = e - atol, ..., e + atol``; ``"near"`` holds those at distance
  ``atol + 1`` (feedback "off by one").  There is no "too large / too small": an integer answer
  cannot be bisected, only enumerated;
* a **real** entry is compared on a logarithmic grid.  With ``L = log|e|``, cell ``k`` is
  ``[k s, (k+1) s)`` with step ``s = rtol / 2``; the key holds the hashes of ``"r:<sign>:<k>"`` for
  every cell that meets ``[L - rtol, L + rtol]``.  An answer ``x`` is accepted iff the hash of its own
  cell ``floor(log|x| / s)`` is in the key: every answer within a relative distance ``rtol`` (about
  ``rtol`` in ``log``) is accepted, none farther than ``1.5 rtol``, and no rounding boundary of the
  expected value matters.  A coarser grid (step ``5 rtol``, ``10 rtol`` around ``L``) gives
  "close"; the cells of ``-e`` give "wrong sign";
* ``None`` ("no value exists") is the text ``"none"``; zero is ``"r:0"``.

The hashes cannot be read back into a value, but a key accepts a value that a student can find by
enumeration (a small integer, in a loop).  That is the nature of a self-check; graded work uses
per-student variants graded by the teacher (:func:`variant`, ``make assignment``).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._validation import check_choice

__all__ = [
    "RTOL", "HASH_CHARS", "Exercise", "CheckResult", "EXERCISES", "available", "check", "variant",
    "well_formed", "expected", "answer_key", "export_keys", "load_keys", "KEYS_FILE",
]

#: Relative tolerance for real-valued answers: three significant digits.
RTOL = 5e-3
#: Hex characters kept of each SHA-256 hash (64 bits: a wrong answer matches with probability 2^-64).
HASH_CHARS = 16
#: The answer keys of the student edition, written next to this module by ``tools/student.py``.
KEYS_FILE = Path(__file__).with_name("answer_keys.json")
_CLOSE = 10.0  # "close" within _CLOSE * rtol


@dataclass(frozen=True, eq=False)
class Exercise:
    """A checkable exercise: what its answer is, and (instructor's edition) how to compute it.

    Attributes
    ----------
    label : str
        The exercise's label in the book, ``<page>-ex-<n>``.
    expects : str
        One line saying what ``answer`` is (type, order of the entries, units).
    compute : callable or None
        ``compute(**params)`` returns the expected answer as a tuple with one entry per part; an
        entry may be ``None`` ("no value exists") when ``allow_none`` is set.  ``None`` in the
        student edition, where only the answer key of the book's parameters exists.
    parts : tuple of str
        Names of the entries of a tuple answer, in order; empty for a single number.
    integer : bool
        Integer answers, compared exactly up to ``atol`` (integral floats such as ``12.0`` are accepted).
    rtol : float
        Relative tolerance for real answers.
    atol : int
        Integer answers within ``atol`` of the expected one are accepted (an optimiser's output
        may move by one on another BLAS or SciPy).
    hint : str
        Shown with a "not yet"; never contains the answer.
    allow_none : bool
        Entries may be ``None`` (``nan`` is read as ``None`` too).
    params : mapping
        The parameters of the book's version of the exercise (passed to ``compute``).
    variants : mapping
        For graded assignments: parameter name -> the values a student's variant draws from
        (:func:`variant`); parameters not named keep their ``params`` value.
    task : str
        The exercise as an assignment question (Markdown), in terms of the parameters.
    """

    label: str
    expects: str
    compute: Callable[..., tuple] | None = None
    parts: tuple[str, ...] = ()
    integer: bool = False
    rtol: float = RTOL
    atol: int = 0
    hint: str = ""
    allow_none: bool = False
    params: Mapping = field(default_factory=dict)
    variants: Mapping = field(default_factory=dict)
    task: str = ""

    @property
    def n_values(self) -> int:
        return max(len(self.parts), 1)

    def metadata(self) -> dict:
        """Everything but ``compute``, as JSON-ready data."""
        return {
            "label": self.label, "expects": self.expects, "parts": list(self.parts), "integer": self.integer,
            "rtol": self.rtol, "atol": self.atol, "hint": self.hint, "allow_none": self.allow_none,
            "params": dict(self.params), "variants": {k: list(v) for k, v in self.variants.items()},
            "task": self.task,
        }


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: truthy iff correct; shows "correct" or "not yet" with a hint.

    It holds what was wrong (``problems``) but never the expected answer.
    """

    label: str
    correct: bool
    problems: tuple[str, ...] = ()
    expects: str = ""
    hint: str = ""

    def __bool__(self) -> bool:
        return self.correct

    @property
    def verdict(self) -> str:
        return "correct" if self.correct else "not yet"

    def _lines(self) -> list[str]:
        if self.correct:
            return []
        lines = list(self.problems)
        if self.expects:
            lines.append(f"Asked for: {self.expects}.")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return lines

    def __repr__(self) -> str:
        head = f"{self.label}: {self.verdict}"
        return "\n".join([head] + ["  " + line for line in self._lines()])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        colour, mark = ("#1a7f37", "&#10004;") if self.correct else ("#9a6700", "&#10008;")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
        body = f"<ul style='margin:0.3em 0 0 0'>{items}</ul>" if items else ""
        return (
            f"<div class='jl-check' style='border-left:4px solid {colour};padding:0.3em 0.8em'>"
            f"<strong style='color:{colour}'>{mark} {html.escape(self.verdict)}</strong> "
            f"<code>{html.escape(self.label)}</code>{body}</div>"
        )


#: label -> :class:`Exercise`, in the order of the book (filled by ``jl_lab.check.exercises`` in the
#: instructor's edition, by :func:`load_keys` in the student edition).
EXERCISES: dict[str, Exercise] = {}
_KEYS: dict[tuple, list[dict]] = {}  # (label, params as a sorted tuple) -> answer key


def available() -> list[str]:
    """Labels of the checkable exercises, in the order of the book.

    Examples
    --------
    >>> "lsh-ex-2" in available()
    True
    """
    return list(EXERCISES)


def _exercise(label) -> Exercise:
    if not isinstance(label, str):
        raise TypeError(f"label must be a string such as 'lsh-ex-2', got {type(label).__name__}")
    check_choice(label, "label", EXERCISES)
    return EXERCISES[label]


# --------------------------------------------------------------------------- variants


def _normalise_id(student_id) -> str:
    if not isinstance(student_id, (str, int)) or isinstance(student_id, bool):
        raise TypeError(f"student_id must be a string (or an integer), got {type(student_id).__name__}; "
                        "set STUDENT_ID at the top of the notebook")
    sid = " ".join(str(student_id).split()).lower()
    if not sid:
        raise ValueError("student_id is empty: set STUDENT_ID at the top of the notebook")
    return sid


def variant(label: str, student_id: str | int | None = None) -> dict:
    """The parameters of a student's variant of an exercise (the book's parameters if no id).

    Each parameter named in the exercise's ``variants`` is drawn from its list by a SHA-256 hash of
    the label, the parameter's name and the student id (case and surrounding blanks ignored), so the
    variant is the same on every machine and two ids usually differ.

    Parameters
    ----------
    label : str
        The exercise's label (see :func:`available`).
    student_id : str, int or None
        The student's id; ``None`` gives the book's parameters.

    Examples
    --------
    >>> variant("jl_lemma-ex-2")
    {'N': 100, 'eps': 0.3}
    >>> variant("jl_lemma-ex-2", "s1234") == variant("jl_lemma-ex-2", "  S1234 ")
    True
    """
    ex = _exercise(label)
    params = dict(ex.params)
    if student_id is None:
        return params
    sid = _normalise_id(student_id)
    for name, choices in ex.variants.items():
        digest = hashlib.sha256(f"{label}|{name}|{sid}".encode()).digest()
        params[name] = list(choices)[int.from_bytes(digest[:8], "big") % len(choices)]
    return params


# --------------------------------------------------------------------------- answer keys


def _salt(label: str, params: Mapping) -> str:
    text = json.dumps([label, sorted(params.items())], default=str)
    return hashlib.sha256(("jl-lab answer key|" + text).encode()).hexdigest()[:16]


def _h(salt: str, part: int, text: str) -> str:
    return hashlib.sha256(f"{salt}|{part}|{text}".encode()).hexdigest()[:HASH_CHARS]


def _real_cells(value: float, step: float, width: float) -> list[str]:
    """Texts of the log-grid cells (step ``step``) that meet ``[log|value| - width, log|value| + width]``."""
    if value == 0:
        return ["r:0"]
    sign = "+" if value > 0 else "-"
    L = math.log(abs(value))
    lo, hi = math.floor((L - width) / step), math.floor((L + width) / step)
    return [f"r:{sign}:{k}" for k in range(lo, hi + 1)]


def _real_text(x: float, step: float) -> str:
    """Text of the cell an answer falls in (same grid as :func:`_real_cells`)."""
    if x == 0:
        return "r:0"
    return f"r:{'+' if x > 0 else '-'}:{math.floor(math.log(abs(x)) / step)}"


def answer_key(ex: Exercise, values) -> dict:
    """The answer key of an expected answer: salted hashes only (see the module's docstring).

    Returns a dict ``{"salt", "integer", "rtol", "atol", "parts": [{"ok", "near", "sign"}, ...]}``
    (lists of hex strings), JSON-ready; ``ex.params`` are the parameters the values belong to.
    """
    values = tuple(values)
    if len(values) != ex.n_values:
        raise ValueError(f"{ex.label}: {len(values)} expected values for {ex.n_values} parts")
    return _key(ex, values, dict(ex.params))


def _key(ex: Exercise, values: tuple, params: Mapping) -> dict:
    salt = _salt(ex.label, params)
    parts = []
    for i, e in enumerate(values):
        if e is None:
            ok, near, sign = ["none"], [], []
        elif ex.integer:
            e = int(round(float(e)))
            ok = [f"i:{k}" for k in range(e - ex.atol, e + ex.atol + 1)]
            near = [f"i:{e - ex.atol - 1}", f"i:{e + ex.atol + 1}"]
            sign = []
        else:
            e = float(e)
            ok = _real_cells(e, ex.rtol / 2, ex.rtol)
            near = _real_cells(e, 5 * ex.rtol, _CLOSE * ex.rtol) if e else []
            sign = _real_cells(-e, ex.rtol / 2, ex.rtol) if e else []
        parts.append({name: sorted({_h(salt, i, t) for t in texts})
                      for name, texts in (("ok", ok), ("near", near), ("sign", sign))})
    return {"salt": salt, "integer": ex.integer, "rtol": ex.rtol, "atol": ex.atol, "parts": parts}


def _params_id(params: Mapping) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def expected(label: str, student_id: str | int | None = None) -> tuple:
    """The expected answer of an exercise (instructor's edition only): a tuple, one entry per part.

    Raises
    ------
    LookupError
        In the student edition, which has no way to compute an answer.
    """
    ex = _exercise(label)
    if ex.compute is None:
        raise LookupError(f"{label}: this edition holds answer keys only; your teacher grades variants")
    return tuple(ex.compute(**variant(label, student_id)))


def _answer_key_for(ex: Exercise, student_id) -> dict:
    params = variant(ex.label, student_id)
    cache = (ex.label, _params_id(params))
    if cache not in _KEYS:
        if ex.compute is None:
            raise LookupError(f"{ex.label}: this edition checks the book's version of the exercise only; "
                              "your teacher grades the variants of an assignment")
        _KEYS[cache] = _key(ex, tuple(ex.compute(**params)), params)
    return _KEYS[cache]


def export_keys(labels=None) -> dict:
    """``label -> {"exercise": metadata, "key": answer key}`` for the book's parameters (JSON-ready).

    What the student edition and the website's answer boxes hold instead of the computing functions.
    """
    labels = available() if labels is None else list(labels)
    return {label: {"exercise": _exercise(label).metadata(), "key": _answer_key_for(EXERCISES[label], None)}
            for label in labels}


def load_keys(path: Path | str = KEYS_FILE) -> None:
    """Fill :data:`EXERCISES` from an answer-key file (the student edition): no computing functions."""
    data = json.loads(Path(path).read_text())
    for label, entry in data.items():
        meta = dict(entry["exercise"])
        meta["parts"] = tuple(meta["parts"])
        ex = Exercise(compute=None, **meta)
        EXERCISES[label] = ex
        _KEYS[(label, _params_id(ex.params))] = entry["key"]


# --------------------------------------------------------------------------- comparing


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_values(ex: Exercise, answer) -> tuple[list, list[str]]:
    """The answer as a list of floats (or None), and problems of type or shape (empty if none)."""
    sequence = isinstance(answer, (list, tuple, np.ndarray))
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer, sequence = answer.item(), False
    if sequence:
        try:
            flat = np.asarray(answer, dtype=object).ravel()
        except (TypeError, ValueError):
            return [], [f"The answer could not be read as numbers, got {_short(answer)}."]
    if not ex.parts:
        if sequence:
            if flat.size != 1:
                return [], [f"A single number is expected, got {type(answer).__name__} of {flat.size} values."]
            answer = flat[0]
        entries = [("your answer", answer)]
    else:
        if not sequence:
            return [], [f"A tuple of {ex.n_values} values ({', '.join(ex.parts)}) is expected, "
                        f"got {type(answer).__name__} {_short(answer)}."]
        if flat.size != ex.n_values:
            return [], [f"A tuple of {ex.n_values} values ({', '.join(ex.parts)}) is expected, "
                        f"got {flat.size} value(s)."]
        entries = list(zip(ex.parts, flat))
    values, problems = [], []
    for name, v in entries:
        if v is None and ex.allow_none:
            values.append(None)
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            what = "None" if v is None else f"{type(v).__name__} {_short(v)}"
            problems.append(f"{name}: a number is expected, got {what}.")
            continue
        x = float(v)
        if not np.isfinite(x):
            if ex.allow_none and np.isnan(x):
                values.append(None)
                continue
            problems.append(f"{name}: a finite number is expected, got {x}.")
            continue
        if ex.integer and not x.is_integer():
            problems.append(f"{name}: an integer is expected, got {x:g}.")
            continue
        values.append(x)
    return values, problems


def _compare(key: dict, i: int, name: str, given) -> str | None:
    """None if ``given`` matches part ``i`` of the key, else one sentence on what is off (never the value)."""
    part, salt = key["parts"][i], key["salt"]
    if given is None:
        return None if _h(salt, i, "none") in part["ok"] else f"{name}: there is a value here, not None."
    if _h(salt, i, "none") in part["ok"]:
        return f"{name} is not right."
    if key["integer"]:
        text = f"i:{int(given)}"
        if _h(salt, i, text) in part["ok"]:
            return None
        if _h(salt, i, text) in part["near"]:
            return f"{name} is off by one."
        return f"{name} is not right."
    step = key["rtol"] / 2
    if _h(salt, i, _real_text(given, step)) in part["ok"]:
        return None
    if _h(salt, i, _real_text(given, step)) in part["sign"]:
        return f"{name} has the wrong sign."
    if _h(salt, i, _real_text(given, 5 * key["rtol"])) in part["near"]:
        return f"{name} is close but not within three significant digits."
    return f"{name} is not right."


def well_formed(label: str, answer) -> bool:
    """Whether ``answer`` has the type and shape the exercise asks for (says nothing of its value).

    Examples
    --------
    >>> well_formed("lsh-ex-2", (1, 2, 3)), well_formed("lsh-ex-2", 7)
    (True, False)
    """
    return not _read_values(_exercise(label), answer)[1]


def check(label: str, answer, student_id: str | int | None = None) -> CheckResult:
    """Check a student's answer to a checkable exercise of the book.

    Parameters
    ----------
    label : str
        The exercise's label, ``<page>-ex-<n>`` (see :func:`available`).
    answer : number or tuple of numbers
        What the exercise's text asks for (it states the type and the order of a tuple).
    student_id : str, int or None
        ``None`` (the default) checks the book's version of the exercise; an id checks that
        student's variant (:func:`variant`), which only the instructor's edition can compute.

    Returns
    -------
    CheckResult
        Truthy iff the answer is right: integers must match exactly (up to the exercise's
        ``atol``), real numbers to a relative tolerance of about :data:`RTOL` (three significant
        digits).  Its display says "correct" or "not yet", what is off and a hint, never the
        expected answer, and never whether an answer is too large or too small.  An answer of the
        wrong type or shape gives "not yet" with what is expected, not an exception.

    Raises
    ------
    TypeError
        If ``label`` is not a string.
    ValueError
        If ``label`` is not the label of a checkable exercise; the message lists them.
    LookupError
        For a ``student_id`` in the student edition.

    Notes
    -----
    The answer is compared with an answer key of salted hashes (see the module's docstring); in the
    instructor's edition the key is computed from ``jl_lab`` the first time a label is checked
    (under two seconds) and cached for the session.

    Examples
    --------
    >>> result = check("lsh-ex-2", (1, 2, 3))
    >>> bool(result), result.verdict
    (False, 'not yet')
    >>> check("lsh-ex-2", "nine").problems[0]
    "A tuple of 3 values (L for b = 8, L for b = 12, L for b = 16) is expected, got str 'nine'."
    """
    ex = _exercise(label)
    values, problems = _read_values(ex, answer)
    if not problems:
        key = _answer_key_for(ex, student_id)
        names = ex.parts or ("your answer",)
        for i, (name, given) in enumerate(zip(names, values)):
            msg = _compare(key, i, name, given)
            if msg is not None:
                problems.append(msg)
    return CheckResult(label, not problems, tuple(problems), ex.expects, ex.hint)
