"""Crafted component messages: the server CPU each costs, and whether another learner stays fast.

    python benchmarks/messages.py --json
    python benchmarks/messages.py --url http://127.0.0.1:8501 --json     # a running server

A browser component (the Explorer's pipeline pad, key "pg_vae_pad") sends its events as a JSON
list in its trigger aggregator widget ("$$STREAMLIT_INTERNAL_KEY_<component id>__events", the id
Streamlit's frontend and streamlit/components/v2/bidi_component/main.py derive from the
component's element id), and Streamlit calls the event's callback once per listed event. This
benchmark opens the Explorer over the WebSocket (benchmarks/_protocol.py), reads the pad's
element id and fragment id from the ForwardMsg deltas, and sends BackMsg reruns of that fragment
whose widget states hold crafted aggregator values (CASES):

    none              no widget state: the fragment's own rerun, for reference
    commits_1 / _1000 / _10000   that many copies of one well-formed "commit" event
    commits_max       as many copies as fit in the largest message the server reads
    commit_array_1e6  one commit whose "z" has 1,000,000 numbers
    commit_array_max  one commit whose "z" is as long as fits
    junk_json         text that is not JSON
    junk_events_max   as many unknown events and non-objects as fit

The largest message the server reads is the smaller of server.maxMessageSize (uvicorn's
WebSocket limit) and server.maxWidgetStateSize (Streamlit's check of every client message), as
set in .streamlit/config.toml (Streamlit's defaults otherwise; for --url, the file is assumed to
be the server's); a message one byte longer must be refused (limit_enforced). A refused message
closes the connection; the next repetition opens a new session.

CPU: the server process's user + system CPU (/proc/<pid>/stat, 10 ms ticks) before the message
is sent and --settle-s after its run finished, minus the idle rate measured first times that
window; the median of --reps repetitions per case. Then one other session moves a playground
slider every --think-ms for --seconds, first alone (quiet), then while this session sends
commits_max and junk_events_max messages back to back: its latency p95 both ways.

Prints (KEYS): server, reps, settle_s, server_max_message_size_mb, server_max_widget_state_size_mb,
max_message_bytes, limit_enforced, events_max, array_max, message_bytes (per case), refused (cases
the server refused), idle_cpu_ms_per_s, cpu_ms_per_message_<case> for every case, cpu_ms_max (the
largest over the cases but "none"), within_target (cpu_ms_max <= 50), other_session_changes,
other_session_p50_ms, other_session_p95_ms (under attack), other_session_p95_ms_quiet,
messages_sent, exceptions, first_errors; plus commit, dirty, cores (benchmarks/_meta.py). Process
figures are null for a --url whose process cannot be seen. Exit status 1 if a run showed an
exception or the limit was not enforced.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import tomllib

from _meta import add_common_arguments, emit, run_meta
from _protocol import rerun_message
from _server import AppServer, app_server, rounded
from load import LostChange, Session, _p
from websockets.exceptions import ConnectionClosed

from e2e_harness import REPO

PAD_KEY = "pg_vae_pad"
TARGET_CPU_MS = 50.0
DEFAULT_MAX_MESSAGE_MB, DEFAULT_MAX_WIDGET_STATE_MB = 200, 25  # Streamlit 1.67's defaults
CASES = (
    "none",
    "commits_1",
    "commits_1000",
    "commits_10000",
    "commits_max",
    "commit_array_1e6",
    "commit_array_max",
    "junk_json",
    "junk_events_max",
)
ATTACK = ("commits_max", "junk_events_max")
KEYS = (
    "server",
    "reps",
    "settle_s",
    "server_max_message_size_mb",
    "server_max_widget_state_size_mb",
    "max_message_bytes",
    "limit_enforced",
    "events_max",
    "array_max",
    "message_bytes",
    "refused",
    "idle_cpu_ms_per_s",
    *(f"cpu_ms_per_message_{case}" for case in CASES),
    "cpu_ms_max",
    "within_target",
    "other_session_changes",
    "other_session_p50_ms",
    "other_session_p95_ms",
    "other_session_p95_ms_quiet",
    "messages_sent",
    "exceptions",
    "first_errors",
)
COMMIT = {"event": "commit", "value": {"z": [0.5, -0.25], "dims": [0, 1], "source": "pad"}}


def limits() -> tuple[int, int]:
    """server.maxMessageSize and server.maxWidgetStateSize (MB) from .streamlit/config.toml."""
    try:
        server = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text()).get("server", {})
    except (OSError, tomllib.TOMLDecodeError):
        server = {}
    return (
        int(server.get("maxMessageSize", DEFAULT_MAX_MESSAGE_MB)),
        int(server.get("maxWidgetStateSize", DEFAULT_MAX_WIDGET_STATE_MB)),
    )


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))  # as the browser's JSON.stringify


class PadSession(Session):
    """A session that notes where the pipeline pad is: its element id and fragment id."""

    pad_id = ""
    pad_fragment = ""

    def _note(self, element, fragment_id: str, reply) -> None:
        super()._note(element, fragment_id, reply)
        if element.WhichOneof("type") == "bidi_component" and element.bidi_component.id.endswith(f"-{PAD_KEY}"):
            self.pad_id, self.pad_fragment = element.bidi_component.id, fragment_id

    def open(self) -> PadSession:
        self.run()
        if not self.pad_id:
            raise RuntimeError(f"the Explorer drew no component with key {PAD_KEY!r}")
        return self

    def message(self, trigger_json: str | None) -> bytes:
        """A rerun of the pad's fragment whose widget states hold trigger_json as its events."""
        msg = rerun_message(self.default_page, self.pad_fragment)
        if trigger_json is not None:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = f"$$STREAMLIT_INTERNAL_KEY_{self.pad_id}__events"
            state.json_trigger_value = trigger_json
        return msg.SerializeToString()

    def send_raw(self, data: bytes):
        """Send a serialized BackMsg and read until its run finished (as Client.send)."""
        msg = rerun_message("")
        msg.ParseFromString(data)
        return self.send(msg)


