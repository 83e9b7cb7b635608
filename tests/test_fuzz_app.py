"""Nothing a learner or a stranger does breaks the app: a stateful property test over AppTest.

Hypothesis drives the whole app (app.py, every page, through Streamlit's AppTest: no browser, no
JavaScript) with random sequences of what a learner can do, and after every step checks what the
server holds:

- the run raised nothing (``not at.exception``) and no error on the page carries a traceback;
- every slider's value lies within its widget's min/max, every select-slider's among its options;
- on the Explorer, the pipeline's μ, σ and ε sliders are exactly latent-size many (indices 0..d-1),
  the vectors handed to the pipeline component are d long and equal those sliders (the page's
  z = μ + σ ⊙ ε is computed from these same vectors), z is finite, and the stored sample cloud
  (in the Explorer's state object, session key ``explorer_view``) is K rows of d numbers, K the
  Samples K slider.

Actions (rules): every sidebar control (Dataset, Latent size, β, Source, Digit/Class, Index,
"Random image"), uploads of good and damaged pictures (AppTest's own file_uploader.set_value) and
"Forget this picture", drawings (the canvas's "drawing" event sent as the browser sends it, and the
session key ``_drawing`` set directly as a link does, both with valid, malformed and over-limit
codes), the pipeline's buttons, sliders, Samples K, the posterior toggle, the Model radio, events
of the pipeline components (commit and view messages, hostile ones included: μ = [100, 0], huge
integers, NaN, wrong lengths, wrong types, a message listing an event many times), page switches
(the page hash a page link sends) and the tour's Next, Back, Reveal, Finish and step picker.

Component events are sent the way the browser sends them: a ``json_trigger_value`` widget state
on the component's trigger aggregator ("<id>__events"), so Streamlit itself dispatches them to the
app's registered callbacks (ui.messages' gate and schema, then the page's callback).

The test relies only on widget keys, labels and session keys (no ui imports), so it also runs on
older trees of the app (PYTHONPATH=<worktree>). What it sends (drawing codes, uploads, component
messages) and how it sends them as the browser does live in tests/fuzz_app_inputs.py; how it
reads the page and what it checks after every step, in tests/fuzz_app_checks.py.

Budget: VAE_FUZZ_EXAMPLES sequences (default 16, derandomized: the same sequences every run, a
couple of minutes on a 2-core machine) of up to 8 steps each. The full budget, e.g.
``VAE_FUZZ_EXAMPLES=200 pytest -m slow tests/test_fuzz_app.py``, draws fresh random sequences;
VAE_FUZZ_SEED fixes them. VAE_FUZZ_LEARNER_ONLY=1 leaves out the hand-made component
messages and session keys (only widgets, uploads, strokes and pages). VAE_FUZZ_STATS=path writes
sequences, steps, seconds and the first failure as JSON.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

pytest.register_assert_rewrite("fuzz_app_checks")  # its failed asserts show their values, as here

from fuzz_app_checks import check_app, components, latent_dim, widgets  # noqa: E402
from fuzz_app_inputs import (  # noqa: E402
    CLOUD_K,
    DRAWING,
    DRAWINGS,
    PLAYGROUND_SLIDER,
    POSTERIOR,
    UPLOADS,
    VALID_DRAWINGS,
    VIEW_MESSAGES,
    commit_messages,
    formatted_value,
    trigger_id,
)

pytestmark = pytest.mark.slow

APP = str(Path(os.environ.get("VAE_FUZZ_APP", Path(__file__).resolve().parent.parent / "app.py")))
TIMEOUT = 60
EXAMPLES = int(os.environ.get("VAE_FUZZ_EXAMPLES", "16"))
FULL = "VAE_FUZZ_EXAMPLES" in os.environ
SEED = os.environ.get("VAE_FUZZ_SEED")
LEARNER_ONLY = bool(os.environ.get("VAE_FUZZ_LEARNER_ONLY"))
"""Only what the page's own widgets and a drawn stroke can do: no hand-made component messages."""

STATS = {"sequences": 0, "steps": 0, "failed_sequence": None}


