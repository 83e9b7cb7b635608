"""Load test: N concurrent sessions against one `streamlit run app.py` on 127.0.0.1.

    python benchmarks/load.py --sessions 20 --seconds 60 --json

A light client per session speaks Streamlit's own WebSocket protocol (BackMsg / ForwardMsg
protobufs on /_stcore/stream), as the browser does, without a browser: it opens the Explorer,
then, until the time is up, moves one of the playground's sliders (μ, σ or ε) to a random value,
waits for that run to finish, and "thinks" for --think-ms; every --page-every changes it visits
the Maths lab and comes back, so every page is run under load. Loopback only; bounded in time.

Prints {"sessions", "changes", "errors", "latency_ms_p50", "latency_ms_p95",
"server_rss_mb_start", "server_rss_mb_end", "server_cpu_ms_per_change"} (+ "exceptions", the
st.exception elements seen, and the settings): errors count refused connections, timeouts and
exceptions; latency is from sending the change to its script_finished; RSS is the server
process's (after every session has opened the page once, and at the end); CPU is the server's
user + system time over the changes (page visits included).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from e2e_harness import REPO, StreamlitServer

SLIDERS = ("pg_vae_mu_0", "pg_vae_mu_1", "pg_vae_sigma_0", "pg_vae_eps_0", "pg_vae_eps_1")
RUN_TIMEOUT_S = 60.0


class Session:
    """One simulated learner: a WebSocket session and the widgets the app showed it."""

    def __init__(self, port: int, seed: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.origin = f"http://127.0.0.1:{port}"
        self.rng = random.Random(seed)
        self.sliders: dict[str, tuple[str, str, float, float]] = {}  # key -> (id, fragment, min, max)
        self.exceptions: list[str] = []
        self.z_text = ""  # the playground's "z = μ + σ ⊙ ε = ..." line, as last shown
        self.pages: dict[str, str] = {}  # url path -> page_script_hash, from the navigation message
        self.ws = None

    def __enter__(self) -> Session:
        self._connection = connect(
            self.url, subprotocols=["streamlit"], origin=self.origin, max_size=None, open_timeout=30
        )
        self.ws = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def run(self, widget=None, page: str = "") -> float:
        """Send one rerun of a page (its URL path; "" the default) with one changed slider or none,
        and wait for it to finish; seconds."""
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if self.pages and page not in self.pages:
            raise RuntimeError(f"no page {page!r} in the app's navigation: {sorted(self.pages)}")
        msg.rerun_script.page_script_hash = self.pages.get(page, "")
        if widget is not None:
            widget_id, fragment, value = widget
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.double_array_value.data.append(value)
            msg.rerun_script.fragment_id = fragment
        return self.send(msg)

    def send(self, msg: BackMsg) -> float:
        """Send one rerun request and wait for that run to finish (noting what it showed); seconds."""
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg.FromString(self.ws.recv(timeout=RUN_TIMEOUT_S))
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self._note(fm.delta.new_element, fm.delta.fragment_id)
            elif kind == "script_finished":
                if fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return time.perf_counter() - started

    def _note(self, element, fragment_id: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message[:200])
        elif kind == "markdown" and element.markdown.body.startswith("z = μ + σ ⊙ ε"):
            self.z_text = element.markdown.body
        elif kind == "slider":
            key = element.slider.id.rsplit("-", 1)[-1]
            if key in SLIDERS:
                self.sliders[key] = (element.slider.id, fragment_id, element.slider.min, element.slider.max)

    def change(self) -> float:
        key = self.rng.choice([k for k in SLIDERS if k in self.sliders])
        widget_id, fragment, low, high = self.sliders[key]
        value = round(self.rng.uniform(low, high), 2)
        seconds = self.run((widget_id, fragment, value))
        if f"{value:+.2f}" not in self.z_text.replace("−", "-"):
            raise RuntimeError(f"the change of {key} to {value} did not reach the page: {self.z_text[:120]!r}")
        return seconds


def _learner(
    port: int, seed: int, start: threading.Barrier, deadline: list[float], think_s: float, page_every: int, out: dict
) -> None:
    try:
        with Session(port, seed) as session:
            session.run()  # open the Explorer
            start.wait()
            while time.monotonic() < deadline[0]:
                out["latencies"].append(session.change())
                if page_every and len(out["latencies"]) % page_every == 0:
                    session.run(page="maths")  # the other page, then back
                    session.run(page="")  # the Explorer: the default page, at "/"
                    out["page_visits"] += 1
                time.sleep(think_s * session.rng.uniform(0.5, 1.5))
            out["exceptions"] += session.exceptions
    except Exception as exc:  # noqa: BLE001 - every failure of a session is an error to count
        out["errors"].append(f"{type(exc).__name__}: {exc}")
        if not start.broken:
            start.abort()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think-ms", type=float, default=500.0, help="mean pause between a learner's changes")
    parser.add_argument("--page-every", type=int, default=10, help="visit the Maths lab every this many changes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 200 and 1 <= args.seconds <= 600):
        parser.error("--sessions must be in [1, 200] and --seconds in [1, 600]")

    server = StreamlitServer(REPO / "app.py")
    try:
        server.wait_healthy()
        with Session(server.port, -1) as warm:  # load the models and gallery once
            warm.run()
        outs = [{"latencies": [], "errors": [], "exceptions": [], "page_visits": 0} for _ in range(args.sessions)]
        start = threading.Barrier(args.sessions + 1)
        deadline = [float("inf")]
        threads = [
            threading.Thread(
                target=_learner,
                daemon=True,
                args=(server.port, args.seed + i, start, deadline, args.think_ms / 1000, args.page_every, outs[i]),
            )
            for i in range(args.sessions)
        ]
        for t in threads:
            t.start()
        try:
            start.wait(timeout=300)  # every session has opened the page
        except threading.BrokenBarrierError:
            pass
        rss_start, cpu_start = server.rss_mb(), server.cpu_seconds()
        deadline[0] = time.monotonic() + args.seconds
        for t in threads:
            t.join(timeout=args.seconds + 2 * RUN_TIMEOUT_S)
        rss_end, cpu_end = server.rss_mb(), server.cpu_seconds()
    finally:
        server.stop()

    latencies = sorted(ms * 1000 for o in outs for ms in o["latencies"])
    errors = [e for o in outs for e in o["errors"]]
    exceptions = [e for o in outs for e in o["exceptions"]]
    changes = len(latencies)
    result = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "think_ms": args.think_ms,
        "changes": changes,
        "maths_page_visits": sum(o["page_visits"] for o in outs),
        "errors": len(errors) + len(exceptions),
        "exceptions": len(exceptions),
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p95": round(latencies[int(0.95 * (changes - 1))], 1) if latencies else None,
        "server_rss_mb_start": round(rss_start, 1),
        "server_rss_mb_end": round(rss_end, 1),
        "server_cpu_ms_per_change": round(1000 * (cpu_end - cpu_start) / changes, 1) if changes else None,
    }
    if errors or exceptions:
        result["first_errors"] = (errors + exceptions)[:5]
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0 if not errors and not exceptions else 1


if __name__ == "__main__":
    sys.exit(main())