def _fit(session: PadSession, build, limit: int) -> tuple[int, bytes]:
    """The largest n for which session.message(build(n)) is at most limit bytes, and that message."""
    low, high = 0, 1
    while len(session.message(build(high))) <= limit:
        low, high = high, high * 2
    while high - low > 1:  # len(message(build(low))) <= limit < len(message(build(high)))
        mid = (low + high) // 2
        low, high = (mid, high) if len(session.message(build(mid))) <= limit else (low, mid)
    return low, session.message(build(low))


def _junk(n: int) -> str:
    items = [{"event": f"x{i}", "value": i} if i % 2 else [i] for i in range(n)]
    return _dumps(items)


def build_cases(session: PadSession, limit: int) -> tuple[dict[str, bytes], int, int]:
    """Every case's message, and events_max, array_max."""

    def commits(n: int) -> str:
        return _dumps([COMMIT] * n)

    def array(n: int) -> str:
        return _dumps([{"event": "commit", "value": {"z": [0] * n, "dims": [0, 1], "source": "pad"}}])

    events_max, commits_max = _fit(session, commits, limit)
    array_max, array_max_msg = _fit(session, array, limit)
    _, junk_max = _fit(session, _junk, limit)
    cases = {
        "none": session.message(None),
        "commits_1": session.message(commits(1)),
        "commits_1000": session.message(commits(1000)),
        "commits_10000": session.message(commits(10_000)),
        "commits_max": commits_max,
        "commit_array_1e6": session.message(array(1_000_000)),
        "commit_array_max": array_max_msg,
        "junk_json": session.message('[{"event":"commit","value":{"z":[1,2' + "]" * 5 + "{not json"),
        "junk_events_max": junk_max,
    }
    return cases, events_max, array_max


class Attacker:
    """A pad session that reconnects after the server refused (closed) it."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.session: PadSession | None = None
        self.exceptions: list[str] = []

    def ensure(self) -> PadSession:
        if self.session is None:
            self.session = PadSession(self.server.ws_url, self.server.origin, 0)
            self.session.__enter__()
            self.session.open()
        return self.session

    def send(self, data: bytes) -> bool:
        """Send one message and wait for its run; False if the server closed the connection."""
        session = self.ensure()
        try:
            reply = session.send_raw(data)
        except ConnectionClosed:
            self.close()
            return False
        self.exceptions += reply.exceptions
        return True

    def close(self) -> None:
        if self.session is not None:
            self.exceptions += self.session.exceptions
            try:
                self.session.__exit__(None, None, None)
            except ConnectionClosed:
                pass
            self.session = None


def idle_rate(server: AppServer, seconds: float) -> float | None:
    """The server's CPU ms per second while nobody sends anything."""
    c0, t0 = server.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = server.cpu_seconds(), time.monotonic()
    return None if c0 is None or c1 is None else 1000 * (c1 - c0) / (t1 - t0)


