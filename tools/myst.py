"""The one page model of the book, shared by the tools and the tests.

What a *page* is (a file of ``_toc.yml``), what a *chapter* is (a page written as a notebook: a
``kernelspec`` in its front matter; these are the pages of the numbered "Chapters" part), how a
MyST fence opens and closes, where its directives are, how ``requirements.txt`` pins a package, and
how the ``jl_lab`` wheel is built: each defined once here, imported by ``build_book``, ``notebooks``,
``student`` and the tests (``tools/`` is on the test path by ``pythonpath`` in pyproject.toml; a
script run as ``python tools/x.py`` finds its siblings because its own folder is ``sys.path[0]``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = [
    "DIRECTIVE",
    "FENCE",
    "OPTION",
    "ROOT",
    "Fence",
    "build_wheel",
    "chapters",
    "closing_line",
    "directives",
    "fences",
    "front_matter",
    "is_chapter",
    "options",
    "pinned_versions",
    "requirement_pins",
    "toc_pages",
]

# An opening fence: 3+ backticks or colons and an info string (a language, or a directive name in
# braces; CommonMark allows up to 3 spaces of indentation).  It is closed by a line of the same
# character only, at least as long.
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\s*\{(?P<name>[^}\s]+)\}(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")


# ---- pages and chapters ---------------------------------------------------------------------------


def toc_pages(toc_path: Path = ROOT / "_toc.yml", numbered_only: bool = False) -> list[str]:
    """Every file of a table of contents, root first, in reading order (``book/name``, no suffix).

    With ``numbered_only``, only the files of its numbered parts (``numbered: true``), without the root.
    """
    import yaml  # installed with jupyter-book

    toc = yaml.safe_load(Path(toc_path).read_text())
    files = [] if numbered_only else [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        if part.get("numbered") or not numbered_only:
            walk(part.get("chapters"))
    if not numbered_only:
        walk(toc.get("chapters"))
    return files


def front_matter(text: str) -> dict:
    """The YAML front matter of a page (``{}`` if it has none)."""
    import yaml

    m = re.match(r"---\n(.*?)\n---\s*\n", text, flags=re.S)
    return (yaml.safe_load(m.group(1)) or {}) if m else {}


def is_chapter(text: str) -> bool:
    """A chapter is a page written as a notebook: a kernelspec in its front matter."""
    return "kernelspec" in front_matter(text)


def chapters(root: Path = ROOT) -> list[str]:
    """The chapters of the book in reading order (``book/name``): the notebook pages of the numbered part.

    A notebook page in the back matter (``book/scale_out``, an appendix) is executed and built like a
    chapter, and the student edition strips its solutions, but it is not a numbered chapter: it needs no
    frame slider, no three exercises, and gets no numbered student notebook.
    """
    root = Path(root)
    return [p for p in toc_pages(root / "_toc.yml", numbered_only=True) if is_chapter((root / f"{p}.md").read_text())]


# ---- fences and directives ------------------------------------------------------------------------


@dataclass
class Fence:
    """One fenced block: lines ``start`` to ``end`` (both included; ``end == len(lines)`` if unclosed)."""

    start: int
    end: int
    marker: str
    info: str
    name: str  # the directive's name (``code-cell``, ``exercise``...), "" for a plain code fence
    arg: str
    lines: list[str] = field(repr=False)
    closed: bool = True

    @property
    def options(self) -> dict[str, str]:
        return options(self.lines)

    @property
    def body(self) -> str:
        """The text between the fences, options included."""
        return "\n".join(self.lines[1:-1] if self.closed else self.lines[1:])


def closing_line(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the fence opened at ``start`` (``len(lines)`` if it is never closed)."""
    char, n = fence[0], len(fence)
    for j in range(start + 1, len(lines)):
        s = lines[j].strip()
        if len(s) >= n and set(s) == {char} and len(lines[j]) - len(lines[j].lstrip(" ")) <= 3:
            return j
    return len(lines)


def fences(text: str | list[str]) -> Iterator[Fence]:
    """The top-level fenced blocks of a page (a fence inside another one is part of its body)."""
    lines = text.split("\n") if isinstance(text, str) else text
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):  # inline code, not a fence
            i += 1
            continue
        j = closing_line(lines, i, m["fence"])
        d = DIRECTIVE.match(m["info"])
        yield Fence(i, j, m["fence"], m["info"], d["name"] if d else "", d["arg"].strip() if d else "",
                    lines[i : j + 1], j < len(lines))
        i = j + 1


def directives(text: str, names=None, nested: bool = True) -> list[Fence]:
    """The directives of a page (named ``names`` if given), in order; ``nested`` also looks inside fences."""
    found = []
    for f in fences(text):
        if f.name and (names is None or f.name in names):
            found.append(f)
        if nested and f.name and f.name != "code-cell":
            for inner in directives("\n".join(f.lines[1:]), names, nested):
                inner.start += f.start + 1
                inner.end += f.start + 1
                found.append(inner)
    return found


def options(block: list[str]) -> dict[str, str]:
    """The ``:key: value`` options at the top of a directive's body (``block`` includes the opening line)."""
    opts = {}
    for line in block[1:]:
        m = OPTION.match(line.strip())
        if not m:
            break
        opts[m["key"]] = m["value"].strip()
    return opts


# ---- packaging ------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def requirement_pins(requirements: Path = ROOT / "requirements.txt") -> dict[str, tuple[str, str]]:
    """Every ``name==version`` pin of requirements.txt: normalised name (PEP 503) -> (name as spelt, version)."""
    pins = {}
    for line in Path(requirements).read_text().splitlines():
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if m:
            pins[_norm(m.group(1))] = (m.group(1), m.group(2))
    return pins


def pinned_versions(names, requirements: Path = ROOT / "requirements.txt") -> dict[str, str]:
    """The ``name==version`` pins of requirements.txt for ``names`` (names compared normalised, PEP 503)."""
    pins = {k: v for k, (_, v) in requirement_pins(requirements).items()}
    missing = [n for n in names if _norm(n) not in pins]
    if missing:
        raise SystemExit(f"requirements.txt pins none of {missing}")
    return {n: pins[_norm(n)] for n in names}


def build_wheel(dest: Path, src: Path = ROOT) -> Path:
    """Build the jl_lab wheel (no dependencies bundled) from a clean copy of the package; return it.

    From a copy, because setuptools writes ``build/`` and ``*.egg-info`` next to the sources.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("jl_lab-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(Path(src) / name, Path(tmp) / name)
        skip = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(Path(src) / "jl_lab", Path(tmp) / "jl_lab", ignore=skip)
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
               "--no-build-isolation", "-w", str(dest), tmp]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(f"building the jl_lab wheel failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    (wheel,) = dest.glob("jl_lab-*.whl")
    return wheel

