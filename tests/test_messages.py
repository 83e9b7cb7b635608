"""Messages from the browser components (ui/messages.py): any JSON is checked without raising, a
message listing an event many times is acted on once, and Streamlit's dispatch of such a message
ends after a few callbacks (the in-place trim and the deserializer guard, on Streamlit's own
session-state classes)."""

from __future__ import annotations

import contextvars
import inspect
import json
import math
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.components.v2.bidi_component import main as bidi
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.components.v2.bidi_component.serialization import deserialize_trigger_list
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
from streamlit.runtime.state.common import WidgetMetadata
from streamlit.runtime.state.session_state import SessionState, _CallbackRerunVotes

from ui import messages
from ui.messages import (
    MAX_ABS,
    MAX_MESSAGE_CHARS,
    MAX_NODES,
    MAX_VECTOR,
    commit_event,
    guard_trigger_messages,
    last_of_each_kind,
    once_per_message,
    reopen,
    text_event,
    view_event,
)

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


PAD_ID = "$$ID-0123456789abcdef-pad"  # a bidi component's element id, as Streamlit 1.67 makes it
AGGREGATOR = _make_trigger_id(PAD_ID, "events")


def _commits(n: int) -> list[dict]:
    return [{"event": "commit", "value": {"z": [i / n, 0.0]}} for i in range(n)]


def _streamlit_session(monkeypatch, events: list, deserializer=deserialize_trigger_list):
    """Streamlit's own SessionState holding component "pad" and its event list as a message left
    it (serialized), the pad's commit and view callbacks from once_per_message, and a counter of
    the callbacks Streamlit calls. ui.messages reads this state as it reads a script run's."""
    last = {p["event"]: p.get("value") for p in events if isinstance(p, dict) and "event" in p}
    monkeypatch.setattr(messages, "st", SimpleNamespace(session_state={"pad": last}))
    state = SessionState()
    monkeypatch.setattr(
        messages, "get_script_run_ctx", lambda: SimpleNamespace(session_state=SimpleNamespace(_state=state))
    )
    acted, calls = {"commit": [], "view": []}, []

    def counted(event: str):
        gate = once_per_message("pad", event, acted[event].append)
        return lambda: (calls.append(event), gate())

    metadata = WidgetMetadata(
        id=AGGREGATOR,
        deserializer=deserializer,
        serializer=json.dumps,
        value_type="json_trigger_value",
        callbacks={"commit": counted("commit"), "view": counted("view")},
    )
    state._key_id_mapper["pad"] = PAD_ID
    state._new_widget_state.set_widget_metadata(metadata)
    state._new_widget_state.set_widget_from_proto(WidgetState(id=AGGREGATOR, json_trigger_value=json.dumps(events)))
    return state, metadata, acted, calls


def _dispatch(state: SessionState, metadata: WidgetMetadata) -> None:
    """Streamlit's trigger dispatch for the aggregator, as at the start of a run (in a context of
    its own with a script thread's fragment state, which its callbacks' scope needs)."""

    def run() -> None:
        ThreadState.initialize()
        state._dispatch_trigger_callbacks(_CallbackRerunVotes(), AGGREGATOR, metadata, (), {})

    contextvars.copy_context().run(run)


def test_streamlits_dispatch_of_ten_thousand_commits_calls_back_twice(monkeypatch):
    """The first callback trims the list Streamlit is iterating: its loop ends after one callback
    per kind, not one per listed event (10,002 calls if the trim stopped working)."""
    events = [{"event": "view", "value": {"window": [0, 0, 3]}}, *_commits(10_000), {"event": "junk"}]
    events.insert(5000, {"event": "view", "value": {"window": [1, 2, 4]}})
    state, metadata, acted, calls = _streamlit_session(monkeypatch, events)
    _dispatch(state, metadata)
    assert calls == ["view", "commit"]
    assert acted == {"commit": [{"z": [0.9999, 0.0]}], "view": [{"window": [1, 2, 4]}]}
    assert state._new_widget_state[AGGREGATOR] == [
        {"event": "view", "value": {"window": [1, 2, 4]}},
        {"event": "commit", "value": {"z": [0.9999, 0.0]}},
    ]


def test_the_trim_keeps_the_dispatched_kind_at_the_loops_index_and_drops_large_values(monkeypatch, caplog):
    events = [[1], {"event": "junk"}, *_commits(3), {"event": "view", "value": {"window": list(range(MAX_NODES + 1))}}]
    state, _, _, _ = _streamlit_session(monkeypatch, events)
    stored = state._new_widget_state[AGGREGATOR]
    messages._trim_events("pad", dispatching="commit")
    assert stored == [None, None, {"event": "commit", "value": {"z": [2 / 3, 0.0]}}, {"event": "view", "value": None}]
    assert "dropped a view event" in caplog.text
    reopen("pad")  # drawn again: the placeholders go
    assert stored == [{"event": "commit", "value": {"z": [2 / 3, 0.0]}}, {"event": "view", "value": None}]


