"""Offline English text corpora for the bigram experiments of the book.

A corpus here is a list of lower-cased word tokens read from text that is
already on disk with the book's requirements, so that no page downloads
anything at run time.  Three named corpora are offered, from small to large:

* ``"zen"``: the Zen of Python (the ``this`` module of CPython, read without
  importing it, which would print it), about 140 tokens; for doctests.
* ``"python-docs"``: the topic pages of the Python Language Reference that
  CPython ships for ``help()`` in ``pydoc_data.topics`` (always installed),
  about 64 000 tokens.
* ``"sklearn-docs"``: the docstrings of the installed scikit-learn (a
  requirement of the book), read from its source files without importing
  them, with doctest lines and test modules left out; about 440 000 tokens.

``load_corpus(path=...)`` reads a user's own UTF-8 text file instead.
:data:`CORPORA` states each corpus' source and licence.

References
----------
.. [1] Python Software Foundation. Python Language Reference; ``pydoc_data.topics``
   (PSF License Agreement, version 2).
.. [2] Pedregosa, F. et al. (2011). Scikit-learn: machine learning in Python. JMLR 12
   (code and documentation under the BSD 3-Clause licence).
"""

from __future__ import annotations

import ast
import codecs
import importlib.util
import os
import re
from pathlib import Path

from ._validation import check_choice, check_int

__all__ = ["CORPORA", "tokenize", "load_corpus", "corpus_text"]

#: Named corpora: description, where the text comes from, and its licence.
CORPORA: dict[str, dict[str, str]] = {
    "zen": {
        "description": "The Zen of Python (PEP 20), about 140 tokens",
        "source": "CPython standard library module `this` (rot13-encoded string, decoded)",
        "licence": "PSF License Agreement, version 2",
    },
    "python-docs": {
        "description": "Topic pages of the Python Language Reference used by help(), about 64 000 tokens",
        "source": "CPython standard library module `pydoc_data.topics`",
        "licence": "PSF License Agreement, version 2",
    },
    "sklearn-docs": {
        "description": "Docstrings of the installed scikit-learn, about 440 000 tokens",
        "source": "triple-quoted strings of scikit-learn's source files (tests and doctest lines left out)",
        "licence": "BSD 3-Clause (scikit-learn)",
    },
}

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_TRIPLE = re.compile(r'"""(.*?)"""|\'\'\'(.*?)\'\'\'', re.S)


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and split it into words.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The maximal runs of ASCII letters, with inner apostrophes kept
        (``"don't"`` is one word); digits, underscores and punctuation separate
        words and are dropped.

    Notes
    -----
    A word is a match of the regular expression ``[a-z]+('[a-z]+)*`` in the
    lower-cased text.  Identifiers such as ``n_samples`` become two words,
    which is what a reader of the prose sees.

    Examples
    --------
    >>> tokenize("The cat's hat, 2 times: n_samples!")
    ['the', "cat's", 'hat', 'times', 'n', 'samples']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


def _zen_text() -> str:
    spec = importlib.util.find_spec("this")
    source = Path(spec.origin).read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "s":
            return codecs.decode(ast.literal_eval(node.value), "rot13")
    raise RuntimeError("could not find the Zen of Python in the `this` module")  # pragma: no cover


def _python_docs_text() -> str:
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


def _sklearn_docs_text() -> str:
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "name='sklearn-docs' needs scikit-learn installed (it is in the book's requirements); "
            "use name='python-docs', which is always available"
        )
    root = Path(list(spec.submodule_search_locations)[0])
    parts = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).parts
        if "tests" in rel or "externals" in rel or path.name.startswith("test_"):
            continue
        source = path.read_text(encoding="utf-8", errors="ignore")
        for m in _TRIPLE.finditer(source):
            block = m.group(1) if m.group(1) is not None else m.group(2)
            lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith((">>>", "..."))]
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


_LOADERS = {"zen": _zen_text, "python-docs": _python_docs_text, "sklearn-docs": _sklearn_docs_text}


def corpus_text(name: str = "python-docs", path: str | os.PathLike | None = None) -> str:
    """Return the raw text of a named corpus, or of the UTF-8 text file ``path``.

    Parameters
    ----------
    name : {"zen", "python-docs", "sklearn-docs"}
        A key of :data:`CORPORA`; ignored when ``path`` is given.
    path : str or os.PathLike, optional
        A text file of the user's own.

    Returns
    -------
    str

    Examples
    --------
    >>> corpus_text("zen").splitlines()[0]
    'The Zen of Python, by Tim Peters'
    """
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        p = Path(path)
        if not p.is_file():
            raise ValueError(f"path must name an existing text file, got {str(p)!r}")
        return p.read_text(encoding="utf-8", errors="replace")
    check_choice(name, "name", tuple(CORPORA))
    return _LOADERS[name]()


def load_corpus(
    name: str = "python-docs",
    path: str | os.PathLike | None = None,
    max_tokens: int | None = None,
) -> list[str]:
    """Load a corpus as a list of lower-cased word tokens, offline.

    Parameters
    ----------
    name : {"zen", "python-docs", "sklearn-docs"}
        Which named corpus (see :data:`CORPORA` for source and licence).
        ``"python-docs"`` is always available; ``"sklearn-docs"`` needs
        scikit-learn installed.
    path : str or os.PathLike, optional
        Read this UTF-8 text file instead of a named corpus.
    max_tokens : int, optional
        Keep only the first ``max_tokens`` tokens (``>= 1``).

    Returns
    -------
    list of str
        ``tokenize(corpus_text(name, path))``, truncated to ``max_tokens``.

    Raises
    ------
    ValueError
        If ``name`` is unknown, ``path`` does not exist, ``max_tokens < 1``, or
        the text holds no word at all (an empty corpus).

    Notes
    -----
    The text is split by :func:`tokenize`.  The same installed package
    versions give the same tokens: the book pins its requirements.

    Examples
    --------
    >>> tokens = load_corpus("zen")
    >>> tokens[:6]
    ['the', 'zen', 'of', 'python', 'by', 'tim']
    >>> len(load_corpus("zen", max_tokens=10))
    10
    """
    if max_tokens is not None:
        max_tokens = check_int(max_tokens, "max_tokens", 1)
    tokens = tokenize(corpus_text(name, path))
    if not tokens:
        where = f"file {str(path)!r}" if path is not None else f"corpus {name!r}"
        raise ValueError(f"the {where} contains no words: an empty corpus cannot be used")
    return tokens[:max_tokens] if max_tokens is not None else tokens
