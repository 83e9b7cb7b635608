"""Every benchmark in --tiny mode against one shared server: each still runs and prints every key.

One `streamlit run app.py` on a free port serves the module (ready once /_stcore/health answers
and a WebSocket session's first run of the page has finished); each benchmark under benchmarks/
runs as a subprocess with --tiny --json --url <that server> and must exit 0 and print one JSON
object holding every key its module documents (its KEYS) and the run's meta (benchmarks/_meta.py
META_KEYS: commit, dirty, cores). The browser benchmarks (latency, drawing, uploads) need
Debian's Chromium; they skip without it unless VAE_E2E_REQUIRED is set (as in CI). A few minutes
on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from e2e_harness import CHROMIUM, REPO, StreamlitServer

BENCHMARKS = REPO / "benchmarks"
NAMES = ("load", "training", "messages", "uploads", "latency", "drawing")
BROWSER = {"uploads", "latency", "drawing"}
"""Benchmarks that drive Chromium through Playwright."""
SERVED = {"load", "training", "messages"}
"""Benchmarks that report whether they started their server or were given one ("server")."""
NAMES = (*NAMES, "actions")  # every learner action, input -> settled (benchmarks/actions.py)
BROWSER = {*BROWSER, "actions"}
FILLED = {
    "actions": ["probe_settle_ms_p50"],
    "latency": ["cold_start_s", "probe_new_tab_s"],
}
"""Keys a tiny run must fill with a positive number (not null); also every _ms_ key of actions."""
RUN_TIMEOUT_S = 300
FIRST_RUN_TIMEOUT_S = 120

# Imports each benchmark module in a fresh interpreter (its imports, e.g. `from _meta import`,
# expect benchmarks/ on the path, as when it runs as a script: PYTHONPATH names it) and prints its
# documented keys.
KEYS_SCRIPT = """
import json, sys
import _meta
keys = {"_meta": list(_meta.META_KEYS)}
for name in sys.argv[1:]:
    keys[name] = list(__import__(name).KEYS)
print(json.dumps(keys))
"""


def _first_run(url: str) -> None:
    """Open a WebSocket session as the browser does and wait for its first run of the page to
    finish: the server is connected and idle, the models and gallery loaded."""
    origin = url
    with connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],
        origin=origin,
        max_size=None,
        open_timeout=30,
    ) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg.FromString(ws.recv(timeout=FIRST_RUN_TIMEOUT_S))
            if fm.WhichOneof("type") == "script_finished":
                assert fm.script_finished != ForwardMsg.FINISHED_WITH_COMPILE_ERROR, "app.py did not compile"
                if fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    server = StreamlitServer(REPO / "app.py")
    try:
        server.wait_healthy()
        _first_run(server.url)
        yield server.url
    except Exception:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()


@pytest.fixture(scope="module")
def documented() -> dict[str, list[str]]:
    inherited = os.environ.get("PYTHONPATH")
    done = subprocess.run(
        [sys.executable, "-c", KEYS_SCRIPT, *NAMES],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCHMARKS), str(REPO), inherited]))},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


def _no_browser() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_tiny_run_prints_every_documented_key(name: str, app_url: str, documented: dict[str, list[str]]) -> None:
    if name in BROWSER and (reason := _no_browser()):
        if os.environ.get("VAE_E2E_REQUIRED"):
            pytest.fail(f"browser benchmarks are required (VAE_E2E_REQUIRED) but {reason}")
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--tiny", "--json", "--url", app_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, f"{name}.py exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    lines = done.stdout.strip().splitlines()
    assert lines, f"{name}.py printed nothing:\n{done.stderr[-3000:]}"
    result = json.loads(lines[-1])

    keys = [*documented[name], *documented["_meta"]]
    assert len(documented[name]) == len(set(documented[name])), f"{name}.KEYS names a key twice"
    missing = [k for k in keys if k not in result]
    assert not missing, f"{name}.py --tiny did not print {missing}"
    assert isinstance(result["commit"], str) and len(result["commit"]) == 40, result["commit"]
    assert isinstance(result["dirty"], bool)
    assert result["cores"] == os.cpu_count()
    if name in SERVED:
        assert result["server"] == "given", f"{name}.py did not use the server at --url"
    filled = FILLED.get(name, []) + [k for k in documented[name] if name == "actions" and "_ms_" in k]
    empty = [k for k in filled if not (isinstance(result[k], int | float) and result[k] > 0)]
    assert not empty, f"{name}.py --tiny printed no figure for {empty}"
