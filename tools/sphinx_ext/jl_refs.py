"""Sphinx extension of jl-lab: write what the build resolved, for the notebooks' plain Markdown.

The website renders MyST (``{numref}``, ``{eq}``, ``{cite}``, ``{glue:text}``, ``{exercise}``, ...);
Jupyter, JupyterLite and Colab render plain Markdown only.  ``tools/nb_markdown.py`` rewrites the
notebooks' Markdown cells after the build, and needs what only the finished build knows: the number of
every figure, equation, theorem and exercise (Sphinx's ``env.toc_fignumbers``, the numbers the site
shows), the titles of pages and sections (``std`` domain), the glossary terms, and the author-year
label of every citation exactly as sphinxcontrib-bibtex formats it (its own ``resolve_xref``).

At ``build-finished`` (HTML builder, no exception) this extension writes them to
``<outdir>/../jl-refs.json`` (``_build/jl-refs.json`` next to ``_build/html``).  The glued values are
not in it: they are the outputs of the executed notebooks themselves (``_build/jupyter_execute``),
which ``tools/nb_markdown.py`` reads with MyST-NB's own functions.

Configuration: ``jl_site_url`` (under ``sphinx: config:``), the address the site is published at, for
links from a notebook to the site's pages (references, glossary, other chapters).  Empty (the
default): derived from a GitHub ``repository: url`` as ``https://<org>.github.io/<repo>/``; no
repository either: no links, plain text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx

REFS_FILE = "jl-refs.json"


def site_url(app: Sphinx) -> str:
    """The published site's address (ends in "/"), or "" when unknown."""
    url = (app.config.jl_site_url or "").strip()
    if url:
        return url.rstrip("/") + "/"
    repo = ((app.config.html_theme_options or {}).get("repository_url") or "").rstrip("/").removesuffix(".git")
    if "github.com/" in repo:
        parts = repo.split("github.com/", 1)[1].split("/")
        if len(parts) >= 2 and parts[0] and parts[1]:
            return f"https://{parts[0]}.github.io/{parts[1]}/"
    return ""


def _number(n) -> str:
    return ".".join(str(x) for x in n)


def numbers(env) -> dict[str, dict[str, str]]:
    """``{node id: {"doc", "type", "number"}}`` of every numbered thing (figures, equations, theorems, exercises)."""
    found: dict[str, dict[str, str]] = {}
    for doc, types in env.toc_fignumbers.items():
        for typ, ids in types.items():
            for node_id, n in ids.items():
                found[node_id] = {"doc": doc, "type": typ, "number": _number(n)}
    return found


def citations(app: Sphinx) -> dict[str, dict[str, str]]:
    """``{key: {"p": "[Su, 2021]", "t": "Su [2021]", "url": "book/references.html#id3"}}``.

    The labels are sphinxcontrib-bibtex's own rendering of ``{cite:p}`` and ``{cite:t}`` for the key.
    """
    env = app.env
    try:
        domain = env.get_domain("cite")
    except Exception:  # sphinxcontrib-bibtex not loaded
        return {}
    out: dict[str, dict[str, str]] = {}
    for cit in getattr(domain, "citations", []):
        todoc = cit.bibliography_key.docname
        entry = {"url": f"{app.builder.get_target_uri(todoc)}#{cit.citation_id}"}
        for typ in ("p", "t"):
            node = pending_xref("", refdomain="cite", reftype=typ, reftarget=cit.key, refdoc=todoc)
            node.source, node.line = todoc, 0
            try:
                resolved = domain.resolve_xref(env, todoc, app.builder, typ, cit.key, node, nodes.inline())
            except Exception:  # pragma: no cover - a future sphinxcontrib-bibtex
                resolved = None
            if resolved is not None:
                entry[typ] = resolved.astext()
        out[cit.key] = entry
    return out


def collect(app: Sphinx) -> dict[str, Any]:
    env = app.env
    std = env.domaindata.get("std", {})
    docs = {}
    for doc in env.found_docs:
        title = env.titles.get(doc)
        secnum = env.toc_secnumbers.get(doc, {}).get("")
        docs[doc] = {
            "title": title.astext() if title is not None else doc,
            "url": app.builder.get_target_uri(doc),
            "number": _number(secnum) if secnum else "",
        }
    labels = {
        name: {"doc": doc, "id": node_id, "title": title}
        for name, (doc, node_id, title) in std.get("labels", {}).items()
    }
    for name, (doc, node_id) in std.get("anonlabels", {}).items():
        labels.setdefault(name, {"doc": doc, "id": node_id, "title": ""})
    terms = {}
    for (typ, name), (doc, node_id) in std.get("objects", {}).items():
        if typ == "term":
            terms[name.lower()] = {"doc": doc, "id": node_id}
    return {
        "site_url": site_url(app),
        "numfig_format": {k: str(v) for k, v in (app.config.numfig_format or {}).items()},
        "math_eqref_format": app.config.math_eqref_format or "({number})",
        "docs": docs,
        "labels": labels,
        "numbers": numbers(env),
        "terms": terms,
        "citations": citations(app),
    }


def write_refs(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = collect(app)
    target = Path(app.outdir).parent / REFS_FILE
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, default=str)  # translated strings
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("jl_site_url", "", "html", types=[str])
    app.connect("build-finished", write_refs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
