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
* It reports progress while it runs: each page as it starts and ends (with its execution time, or
  "from the execution cache"), then the stages of writing the site and the JupyterLite step.
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

from myst import toc_pages  # noqa: F401  (the page model; re-exported for old callers)

ROOT = Path(__file__).resolve().parents[1]
BAD_LOG = re.compile(r"WARNING:|ERROR:|CRITICAL:|SEVERE:|Execution Failed|CellExecutionError|Traceback \(most recent")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# the kernel's own start-up notice on stderr of the build, not a Sphinx warning
IGNORED = re.compile(r"^\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")


# Assets the site serves itself, so that a reader needs no network: fetched from the npm registry at
# build time (pinned), unpacked under _vendor/ (git-ignored, never committed as copies), which Sphinx
# copies to the site's root (html_extra_path).  Not under _static/: Jupyter Book adds a <script> tag for
# every .js file found there.  _config.yml points at them: mathjax_path (every page with math) and
# nb_ipywidgets_js (only pages that embed widget state: require.js, then the widget manager, whose
# fonts and icons are loaded relative to its own script).
#   folder under _vendor/: (npm package@version, folder inside the package, files left out)
VENDOR_PACKAGES = {
    "mathjax": ("mathjax@3.2.2", "es5", ()),
    "requirejs": ("requirejs@2.3.8", "", ("bin/*", "README.md", "package.json")),
    "jupyter-widgets": ("@jupyter-widgets/html-manager@1.0.15", "dist", ("*.map", "embed.js", "libembed-amd.js")),
}
MATHJAX = VENDOR_PACKAGES["mathjax"][0]
VENDOR = ROOT / "_vendor"
# Loaded between require.js and embed-amd.js (nb_ipywidgets_js in _config.yml).  The widget manager
# computes where its fonts are from its AMD module name (a path under the page, where nothing is), and
# typesets labels with MathJax 2's API (MathJax.Hub.Queue), which MathJax 3 does not have.
WIDGETS_SETUP_JS = """\
// Written by tools/build_book.py: set up the Jupyter widget manager (embed-amd.js, next) offline.
(function () {
  var here = document.currentScript.src.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
  window.__jupyter_widgets_assets_path__ = here;  // fonts and icons lie beside embed-amd.js
  window.requirejs.config({paths: {"@jupyter-widgets/html-manager/dist": here.replace(/\\/$/, "")}});
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && mj.startup && !mj.Hub) {
      mj.Hub = {Queue: function (command) {
        var element = command[2];
        mj.startup.promise = mj.startup.promise.then(function () { return mj.typesetPromise([element]); });
      }};
    }
  });
})();
"""


# Assets only the tests use (never copied into the site): fetched the same way into _build/npm/<folder>.
#   axe-core: the accessibility rules the browser test runs on every page (tests/test_browser.py).
TEST_PACKAGES = {
    "axe-core": ("axe-core@4.14.1", "", ("*.d.ts", "locales/*", "sri-history.json")),
}
TEST_ASSETS = ROOT / "_build" / "npm"


def ensure_test_assets() -> Path:
    """Unpack the pinned npm packages of TEST_PACKAGES under _build/npm/ (once); return that folder."""
    unpack_npm_packages(TEST_PACKAGES, TEST_ASSETS)
    return TEST_ASSETS


def ensure_vendor_assets() -> None:
    """Unpack each pinned npm package of VENDOR_PACKAGES into _vendor/<folder> unless it is there already.

    A folder is fetched again when its pin changes (the spec is kept in ``<folder>/.npm-spec``).
    """
    unpack_npm_packages(VENDOR_PACKAGES, VENDOR)
    setup_js = VENDOR / "jupyter-widgets" / "setup.js"
    if not setup_js.exists() or setup_js.read_text() != WIDGETS_SETUP_JS:
        setup_js.write_text(WIDGETS_SETUP_JS)


def unpack_npm_packages(packages: dict, root: Path) -> None:
    """``npm pack`` each ``folder: (spec, subdir, left_out)`` and unpack its ``subdir`` into ``root/folder``,
    leaving out the files matching ``left_out``; skipped when ``root/folder/.npm-spec`` names the same spec."""
    import fnmatch
    import tarfile
    import tempfile

    for folder, (spec, subdir, left_out) in packages.items():
        target = root / folder
        stamp = target / ".npm-spec"
        if stamp.exists() and stamp.read_text() == spec:
            continue
        if shutil.which("npm") is None:
            raise SystemExit(f"npm is needed once to fetch {spec} for the offline site (install Node.js and npm)")
        prefix = "package/" + (subdir + "/" if subdir else "")
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True)
            tgzs = list(Path(tmp).glob("*.tgz"))
            if proc.returncode or len(tgzs) != 1:
                raise SystemExit(f"npm pack {spec} failed:\n{proc.stderr[-2000:]}")
            with tarfile.open(tgzs[0]) as tar:
                members = []
                for m in tar.getmembers():
                    name = m.name.removeprefix(prefix)
                    if m.name.startswith(prefix) and not any(fnmatch.fnmatch(name, p) for p in left_out):
                        m.name = name
                        members.append(m)
                tar.extractall(Path(tmp) / "out", members=members, filter="data")
            (Path(tmp) / "out" / ".npm-spec").write_text(spec)
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(Path(tmp) / "out", target)


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


