"""Messages from browser components: untrusted input, checked before the app acts on them.

A component (the pipeline pad, the drawing canvas) sends events: one JSON message may list many,
and Streamlit calls the event's callback once per listed event, each call reading the component's
state afresh (every read walks the whole list). A crafted message of 10,000 "commit" events cost
68 s of server CPU that way. Two rules here keep any message cheap:

- **Small messages, parsed short.** Streamlit parses a message's event list with its trigger
  deserializer (`deserialize_trigger_list`) before any callback runs, then serialises the parsed
  list back to JSON to dispatch it: a 1 MB message of 13,696 commits cost ~60 ms of server CPU in
  Streamlit alone. `guard_trigger_messages` (installed once per process by the first `reopen` of
  a component) wraps that deserializer: text longer than MAX_MESSAGE_CHARS is dropped unparsed
  (one line in the server log) and a parsed list is cut to the last event of each kind
  (`last_of_each_kind`), so everything after the parse sees a few events.
- **Once per message.** `once_per_message` wraps a callback so that only its first call of a
  dispatch does anything: that call reads the component's state once (where Streamlit keeps the
  *last* event of each kind) and every later call of the same dispatch returns at once. The gate
  opens again when the component is drawn (`reopen`), i.e. on the run the message triggered.
- **One event per kind, small values.** The first call of a dispatch also trims the component's
  stored event list in place (`_trim_events`) to the last event of each kind that has a callback,
  with any value larger than MAX_NODES items or MAX_TEXT characters replaced by None. Streamlit
  iterates that same list, so its dispatch loop ends there instead of calling the callback 10,000
  more times, and the list it deep-copies when the component registers, and walks each time its
  state is read, is a few events long. `reopen` trims the list again before the component is drawn
  (a message whose events have no callback never reaches the gate). The guard and the trim read
  Streamlit's internals (pinned streamlit==1.67); where those differ they do nothing, and the
  other still keeps a message's cost bounded.
- **A schema with limits.** The value is checked (`commit_event`, `view_event`, `text_event`)
  before any of the app's code sees it: types, array lengths, number ranges. A message outside the
  limits is dropped with one line in the server log (logger ``ui.messages``), never an exception.

What the server reads at all is capped in .streamlit/config.toml: `server.maxWidgetStateSize`
(1 MB, every message from a browser) below `server.maxMessageSize` (the app's own largest message
to the browser). benchmarks/messages.py measures the server CPU a crafted message costs.
The checks are plain functions of JSON values; only the gate touches the session state.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Collection
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

__all__ = [
    "MAX_VECTOR",
    "MAX_ABS",
    "MAX_TEXT",
    "MAX_MESSAGE_CHARS",
    "commit_event",
    "view_event",
    "text_event",
    "once_per_message",
    "reopen",
    "last_of_each_kind",
    "guard_trigger_messages",
]

LOG = logging.getLogger(__name__)
MAX_VECTOR = 64
"""Longest vector an event may carry (the largest latent size a link or a model may have)."""
MAX_ABS = 1e4
"""Largest |number| an event may carry (the planes span a few units; ε is clamped to ±EPS_LIMIT)."""
MAX_TEXT = 8192
"""Longest text an event may carry (a drawing's code is at most about 4,100 characters)."""
MAX_NODES = 1024
"""Most list items and object entries an event's value may hold in all (a commit has ~200)."""
MAX_MESSAGE_CHARS = 8 * MAX_TEXT
"""Longest event list (JSON text) a component message may carry: eight of its largest events (a
drawing is at most MAX_TEXT characters, a commit of three 64-number vectors about 5,000)."""
_GATE = "_message_gate"
_TRIMMED = None
"""In a component's gate set: its event list was trimmed in this dispatch."""


def _number(value: Any) -> float:
    """value as a float if it is a finite JSON number within ±MAX_ABS; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) > MAX_ABS:  # before float(): 10**400 overflows
        raise ValueError("number out of range")
    out = float(value)
    if not math.isfinite(out) or abs(out) > MAX_ABS:
        raise ValueError("number out of range")
    return out


def _vector(value: Any, what: str, allow_none: bool = False) -> list[float | None]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_VECTOR:
        raise ValueError(f"{what} must be a list of 1 to {MAX_VECTOR} numbers")
    return [None if (allow_none and v is None) else _number(v) for v in value]


def commit_event(value: Any) -> dict | None:
    """The pipeline's "commit" event checked against its schema, or None (logged) if it is not one.

    Schema: {"z": list of 1..MAX_VECTOR numbers, "eps": same length with nulls allowed, or absent,
    "mu": same length or absent, "dims": [i, j] ints in range, "source"/"input"/"mode": short text}.

    Returns:
        {"z", "eps", "mu", "dims", "source", "input", "mode"} with floats (eps entries may be None;
        eps None when every entry is None), or None.
    """
    try:
        if not isinstance(value, dict):
            raise ValueError("not an object")
        z = _vector(value.get("z"), "z")
        d = len(z)
        eps = value.get("eps")
        eps = None if eps is None else _vector(eps, "eps", allow_none=True)
        mu = value.get("mu")
        mu = None if mu is None else _vector(mu, "mu")
        if any(v is not None and len(v) != d for v in (eps, mu)):
            raise ValueError("z, eps and mu differ in length")
        dims = value.get("dims") or [0, 1]
        if not (isinstance(dims, list) and len(dims) == 2 and all(type(i) is int and 0 <= i < max(d, 2) for i in dims)):
            raise ValueError("dims must be two indices of the latent vector")
        texts = {k: value.get(k) for k in ("source", "input", "mode")}
        if any(t is not None and (not isinstance(t, str) or len(t) > 64) for t in texts.values()):
            raise ValueError("source, input and mode must be short text")
    except ValueError as exc:
        LOG.warning("dropped a commit event: %s", exc)
        return None
    if eps is not None and all(e is None for e in eps):
        eps = None
    return {"z": z, "eps": eps, "mu": mu, "dims": (dims[0], dims[1]), **texts}


def view_event(value: Any) -> list[float] | None:
    """The pipeline's "view" event {"window": [cx, cy, half]} checked, or None (logged).

    Returns:
        [cx, cy, half] in latent units, each within ±MAX_ABS, half > 0.
    """
    try:
        window = value.get("window") if isinstance(value, dict) else None
        cx, cy, half = _vector(window, "window")
        if half <= 0 or len(window) != 3:
            raise ValueError("half-width must be positive")
    except (ValueError, TypeError) as exc:
        LOG.warning("dropped a view event: %s", exc)
        return None
    return [cx, cy, half]


def text_event(value: Any, what: str) -> str | None:
    """A text event (the canvas's drawing code) checked: a str of at most MAX_TEXT characters,
    else None (logged). Its content is checked by whoever reads it (vae_core.data.drawing)."""
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    LOG.warning("dropped a %s event: not text of at most %d characters", what, MAX_TEXT)
    return None


_GUARDED = "_ui_messages_guard"
_GUARD_LOCK = threading.Lock()


def guard_trigger_messages() -> bool:
    """Wrap Streamlit's trigger-list deserializer (streamlit 1.67:
    streamlit.components.v2.bidi_component.main.deserialize_trigger_list, which every bidi
    component registers at each run) once per process, thread-safe and idempotent.

    The wrapper returns None (no event, logged) for text longer than MAX_MESSAGE_CHARS, without
    parsing it, and otherwise Streamlit's list cut by `last_of_each_kind`.

    Returns:
        True if the guard is in place, False if Streamlit has no such deserializer (nothing done).
    """
    try:
        from streamlit.components.v2.bidi_component import main as bidi
    except ImportError:
        return False
    with _GUARD_LOCK:
        original = getattr(bidi, "deserialize_trigger_list", None)
        if not callable(original):
            return False
        if getattr(original, _GUARDED, False):
            return True

        def deserialize_trigger_list(text: str | None) -> list | None:
            if isinstance(text, str) and len(text) > MAX_MESSAGE_CHARS:
                LOG.warning("dropped a component message of %d characters (at most %d)", len(text), MAX_MESSAGE_CHARS)
                return None
            events = original(text)
            return last_of_each_kind(events)[0] if isinstance(events, list) else events

        setattr(deserialize_trigger_list, _GUARDED, True)
        deserialize_trigger_list.__wrapped__ = original
        bidi.deserialize_trigger_list = deserialize_trigger_list
        return True


def reopen(key: str | None = None) -> None:
    """Open the gate of component `key` (every component's if None) for the next message.

    Call it where the component is drawn, and with no key at the top of every full run: a message
    that arrives before the run its predecessor triggered reaches the component still counts.
    """
    gate = st.session_state.get(_GATE)
    if gate and key is None:
        gate.clear()
    elif gate:
        gate.pop(key, None)
    if key is not None:
        guard_trigger_messages()
        _trim_events(key)


def once_per_message(key: str, event: str, act: Callable[[Any], None]) -> Callable[[], None]:
    """A trigger callback for event `event` of component `key` that acts once per message.

    Its first call in a dispatch reads the component's state once and calls act(value) with the
    last value of that event (the raw, unchecked JSON: act checks it); every later call of the same
    dispatch (one per duplicate event in the message) returns at once.
    """

    def callback() -> None:
        handled = st.session_state.setdefault(_GATE, {}).setdefault(key, set())
        if event in handled:
            return
        handled.add(event)
        if _TRIMMED not in handled:
            handled.add(_TRIMMED)
            _trim_events(key, dispatching=event)
        state = st.session_state.get(key)
        act(state.get(event) if isinstance(state, dict) else None)

    return callback


def _small(value: Any) -> bool:
    """Whether a JSON value holds at most MAX_NODES items and entries and MAX_TEXT characters of
    text in all. Stops at the first item past either budget: never walks a large value."""
    nodes, chars, todo = 0, 0, [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            chars += len(item)
        elif isinstance(item, (list, dict)):
            nodes += len(item)
            if nodes > MAX_NODES:
                return False
            todo.extend(item.values() if isinstance(item, dict) else item)
            if isinstance(item, dict):
                chars += sum(len(k) for k in item if isinstance(k, str))
        if chars > MAX_TEXT:
            return False
    return True


def _stored_events(key: str) -> tuple[list | None, frozenset[str]]:
    """The event list Streamlit keeps for component `key` in this session (its trigger aggregator's
    value, the very list its dispatch iterates) and the event names with a callback; (None, {})
    outside a script run, for a component not drawn yet, or if Streamlit's internals differ."""
    try:
        ctx = get_script_run_ctx()
        state = getattr(getattr(ctx, "session_state", None), "_state", None)
        if state is None:
            return None, frozenset()
        from streamlit.components.v2.bidi_component.main import _make_trigger_id

        widget_id = state._key_id_mapper.get_id_from_key(key)
        if widget_id is None:
            return None, frozenset()
        aggregator = _make_trigger_id(widget_id, "events")
        widgets = state._new_widget_state
        metadata = widgets.widget_metadata.get(aggregator)
        if metadata is None or aggregator not in widgets.states:
            return None, frozenset()
        events = widgets[aggregator]
        return (events if isinstance(events, list) else None), frozenset(metadata.callbacks or ())
    except Exception:  # noqa: BLE001 - internals of another Streamlit: trimming is an optimisation
        LOG.debug("could not read the event list of %s", key, exc_info=True)
        return None, frozenset()


def last_of_each_kind(events: list, kinds: Collection[str] | None = None) -> tuple[list, int | None]:
    """The last event of each kind of a component's event list, and where the first one was.

    events: Streamlit's list of {"event": name, "value": ...} payloads (other items are ignored,
    as Streamlit's dispatch ignores them). kinds: the event names to keep (those with a
    callback), or None for every name. A kept event whose value fails `_small` (more than
    MAX_NODES items or MAX_TEXT characters) becomes {"event": name, "value": None} (logged).

    Returns:
        (kept, first): kept in the order each kind first appears; first the index in events of
        the first event kept, or None if none was.
    """
    last: dict[str, dict] = {}
    first = None
    for i, payload in enumerate(events):
        name = payload.get("event") if isinstance(payload, dict) else None
        if isinstance(name, str) and (kinds is None or name in kinds):
            if first is None:
                first = i
            last[name] = payload
    kept = []
    for name, payload in last.items():
        if not _small(payload.get("value")):
            LOG.warning("dropped a %s event: its value is too large", name)
            payload = {"event": name, "value": None}
        kept.append(payload)
    return kept, first


def _trim_events(key: str, dispatching: str | None = None) -> None:
    """Trim component `key`'s stored event list in place to the last event of each kind with a
    callback (`last_of_each_kind`).

    dispatching: the event whose callback is running inside Streamlit's dispatch loop, which is at
    the list's first event with a callback (index k). The list becomes k placeholders (None, which
    Streamlit skips), that kind's event, then the other kinds': the loop goes on with each of
    those once and ends.
    """
    events, kinds = _stored_events(key)
    if not events or not kinds:
        return
    kept, first = last_of_each_kind(events, kinds)
    if dispatching is not None and first is not None and any(p["event"] == dispatching for p in kept):
        kept.sort(key=lambda p: p["event"] != dispatching)  # its kind first, at index `first`
        kept = [None] * first + kept
    if len(kept) != len(events) or any(a is not b for a, b in zip(kept, events, strict=True)):
        events[:] = kept
