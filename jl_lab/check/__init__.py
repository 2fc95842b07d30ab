"""Self-checks for the book's exercises: ``check(label, answer)`` says "correct" or "not yet".

Every chapter ends with exercises; those whose answer is a well-defined number (or a tuple of
numbers) are *checkable*.  A student passes the answer to :func:`check` together with the
exercise's label and gets back a :class:`CheckResult`: truthy if the answer is right, and in a
notebook a short verdict with a hint, never the expected value itself.

Two modules: :mod:`jl_lab.check.engine` compares answers with answer keys of salted hashes (its
docstring documents the scheme), :mod:`jl_lab.check.exercises` registers every checkable exercise
next to the function that computes its answer.  The student edition has no ``exercises`` module:
it loads the answer keys of ``answer_keys.json`` instead, so nothing in it can compute or print an
expected answer.  Integers must match exactly (up to an exercise's ``atol``); real numbers must
agree to three significant digits (:data:`RTOL`).  :func:`variant` gives a student's parameters for
a graded assignment (``make assignment``), and ``check(label, answer, student_id=...)`` grades them
in the instructor's edition.
"""

from __future__ import annotations

from importlib.util import find_spec

from . import engine
from .engine import (
    EXERCISES, RTOL, CheckResult, Exercise, available, check, expected, export_keys, variant, well_formed,
)

__all__ = [
    "RTOL", "Exercise", "CheckResult", "EXERCISES", "available", "check", "variant", "well_formed",
    "expected", "export_keys", "engine", "edition",
]

if find_spec(f"{__name__}.exercises") is not None:
    from . import exercises  # noqa: F401  (registers the exercises with their computing functions)

    #: "instructor" (answers computed by jl_lab.check.exercises) or "student" (answer keys only)
    edition = "instructor"
else:  # the student edition: answer keys only
    engine.load_keys()
    edition = "student"