# Sphinx's progress lines (one per page read, then writing) and MyST-NB's execution notices, from the
# output of `jupyter-book build` (not a TTY, so one line each)
READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)")
EXECUTED = re.compile(r"Executed notebook in ([\d.]+) seconds|Using cached notebook|Executing notebook failed")
STAGES = re.compile(r"^(looking for now-outdated files|writing output\.\.\. \[|copying static files|dumping search index"
                    r"|build succeeded|build finished)")


def progress(message: str, t0: float) -> None:
    """One line of progress on stdout, prefixed by the seconds since ``t0``, flushed at once."""
    print(f"[{time.perf_counter() - t0:5.0f} s] {message}", flush=True)


def run_with_progress(cmd: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` and report each page as it starts and ends (execution time or cached),
    then the stages of writing the site; return the finished process with stdout and stderr merged."""
    t0 = time.perf_counter()
    progress("jupyter-book build: reading (and executing) the pages", t0)
    lines, current, started, executed, seen = [], None, 0.0, None, set()

    def end_page():
        if current is not None:
            took = time.perf_counter() - started
            how = executed or "not executed (no code or unchanged)"
            progress(f"  done  {current}: {how}, {took:.1f} s in all", t0)

    with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          bufsize=1) as proc:
        for raw in proc.stdout:
            lines.append(raw)
            line = ANSI.sub("", raw).strip()
            m = READING.match(line)
            if m:
                end_page()
                current, started, executed = m.group(1), time.perf_counter(), None
                progress(f"  start {current}", t0)
                continue
            m = EXECUTED.search(line)
            if m and current is not None:
                executed = (f"executed in {float(m.group(1)):.1f} s" if m.group(1)
                            else "from the execution cache" if "cached" in line else "EXECUTION FAILED")
                continue
            m = STAGES.match(line)
            if m and m.group(1) not in seen:
                seen.add(m.group(1))
                end_page()
                current = None
                progress(m.group(1).replace("writing output... [", "writing the HTML pages"), t0)
        returncode = proc.wait()
    end_page()
    return subprocess.CompletedProcess(cmd, returncode, "".join(lines), "")


def kernel_profile(out: Path) -> Path:
    """An IPython directory for the build's kernels, with tools/ipython/build_kernel_startup.py as a start-up file.

    It spares every executed page 2.6 s of CPU spent importing a parser nothing uses, and times the
    reference workload of the CPU budgets in each kernel (see that file).
    """
    ipython_dir = out / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "tools" / "ipython" / "build_kernel_startup.py", startup / "00-build-kernel.py")
    return ipython_dir


def reference_dir(out: Path) -> Path:
    """An empty folder for the reference samples of this build's kernels (see tools/sphinx_ext/jl_cputime.py)."""
    folder = out / "cpu-reference"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def build(out: Path, toc: Path | None = None, force: bool = False, src: Path = ROOT) -> int:
    """Build the book whose _config.yml and _toc.yml are in ``src`` (default: this repository) into ``out``."""
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
    cmd = [str(jb), "build", str(src), "--path-output", str(out.parent), "-n", "-W", "--keep-going"]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
               PYTHONUNBUFFERED="1",  # its lines as they come, for the progress report
               IPYTHONDIR=str(kernel_profile(out)), JL_LAB_CPU_REFERENCE_DIR=str(reference_dir(out)))
    t0 = time.perf_counter()
    proc = run_with_progress(cmd, env)
    wall = time.perf_counter() - t0
    log = ANSI.sub("", proc.stdout)
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
        # executed notebooks into html/notebooks/, and (whole book only) the JupyterLite site html/lite/
        import notebooks  # tools/notebooks.py

        print("Writing the executed notebooks" + (" and the JupyterLite site" if toc is None else "") + " ...",
              flush=True)
        t1 = time.perf_counter()
        status = notebooks.post_build(out, src, lite=toc is None)
        print(f"... done in {time.perf_counter() - t1:.0f} s", flush=True)
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