class Learner(RuleBasedStateMachine):
    """One session: a fresh AppTest, then up to 8 learner (or stranger) actions."""

    def __init__(self) -> None:
        super().__init__()
        self.at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        self.steps: list[str] = []
        STATS["sequences"] += 1

    # ---- helpers ---------------------------------------------------------------------------

    def _run(self, what: str, widget_states: WidgetStates | None = None) -> None:
        self.steps.append(what)
        STATS["steps"] += 1
        if widget_states is None:
            self.at.run()
        else:
            self.at._run(widget_states)

    def _widgets(self, kind: str, key=None, label=None, enabled=True) -> list:
        return widgets(self.at, kind, key, label, enabled)

    def _has(self, kind: str, key=None, label=None) -> bool:
        return bool(self._widgets(kind, key, label))

    def _components(self, name_suffix: str) -> list:
        return components(self.at, name_suffix)

    def _send_event(self, component, event: str, value, times: int = 1) -> None:
        """What the browser sends for a component event: the page's widget states plus a
        json_trigger_value on the component's trigger aggregator (one message may list many)."""
        states = self.at._tree.get_widget_states()
        payload = [{"event": event, "value": value}] * times
        states.widgets.add(id=trigger_id(component.proto.id), json_trigger_value=json.dumps(payload))
        self._run(f"{component.proto.id.rsplit('-', 1)[-1]} {event} x{times}: {str(value)[:120]}", states)

    def _latent_dim(self) -> int | None:
        return latent_dim(self.at)

    # ---- the checks ----------------------------------------------------------------------------

    @invariant()
    def nothing_broke(self) -> None:
        if not self.steps:
            return
        try:
            check_app(self.at, self.steps)
        except AssertionError:
            if STATS["failed_sequence"] is None:  # the first failure, before any shrinking
                STATS["failed_sequence"] = STATS["sequences"]
                STATS["failed_after_steps"] = STATS["steps"]
                STATS["failing_steps"] = list(self.steps)
            raise

    # ---- the actions --------------------------------------------------------------------------

    @initialize()
    def open_the_app(self) -> None:
        self._run("open")

    @precondition(lambda self: self._has("selectbox", "model_dataset"))
    @rule(data=st.data())
    def pick_dataset(self, data) -> None:
        box = self._widgets("selectbox", "model_dataset")[0]
        i = data.draw(st.integers(0, len(box.options) - 1))
        box.select_index(i)
        self._run(f"Dataset -> {box.options[i]}")

    @precondition(lambda self: self._has("radio", lambda k: k.startswith("model_latent_")))
    @rule(data=st.data())
    def pick_latent_size(self, data) -> None:
        self._pick_radio(data, lambda k: k.startswith("model_latent_"))

    @precondition(lambda self: self._has("select_slider", lambda k: k.startswith("model_beta_")))
    @rule(data=st.data())
    def pick_beta(self, data) -> None:
        self._pick_select_slider(data, lambda k: k.startswith("model_beta_"))

    @precondition(lambda self: self._has("radio", "input_source"))
    @rule(data=st.data())
    def pick_source(self, data) -> None:
        self._pick_radio(data, "input_source")

    @precondition(lambda self: self._has("selectbox", lambda k: k.startswith("input_digit_")))
    @rule(data=st.data())
    def pick_digit(self, data) -> None:
        box = self._widgets("selectbox", lambda k: k.startswith("input_digit_"))[0]
        i = data.draw(st.integers(0, 9))
        box.select_index(i)
        self._run(f"Digit -> {i}")

    @precondition(lambda self: self._has("number_input", lambda k: k.startswith("input_index_")))
    @rule(index=st.integers(0, 499))
    def pick_index(self, index) -> None:
        self._widgets("number_input", lambda k: k.startswith("input_index_"))[0].set_value(index)
        self._run(f"Index -> {index}")

    @precondition(lambda self: self._has("button", label="Random image"))
    @rule()
    def random_image(self) -> None:
        self._widgets("button", label="Random image")[0].click()
        self._run("Random image")

    @precondition(lambda self: self._has("file_uploader", "input_upload"))
    @rule(upload=st.one_of(UPLOADS, st.none()))
    def upload(self, upload) -> None:
        self._widgets("file_uploader", "input_upload")[0].set_value(upload)
        self._run(f"upload {None if upload is None else upload[0]}")

    @precondition(lambda self: self._has("button", label="Forget this picture"))
    @rule()
    def forget_upload(self) -> None:
        self._widgets("button", label="Forget this picture")[0].click()
        self._run("Forget this picture")

    @precondition(lambda self: bool(self._components("draw_pad")))
    @rule(
        code=VALID_DRAWINGS if LEARNER_ONLY else DRAWINGS,
        event=st.sampled_from(["drawing", "drawing", "follow"]),
        times=st.sampled_from([1, 1, 50]),
    )
    def draw(self, code, event, times) -> None:
        self._send_event(self._components("draw_pad")[0], event, code, times)

    @precondition(lambda self: not LEARNER_ONLY)
    @rule(code=st.one_of(DRAWINGS, st.sampled_from([12345, None, ["AB"]])))
    def drawing_in_session(self, code) -> None:
        """What a link (or an older session) leaves under the drawing's session key."""
        self.at.session_state[DRAWING] = code
        self._run(f"session {DRAWING} = {str(code)[:60]!r}")

    @precondition(lambda self: self._has("button", lambda k: bool(re.fullmatch(r"pg_(vae|ae)_[a-z]+", k))))
    @rule(data=st.data())
    def pipeline_button(self, data) -> None:
        buttons = self._widgets("button", lambda k: bool(re.fullmatch(r"pg_(vae|ae)_[a-z]+", k)))
        button = data.draw(st.sampled_from(buttons))
        button.click()
        self._run(f"button {button.key}")

    @precondition(lambda self: self._has("slider", lambda k: bool(PLAYGROUND_SLIDER.match(k))))
    @rule(data=st.data(), fraction=st.floats(0, 1))
    def move_slider(self, data, fraction) -> None:
        sliders = self._widgets("slider", lambda k: bool(PLAYGROUND_SLIDER.match(k)))
        s = data.draw(st.sampled_from(sliders))
        step = s.step or 0.01
        value = round(s.min + round(fraction * (s.max - s.min) / step) * step, 4)
        s.set_value(min(s.max, max(s.min, value)))
        self._run(f"slider {s.key} -> {value}")

    @precondition(lambda self: self._has("select_slider", CLOUD_K))
    @rule(data=st.data())
    def samples_k(self, data) -> None:
        self._pick_select_slider(data, CLOUD_K)

    @precondition(lambda self: self._has("toggle", POSTERIOR))
    @rule()
    def posterior(self) -> None:
        toggle = self._widgets("toggle", POSTERIOR)[0]
        toggle.set_value(not toggle.value)
        self._run(f"posterior -> {not toggle.value}")

    @precondition(lambda self: self._has("radio", "pg_model"))
    @rule(data=st.data())
    def pick_model(self, data) -> None:
        self._pick_radio(data, "pg_model")

    @precondition(lambda self: not LEARNER_ONLY and bool(self._components("latent_pad")))
    @rule(data=st.data(), times=st.sampled_from([1, 1, 1, 200]))
    def pad_commit(self, data, times) -> None:
        pad = data.draw(st.sampled_from(self._components("latent_pad")))
        d = self._latent_dim() or 2
        if not pad.proto.id.endswith(("pg_vae_pad", "pg_ae_pad")):
            d = 2  # the tour's pads are 2-D
        self._send_event(pad, "commit", data.draw(commit_messages(d)), times)

    @precondition(lambda self: not LEARNER_ONLY and bool(self._components("latent_pad")))
    @rule(data=st.data(), message=VIEW_MESSAGES)
    def pad_view(self, data, message) -> None:
        pad = data.draw(st.sampled_from(self._components("latent_pad")))
        self._send_event(pad, data.draw(st.sampled_from(["view", "need"])), message)

    @rule(data=st.data())
    def switch_page(self, data) -> None:
        pages = sorted(self.at._registered_pages.items(), key=lambda kv: kv[1].get("url_pathname", ""))
        page_hash, info = data.draw(st.sampled_from(pages))
        self.at._page_hash = page_hash  # what a page link sends; AppTest.switch_page wants a file
        try:
            self._run(f"page {info.get('url_pathname') or '/'}")
        finally:
            self.at._page_hash = ""

    @precondition(lambda self: self._has("button", lambda k: k.startswith("tour_")))
    @rule(data=st.data())
    def tour_button(self, data) -> None:
        buttons = self._widgets("button", lambda k: k.startswith("tour_"))
        button = data.draw(st.sampled_from(buttons))
        button.click()
        self._run(f"tour {button.key}")

    @precondition(lambda self: self._has("selectbox", "tour_jump") or self._has("selectbox", "_tour_jump"))
    @rule(data=st.data())
    def tour_jump(self, data) -> None:
        box = self._widgets("selectbox", lambda k: k.endswith("tour_jump"))[0]
        i = data.draw(st.integers(0, len(box.options) - 1))
        box.select_index(i)
        self._run(f"tour step -> {i}")

    def _pick_radio(self, data, key) -> None:
        radio = self._widgets("radio", key)[0]
        option = data.draw(st.sampled_from(radio.options))
        radio.set_value(formatted_value(radio.key, option))
        self._run(f"{radio.key} -> {option}")

    def _pick_select_slider(self, data, key) -> None:
        slider = self._widgets("select_slider", key)[0]
        option = data.draw(st.sampled_from(slider.options))
        slider.set_value(formatted_value(slider.key, option))
        self._run(f"{slider.key} -> {option}")

    def teardown(self) -> None:
        if os.environ.get("VAE_FUZZ_VERBOSE"):
            print("sequence:", " | ".join(self.steps))


Learner.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=8,
    deadline=None,
    derandomize=not FULL and SEED is None,
    database=None,
    phases=[Phase.generate, Phase.target, Phase.shrink] if FULL else [Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


def test_nothing_a_learner_or_a_stranger_does_breaks_the_app():
    started = time.perf_counter()
    STATS.clear()
    STATS.update(sequences=0, steps=0, failed_sequence=None)
    run = Learner.TestCase("runTest")
    try:
        if SEED is not None:
            from hypothesis import seed

            seed(int(SEED))(Learner.TestCase.runTest)
        run.runTest()
    finally:
        STATS["seconds"] = round(time.perf_counter() - started, 1)
        STATS["examples_budget"] = EXAMPLES
        print(f"\nfuzz: {json.dumps(STATS)}")
        if os.environ.get("VAE_FUZZ_STATS"):
            Path(os.environ["VAE_FUZZ_STATS"]).write_text(json.dumps(STATS) + "\n")
