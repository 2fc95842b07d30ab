"""Sphinx extension of jl-lab: every chapter offers its executed notebook and three ways to run it.

On each chapter page (a page written as a MyST notebook, i.e. with a ``kernelspec`` in its front
matter) it adds:

* a line under the title, "Run this chapter": JupyterLite (in the browser, from the site itself),
  Colab, Binder, and a download of the executed notebook (``.ipynb``);
* the same entries in sphinx-book-theme's header menus: the download menu's ``.ipynb`` entry points
  at the site's executed notebook, and the launch menu (whose Binder entry the theme builds from the
  ``launch_buttons`` of ``_config.yml``) gains Colab and JupyterLite entries.

The notebooks and the JupyterLite site are written after the Sphinx build by ``tools/notebooks.py``
(called by ``tools/build_book.py``) into ``<html>/notebooks/<name>.ipynb`` and ``<html>/lite/``.

Why not the theme's own Colab and JupyterLite buttons: the theme points every provider at the page's
source file, here ``book/<name>.md``, which Colab cannot open (it opens ``.ipynb`` files from GitHub),
and its JupyterLite link is one fixed URL for every page.  Colab is pointed at the generated notebook
where a deployed site holds it: ``<repository>/blob/<jl_pages_branch>/notebooks/<name>.ipynb``.

Configuration (``_config.yml``): ``repository: url/branch`` (Binder builds that branch, Colab needs a
GitHub repository), ``html: launch_buttons: binderhub_url``, and under ``sphinx: config:``
``jl_pages_branch`` (the branch the site is deployed to, default ``gh-pages``).
"""

from __future__ import annotations

import html
import posixpath
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx.application import Sphinx

NOTEBOOKS_DIR = "notebooks"  # <html>/notebooks/<name>.ipynb, written by tools/notebooks.py
LITE_APP = "lite/lab/index.html"  # the JupyterLite site's JupyterLab, written by tools/notebooks.py
COLAB_URL = "https://colab.research.google.com"


def is_chapter(app: Sphinx, docname: str) -> bool:
    """A chapter is a page written as a notebook (MyST front matter with a kernelspec)."""
    return "kernelspec" in app.env.metadata.get(docname, {})


def notebook_name(docname: str) -> str:
    """``book/lsh`` -> ``lsh``: the notebook's file name (without .ipynb) in notebooks/ and in lite/."""
    return posixpath.basename(docname)


def repository(app: Sphinx) -> tuple[str | None, str | None, str]:
    """(org, repo, branch) of the configured GitHub repository; (None, None, branch) if there is none."""
    opts = app.config.html_theme_options or {}
    url = (opts.get("repository_url") or "").rstrip("/").removesuffix(".git")
    branch = opts.get("repository_branch") or "main"
    if "github.com/" not in url:
        return None, None, branch
    parts = url.split("github.com/", 1)[1].split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None, None, branch
    return parts[0], parts[1], branch


def run_links(app: Sphinx, docname: str) -> dict[str, dict[str, str]]:
    """The links of one chapter, relative to its page where they stay inside the site.

    Returns ``{key: {"url", "text", "tooltip", "icon"}}`` in display order; Colab and Binder only when
    a GitHub repository is configured.
    """
    up = "../" * docname.count("/")
    name = notebook_name(docname)
    links: dict[str, dict[str, str]] = {
        "lite": {
            "url": f"{up}{LITE_APP}?path={quote(name)}.ipynb",
            "text": "JupyterLite",
            "tooltip": "Run this chapter in your browser (JupyterLite, Python in WebAssembly)",
            "icon": "_static/images/logo_jupyterlite.svg",
        }
    }
    org, repo, branch = repository(app)
    if org:
        pages = app.config.jl_pages_branch
        links["colab"] = {
            "url": f"{COLAB_URL}/github/{org}/{repo}/blob/{pages}/{NOTEBOOKS_DIR}/{quote(name)}.ipynb",
            "text": "Colab",
            "tooltip": "Run this chapter on Google Colab",
            "icon": "_static/images/logo_colab.png",
        }
        launch = (app.config.html_theme_options or {}).get("launch_buttons", {}) or {}
        binder = (launch.get("binderhub_url") or "").rstrip("/")
        if binder:
            source = app.env.doc2path(docname, base=False)
            links["binder"] = {
                "url": f"{binder}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{quote(str(source))}",
                "text": "Binder",
                "tooltip": "Run this chapter on Binder (JupyterLab with the book's environment)",
                "icon": "_static/images/logo_binder.svg",
            }
    links["ipynb"] = {
        "url": f"{up}{NOTEBOOKS_DIR}/{quote(name)}.ipynb",
        "text": ".ipynb",
        "tooltip": "Download the executed notebook",
        "icon": "fas fa-code",
    }
    return links


def add_run_line(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put a "Run this chapter" line right under the title of every chapter (HTML only)."""
    if app.builder.format != "html" or not is_chapter(app, docname):
        return
    links = run_links(app, docname)
    labels = {
        "lite": "in your browser (JupyterLite)",
        "colab": "on Colab",
        "binder": "on Binder",
        "ipynb": "download the executed notebook (.ipynb)",
    }
    items = []
    for key, link in links.items():
        attrs = f'href="{html.escape(link["url"])}" title="{html.escape(link["tooltip"])}"'
        if key == "ipynb":
            attrs += f' download="{html.escape(notebook_name(docname))}.ipynb"'
        items.append(f'<a class="jl-run-{key}" {attrs}>{html.escape(labels[key])}</a>')
    raw = (
        '<p class="jl-run-links" style="font-size: 0.9em;">'
        "<strong>Run this chapter</strong> " + " &middot; ".join(items) + "</p>"
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    position = section.index(title) + 1 if title is not None and title.parent is section else 0
    section.insert(position, nodes.raw("", raw, format="html"))


def add_header_entries(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """Point the theme's download menu at the executed notebook and add Colab/JupyterLite to its launch menu.

    Runs after sphinx-book-theme's own handlers (priority 501), before the page is rendered.
    """
    buttons = context.get("header_buttons")
    if buttons is None or pagename not in app.env.all_docs or not is_chapter(app, pagename):
        return
    links = run_links(app, pagename)
    groups = {b.get("label"): b for b in buttons if b.get("type") == "group"}

    download = groups.get("download-buttons")
    if download is not None:
        entry = {
            "type": "link",
            "url": links["ipynb"]["url"],
            "text": ".ipynb",
            "tooltip": links["ipynb"]["tooltip"],
            "icon": "fas fa-code",
            "label": "download-notebook-button",
        }
        entries = download["buttons"]
        old = [i for i, b in enumerate(entries) if b.get("label") == "download-notebook-button"]
        if old:
            entries[old[0]] = entry
        else:
            entries.insert(0, entry)

    launch = groups.get("launch-buttons")
    if launch is None:
        launch = {
            "type": "group",
            "tooltip": "Launch interactive content",
            "icon": "fas fa-rocket",
            "buttons": [],
            "label": "launch-buttons",
        }
        buttons.append(launch)
    have = {b.get("text") for b in launch["buttons"]}
    for key in ("lite", "colab"):
        if key in links and links[key]["text"] not in have:
            link = links[key]
            launch["buttons"].append({"type": "link", **{k: link[k] for k in ("url", "text", "tooltip", "icon")}})


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("jl_pages_branch", "gh-pages", "html", types=[str])
    app.connect("doctree-resolved", add_run_line)
    app.connect("html-page-context", add_header_entries, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
