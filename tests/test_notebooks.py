"""Executed-notebook downloads, launch links and the JupyterLite site of the built book.

Checks ``_build/html`` after ``tools/build_book.py`` (whose post-build step is tools/notebooks.py):
every chapter's executed notebook is in the site with its outputs and a set-up cell; every chapter
page links to it, to Colab and Binder with the repository of _config.yml, and to JupyterLite with a
path that exists; the lite site holds its index, the notebooks and a jl_lab wheel that installs and
imports; and in an offline browser the lite JupyterLab opens a chapter.  The kernel itself needs the
Pyodide runtime from its CDN, so offline the test checks that the CDN is the only outside address the
site asks for (README: "Run it live").
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import nbformat
import pytest
import tomllib
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
LITE = HTML / "lite"
import nb_markdown  # tools/nb_markdown.py
import notebooks as nbtool  # tools/notebooks.py (tools/ is on the test path: pyproject.toml)
from myst import chapters

pytestmark = pytest.mark.book


def chapter_docnames() -> list[str]:
    """Pages of _toc.yml written as notebooks (a kernelspec in their front matter), e.g. 'book/lsh'."""
    return chapters()


CHAPTERS = chapter_docnames()


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def github() -> tuple[str, str, str]:
    """(org, repo, branch) of the repository configured in _config.yml."""
    repo = config()["repository"]
    org, name = repo["url"].rstrip("/").split("github.com/")[1].split("/")[:2]
    return org, name, repo.get("branch", "main")


def name_of(docname: str) -> str:
    return Path(docname).name


def setup_cells(nb) -> list:
    return [c for c in nb.cells if nbtool.SETUP_TAG in c.get("metadata", {}).get("tags", [])]


def run_line(docname: str) -> dict[str, str]:
    """{class suffix: href} of the 'Run this chapter' line of a chapter page."""
    soup = BeautifulSoup((HTML / f"{docname}.html").read_text(), "html.parser")
    line = soup.select_one("main p.jl-run-links") or soup.select_one("p.jl-run-links")
    assert line is not None, f"{docname}: no 'Run this chapter' line"
    return {a["class"][0].removeprefix("jl-run-"): a["href"] for a in line.find_all("a")}


def local_target(docname: str, href: str) -> Path:
    """The file a relative link of a page points to inside the site."""
    page_url = f"http://site/{docname}.html"
    path = urlsplit(urljoin(page_url, href)).path.lstrip("/")
    return HTML / unquote(path)


def test_chapters_are_found():
    assert len(CHAPTERS) >= 7, CHAPTERS


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_notebook_is_the_executed_one_with_a_setup_cell(build, docname):
    path = HTML / nbtool.NOTEBOOKS_DIR / f"{name_of(docname)}.ipynb"
    assert path.exists(), f"no downloadable notebook {path}"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    executed = nbformat.read(BUILD / "jupyter_execute" / f"{docname}.ipynb", as_version=4)
    (setup,) = setup_cells(nb)
    # the code cells are the executed ones with their outputs; the Markdown is the plain-Markdown form of the
    # page's (tests/test_nb_markdown.py), with a caption cell under each figure
    rest = [c for c in nb.cells if c is not setup and c.cell_type == "code"]
    ran = [c for c in executed.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
    assert [c.source for c in rest] == [c.source for c in ran], "code cells differ from the executed notebook"
    assert [c.get("outputs") for c in rest] == [c.get("outputs") for c in ran], "outputs differ"
    n_md = sum(c.cell_type == "markdown" for c in executed.cells)
    captions = [c for c in nb.cells if nb_markdown.CAPTION_TAG in c.metadata.get("tags", [])]
    assert 0 < sum(c.cell_type == "markdown" for c in nb.cells) - len(captions) <= n_md  # empty ones (comments) go
    outputs = [o for c in rest if c.cell_type == "code" for o in c.outputs]
    assert outputs, f"{docname}: no output in the executed notebook"
    assert not any(o.output_type == "error" for o in outputs)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code is setup, "the set-up cell must run before any other code cell"
    assert nb.metadata.kernelspec.name == "python3"


def setup_program(source: str) -> str:
    """The set-up cell as IPython runs it (magics turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def test_setup_cell_installs_from_the_configured_repository(build):
    org, repo, branch = github()
    for docname in CHAPTERS:
        nb = nbformat.read(HTML / nbtool.NOTEBOOKS_DIR / f"{name_of(docname)}.ipynb", as_version=4)
        source = setup_cells(nb)[0].source
        assert f"git+https://github.com/{org}/{repo}@{branch}" in source, docname
        assert "piplite.install" in source and "jl_lab[book]" in source, docname
        compile(setup_program(source), docname, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    cocluster = nbformat.read(HTML / nbtool.NOTEBOOKS_DIR / "cocluster.ipynb", as_version=4)
    assert "pydoc-data" in setup_cells(cocluster)[0].source  # its corpus reads pydoc_data.topics


def test_setup_cell_makes_glue_work_without_myst_nb(build, tmp_path):
    """Run the set-up cell where myst_nb cannot be imported (as in Colab): glue() must still work."""
    nb = nbformat.read(HTML / nbtool.NOTEBOOKS_DIR / f"{name_of(CHAPTERS[0])}.ipynb", as_version=4)
    program = setup_program(setup_cells(nb)[0].source)
    script = tmp_path / "run_setup.py"
    script.write_text(
        "import asyncio, ast, sys\n"
        "sys.modules['myst_nb'] = None  # as if not installed: find_spec() gives None, import fails\n"
        f"code = compile({program!r}, 'setup', 'exec', flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)\n"
        "result = eval(code, {'__name__': '__main__'})\n"
        "if asyncio.iscoroutine(result):\n"
        "    asyncio.run(result)\n"
        "from myst_nb import glue\n"
        "glue('x', 0.5, display=False)\n"
        "glue('y', 41 + 1)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42"  # display=True shows the value, display=False shows nothing


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page_links_to_download_colab_binder_and_lite(build, docname):
    name = name_of(docname)
    org, repo, branch = github()
    pages_branch = config()["sphinx"]["config"]["jl_pages_branch"]
    links = run_line(docname)

    assert local_target(docname, links["ipynb"]) == HTML / nbtool.NOTEBOOKS_DIR / f"{name}.ipynb"
    assert local_target(docname, links["ipynb"]).exists()
    assert links["colab"] == (
        f"https://colab.research.google.com/github/{org}/{repo}/blob/{pages_branch}/notebooks/{name}.ipynb"
    )
    binder = config()["launch_buttons"]["binderhub_url"].rstrip("/")
    assert links["binder"] == f"{binder}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{docname}.md"
    assert (ROOT / f"{docname}.md").exists()

    lite = urlsplit(links["lite"])
    assert local_target(docname, lite.path) == LITE / "lab" / "index.html"
    assert local_target(docname, lite.path).exists()
    (opened,) = parse_qs(lite.query)["path"]
    assert (LITE / "files" / opened).exists(), f"lite has no {opened}"

    # the same entries in the theme's header menus
    soup = BeautifulSoup((HTML / f"{docname}.html").read_text(), "html.parser")
    download = soup.select_one(".dropdown-download-buttons a.btn-download-notebook-button")
    assert download is not None and download["href"] == links["ipynb"]
    launch = {a.get_text(strip=True): a["href"] for a in soup.select(".dropdown-launch-buttons a")}
    assert launch.get("Colab") == links["colab"]
    assert launch.get("JupyterLite") == links["lite"]
    assert launch.get("Binder") == links["binder"]


def test_pages_that_are_not_notebooks_have_no_run_line(build):
    for page in ("book/intro", "book/references"):
        if (HTML / f"{page}.html").exists():
            assert "jl-run-links" not in (HTML / f"{page}.html").read_text(), page


def test_lite_site_holds_index_notebooks_wheels_and_widget_extension(build):
    assert (LITE / "index.html").exists() and (LITE / "lab" / "index.html").exists()
    cfg = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    extensions = {e["name"]: e for e in cfg["federated_extensions"]}
    for ext in ("@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"):
        assert ext in extensions, f"lite site lacks the {ext} extension"
        assert (LITE / "extensions" / ext / extensions[ext]["load"]).exists()

    listed = {c["name"] for c in json.loads((LITE / "api" / "contents" / "all.json").read_text())["content"]}
    for docname in CHAPTERS:
        path = LITE / "files" / f"{name_of(docname)}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python", f"{path.name}: not the Pyodide kernel"
        assert len(setup_cells(nb)) == 1
        assert path.name in listed

    index = json.loads((LITE / "pypi" / "all.json").read_text())
    pins = nbtool.pinned_versions(nbtool.LITE_EXTRA_WHEELS)
    for name, version in {**pins, "jl_lab": None}.items():
        key = next((k for k in index if k.replace("-", "_").lower() == name.replace("-", "_").lower()), None)
        assert key is not None, f"piplite index lacks {name}"
        releases = index[key]["releases"]
        if version is not None:
            assert version in releases, f"{name}: {list(releases)} is not the pinned {version}"
        for files in releases.values():
            for f in files:
                assert (LITE / "pypi" / f["filename"]).exists()
    # the settings point piplite at the site's own index first
    urls = cfg["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]["pipliteUrls"]
    assert urls[0].startswith("./pypi/all.json")


def lite_wheel() -> Path:
    (wheel,) = (LITE / "pypi").glob("jl_lab-*.whl")
    return wheel


def test_lite_wheel_is_jl_lab_with_its_metadata(build):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    with zipfile.ZipFile(lite_wheel()) as whl:
        names = set(whl.namelist())
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = whl.read(meta_name).decode()
    fields = dict(line.split(": ", 1) for line in meta.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Name"].replace("-", "_") == project["name"].replace("-", "_")
    assert fields["Version"] == project["version"]
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    for dep in project["dependencies"]:
        assert any(r.replace(" ", "").startswith(dep.replace(" ", "")) for r in requires), (dep, requires)
    sources = {f"jl_lab/{p.name}" for p in (ROOT / "jl_lab").glob("*.py")}
    assert sources <= names, f"wheel lacks {sorted(sources - names)}"


def test_lite_wheel_installs_and_imports(build, tmp_path):
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--no-index", "--target", str(target), str(lite_wheel())]  # fmt: skip
    proc = subprocess.run(pip, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    check = (
        "import sys; sys.path.insert(0, sys.argv[1]); import jl_lab, jl_lab.bounds as b; "
        "assert jl_lab.__file__.startswith(sys.argv[1]), jl_lab.__file__; "
        "print(b.jl_min_dim(10_000, 0.1, method='su24'))"
    )
    # run from tmp_path so that the checkout's jl_lab (installed editable) is not what gets imported
    proc = subprocess.run([sys.executable, "-c", check, str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert int(float(proc.stdout.strip())) > 0


def test_lite_opens_a_chapter_offline(build, serve_directory, offline_page, browser_log):
    """JupyterLab of the lite site loads from localhost alone and opens a chapter with its outputs.

    The kernel's start then asks for the Pyodide runtime on its CDN, which this offline browser blocks:
    the test checks that this is the only outside address the site asks for.
    """
    url = serve_directory(HTML)
    name = name_of(CHAPTERS[0])
    requested = []
    offline_page.on("request", lambda r: requested.append(r.url))
    offline_page.goto(f"{url}lite/lab/index.html?path={name}.ipynb", wait_until="load")
    offline_page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    offline_page.wait_for_selector(".jp-NotebookPanel .jp-OutputArea-output", timeout=30_000)
    assert offline_page.locator(".jp-NotebookPanel .jp-Cell").count() > 2
    assert "piplite" in offline_page.locator(".jp-NotebookPanel .jp-CodeCell").first.inner_text()
    offline_page.wait_for_timeout(5_000)  # the kernel's start-up
    assert any("/extensions/@jupyter-widgets/jupyterlab-manager/static/remoteEntry" in u for u in requested), (
        "the widget manager extension was not loaded"
    )
    outside = list(browser_log.blocked)
    assert all(u.startswith(nbtool.PYODIDE_CDN) for u in outside), f"outside requests besides Pyodide's CDN: {outside}"
    assert not browser_log.failed, browser_log.failed
    # the kernel's failed start is reported as uncaught errors naming the blocked runtime; nothing else.
    # "pageerror: undefined" is JupyterLite's service worker registration, which the offline_page fixture
    # blocks (service_workers="block"): with service workers allowed it does not occur.
    other = [e for e in browser_log.console_errors if nbtool.PYODIDE_CDN not in e and e != "pageerror: undefined"]
    assert not other, "\n".join(other)
