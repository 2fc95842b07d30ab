"""A JupyterLab server of this environment, started for a test or a benchmark and stopped after it.

Usage::

    with lab_server(Path("some/folder")) as lab:
        page.goto(lab.url("lab/tree/notebook.ipynb"))

It runs ``jupyter lab`` from the environment of this Python (``--no-browser``, a random token, a free
port on 127.0.0.1, the given folder as root, no announcement and no extension manager, so it asks
nothing of the network), waits until ``/api/status`` answers, and terminates the process (its own,
by pid) when the block ends.  The log is in ``<log>`` (default: a temporary file).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Lab:
    base: str  # http://127.0.0.1:<port>/
    token: str
    root: Path
    log: Path

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(root: Path, log: Path | None = None, timeout: float = 120.0):
    """Start JupyterLab on ``root``; yield a :class:`Lab`; stop it afterwards."""
    root = Path(root).resolve()
    token = secrets.token_hex(16)
    port = free_port()
    log = Path(log) if log else Path(tempfile.mkstemp(prefix="jl-lab-server-", suffix=".log")[1])
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [
        str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1", f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}", "--ServerApp.password=", "--ServerApp.open_browser=False",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    env.setdefault("PYTHONPATH", str(ROOT))
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    settings = Path(tempfile.mkdtemp(prefix="jl-lab-settings-"))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(settings)
    # no announcements pop-up (it would cover the notebook)
    plugin = settings / "@jupyterlab" / "apputils-extension"
    plugin.mkdir(parents=True)
    (plugin / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # every cell rendered, not only those near the viewport, so that a test can read the whole notebook
    notebook = settings / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(lab.url("api/status"), timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
