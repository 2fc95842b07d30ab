"""Plain Jupyter Markdown for the book's notebooks: what the website shows, without MyST.

The pages are MyST notebooks.  The website (Sphinx) resolves their roles and directives; Jupyter,
JupyterLite and Colab render CommonMark + HTML + LaTeX only, so a notebook handed to a reader as it is
shows ``{glue:text}`key``` for every number, theorems as code blocks with ``:label:`` lines, and
``{numref}``/``{eq}``/``{cite}`` unresolved.  :func:`convert_notebook` rewrites every Markdown cell
of a notebook into plain Jupyter Markdown, with the values the finished build resolved:

* glued values from the file MyST-NB writes beside each executed notebook
  (``jupyter_execute/<doc>.glue.json``), formatted with MyST-NB's own ``format_plain_text``: the same
  text the site shows;
* numbers of figures, equations, theorems and exercises, titles, glossary terms and citation labels
  from ``<build>/jl-refs.json``, written by the Sphinx extension ``tools/sphinx_ext/jl_refs.py``
  (Sphinx's ``env.toc_fignumbers``, the ``std`` domain, sphinxcontrib-bibtex's ``resolve_xref``).

Why a converter and not ``jupyterlab-myst``: that extension renders MyST syntax in JupyterLab, but
it cannot know a glued value before the cell that glues it has run in the reader's kernel, nor the
book-wide numbers of figures and equations or the bibliography's author-year labels; it would have to
be installed wherever a reader opens the notebook (their JupyterLab, the JupyterLite site, Colab,
which takes no extensions) and a downloaded ``.ipynb`` would still be MyST elsewhere.  Plain Markdown
reads the same everywhere.

What becomes what: ``{prf:theorem}`` etc. a headed paragraph (**Theorem 1.1 (title).** ...),
``{prf:proof}`` *Proof.* ... ∎, ``{exercise}`` a heading "Exercise 2.3", ``{solution}`` a collapsed
``<details>`` block "Solution to Exercise 2.3" (like the site, which hides it behind a click) or
nothing (``solutions="drop"``), ``{math}`` with a label ``$$ ... \\tag{1.1} $$``, admonitions a
quote, a figure (code cell with ``mystnb.figure`` metadata) a Markdown cell "**Fig. 1.1.** caption"
under it, ``{cite}`` "[Su, 2021]" linking to the site's references, ``{numref}``/``{prf:ref}``
"Fig. 1.1"/"Theorem 3.1", ``{eq}`` "(1.1)", ``{doc}``/``{term}`` their text (a link to the site's page
when its address is known).  MyST comments (``% ...``) and targets (``(label)=``) are dropped.
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
from pathlib import Path
from typing import Callable

import nbformat
from myst import closing_line

REFS_FILE = "jl-refs.json"  # keep in step with tools/sphinx_ext/jl_refs.py
CAPTION_TAG = "jl-figure-caption"  # metadata tag of the caption cells added under figures

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,}|~{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\s*\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")
# a role {name}`body`, or an inline code span (left as it is): whichever starts first
INLINE = re.compile(
    r"\{(?P<name>[A-Za-z][\w:.+-]*)\}(?P<tick>`+)(?P<body>.+?)(?P=tick)|(?P<code>(?P<ctick>`+).+?(?P=ctick))",
    re.S,
)
LABELLED_DOLLARMATH = re.compile(r"\$\$(?P<body>.+?)\$\$[ \t]*\((?P<label>[A-Za-z][\w:.-]*)\)[ \t]*$", re.S | re.M)
TARGET = re.compile(r"^\([^()\s]+\)=\s*$")
COMMENT = re.compile(r"^%")
ADMONITIONS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "hint": "Hint",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also", "margin": "", "sidebar": "", "topic": "", "epigraph": "", "admonition": "",
}  # fmt: skip


class ConversionError(ValueError):
    """A reference the build did not resolve (a glue key, a label): the notebook would show a placeholder."""


def load_refs(build: Path) -> dict:
    """``<build>/jl-refs.json`` (written by the Sphinx extension jl_refs at the end of the build)."""
    path = Path(build) / REFS_FILE
    if not path.exists():
        raise SystemExit(f"{path} is missing: is tools/sphinx_ext/jl_refs.py in _config.yml's local_extensions?")
    return json.loads(path.read_text())


def glue_data(nb) -> dict:
    """``{key: output}`` of every value a notebook glues (MyST-NB's own extraction; ``nb`` is not changed)."""
    from myst_nb.ext.glue import extract_glue_data_cell

    data = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for key, output in extract_glue_data_cell(copy.deepcopy(cell)):
                data[key] = output
    return data


def executed_glue_loader(build: Path) -> Callable[[str], dict]:
    """``load(docname) -> glue data`` of a build: MyST-NB's ``jupyter_execute/<doc>.glue.json`` (cached).

    MyST-NB writes the values a page glued there (the executed notebook beside it has lost the
    outputs of ``glue(..., display=False)``); a page that glues nothing has no such file.
    """
    cache: dict[str, dict] = {}

    def load(doc: str) -> dict:
        if doc not in cache:
            path = Path(build) / "jupyter_execute" / f"{doc}.glue.json"
            cache[doc] = json.loads(path.read_text()) if path.exists() else {}
        return cache[doc]

    return load


# ---- the converter --------------------------------------------------------------------------------


def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's ``:key: value`` options (or a ``---`` YAML block) and the rest of its body."""
    opts: dict[str, str] = {}
    i = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            import yaml

            loaded = yaml.safe_load("\n".join(body[1:end])) or {}
            opts = {str(k): "" if v is None else str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
            return opts, body[end + 1 :]
    while i < len(body):
        m = OPTION.match(body[i].strip()) if body[i].strip() else None
        if not m:
            break
        opts[m["key"]] = (m["value"] or "").strip()
        i += 1
    return opts, body[i:]


class Converter:
    """Converts the Markdown of one document (``docname``, e.g. ``book/lsh``).

    ``refs``: the content of jl-refs.json; ``glue``: the document's glued values (:func:`glue_data`);
    ``glue_of``: glued values of another document (for ``doc::key``); ``solutions``: "details" (a
    collapsed block) or "drop".
    """

    def __init__(self, refs: dict, docname: str, glue: dict | None = None,
                 glue_of: Callable[[str], dict] | None = None, solutions: str = "details"):  # fmt: skip
        if solutions not in ("details", "drop"):
            raise ValueError(f"solutions must be 'details' or 'drop', got {solutions!r}")
        self.refs = refs
        self.doc = docname
        self.glue = glue or {}
        self.glue_of = glue_of
        self.solutions = solutions
        self.site = refs.get("site_url", "")

    # -- lookups --

    def site_link(self, doc: str, anchor: str = "") -> str:
        info = self.refs.get("docs", {}).get(doc)
        if not self.site or info is None:
            return ""
        return self.site + info["url"] + (f"#{anchor}" if anchor else "")

    def number(self, label: str) -> dict | None:
        return self.refs.get("numbers", {}).get(label)

    def numbered_text(self, label: str, explicit: str = "") -> str:
        """"Fig. 1.1", "Exercise 2.3", "Theorem 3.1" (numfig_format), or the explicit text with %s/{number}."""
        info = self.number(label)
        if info is None:
            raise ConversionError(f"{self.doc}: no number for the label {label!r}")
        fmt = explicit or self.refs.get("numfig_format", {}).get(info["type"]) or (info["type"].capitalize() + " %s")
        text = fmt.replace("%s", info["number"]).replace("{number}", info["number"]).replace("{name}", "").strip()
        return text[:1].upper() + text[1:]  # sphinx-proof's formats are "theorem %s"; its pages say "Theorem"

    def glue_value(self, key: str) -> dict:
        doc_key = key.split("::", 1)
        data = self.glue
        if len(doc_key) == 2:
            doc = posixpath.normpath(posixpath.join(posixpath.dirname(self.doc), doc_key[0])).removesuffix(".md")
            doc = doc.removesuffix(".ipynb")
            data, key = (self.glue_of(doc) if self.glue_of else {}), doc_key[1]
        if key not in data:
            raise ConversionError(f"{self.doc}: no glued value {key!r}")
        return data[key]["data"]

    # -- inline --

    def role(self, name: str, body: str) -> str:
        explicit, target = "", body
        m = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", body, flags=re.S)
        if m and name not in ("math", "glue:text", "glue:md", "glue", "glue:any"):
            explicit, target = m["text"].strip(), m["target"].strip()
        if name in ("glue:text", "glue", "glue:any"):
            from myst_nb.core.variables import format_plain_text

            parts = body.rsplit(":", 1) if name == "glue:text" else [body]
            key, fmt = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s" if name == "glue:text" else "")
            data = self.glue_value(key)
            if "text/plain" not in data:
                raise ConversionError(f"{self.doc}: glued value {key!r} has no text/plain")
            return format_plain_text(data["text/plain"], fmt)
        if name == "glue:md":
            key = body.rsplit(":", 1)[0] if body.endswith((":inline", ":commonmark", ":myst")) else body
            data = self.glue_value(key)
            text = data.get("text/markdown", data.get("text/plain", ""))
            return self.inline(text.strip())
        if name.startswith("cite"):
            return self.cite(name, target)
        if name == "eq":
            info = self.number(f"equation-{target}")
            if info is None:
                raise ConversionError(f"{self.doc}: no number for the equation {target!r}")
            return self.refs.get("math_eqref_format", "({number})").replace("{number}", info["number"])
        if name in ("numref", "prf:ref"):
            if self.number(target) is None:
                label = self.refs.get("labels", {}).get(target)
                if label is None:
                    raise ConversionError(f"{self.doc}: unknown label {target!r}")
                return self.inline(explicit) if explicit else label["title"]
            if explicit and "%s" not in explicit and "{number}" not in explicit:
                return self.inline(explicit)
            return self.inline(self.numbered_text(target, explicit))
        if name == "ref":
            if explicit:
                return self.inline(explicit)
            if self.number(target) is not None:
                return self.numbered_text(target)
            label = self.refs.get("labels", {}).get(target)
            if label is None:
                raise ConversionError(f"{self.doc}: unknown label {target!r}")
            return label["title"]
        if name == "doc":
            doc = target if target.startswith("/") else posixpath.join(posixpath.dirname(self.doc), target)
            doc = posixpath.normpath(doc).lstrip("/").removesuffix(".md").removesuffix(".ipynb")
            info = self.refs.get("docs", {}).get(doc)
            text = self.inline(explicit) if explicit else (info["title"] if info else target)
            url = self.site_link(doc)
            return f"[{text}]({url})" if url else text
        if name == "term":
            text = explicit or target
            term = self.refs.get("terms", {}).get(target.lower())
            url = self.site_link(term["doc"], term["id"]) if term else ""
            return f"[{text}]({url})" if url else text
        if name == "math":
            return f"${body}$"
        if name in ("sub", "subscript"):
            return f"<sub>{body}</sub>"
        if name in ("sup", "superscript"):
            return f"<sup>{body}</sup>"
        if name == "abbr":
            return re.sub(r"\s*\(.*\)\s*$", "", body)
        if name in ("code", "kbd", "command", "file", "samp", "program", "envvar", "guilabel", "menuselection",
                    "download", "literal", "py:func", "py:class", "py:mod", "func", "class", "mod", "meth"):  # fmt: skip
            return f"`{explicit or target}`"
        return self.inline(explicit or body)

    def cite(self, name: str, body: str) -> str:
        cites = self.refs.get("citations", {})
        parts = []
        textual = name in ("cite:t", "cite:ts", "cite:ct", "cite:cts")
        for key in [k.strip() for k in body.split(",") if k.strip()]:
            if key not in cites:
                raise ConversionError(f"{self.doc}: unknown citation {key!r}")
            c = cites[key]
            label = c.get("t" if textual else "p") or key
            if not textual and label.startswith("[") and label.endswith("]"):
                label = label[1:-1]
            url = self.site + c["url"] if self.site else ""
            parts.append(f"[{label}]({url})" if url else label)
        if textual:
            return ", ".join(parts)
        return "\\[" + "; ".join(parts) + "\\]"

    def inline(self, text: str) -> str:
        def sub(m: re.Match) -> str:
            if m["code"] is not None:
                return m["code"]
            return self.role(m["name"], m["body"])

        return INLINE.sub(sub, text)

    # -- blocks --

    def tag_dollarmath(self, text: str) -> str:
        def sub(m: re.Match) -> str:
            info = self.number(f"equation-{m['label']}")
            if info is None:
                raise ConversionError(f"{self.doc}: no number for the equation {m['label']!r}")
            return f"$${m['body'].rstrip()} \\tag{{{info['number']}}}$$"

        return LABELLED_DOLLARMATH.sub(sub, text)

    def plain(self, lines: list[str]) -> str:
        kept = [line for line in lines if not TARGET.match(line) and not COMMENT.match(line)]
        return self.inline(self.tag_dollarmath("\n".join(kept)))

    def convert(self, text: str) -> str:
        """The Markdown of one cell (or one directive's body), converted."""
        lines = text.split("\n")
        out: list[str] = []
        pending: list[str] = []
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if not m or (m["fence"][0] == "`" and "`" in m["info"]):
                pending.append(lines[i])
                i += 1
                continue
            j = closing_line(lines, i, m["fence"])
            d = DIRECTIVE.match(m["info"])
            if pending:
                out.append(self.plain(pending))
                pending = []
            if d is None:  # a code block (or a plain colon fence): kept as it is
                out.append("\n".join(lines[i : j + 1]))
            else:
                dedent = len(m["indent"])
                body = [line[dedent:] if line[:dedent].strip() == "" else line for line in lines[i + 1 : j]]
                out.append(self.directive(d["name"], d["arg"].strip(), body))
            i = j + 1
        if pending:
            out.append(self.plain(pending))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")

    def directive(self, name: str, arg: str, body_lines: list[str]) -> str:
        opts, rest = _split_options(body_lines)
        body = self.convert("\n".join(rest).strip("\n"))
        label = opts.get("label") or opts.get("name") or ""
        if name in ("math", "amsmath"):
            tag = ""
            if label:
                info = self.number(f"equation-{label}")
                if info is None:
                    raise ConversionError(f"{self.doc}: no number for the equation {label!r}")
                tag = f" \\tag{{{info['number']}}}"
            math = "\n".join(rest).strip("\n")
            if "\\\\" in math and not math.lstrip().startswith("\\begin"):
                math = f"\\begin{{aligned}}\n{math}\n\\end{{aligned}}"
            return f"$$\n{math}{tag}\n$$"
        if name == "exercise":
            number = self.numbered_text(label) if label and "nonumber" not in opts else "Exercise"
            title = f" ({self.inline(arg)})" if arg else ""
            return f"### {number}{title}\n\n{body}"
        if name == "solution":
            if self.solutions == "drop":
                return ""
            ex = self.numbered_text(arg) if arg and self.number(arg) else "the exercise"
            return f"<details>\n<summary><b>Solution to {ex}</b> (click to open)</summary>\n\n{body}\n\n</details>"
        if name.startswith("prf:"):
            kind = name.split(":", 1)[1]
            if kind == "proof":
                lead = "*Proof.*"
                return self.lead(lead, body) + " $\\square$"
            info = self.number(label) if label else None
            head = self.numbered_text(label) if info and "nonumber" not in opts else kind.capitalize()
            title = f" ({self.inline(arg)})" if arg else ""
            return self.lead(f"**{head}{title}.**", body)
        if name in ADMONITIONS or name.startswith("admonition"):
            head = self.inline(arg) if arg else ADMONITIONS.get(name, "")
            text = self.lead(f"**{head}.**", body) if head else body
            return "\n".join("> " + line if line else ">" for line in text.split("\n"))
        if name in ("dropdown", "toggle"):
            head = self.inline(arg) or "Details"
            return f"<details>\n<summary>{head}</summary>\n\n{body}\n\n</details>"
        if name in ("code-block", "code", "sourcecode", "code-cell"):
            return f"```{arg}\n" + "\n".join(rest).strip("\n") + "\n```"
        if name in ("figure", "image"):
            alt = opts.get("alt", "")
            image = f"![{alt}]({arg})"
            if name == "figure" and body:
                caption = self.lead(f"**{self.numbered_text(label)}.**", body) if label and self.number(label) else body
                return f"{image}\n\n{caption}"
            return image
        # anything else (raw, only, list-table, ...): its content, without the MyST markup
        return body

    @staticmethod
    def lead(head: str, body: str) -> str:
        """``head`` in front of the body's first paragraph (on its own line if the body starts with a block)."""
        if not body:
            return head
        first = body.lstrip().split("\n", 1)[0]
        if first.startswith(("$$", "```", "~~~", "- ", "* ", "1. ", "|", "<", "#", ">")):
            return f"{head}\n\n{body}"
        return f"{head} {body.lstrip()}"

    def caption_cell(self, cell) -> nbformat.NotebookNode | None:
        """The Markdown cell shown under a figure cell ("**Fig. 1.1.** caption"), or None."""
        fig = (cell.get("metadata", {}).get("mystnb") or {}).get("figure") or {}
        caption = fig.get("caption")
        if not caption:
            return None
        name = fig.get("name", "")
        head = f"**{self.numbered_text(name)}.**" if name and self.number(name) else ""
        text = self.convert(caption)
        source = f"{head} {text}".strip() if head else text
        return nbformat.v4.new_markdown_cell(source, metadata={"tags": [CAPTION_TAG]})


def convert_notebook(nb, refs: dict, docname: str, glue: dict | None = None,
                     glue_of: Callable[[str], dict] | None = None, solutions: str = "details"):  # fmt: skip
    """A copy of ``nb`` whose Markdown cells are plain Jupyter Markdown (see the module's docstring).

    ``glue``: the glued values (default: those of ``nb``'s own outputs).  Code cells are kept; a
    figure's caption becomes a Markdown cell right under it (tagged ``jl-figure-caption``); code
    cells tagged ``hide-input`` start with their input collapsed, as the site hides them.  With
    ``solutions="drop"`` the ``{solution}`` directives and the code cells tagged ``solution`` go;
    with "details" they stay, collapsed (a click opens them, as on the site).
    """
    nb = copy.deepcopy(nb)
    conv = Converter(refs, docname, glue if glue is not None else glue_data(nb), glue_of, solutions)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = conv.convert(cell.source)
            if cell.source.strip():
                cells.append(cell)
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "code" and "solution" in tags and solutions == "drop":
            continue  # a solution-only cell (the book's convention): the student edition drops it too
        cells.append(cell)
        if cell.cell_type == "code":
            if "solution" in tags or "hide-input" in tags:
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            caption = conv.caption_cell(cell)
            if caption is not None:
                cells.append(caption)
    for k, cell in enumerate(cells):
        if "id" not in cell or not cell["id"]:
            cell["id"] = f"jl-{k}"
    ids = set()
    for k, cell in enumerate(cells):  # captions need ids unique in the notebook
        if cell.get("id") in ids:
            cell["id"] = f"jl-{k}"
        ids.add(cell["id"])
    nb.cells = cells
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    nbformat.validate(nb)
    return nb
