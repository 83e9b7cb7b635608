"""Messages from the browser components (ui/messages.py): any JSON is checked without raising, and
a message listing an event many times is acted on once."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import messages
from ui.messages import MAX_ABS, MAX_VECTOR, commit_event, once_per_message, reopen, text_event, view_event

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=8) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=40,
)
NUMBERS = st.floats(-MAX_ABS, MAX_ABS, allow_nan=False) | st.integers(-int(MAX_ABS), int(MAX_ABS))
COMMIT_KEYS = st.sampled_from(["z", "eps", "mu", "dims", "source", "input", "mode"])


def _is_checked_commit(commit: dict) -> bool:
    d = len(commit["z"])
    vectors = [commit["z"], commit["mu"] or [], [e for e in commit["eps"] or [] if e is not None]]
    return (
        1 <= d <= MAX_VECTOR
        and all(isinstance(v, float) and math.isfinite(v) and abs(v) <= MAX_ABS for vec in vectors for v in vec)
        and all(v is None or len(v) == d for v in (commit["mu"], commit["eps"]))
        and all(0 <= i < max(d, 2) for i in commit["dims"])
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, st.dictionaries(COMMIT_KEYS, JSON, max_size=7)))
def test_any_json_is_a_checked_commit_or_none(value):
    commit = commit_event(value)
    assert commit is None or _is_checked_commit(commit)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, MAX_VECTOR).flatmap(lambda d: st.lists(NUMBERS, min_size=d, max_size=d)))
def test_a_well_formed_commit_is_kept_exactly(z):
    commit = commit_event({"z": z, "eps": z, "mu": z, "dims": [0, 1], "source": "eps"})
    assert commit is not None and commit["z"] == [float(v) for v in z] and commit["mu"] == commit["z"]


@pytest.mark.parametrize(
    "value",
    [
        {"z": [100, 10**400]},  # an integer no float can hold (OverflowError once)
        {"z": [0.0] * (MAX_VECTOR + 1)},
        {"z": [0.0, 0.0], "mu": [1e300, 0.0]},
        {"z": [0.0, 0.0], "mu": [0.0]},
        {"z": [True, 0.0]},
        {"z": [0.0, 0.0], "dims": [0, 99]},
        {"z": [0.0, 0.0], "source": "x" * 1000},
        {"z": [0.0] * 1_000_000},
    ],
)
def test_malformed_commits_are_dropped_and_logged(value, caplog):
    assert commit_event(value) is None
    assert "dropped a commit event" in caplog.text


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_is_a_checked_view_or_none(value):
    view = view_event({"window": value})
    assert view is None or (len(view) == 3 and view[2] > 0 and all(abs(v) <= MAX_ABS for v in view))
    assert text_event(value, "drawing") in (None, value)


def test_a_message_listing_an_event_ten_thousand_times_acts_once(monkeypatch):
    """Streamlit calls an event's callback once per listed event: only the first call acts."""
    state = {"pad": {"commit": {"z": [0.5, 0.5]}}}
    monkeypatch.setattr(messages, "st", SimpleNamespace(session_state=state))
    acted = []
    callback = once_per_message("pad", "commit", acted.append)
    started = time.perf_counter()
    for _ in range(10_000):
        callback()
    assert acted == [{"z": [0.5, 0.5]}]
    assert time.perf_counter() - started < 1.0  # generous: the 10,000 calls do nothing
    reopen("pad")  # the component was drawn: the next message counts
    callback()
    assert len(acted) == 2
    reopen()
    callback()
    assert len(acted) == 3
