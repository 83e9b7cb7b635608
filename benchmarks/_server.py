"""The app server a benchmark measures: one it starts, or one already running at a given URL.

    with app_server(args.url) as server:      # url None: `streamlit run app.py` on a free port
        server.url, server.ws_url, server.rss_mb(), server.cpu_seconds(), server.processes()

A server this run starts is e2e_harness.StreamlitServer (`streamlit run <script> --server.headless
true --server.port <free port> --browser.gatherUsageStats false --server.fileWatcherType none`,
in its own process group, stopped on the way out). For a given URL on this machine, the process
is the one listening on its port (found in /proc/net/tcp and the processes' file descriptors);
elsewhere, or when that is not readable, the process figures are None. Linux only.

The browser benchmarks (latency.py, drawing.py, actions.py) share `app_and_probe` (the app, the
one-slider probe app PROBE and Chromium), `add_server_arguments` and `percentile` from here.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from _meta import add_common_arguments
from playwright.sync_api import Browser, sync_playwright

from e2e_harness import CHROMIUM, CHROMIUM_ARGS, REPO, SERVER_START_TIMEOUT_S, StreamlitServer

APP = REPO / "app.py"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes of TCP sockets listening on port (any local address)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def pid_listening(port: int) -> int | None:
    """The process listening on 127.0.0.1:port, if this user may see its file descriptors."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not inodes:
        return None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(entry.name)
    return None


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process now."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                out[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    return out


class AppServer:
    """The server under test, started here (url None) or found at url."""

    def __init__(self, url: str | None = None, script: Path = APP) -> None:
        self.own: StreamlitServer | None = None
        if url is None:
            self.own = StreamlitServer(script)
            self.url, self.pid = self.own.url, self.own.proc.pid
        else:
            parts = urllib.parse.urlsplit(url if "://" in url else f"http://{url}")
            self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
            port = parts.port or (443 if parts.scheme == "https" else 80)
            self.pid = pid_listening(port) if parts.hostname in LOCAL_HOSTS else None
        parts = urllib.parse.urlsplit(self.url)
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path}/_stcore/stream"
        self.origin = f"{parts.scheme}://{parts.netloc}"

    @property
    def started_here(self) -> bool:
        return self.own is not None

    def wait_healthy(self, timeout: float = SERVER_START_TIMEOUT_S) -> None:
        """Poll /_stcore/health until it answers "ok" (a server started here: fail early if it exits)."""
        if self.own is not None:
            self.own.wait_healthy(timeout)
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"no healthy Streamlit server at {self.url} within {timeout:.0f} s")
            time.sleep(0.1)  # the poll's interval

    def rss_mb(self) -> float | None:
        """The server process's resident memory now, in MB (None if unknown)."""
        if self.pid is None:
            return None
        try:
            with open(f"/proc/{self.pid}/status") as f:
                return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return None

    def cpu_seconds(self) -> float | None:
        """User + system CPU seconds the server process has used so far (None if unknown)."""
        if self.pid is None:
            return None
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def processes(self) -> int | None:
        """The server process and all its descendants now (None if unknown)."""
        if self.pid is None or not Path(f"/proc/{self.pid}").exists():
            return None
        children: dict[int, list[int]] = {}
        for pid, parent in _parents().items():
            children.setdefault(parent, []).append(pid)
        count, todo = 0, [self.pid]
        while todo:
            count += 1
            todo += children.get(todo.pop(), [])
        return count

    def stop(self) -> None:
        """Stop a server started here; leave a given one running."""
        if self.own is not None:
            self.own.stop()


@contextlib.contextmanager
def app_server(url: str | None = None, script: Path = APP) -> Iterator[AppServer]:
    """An AppServer, healthy; a server started here is stopped on the way out, errors included."""
    server = AppServer(url, script)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


PROBE = Path(__file__).resolve().parent / "probe_app.py"
"""The one-slider probe app, the baseline the browser benchmarks compare against."""


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@contextlib.contextmanager
def app_and_probe(
    baseline: bool = True, url: str | None = None, probe_url: str | None = None
) -> Iterator[tuple[Browser, dict[str, AppServer]]]:
    """The app (at url, or `streamlit run app.py` on a free localhost port) and, with baseline,
    the probe app (at probe_url, or started likewise), both answering; and Debian's Chromium,
    headless. Yields (browser, {"app": ..., "probe": ...}); closes the browser and stops the
    servers started here on the way out, errors included."""
    with contextlib.ExitStack() as stack:
        servers = {"app": stack.enter_context(app_server(url))}
        if baseline:
            servers["probe"] = stack.enter_context(app_server(probe_url, PROBE))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        yield browser, servers


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """--json, --tiny, --url (benchmarks/_meta.py) and the probe app's: --probe-url, --no-baseline."""
    add_common_arguments(parser)
    parser.add_argument("--probe-url", help="the probe app (benchmarks/probe_app.py) already served at this URL")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-slider probe app")
