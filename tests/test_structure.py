"""Structure of the package: module size, re-exports after splits, no upward imports."""

import ast
import io
import pathlib
import tokenize

import pytest

import jl_lab
from jl_lab import bigrams, cocluster, trifactor

PKG = pathlib.Path(jl_lab.__file__).parent
MODULES = sorted(PKG.rglob("*.py"))
MAX_LOC = 600  # issue #19: one idea per module, ~600 lines of code at most (docstrings aside)
# Exceptions, each argued in a comment: none today.
ALLOW = {}


def lines_of_code(source: str) -> int:
    """Lines holding code: blank lines, comments and docstrings (module, class, function) dropped."""
    doc = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc.update(range(body[0].lineno, body[0].end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in doc)
    return len(lines)


def test_lines_of_code_counter():
    src = '"""Module doc."""\n\n# comment\nimport os\n\n\ndef f(x):\n    """Doc\n    more."""\n    return (x +\n            1)\n'
    assert lines_of_code(src) == 4  # import, def, and the two lines of the return


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_module_at_most_600_lines_of_code(path):
    n = lines_of_code(path.read_text(encoding="utf-8"))
    limit = ALLOW.get(str(path.relative_to(PKG)), MAX_LOC)
    assert n <= limit, f"{path.name} holds {n} lines of code (> {limit}): split it at a natural seam"


def test_cocluster_reexports_split_modules():
    for mod in (bigrams, trifactor):
        for name in mod.__all__:
            assert name in cocluster.__all__
            assert getattr(cocluster, name) is getattr(mod, name)


@pytest.mark.parametrize("mod", [bigrams, trifactor])
def test_split_modules_do_not_import_upward(mod):
    tree = ast.parse(pathlib.Path(mod.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "cocluster" not in imported and "jl_lab.cocluster" not in imported
