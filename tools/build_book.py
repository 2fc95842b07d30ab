"""Build the jl-lab book (or one page of it) with Jupyter Book 1.x.

Usage::

    python tools/build_book.py              # whole book into _build/html
    python tools/build_book.py --page lsh   # only book/intro.md + book/lsh.md, into _build/page-lsh/html

What it adds to ``jupyter-book build``:

* Jupyter Book's execution cache is keyed on the notebook text only, so a
  change to ``jl_lab`` would not re-execute a page.  The cache is dropped
  whenever the source of ``jl_lab`` or ``requirements.txt`` changes (hash kept
  in ``<build>/.jl_lab_hash``).  Nothing changed: the second build reuses every
  executed page and takes seconds.
* The build runs with ``-n -W --keep-going``; its log goes to ``<build>/build.log``
  and its wall time to ``<build>/build-stats.json``.  The exit code is non-zero
  if Sphinx failed or the log shows a warning, an error or a failed execution
  (Jupyter Book has been known to exit 0 on failed execution).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD_LOG = re.compile(r"WARNING:|ERROR:|CRITICAL:|SEVERE:|Execution Failed|CellExecutionError|Traceback \(most recent")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# the kernel's own start-up notice on stderr of the build, not a Sphinx warning
IGNORED = re.compile(r"^\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")


# Assets the site serves itself, so that a reader needs no network: fetched from the npm registry at
# build time (pinned), unpacked under _vendor/ (git-ignored, never committed as copies), which Sphinx
# copies to the site's root (html_extra_path).  Not under _static/: Jupyter Book adds a <script> tag for
# every .js file found there.
MATHJAX = "mathjax@3.2.2"
VENDOR = ROOT / "_vendor"


def ensure_vendor_assets() -> None:
    """Unpack MathJax's es5 bundle (script and fonts) into _vendor/mathjax if it is missing."""
    target = VENDOR / "mathjax"
    if (target / "tex-chtml.js").exists():
        return
    import tarfile
    import tempfile

    if shutil.which("npm") is None:
        raise SystemExit("npm is needed once to fetch MathJax for offline math (install Node.js and npm)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", MATHJAX, "--silent"], cwd=tmp, check=True, capture_output=True)
        (tgz,) = Path(tmp).glob("mathjax-*.tgz")
        with tarfile.open(tgz) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/es5/")]
            for m in members:
                m.name = m.name.removeprefix("package/es5/")
            tar.extractall(Path(tmp) / "es5", members=members, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(Path(tmp) / "es5", target)


def source_hash() -> str:
    """Hash of everything a page's output depends on besides its own text."""
    h = hashlib.sha256()
    files = sorted((ROOT / "jl_lab").rglob("*.py")) + [ROOT / "requirements.txt"]
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def prepare_page_tree(page: str) -> Path:
    """Write a _toc.yml with the introduction and one page; return its path."""
    page = page.removeprefix("book/").removesuffix(".md")
    if not (ROOT / "book" / f"{page}.md").exists():
        raise SystemExit(f"no page book/{page}.md")
    toc = ROOT / "_build" / f"page-{page}" / "_toc.yml"
    toc.parent.mkdir(parents=True, exist_ok=True)
    toc.write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n"
        f"  - file: book/{page}\n  - file: book/references\n"
    )
    return toc


def build(out: Path, toc: Path | None = None, force: bool = False) -> int:
    ensure_vendor_assets()
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / ".jl_lab_hash"
    digest = source_hash()
    cache = out / ".jupyter_cache"
    if force or not stamp.exists() or stamp.read_text() != digest:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out / "html", ignore_errors=True)
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
        shutil.rmtree(out / "jupyter_execute", ignore_errors=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    # jupyter-book writes into <path-output>/_build, so out must be named _build
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out.parent), "-n", "-W", "--keep-going"]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    log = ANSI.sub("", proc.stdout + proc.stderr)
    (out / "build.log").write_text(log)
    (out / "build-stats.json").write_text(json.dumps({"wall_seconds": wall, "returncode": proc.returncode}))
    bad = [line for line in log.splitlines() if BAD_LOG.search(line) and not IGNORED.search(line)]
    if proc.returncode == 0 and not bad:
        stamp.write_text(digest)
    sys.stdout.write(log[-4000:] if proc.returncode or bad else "")
    if bad:
        sys.stdout.write("\nProblems found in the build log:\n" + "\n".join(bad[:40]) + "\n")
    status = proc.returncode or (1 if bad else 0)
    index = out / "html" / "index.html"
    if status == 0:
        print(f"Built in {wall:.0f} s. Open file://{index}  (or run: make serve)")
    else:
        print(f"Build FAILED (exit {proc.returncode}, {len(bad)} problem lines); full log: {out / 'build.log'}")
    return status


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--page", help="build only book/intro.md and this page (name without .md)")
    ap.add_argument("--force", action="store_true", help="drop the execution cache first")
    args = ap.parse_args(argv)
    if args.page:
        toc = prepare_page_tree(args.page)
        name = args.page.removeprefix("book/").removesuffix(".md")
        return build(ROOT / "_build" / f"page-{name}" / "_build", toc, args.force)
    return build(ROOT / "_build", None, args.force)


if __name__ == "__main__":
    raise SystemExit(main())