def cpu_per_message(server, attacker, data, reps, settle_s, idle) -> tuple[float | None, bool]:
    """Median CPU ms over reps sends of data (minus idle), and whether the server refused it."""
    costs, refused = [], False
    for _ in range(reps):
        attacker.ensure()
        c0, t0 = server.cpu_seconds(), time.monotonic()
        refused |= not attacker.send(data)
        time.sleep(settle_s)
        c1, t1 = server.cpu_seconds(), time.monotonic()
        if c0 is not None and c1 is not None:
            costs.append(1000 * (c1 - c0) - (idle or 0.0) * (t1 - t0))
    return (round(statistics.median(costs), 1) if costs else None), refused


def other_session(server, seconds: float, think_s: float, attack=None) -> tuple[list[float], list[str]]:
    """One learner moving sliders for seconds (while attack(stop) runs in another thread)."""
    latencies, errors = [], []
    stop = threading.Event()
    thread = threading.Thread(target=attack, args=(stop,), daemon=True) if attack else None
    with Session(server.ws_url, server.origin, 7) as learner:
        learner.run()
        if thread:
            thread.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                latencies.append(learner.change())
            except LostChange as exc:
                errors.append(str(exc))
            time.sleep(think_s)
        stop.set()
        if thread:
            thread.join()
        errors += learner.exceptions
    return latencies, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--reps", type=int, default=7, help="repetitions per case (the median is reported)")
    parser.add_argument("--settle-s", type=float, default=0.3, help="wait after a run before reading the CPU")
    parser.add_argument("--seconds", type=float, default=10.0, help="the other session's time, quiet and attacked")
    parser.add_argument("--think-ms", type=float, default=200.0, help="the other session's pause between changes")
    args = parser.parse_args(argv)
    if args.tiny:
        args.reps, args.settle_s, args.seconds = 1, 0.1, 1.0
    if not (1 <= args.reps <= 100 and 0 <= args.settle_s <= 10 and 0.1 <= args.seconds <= 600):
        parser.error("--reps must be in [1, 100], --settle-s in [0, 10], --seconds in [0.1, 600]")
    meta = run_meta()
    max_mb, widget_mb = limits()
    limit = min(max_mb, widget_mb) * 10**6

    with app_server(args.url) as server:
        attacker = Attacker(server)
        session = attacker.ensure()
        cases, events_max, array_max = build_cases(session, limit)
        over = session.message(_dumps([COMMIT] * events_max) + " " * (limit + 1 - len(cases["commits_max"])))
        idle = idle_rate(server, 0.5 if args.tiny else 3.0)
        cpu, refused = {}, []
        sent = 0
        for case in CASES:
            cpu[case], was_refused = cpu_per_message(server, attacker, cases[case], args.reps, args.settle_s, idle)
            sent += args.reps
            if was_refused:
                refused.append(case)
        limit_enforced = not attacker.send(over)
        sent += 1

        quiet, errors = other_session(server, args.seconds, args.think_ms / 1000)

        def attack(stop: threading.Event) -> None:
            nonlocal sent
            while not stop.is_set():
                for case in ATTACK:
                    attacker.send(cases[case])
                    sent += 1

        attacked, attacked_errors = other_session(server, args.seconds, args.think_ms / 1000, attack)
        errors += attacked_errors
        attacker.close()
        server_kind = "started" if server.started_here else "given"

    exceptions = attacker.exceptions
    measured = [v for case, v in cpu.items() if case != "none" and v is not None]
    result = {
        "server": server_kind,
        "reps": args.reps,
        "settle_s": args.settle_s,
        "server_max_message_size_mb": max_mb,
        "server_max_widget_state_size_mb": widget_mb,
        "max_message_bytes": limit,
        "limit_enforced": limit_enforced,
        "events_max": events_max,
        "array_max": array_max,
        "message_bytes": {case: len(data) for case, data in cases.items()},
        "refused": refused,
        "idle_cpu_ms_per_s": rounded(idle),
        **{f"cpu_ms_per_message_{case}": cpu[case] for case in CASES},
        "cpu_ms_max": max(measured) if measured else None,
        "within_target": bool(measured) and max(measured) <= TARGET_CPU_MS,
        "other_session_changes": len(attacked),
        "other_session_p50_ms": _p(attacked, 0.5),
        "other_session_p95_ms": _p(attacked, 0.95),
        "other_session_p95_ms_quiet": _p(quiet, 0.95),
        "messages_sent": sent,
        "exceptions": len(exceptions),
        "first_errors": (errors + exceptions)[:5],
    }
    emit(result, meta, args.json)
    return 0 if not exceptions and not errors and limit_enforced else 1


if __name__ == "__main__":
    sys.exit(main())
