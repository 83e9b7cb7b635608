"""What every benchmark prints beside its figures, and the flags every benchmark takes.

Each benchmark's JSON carries META_KEYS, so a figure can be traced to the code and the machine
that produced it:

    commit              `git rev-parse HEAD` of this repository when the run began (null outside git)
    dirty               whether `git status --porcelain` showed uncommitted changes to tracked
                        files then (untracked files do not count; null outside git)
    cores               os.cpu_count()
    load_average_1min   the machine's 1-minute load average when the run began (it is shared)

Every benchmark also takes --json (one JSON object on stdout), --tiny (the smallest run that
still goes through every code path and prints every key; its figures mean nothing) and, where it
starts a server, --url (measure a server that is already running instead).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
META_KEYS = ("commit", "dirty", "cores")


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def run_meta() -> dict:
    """commit, dirty, cores (META_KEYS) and the load average, as of now."""
    head = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": head.strip() if head else None,
        "dirty": None if status is None else bool(status.strip()),
        "cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def add_common_arguments(parser: argparse.ArgumentParser, server: bool = True) -> None:
    """--json and --tiny; with server, --url too."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="the smallest run that goes through every code path and prints every key (a smoke test)",
    )
    if server:
        parser.add_argument(
            "--url",
            help="measure the app already served at this URL (e.g. http://127.0.0.1:8501) instead of starting "
            "`streamlit run app.py` on a free port",
        )


def emit(result: dict, meta: dict, as_json: bool) -> None:
    """Print the figures and the run's meta (run_meta() taken when the run began): one JSON
    object, or one aligned line per key."""
    out = {**result, **meta}
    if as_json:
        print(json.dumps(out), flush=True)
        return
    width = max(map(len, out)) + 2
    for key, value in out.items():
        print(f"{key:{width}s} {value}", flush=True)
