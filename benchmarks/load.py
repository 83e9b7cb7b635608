"""Load test: N concurrent learners on one Streamlit server of app.py, for a whole class.

    python benchmarks/load.py --sessions 10 --seconds 20 --think-ms 3000 --json
    python benchmarks/load.py --sessions 50 --seconds 60 --cycles 5 --json      # the leak check
    python benchmarks/load.py --url http://127.0.0.1:8501 --sessions 5 --json   # a running server

A light client per session speaks Streamlit's own WebSocket protocol (BackMsg / ForwardMsg
protobufs on /_stcore/stream), as the browser does, without a browser. Each session opens the
Explorer; once every session has, they all run for --seconds: each moves one of the
playground's sliders (μ, σ or ε) to a random value within the slider's range about every
--think-ms (exponential or uniform --jitter; the next change is due that long after the last
one began, at once if overdue) and waits for that run to finish; after every --page-every-th
change (10) it visits the Maths lab and comes back, so every page runs under load. Then every
session closes, and after --settle-s the server's RSS is read. --cycles repeats all that with
new sessions on the same server: the memory-leak check is RSS after the last cycle within 50 MB
of RSS after the first. Loopback only; bounded in time.

A change counts only if it reached the app: the reply to it must redraw that slider (same widget
id) and, where the reply states the slider's value (the app keeps its sliders' values in session
state, so Streamlit sends it), that value must be the one sent; a reply stating another value is
an error ("lost"). Replies that redraw the slider without stating a value are counted
(changes_unechoed), not failed. A change or visit whose reply holds an exception element, a
"page not found" or a compile error counts in exceptions.

Prints (KEYS):

    sessions, seconds, think_ms, jitter, page_every, cycles, settle_s    the settings
    server                      "started" (here, on a free port) or "given" (--url)
    changes, changes_per_s      slider changes done in all cycles, and per second of load
                                (cycles x --seconds)
    changes_unechoed            of them, those whose reply did not state the slider's value
    maths_page_visits           Maths lab visits (each there and back)
    errors                      refused or dropped connections, timeouts, lost changes
    exceptions                  exception elements, "page not found" and compile errors seen
    latency_ms_p50 / _p95       a change sent -> its run finished (script_finished)
    open_ms_p50                 a new session's first run of the Explorer
    page_visit_ms_p50           a Maths lab visit, there and back
    server_rss_mb_before        the server's RSS once one session has opened the Explorer and
                                visited the Maths lab (models, gallery and the pages' caches
                                loaded) and --settle-s passed, before the load
    server_rss_mb_after         after the last cycle, its sessions closed and --settle-s passed
    server_rss_growth_mb        after - before
    server_rss_mb_after_cycles  the same after each cycle
    rss_growth_since_first_cycle_mb   after the last cycle - after the first
    server_processes_before / _after  the server process and its descendants
    server_cpu_ms_per_change    the server's user + system CPU over the load, per change
    first_errors                up to five messages (empty when there were none)

plus commit, dirty, cores (benchmarks/_meta.py). Process figures are null for a --url whose
process cannot be seen. Exit status 1 if there were errors or exceptions.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from dataclasses import dataclass, field

from _meta import add_common_arguments, emit, run_meta
from _protocol import RUN_TIMEOUT_S, Client, rerun_message
from _protocol import Reply as BaseReply
from _server import AppServer, app_server, rounded

KEYS = (
    "sessions",
    "seconds",
    "think_ms",
    "jitter",
    "page_every",
    "cycles",
    "settle_s",
    "server",
    "changes",
    "changes_per_s",
    "changes_unechoed",
    "maths_page_visits",
    "errors",
    "exceptions",
    "latency_ms_p50",
    "latency_ms_p95",
    "open_ms_p50",
    "page_visit_ms_p50",
    "server_rss_mb_before",
    "server_rss_mb_after",
    "server_rss_growth_mb",
    "server_rss_mb_after_cycles",
    "rss_growth_since_first_cycle_mb",
    "server_processes_before",
    "server_processes_after",
    "server_cpu_ms_per_change",
    "first_errors",
)
SLIDERS = ("pg_vae_mu_0", "pg_vae_mu_1", "pg_vae_sigma_0", "pg_vae_eps_0", "pg_vae_eps_1")
"""The playground's sliders a learner moves (widget keys; the id ends in "-" + key)."""
MATHS = "maths"
"""The Maths lab's URL path (app.py)."""


class LostChange(RuntimeError):
    """The reply to a slider change did not show the value sent."""


@dataclass
class Slider:
    widget_id: str
    fragment_id: str
    low: float
    high: float
    value: list[float]  # as the server stated it in this reply (empty: not stated)


@dataclass
class Reply(BaseReply):
    """What the server sent for one run, with the sliders it drew."""

    sliders: dict[str, Slider] = field(default_factory=dict)  # widget key -> as drawn in this run