@pytest.mark.parametrize(
    "ctx",
    [
        None,
        SimpleNamespace(session_state=None),
        SimpleNamespace(session_state=SimpleNamespace(_state=SimpleNamespace())),
        SimpleNamespace(session_state=SimpleNamespace(_state=SimpleNamespace(_key_id_mapper={}, _new_widget_state={}))),
    ],
    ids=["no run", "no session state", "no widget state", "other classes"],
)
def test_the_trim_does_nothing_where_streamlits_internals_differ(monkeypatch, ctx):
    monkeypatch.setattr(messages, "get_script_run_ctx", lambda: ctx)
    monkeypatch.setattr(messages, "st", SimpleNamespace(session_state={"pad": {"commit": {"z": [1.0]}}}))
    acted = []
    callback = once_per_message("pad", "commit", acted.append)
    for _ in range(3):
        callback()
    reopen("pad")
    callback()
    assert acted == [{"z": [1.0]}] * 2  # the gate alone still acts once per message


def test_the_trim_leaves_an_event_list_of_another_shape_alone(monkeypatch):
    events = _commits(5)
    state, metadata, acted, calls = _streamlit_session(monkeypatch, events)
    state._new_widget_state.set_from_value(AGGREGATOR, tuple(events))  # not the list it expects
    messages._trim_events("pad", dispatching="commit")
    assert state._new_widget_state[AGGREGATOR] == tuple(events)
    state._new_widget_state.widget_metadata.pop(AGGREGATOR)
    state._new_widget_state.set_from_value(AGGREGATOR, events)  # no metadata: not Streamlit's trigger list
    messages._trim_events("pad", dispatching="commit")
    assert state._new_widget_state[AGGREGATOR] == _commits(5)


def test_the_guard_wraps_streamlits_deserializer_once_and_streamlit_registers_it(monkeypatch):
    monkeypatch.setattr(bidi, "deserialize_trigger_list", deserialize_trigger_list)
    assert guard_trigger_messages() and guard_trigger_messages()
    guarded = bidi.deserialize_trigger_list
    assert guarded is not deserialize_trigger_list and guarded.__wrapped__ is deserialize_trigger_list
    assert "deserializer=deserialize_trigger_list," in inspect.getsource(bidi)  # looked up at each run


def test_the_guard_drops_a_long_message_unparsed_and_cuts_a_short_one(monkeypatch, caplog):
    monkeypatch.setattr(bidi, "deserialize_trigger_list", deserialize_trigger_list)
    guard_trigger_messages()
    guarded = bidi.deserialize_trigger_list
    assert guarded("[" + " " * MAX_MESSAGE_CHARS + "not json") is None
    assert "dropped a component message" in caplog.text
    assert guarded(json.dumps(_commits(100))) == [{"event": "commit", "value": {"z": [0.99, 0.0]}}]
    assert guarded(None) is None and guarded("not json") == [] and guarded('{"event": "a"}') == [{"event": "a"}]


def test_a_message_over_the_limit_runs_no_callback_in_streamlits_dispatch(monkeypatch):
    monkeypatch.setattr(bidi, "deserialize_trigger_list", deserialize_trigger_list)
    guard_trigger_messages()
    events = _commits(10_000)
    assert len(json.dumps(events)) > MAX_MESSAGE_CHARS
    state, metadata, acted, calls = _streamlit_session(monkeypatch, events, bidi.deserialize_trigger_list)
    _dispatch(state, metadata)
    assert calls == [] and acted == {"commit": [], "view": []}


def test_the_guard_does_nothing_without_streamlits_deserializer(monkeypatch):
    monkeypatch.delattr(bidi, "deserialize_trigger_list")
    assert guard_trigger_messages() is False
    assert not hasattr(bidi, "deserialize_trigger_list")


def test_last_of_each_kind_keeps_order_of_first_appearance():
    events = [{"event": "b", "value": 1}, "x", {"event": "a", "value": 2}, {"event": "b", "value": 3}, {"value": 4}]
    assert last_of_each_kind(events) == ([{"event": "b", "value": 3}, {"event": "a", "value": 2}], 0)
    assert last_of_each_kind(events, {"a"}) == ([{"event": "a", "value": 2}], 2)
    assert last_of_each_kind(events, set()) == ([], None)
