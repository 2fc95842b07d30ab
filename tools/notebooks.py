"""Executed notebooks and the in-browser JupyterLite site of the book, written after the Sphinx build.

Usage::

    python tools/notebooks.py                  # post-build step on the existing _build/ (what `make book` runs)
    python tools/notebooks.py --no-lite        # only the notebooks
    python tools/notebooks.py --build _build/page-lsh/_build

What it writes into the site (``<build>/html``):

* ``notebooks/<name>.ipynb`` for every chapter: the notebook MyST-NB executed during the build
  (``<build>/jupyter_execute/book/<name>.ipynb``, outputs included), its Markdown cells turned into
  plain Jupyter Markdown with the numbers the build resolved (``tools/nb_markdown.py``: glued values,
  figure/equation/exercise numbers, citations) and without the exercises' solutions (the ``{solution}``
  blocks and the cells tagged ``solution``: the site keeps them), with one set-up cell added under
  the title so that it runs top to bottom anywhere: in JupyterLite it installs ``jl_lab`` from the
  wheel bundled with the site (piplite), elsewhere without ``jl_lab`` (Colab, a plain Jupyter) it
  installs it from the repository configured in ``_config.yml`` with pip; where ``myst_nb`` is
  missing it defines ``glue()`` to display the value instead (the book uses it to put numbers in the
  prose).  Colab opens these files from the deployed site's branch (see tools/sphinx_ext/jl_launch.py).
* ``lite/``: a JupyterLite site (``jupyterlite-core`` + ``jupyterlite-pyodide-kernel``, pinned in
  requirements.txt) holding the same notebooks (kernel set to Pyodide's), a ``jl_lab`` wheel built from
  this checkout, and the wheels of ipywidgets, comm and jupyterlab_widgets (the versions pinned in
  requirements.txt, whose widget manager extension JupyterLite ships), so piplite installs all of them
  from the site itself.  Built offline from the local environment once those three wheels are cached
  (``<build>/.lite-cache``; the first build fetches them from PyPI with pip).

What the reader's browser still fetches from outside when the kernel starts: the Pyodide runtime and
its compiled packages (numpy, scipy, matplotlib, scikit-learn, pillow, ...) from cdn.jsdelivr.net
(``PYODIDE_CDN``).  They are not on npm (the ``pyodide`` npm package holds only the runtime) nor on PyPI
(no ``pyemscripten`` wheels of them there), so they cannot be bundled from the package registries.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml
from myst import build_wheel, pinned_versions

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nb_markdown  # noqa: E402  (tools/nb_markdown.py: MyST to plain Jupyter Markdown)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = "notebooks"  # keep in step with tools/sphinx_ext/jl_launch.py
LITE_DIR = "lite"
SETUP_TAG = "jl-lab-setup"
PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/"
# JupyterLab extensions the lite site ships (from the environment's share/jupyter/labextensions)
LITE_LABEXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")
# pure-Python wheels piplite installs from the site (not in Pyodide's own package set); versions from
# requirements.txt
LITE_EXTRA_WHEELS = ("ipywidgets", "comm", "jupyterlab_widgets")
PYODIDE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}


# ---- configuration --------------------------------------------------------------------------------


def repository(src: Path = ROOT) -> tuple[str, str]:
    """(url, branch) of the ``repository:`` section of ``<src>/_config.yml``."""
    cfg = yaml.safe_load((src / "_config.yml").read_text()) or {}
    repo = cfg.get("repository") or {}
    return (repo.get("url") or "").rstrip("/"), repo.get("branch") or "main"


# ---- the notebooks --------------------------------------------------------------------------------


def chapters(build: Path, src: Path = ROOT) -> list[tuple[str, Path]]:
    """(docname, executed notebook) of every notebook page that the build executed and rendered."""
    execute = build / "jupyter_execute"
    found = []
    for nb in sorted(execute.rglob("*.ipynb")):
        docname = nb.relative_to(execute).with_suffix("").as_posix()
        source = src / f"{docname}.md"
        rendered = (build / "html" / f"{docname}.html").exists()
        if rendered and source.exists() and "kernelspec:" in source.read_text():
            found.append((docname, nb))
    return found


def setup_source(code: str, repo_url: str, branch: str) -> str:
    """The set-up cell of one notebook (``code``: the notebook's code, to see what it needs)."""
    lite = ["jl_lab[book]"]
    if "corpus." in code:  # the corpora read CPython's pydoc_data, a separate package in Pyodide
        lite.append("pydoc-data")
    if repo_url:
        install = f'    %pip install --quiet "jl_lab[book] @ git+{repo_url}@{branch}"'
    else:  # no public repository configured: say what to do rather than install a namesake from PyPI
        install = '    raise ModuleNotFoundError("jl_lab is not installed: pip install the jl_lab wheel of the book")'
    return "\n".join(
        [
            "# Set-up, added for running this notebook outside the book: installs jl_lab where it is missing.",
            "# In JupyterLite it comes from the book's site; in Colab or another Jupyter, from the repository.",
            "import importlib.util",
            "import sys",
            "",
            'if sys.platform == "emscripten":  # JupyterLite (Pyodide)',
            "    import piplite",
            "",
            f"    await piplite.install({json.dumps(lite)})",
            'elif importlib.util.find_spec("jl_lab") is None:',
            install,
            'if importlib.util.find_spec("myst_nb") is None:  # glue() puts numbers in the book; here it shows them',
            "    import types",
            "",
            "    from IPython.display import display as _display",
            "",
            '    _myst_nb = types.ModuleType("myst_nb")',
            "    _myst_nb.glue = lambda name, variable, display=True: _display(variable) if display else None",
            '    sys.modules["myst_nb"] = _myst_nb',
        ]
    )


def runnable_notebook(executed: nbformat.NotebookNode, repo_url: str, branch: str) -> nbformat.NotebookNode:
    """A copy of an executed notebook with the set-up cell under its title and the build's metadata dropped."""
    nb = copy.deepcopy(executed)
    for key in ("jupytext", "source_map", "widgets"):
        nb.metadata.pop(key, None)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    cell = nbformat.v4.new_code_cell(setup_source(code, repo_url, branch), metadata={"tags": [SETUP_TAG]})
    first = nb.cells[0] if nb.cells else None
    has_title = first is not None and first.cell_type == "markdown" and first.source.lstrip().startswith("# ")
    nb.cells.insert(1 if has_title else 0, cell)
    nbformat.validate(nb)
    return nb


def lite_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The JupyterLite copy: the same notebook, with the Pyodide kernel's kernelspec."""
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = dict(PYODIDE_KERNELSPEC)
    return nb


def write_notebooks(build: Path, src: Path = ROOT) -> list[Path]:
    """Write ``<build>/html/notebooks/<name>.ipynb`` for every chapter; return their paths."""
    repo_url, branch = repository(src)
    out = build / "html" / NOTEBOOKS_DIR
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    written = []
    refs = nb_markdown.load_refs(build)  # what the build resolved: numbers, titles, citations
    glue_of = nb_markdown.executed_glue_loader(build)
    for docname, path in chapters(build, src):
        executed = nbformat.read(path, as_version=4)
        # no solutions in any notebook a reader runs (download, Colab, JupyterLite): the site keeps them
        plain = nb_markdown.convert_notebook(executed, refs, docname, glue=glue_of(docname), glue_of=glue_of,
                                             solutions="drop")
        nb = runnable_notebook(plain, repo_url, branch)
        target = out / f"{Path(docname).name}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
    return written


# ---- the JupyterLite site -------------------------------------------------------------------------


def extra_wheels(cache: Path) -> list[Path]:
    """The pinned pure-Python wheels of LITE_EXTRA_WHEELS, from ``cache`` or else from PyPI (pip download)."""
    cache.mkdir(parents=True, exist_ok=True)
    wheels = []
    for name, version in pinned_versions(LITE_EXTRA_WHEELS).items():
        stem = re.sub(r"[-_.]+", "_", name).lower()
        found = [p for p in cache.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
        if not found:
            cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                   "--only-binary=:all:", "-d", str(cache), f"{name}=={version}"]  # fmt: skip
            proc = subprocess.run(cmd, capture_output=True, text=True)
            found = [p for p in cache.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
            if proc.returncode or not found:
                raise SystemExit(f"pip download {name}=={version} failed (PyPI is needed once):\n{proc.stderr[-2000:]}")
        wheels.append(found[0])
    return wheels


def labextensions_dir(target: Path) -> Path:
    """A folder holding only the lab extensions the lite site needs (copied from this environment)."""
    shutil.rmtree(target, ignore_errors=True)
    share = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    for name in LITE_LABEXTENSIONS:
        if not (share / name / "package.json").exists():
            raise SystemExit(f"lab extension {name} is not installed in {share} (pip install -r requirements.txt)")
        shutil.copytree(share / name, target / name)
    return target


def build_lite(build: Path, notebooks: list[Path]) -> Path:
    """Build ``<build>/html/lite`` with the notebooks, the jl_lab wheel and the widget wheels; return it."""
    work = build / "lite-src"
    output = build / "html" / LITE_DIR
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    contents = work / "contents"
    contents.mkdir(parents=True)
    for path in notebooks:
        nbformat.write(lite_notebook(nbformat.read(path, as_version=4)), contents / path.name)
    wheels = [build_wheel(work / "wheels"), *extra_wheels(build / ".lite-cache" / "wheels")]
    extensions = labextensions_dir(work / "labextensions")
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter), "lite", "build", "--lite-dir", str(work), "--output-dir", str(output),
           "--contents", str(contents), "--apps", "lab", "--no-sourcemaps", "--no-unused-shared-packages",
           "--ignore-sys-prefix", f"--FederatedExtensionAddon.extra_labextensions_path={extensions}"]  # fmt: skip
    for wheel in wheels:
        cmd += ["--piplite-wheels", str(wheel)]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    (work / "lite-build.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode or not (output / "lab" / "index.html").exists():
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise SystemExit(f"jupyter lite build failed (log: {work / 'lite-build.log'}):\n{tail}")
    install_kernel_help(output)
    return output


KERNEL_HELP_JS = "jl-kernel-help.js"
# Shown in the lite JupyterLab when the Pyodide runtime cannot be fetched: without it the kernel never
# starts and a cell stays at [*] with no message.  The script probes the runtime's address once at load
# (a no-cors request: it succeeds whenever the CDN answers) and also reacts to the kernel's own failure
# (uncaught errors naming Pyodide); either shows the banner, which the reader can close.
KERNEL_HELP_TEMPLATE = """\
// Written by tools/notebooks.py: say why code cannot run when the Python runtime is out of reach.
(function () {
  var RUNTIME = __RUNTIME__;
  var shown = false;
  function show(reason) {
    if (shown || !document.body) { return; }
    shown = true;
    var box = document.createElement("div");
    box.id = "jl-kernel-help";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;z-index:100000;left:50%;top:12px;transform:translateX(-50%);" +
      "max-width:760px;width:calc(100% - 32px);box-sizing:border-box;padding:14px 44px 14px 18px;" +
      "background:#fff8e1;color:#1a1a1a;border:2px solid #b26a00;border-radius:6px;" +
      "font:14px/1.45 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)";
    box.innerHTML =
      "<strong>Python cannot start in this browser, so code cells will not run here.</strong> " +
      "The in-browser kernel (Pyodide) needs to download Python and its packages (NumPy, SciPy, " +
      "matplotlib, about 30 MB) once from the internet, from <code>" + new URL(RUNTIME).host +
      "</code>, and this browser cannot reach it (offline, or blocked by a firewall). " +
      "You can still read the notebooks and their saved outputs.<br><strong>Offline:</strong> run the " +
      "chapters on your own computer instead: the <em>student edition</em> your teacher hands out " +
      "(its README says how to install it and start <code>jupyter lab</code>), or a local install of " +
      "the book (in a clone of its repository: <code>make lab-student</code>). " +
      "<span style=\\"color:#555\\">(" + reason + ")</span>";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\\u00d7";
    close.setAttribute("aria-label", "Close this message");
    close.style.cssText = "position:absolute;right:8px;top:6px;border:0;background:none;font-size:22px;" +
      "cursor:pointer;color:#1a1a1a";
    close.onclick = function () { box.remove(); };
    box.appendChild(close);
    document.body.appendChild(box);
  }
  function mentionsRuntime(text) {
    text = String(text || "");
    return text.indexOf(RUNTIME.replace(/[^/]*$/, "")) >= 0 || /pyodide/i.test(text);
  }
  window.addEventListener("unhandledrejection", function (event) {
    var r = event.reason;
    if (mentionsRuntime(r && (r.message || r))) { show("the kernel failed to load Pyodide"); }
  });
  window.addEventListener("error", function (event) {
    if (mentionsRuntime(event.message) || mentionsRuntime(event.filename)) { show("the kernel failed to load Pyodide"); }
  });
  function probe() {
    fetch(RUNTIME, {method: "HEAD", mode: "no-cors", cache: "no-store"}).then(
      function () { window.jlKernelRuntimeReachable = true; },
      function () { window.jlKernelRuntimeReachable = false; show("no answer from " + RUNTIME); }
    );
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", probe); } else { probe(); }
})();
"""


def pyodide_runtime_url() -> str:
    """The Pyodide runtime the lite kernel loads (the default compiled into jupyterlite-pyodide-kernel)."""
    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / LITE_LABEXTENSIONS[0] / "static"
    pattern = re.compile(re.escape(PYODIDE_CDN) + r"v[^\"'`\s]+/full/pyodide\.m?js")
    for js in sorted(static.glob("*.js")):
        m = pattern.search(js.read_text(errors="replace"))
        if m:
            return m.group(0)
    return PYODIDE_CDN


def install_kernel_help(output: Path) -> Path:
    """Add the kernel-help script (KERNEL_HELP_TEMPLATE) to every app page of the lite site ``output``."""
    script = output / KERNEL_HELP_JS
    script.write_text(KERNEL_HELP_TEMPLATE.replace("__RUNTIME__", json.dumps(pyodide_runtime_url())))
    pages = [p for p in output.glob("*/index.html") if (p.parent / ".." / "config-utils.js").exists()]
    for page in pages:
        text = page.read_text()
        tag = f'<script src="../{KERNEL_HELP_JS}"></script>'
        if tag not in text:
            page.write_text(text.replace("</head>", f"    {tag}\n</head>", 1))
    return script


def post_build(build: Path = ROOT / "_build", src: Path = ROOT, lite: bool = True) -> int:
    """The step after a successful Sphinx build: notebooks, then the lite site.  Returns an exit status."""
    t0 = time.perf_counter()
    notebooks = write_notebooks(build, src)
    if not notebooks:
        print(f"no executed chapter notebook under {build / 'jupyter_execute'}")
        return 1
    t1 = time.perf_counter()
    line = f"{len(notebooks)} notebooks in {build / 'html' / NOTEBOOKS_DIR} ({t1 - t0:.1f} s)"
    if lite:
        output = build_lite(build, notebooks)
        size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file()) / 2**20
        line += f"; JupyterLite in {output} ({time.perf_counter() - t1:.0f} s, {size:.0f} MB)"
    print(line)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=ROOT / "_build", help="the build folder (holding html/)")
    ap.add_argument("--no-lite", action="store_true", help="write the notebooks only")
    args = ap.parse_args(argv)
    return post_build(args.build.resolve(), ROOT, lite=not args.no_lite)


if __name__ == "__main__":
    raise SystemExit(main())
