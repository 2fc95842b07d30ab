"""Fixtures shared by the tests that need the built book or a browser.

``build`` (session)
    Builds the whole book once with ``tools/build_book.py`` (seconds when nothing changed) and returns
    ``(proc, log)``: the finished ``subprocess.CompletedProcess`` and the text of ``_build/build.log``.
``student_build`` (session)
    Runs ``tools/student.py`` once (the student edition, ``_build/student``) and returns the process.
``serve_directory`` (session)
    A function ``serve_directory(path) -> url`` that serves any directory over HTTP on 127.0.0.1 (a
    threaded ``http.server`` on a free port, stopped at the end of the session).  The URL ends in "/".
``site_url`` (session)
    The URL of ``_build/html`` served that way; depends on ``build``.
``browser`` (session)
    Playwright's Chromium, launched from the Debian package (``/usr/bin/chromium``, or ``$JL_CHROMIUM``):
    Playwright never downloads a browser here.
``browser_log`` (function)
    A :class:`BrowserLog`: what the browser asked of the outside world and what went wrong.
``browser_context`` (function)
    A fresh browser context that is offline except for localhost: every request whose host is not
    127.0.0.1, localhost or ::1 is aborted and recorded in ``browser_log.blocked``; failed requests,
    HTTP errors, console errors and uncaught page errors are recorded too.  Host names other than
    localhost do not even resolve in this browser, so nothing slips past the request router.
``offline_page`` (function)
    A new page in ``browser_context``.
``make_offline_context`` (function)
    ``make(width=, height=, color_scheme=)``: more contexts like ``browser_context`` (the same log), for
    a phone's screen or the dark colour scheme.

Typical use::

    def test_page(site_url, offline_page, browser_log):
        offline_page.goto(site_url + "index.html", wait_until="load")
        assert not browser_log.problems()

Any other static site (a JupyterLite build, say) is tested the same way with
``serve_directory(path)`` in place of ``site_url``.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
CHROMIUM = os.environ.get("JL_CHROMIUM", "/usr/bin/chromium")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


# ---- the book build -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def build(request):
    """Build the whole book once per session; return ``(proc, log)``.

    The build's progress lines (each page as it starts and ends, then the site's stages) are shown on
    the terminal as they come, so that a long ``make test`` says what it is doing."""
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")

    def say(line: str) -> None:
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)

    say("")
    say("building the book (tools/build_book.py): seconds when nothing changed, minutes when pages execute")
    lines = []
    with subprocess.Popen([sys.executable, str(ROOT / "tools" / "build_book.py")], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1,
                          env=dict(os.environ, PYTHONUNBUFFERED="1")) as running:
        for line in running.stdout:
            lines.append(line)
            if line.startswith("[") or line.startswith(("Built in", "Build FAILED", "Writing the", "... done")):
                say("  build: " + line.rstrip())
        returncode = running.wait()
    proc = subprocess.CompletedProcess(running.args, returncode, "".join(lines), "")
    log = (BUILD / "build.log").read_text() if (BUILD / "build.log").exists() else ""
    return proc, log


@pytest.fixture(scope="session")
def student_build():
    """Run ``tools/student.py`` (the student edition) once per session; return the finished process."""
    return subprocess.run([sys.executable, str(ROOT / "tools" / "student.py")], cwd=ROOT, capture_output=True,
                          text=True)


# ---- a local web server ---------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no log lines on stderr, and the types a static site or JupyterLite needs."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".svg": "image/svg+xml",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ipynb": "application/json",
    }

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="session")
def serve_directory():
    """Return ``serve(path) -> "http://127.0.0.1:<port>/"``; every server stops at the end of the session."""
    servers = []

    def serve(path) -> str:
        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(f"nothing to serve: {path} is not a directory")
        handler = functools.partial(_QuietHandler, directory=str(path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name=f"http {path}", daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(build, serve_directory) -> str:
    """URL of the built book (``_build/html``) on 127.0.0.1."""
    proc, _ = build
    if not (HTML / "index.html").exists():
        pytest.fail(f"the book was not built (exit {proc.returncode}); see {BUILD / 'build.log'}")
    return serve_directory(HTML)


# ---- an offline browser ---------------------------------------------------------------------------


@dataclass
class BrowserLog:
    """What pages in one browser context asked for and what went wrong there.

    ``blocked``: URLs outside localhost that a page requested (each was aborted).
    ``failed``: local requests that failed, as "URL (reason)", and responses with status >= 400.
    ``console_errors``: console messages of type error and uncaught exceptions ("pageerror: ...").
    Chromium also logs every aborted request as a console error ("Failed to load resource"); those are
    left out here because ``blocked`` already names them.
    """

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything recorded, one line each; empty when the pages worked offline."""
        return (
            [f"blocked outside request: {u}" for u in self.blocked]
            + [f"failed request: {u}" for u in self.failed]
            + [f"console error: {m}" for m in self.console_errors]
        )

    def clear(self) -> None:
        self.blocked.clear()
        self.failed.clear()
        self.console_errors.clear()


def is_local(url: str) -> bool:
    """True for URLs a page may load offline: localhost, and data:, blob:, about: URLs."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error", "javascript"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the Debian package, driven by Playwright (which downloads nothing)."""
    try:
        from playwright import sync_api
    except ImportError:
        pytest.fail("playwright is missing: it is pinned in requirements.txt (make venv installs it)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does), or set JL_CHROMIUM")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                # no DNS for anything but localhost: a request that bypassed the router still fails
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def browser_context(browser, browser_log):
    """A fresh context (1200x900 viewport) that aborts and records every request outside localhost."""
    context = offline_context(browser, browser_log)
    yield context
    context.close()


@pytest.fixture
def make_offline_context(browser, browser_log):
    """``make(width=..., height=..., color_scheme="light"|"dark")``: more offline contexts like
    ``browser_context`` (same log), for other screens and colour schemes; all closed at the end."""
    made = []

    def make(width: int = 1200, height: int = 900, color_scheme: str = "light"):
        made.append(offline_context(browser, browser_log, width=width, height=height, color_scheme=color_scheme))
        return made[-1]

    yield make
    for context in made:
        context.close()


def offline_context(browser, browser_log, width: int = 1200, height: int = 900, color_scheme: str = "light"):
    """A new browser context that aborts and records every request outside localhost (see ``browser_context``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme,
                                  service_workers="block")
    blocked_urls = set()

    def route(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            browser_log.blocked.append(url)
            blocked_urls.add(url)
            route.abort("blockedbyclient")

    def on_request_failed(request):
        if request.url not in blocked_urls:
            browser_log.failed.append(f"{request.url} ({request.failure})")

    def on_response(response):
        if response.status >= 400:
            browser_log.failed.append(f"{response.url} (HTTP {response.status})")

    def on_console(msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource") and (where in blocked_urls or not is_local(where)):
            return
        browser_log.console_errors.append(f"{msg.text} [{where}]")

    def on_web_error(error):
        browser_log.console_errors.append(f"pageerror: {error.error}")

    context.route("**/*", route)
    context.on("requestfailed", on_request_failed)
    context.on("response", on_response)
    context.on("console", on_console)
    context.on("weberror", on_web_error)
    return context


@pytest.fixture
def offline_page(browser_context):
    """A page of ``browser_context``: offline but for localhost, with everything recorded in ``browser_log``."""
    page = browser_context.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()