def widget_key(widget_id: str) -> str:
    """A widget id's user key ("$$ID-<hash>-pg_vae_mu_0" -> "pg_vae_mu_0")."""
    return widget_id.rsplit("-", 1)[-1]


class Session(Client):
    """One simulated learner: a WebSocket session (benchmarks/_protocol.py) and the widgets the
    app showed it."""

    reply_type = Reply

    def __init__(self, ws_url: str, origin: str, seed: int) -> None:
        """ws_url: the app's ws(s)://.../_stcore/stream; origin: the page's http(s)://host:port."""
        super().__init__(ws_url, origin)
        self.rng = random.Random(seed)
        self.sliders: dict[str, Slider] = {}  # widget key -> as last drawn
        self.unechoed = 0

    def run(self, widget: tuple[str, str, float] | None = None, page: str | None = None) -> Reply:
        """One rerun of a page (its URL path; None: the page "/" shows), with one changed slider
        (widget id, fragment id, value) or none; waits for it to finish."""
        msg = rerun_message(self.page_hash(page))
        if widget is not None:
            widget_id, fragment, value = widget
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.double_array_value.data.append(value)
            msg.rerun_script.fragment_id = fragment
        return self.send(msg)

    def _note(self, element, fragment_id: str, reply: Reply) -> None:
        super()._note(element, fragment_id, reply)
        if element.WhichOneof("type") == "slider":
            s = element.slider
            slider = Slider(s.id, fragment_id, s.min, s.max, list(s.value) if s.set_value else [])
            reply.sliders[widget_key(s.id)] = self.sliders[widget_key(s.id)] = slider

    def change(self) -> float:
        """Move a random playground slider to a random value in its range; seconds to the run's
        end. Raises LostChange unless the reply redraws the slider at (or without stating) it."""
        choices = [k for k in SLIDERS if k in self.sliders]
        if not choices:
            raise RuntimeError(f"none of the playground's sliders {SLIDERS} is on the page")
        key = self.rng.choice(choices)
        slider = self.sliders[key]
        value = round(self.rng.uniform(slider.low, slider.high), 2)
        reply = self.run((slider.widget_id, slider.fragment_id, value))
        drawn = reply.sliders.get(key)
        if drawn is None or drawn.widget_id != slider.widget_id:
            raise LostChange(f"the reply to moving {key} to {value} did not redraw that slider")
        if not drawn.value:
            self.unechoed += 1
        elif abs(drawn.value[0] - value) > 1e-9:
            raise LostChange(f"{key} was moved to {value}, and the reply shows it at {drawn.value[0]}")
        return reply.seconds

    def visit_maths(self) -> float:
        """The Maths lab, then back to the page "/" shows; seconds for both runs."""
        return self.run(page=MATHS).seconds + self.run().seconds


@dataclass
class Tally:
    """One session's results."""

    opened: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    visits: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    unechoed: int = 0


def _gap(rng: random.Random, think_s: float, jitter: str) -> float:
    if think_s <= 0:
        return 0.0
    return rng.expovariate(1 / think_s) if jitter == "exponential" else think_s * rng.uniform(0.5, 1.5)


def _learner(
    server: AppServer, seed: int, start: threading.Barrier, deadline: list[float], args: argparse.Namespace, out: Tally
) -> None:
    think_s = args.think_ms / 1000
    session = None
    released = False
    try:
        with Session(server.ws_url, server.origin, seed) as session:
            out.opened.append(session.run().seconds)  # open the Explorer
            released = True
            if not _wait(start):
                raise RuntimeError("not every session had opened the page within the barrier's timeout")
            due = time.monotonic() + session.rng.uniform(0, think_s)  # spread the first changes
            done = 0
            while True:
                now = time.monotonic()
                if max(now, due) >= deadline[0]:
                    break
                if due > now:
                    time.sleep(due - now)  # the learner thinking
                due = time.monotonic() + _gap(session.rng, think_s, args.jitter)
                try:
                    out.latencies.append(session.change())
                except LostChange as exc:
                    out.errors.append(str(exc))
                done += 1
                if args.page_every and done % args.page_every == 0:
                    out.visits.append(session.visit_maths())
    except Exception as exc:  # noqa: BLE001 - every failure of a session is an error to count
        out.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if not released:
            _wait(start)  # a session that failed to open still lets the others start
        if session is not None:
            out.exceptions += session.exceptions
            out.unechoed += session.unechoed


def _wait(barrier: threading.Barrier) -> bool:
    """Wait for every session at the barrier; False if it broke (its timeout passed)."""
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        return False
    return True


