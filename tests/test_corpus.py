"""Tests of jl_lab.corpus: offline corpora, tokenisation and bad input."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest

from jl_lab import corpus


def test_tokenize_lowercases_and_splits_on_non_letters():
    assert corpus.tokenize("Hello, World! It's 2024; n_samples=3.") == [
        "hello", "world", "it's", "n", "samples",
    ]
    assert corpus.tokenize("") == []
    assert corpus.tokenize("  42 -- ... ") == []


def test_tokenize_rejects_non_strings():
    with pytest.raises(TypeError, match="text"):
        corpus.tokenize(["a", "b"])


def test_zen_is_read_without_importing_this(capsys):
    tokens = corpus.load_corpus("zen")
    # importing `this` would print the Zen; reading its source must not
    assert capsys.readouterr().out == ""
    assert tokens[:4] == ["the", "zen", "of", "python"]
    assert "beautiful" in tokens and "ugly" in tokens
    assert tokens == corpus.tokenize(corpus.corpus_text("zen"))


def test_python_docs_is_always_there_and_is_english():
    tokens = corpus.load_corpus("python-docs")
    assert len(tokens) > 50_000
    top = [w for w, _ in Counter(tokens).most_common(5)]
    assert top[0] == "the"
    assert {"a", "is", "of"} <= set(top)


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn not installed")
def test_sklearn_docs_is_the_larger_corpus():
    big = corpus.load_corpus("sklearn-docs")
    assert len(big) > 4 * len(corpus.load_corpus("python-docs"))
    assert Counter(big).most_common(1)[0][0] == "the"


def test_every_corpus_states_source_and_licence():
    for name, info in corpus.CORPORA.items():
        assert info["licence"] and info["source"] and info["description"], name


def test_user_file_and_max_tokens(tmp_path):
    f = tmp_path / "mine.txt"
    f.write_text("One fish, two fish. Red fish, blue fish.", encoding="utf-8")
    assert corpus.load_corpus(path=f) == ["one", "fish", "two", "fish", "red", "fish", "blue", "fish"]
    assert corpus.load_corpus(path=str(f), max_tokens=3) == ["one", "fish", "two"]


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="name"):
        corpus.load_corpus("shakespeare")
    with pytest.raises(ValueError, match="path"):
        corpus.load_corpus(path=tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="path"):
        corpus.load_corpus(path=3)
    with pytest.raises(ValueError, match="max_tokens"):
        corpus.load_corpus("zen", max_tokens=0)
    empty = tmp_path / "empty.txt"
    empty.write_text("123 ... !!!", encoding="utf-8")
    with pytest.raises(ValueError, match="empty corpus"):
        corpus.load_corpus(path=empty)
