"""The browser harness (no fixtures): Streamlit servers, Chromium's launch, waits for the app.

Imported by name by the browser tests (tests/e2e) and the benchmarks:
``from e2e_harness import StreamlitServer, open_app, wait_for_app_idle, expect_rerun``.
All waits poll a condition with a timeout; there are no fixed sleeps.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
import zlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page, WebSocket, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parent
APPS = REPO / "tests" / "e2e" / "apps"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium (apt-get install chromium); E2E_CHROMIUM points elsewhere."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = 90.0
APP_TIMEOUT_MS = 60_000

__all__ = [
    "huge_png",
    "REPO",
    "APPS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "APP_TIMEOUT_MS",
    "free_port",
    "StreamlitServer",
    "ScriptRunTracker",
    "wait_for_app_idle",
    "open_app",
    "expect_rerun",
]


def huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit palette PNG of width x height pixels, all colour 0, built row by row.

    A 13,000 x 13,000 one is ~30 kB: the cheap "decompression bomb" of the upload tests.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)  # 1 bit per pixel, palette
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    palette = b"\x00\x00\x00\xff\xff\xff"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", palette)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """One `streamlit run` subprocess; its output goes to a log file shown on failure."""

    def __init__(self, script: Path, env: dict[str, str] | None = None) -> None:
        self.script = Path(script)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="streamlit-e2e-", suffix=".log", delete=False)
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
        ]
        full_env = {**os.environ, **(env or {}), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        # A new session (process group), so teardown can kill the server and only it.
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=full_env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def rss_mb(self) -> float:
        """The server process's resident memory now, in MB (from /proc; Linux only)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far, in seconds (from /proc)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_healthy(self, timeout: float = SERVER_START_TIMEOUT_S) -> None:
        """Poll /_stcore/health until it answers "ok"; fail early if the process exits."""
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_stcore/health"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            # Poll interval: wait on the process itself, which also notices an early exit.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=0.1)
        raise TimeoutError(f"streamlit did not become healthy within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)


def wait_for_app_idle(page: Page, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script is not running, and nothing is a skeleton."""
    expect(page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]')).to_be_attached(
        timeout=timeout
    )
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(timeout=timeout)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=timeout)


def _is_run_end(payload: bytes | str) -> bool:
    """Is this websocket frame a ForwardMsg saying a script (or fragment) run has finished?"""
    if not isinstance(payload, bytes):
        return False
    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg: not our frame
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN


class ScriptRunTracker:
    """Counts finished script runs by reading the app's websocket (/_stcore/stream).

    The DOM's data-test-script-state can go notRunning -> running -> notRunning within one
    render batch when a run is quick, so a DOM watcher may miss a run; the ScriptFinished
    message cannot be missed. Attach before page.goto (open_app and the page fixture do).
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        self.socket: WebSocket | None = None
        page.on("websocket", self._on_websocket)

    @classmethod
    def of(cls, page: Page) -> ScriptRunTracker:
        """The page's tracker, made on first use (kept in a table keyed by the page)."""
        tracker = _TRACKERS.get(page)
        if tracker is None:
            tracker = _TRACKERS[page] = cls(page)
        return tracker

    def _on_websocket(self, ws: WebSocket) -> None:
        if "/_stcore/stream" in ws.url:
            self.socket = ws
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: bytes | str) -> None:
        if _is_run_end(payload):
            self.finished += 1

    def wait_for(self, count: int, timeout: float = APP_TIMEOUT_MS) -> None:
        """Block until at least `count` runs have finished since the page was opened."""
        deadline = time.monotonic() + timeout / 1000
        while self.finished < count:
            remaining = (deadline - time.monotonic()) * 1000
            if remaining <= 0:
                raise TimeoutError(f"waited {timeout:.0f} ms for script run #{count}; {self.finished} finished")
            if self.socket is None or self.socket.is_closed():
                self.page.wait_for_event(
                    "websocket", predicate=lambda ws: "/_stcore/stream" in ws.url, timeout=remaining
                )
                continue
            # Wakes on the next run end; the counting listener has seen the frame by then.
            self.socket.wait_for_event("framereceived", predicate=_is_run_end, timeout=remaining)


_TRACKERS: weakref.WeakKeyDictionary[Page, ScriptRunTracker] = weakref.WeakKeyDictionary()


def open_app(page: Page, url: str, timeout: float = APP_TIMEOUT_MS) -> None:
    """Load the app and wait for its first run to finish and the page to settle."""
    tracker = ScriptRunTracker.of(page)
    start = tracker.finished
    page.goto(url, wait_until="domcontentloaded")
    tracker.wait_for(start + 1, timeout)
    wait_for_app_idle(page, timeout)


@contextlib.contextmanager
def expect_rerun(page: Page, timeout: float = APP_TIMEOUT_MS) -> Iterator[None]:
    """The action in the with-block must cause a script (or fragment) run; wait until it has
    finished and the page is idle. Needs the page opened with open_app (or the page fixture)."""
    tracker = ScriptRunTracker.of(page)
    if tracker.socket is None:
        raise RuntimeError("no Streamlit websocket seen: open the app with open_app(page, url)")
    target = tracker.finished + 1
    yield
    tracker.wait_for(target, timeout)
    wait_for_app_idle(page, timeout)


EXPLORER_CHARTS = 7
"""Plotly charts in the Explorer's sections 2-3 (the holes bars; per model a scatter, a confidence
curve and a grid), drawn while the learner is near them (ui/views/below_fold.py)."""


def scroll_to_charts(page: Page, timeout: float = APP_TIMEOUT_MS) -> None:
    """On the Explorer: scroll section 2 into view, which asks the server for the sections below the
    first screen (their placeholder, or in presentation mode the chart's), and wait until all
    EXPLORER_CHARTS are drawn (already there: no rerun)."""
    first = page.locator(".st-key-section_paths_later, .st-key-holes_spread_later").first
    if first.count():
        with expect_rerun(page, timeout):
            first.scroll_into_view_if_needed()
    page.wait_for_function(
        """n => { const g = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
                  return g.length >= n && g.every(e => e._fullLayout); }""",
        arg=EXPLORER_CHARTS,
        timeout=timeout,
    )