def cycle(server: AppServer, args: argparse.Namespace, seed: int) -> list[Tally]:
    """args.sessions learners for args.seconds once every one has opened the page; joined, their
    connections closed. Returns their tallies."""
    tallies = [Tally() for _ in range(args.sessions)]
    deadline = [float("inf")]

    def go() -> None:  # the barrier's action: runs once, before any learner is released
        deadline[0] = time.monotonic() + args.seconds

    start = threading.Barrier(args.sessions, action=go, timeout=RUN_TIMEOUT_S + 10 * args.sessions)
    threads = [
        threading.Thread(target=_learner, args=(server, seed + i, start, deadline, args, tallies[i]), daemon=True)
        for i in range(args.sessions)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # each ends by itself: every wait in it is bounded (RUN_TIMEOUT_S, the barrier's timeout)
    return tallies


def _p(values: list[float], q: float) -> float | None:
    """The q-quantile in ms, linear interpolation (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(1000 * (ordered[low] + (ordered[high] - ordered[low]) * (pos - low)), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of load per cycle")
    parser.add_argument("--think-ms", type=float, default=500.0, help="mean time from one change to a session's next")
    parser.add_argument("--jitter", choices=("exponential", "uniform"), default="exponential")
    parser.add_argument("--page-every", type=int, default=10, help="visit the Maths lab every this many changes")
    parser.add_argument("--cycles", type=int, default=1, help="repeat the sessions' cycle this many times")
    parser.add_argument("--settle-s", type=float, default=5.0, help="pause after the sessions close, before RSS")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.tiny:  # two sessions, two cycles, a Maths lab visit each: every path, in seconds
        args.sessions, args.seconds, args.think_ms, args.page_every = 2, 2.0, 200.0, 2
        args.cycles, args.settle_s = 2, 0.5
    if not (1 <= args.sessions <= 200 and 0.1 <= args.seconds <= 600 and 1 <= args.cycles <= 20):
        parser.error("--sessions must be in [1, 200], --seconds in [0.1, 600] and --cycles in [1, 20]")
    if args.think_ms < 0 or args.page_every < 0 or args.settle_s < 0:
        parser.error("--think-ms, --page-every and --settle-s must be >= 0")
    meta = run_meta()

    tallies: list[Tally] = []
    rss_cycles: list[float | None] = []
    with app_server(args.url) as server:
        warm = Session(server.ws_url, server.origin, -1)
        with warm:  # load the models and gallery and fill both pages' caches, as the first learner would
            warm.run()
            if args.page_every:
                warm.visit_maths()
        time.sleep(args.settle_s)  # as after each cycle: RSS once the warm-up's garbage is gone
        processes_before = server.processes()
        rss_before, cpu_before = server.rss_mb(), server.cpu_seconds()
        for c in range(args.cycles):
            tallies += cycle(server, args, args.seed + c * args.sessions)
            time.sleep(args.settle_s)  # let the server let go of the closed sessions
            rss_cycles.append(server.rss_mb())
        rss_after, cpu_after = rss_cycles[-1], server.cpu_seconds()
        processes_after = server.processes()
        server_kind = "started" if server.started_here else "given"
        warm_exceptions = warm.exceptions

    latencies = [s for t in tallies for s in t.latencies]
    errors = [e for t in tallies for e in t.errors]
    exceptions = warm_exceptions + [e for t in tallies for e in t.exceptions]
    changes = len(latencies)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    result = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "think_ms": args.think_ms,
        "jitter": args.jitter,
        "page_every": args.page_every,
        "cycles": args.cycles,
        "settle_s": args.settle_s,
        "server": server_kind,
        "changes": changes,
        "changes_per_s": round(changes / (args.seconds * args.cycles), 2),
        "changes_unechoed": sum(t.unechoed for t in tallies),
        "maths_page_visits": sum(len(t.visits) for t in tallies),
        "errors": len(errors),
        "exceptions": len(exceptions),
        "latency_ms_p50": _p(latencies, 0.5),
        "latency_ms_p95": _p(latencies, 0.95),
        "open_ms_p50": _p([s for t in tallies for s in t.opened], 0.5),
        "page_visit_ms_p50": _p([s for t in tallies for s in t.visits], 0.5),
        "server_rss_mb_before": rounded(rss_before),
        "server_rss_mb_after": rounded(rss_after),
        "server_rss_growth_mb": None if rss_before is None or rss_after is None else round(rss_after - rss_before, 1),
        "server_rss_mb_after_cycles": [rounded(r) for r in rss_cycles],
        "rss_growth_since_first_cycle_mb": (
            None if None in (rss_cycles[0], rss_cycles[-1]) else round(rss_cycles[-1] - rss_cycles[0], 1)
        ),
        "server_processes_before": processes_before,
        "server_processes_after": processes_after,
        "server_cpu_ms_per_change": round(1000 * cpu / changes, 1) if cpu is not None and changes else None,
        "first_errors": (errors + exceptions)[:5],
    }
    emit(result, meta, args.json)
    return 0 if not errors and not exceptions else 1


if __name__ == "__main__":
    sys.exit(main())
