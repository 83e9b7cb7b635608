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
older trees of the app (PYTHONPATH=<worktree>).

Budget: VAE_FUZZ_EXAMPLES sequences (default 16, derandomized: the same sequences every run, a
couple of minutes on a 2-core machine) of up to 8 steps each. The full budget, e.g.
``VAE_FUZZ_EXAMPLES=200 pytest -m slow tests/test_fuzz_app.py``, draws fresh random sequences;
VAE_FUZZ_SEED fixes them. VAE_FUZZ_LEARNER_ONLY=1 leaves out the hand-made component
messages and session keys (only widgets, uploads, strokes and pages). VAE_FUZZ_STATS=path writes
sequences, steps, seconds and the first failure as JSON.
"""

from __future__ import annotations

import io
import json
import math
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

pytestmark = pytest.mark.slow

APP = str(Path(os.environ.get("VAE_FUZZ_APP", Path(__file__).resolve().parent.parent / "app.py")))
TIMEOUT = 60
EXAMPLES = int(os.environ.get("VAE_FUZZ_EXAMPLES", "16"))
FULL = "VAE_FUZZ_EXAMPLES" in os.environ
SEED = os.environ.get("VAE_FUZZ_SEED")
LEARNER_ONLY = bool(os.environ.get("VAE_FUZZ_LEARNER_ONLY"))
"""Only what the page's own widgets and a drawn stroke can do: no hand-made component messages."""

PLAYGROUND_SLIDER = re.compile(r"pg_(vae|ae)_(mu|sigma|eps)_(\d+)$")
CLOUD_K = "pg_cloud_k"
POSTERIOR = "pg_heat"
EXPLORER = "explorer_view"  # ui.keys.EXPLORER: the Explorer's state object (ui.view_state)
DRAWING = "_drawing"
MODEL_LABELS = {"VAE": "vae", "Plain autoencoder (AE)": "ae"}

# Drawing codes (vae_core.data.drawing: base64url, two characters a point, "." between strokes,
# at most 64 strokes and 2,000 points; the canvas's event text at most 8,192 characters).
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _stroke(points: list[tuple[int, int]]) -> str:
    kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    return "".join(_B64[x] + _B64[y] for x, y in kept)


_points = st.lists(st.tuples(st.integers(0, 63), st.integers(0, 63)), min_size=1, max_size=40)
VALID_DRAWINGS = st.lists(_points, min_size=1, max_size=4).map(lambda ss: ".".join(_stroke(s) for s in ss))
BAD_DRAWINGS = st.sampled_from(
    [
        "",  # cleared
        "A",  # odd length
        "AB..CD",  # empty stroke
        ".AB",
        "AB!?",  # outside base64url
        "ABAB",  # a repeated point
        "AB" + "CDAB" * 1000,  # 2,001 points
        ".".join(["AB"] * 65),  # 65 strokes
        "A" * 5000,  # over the decoder's character limit
        "A" * 9000,  # over the message limit
        "<script>alert(1)</script>",
    ]
)
DRAWINGS = st.one_of(VALID_DRAWINGS, BAD_DRAWINGS)


def _png(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    image = Image.new(mode, (width, height))
    if width * height <= 10_000:
        image.putdata([(i * 37) % 256 if mode == "L" else ((i * 37) % 256,) * 3 for i in range(width * height)])
    image.save(buffer, "PNG")
    return buffer.getvalue()


_GOOD_PNG = _png(28, 28)
UPLOADS = st.sampled_from(
    [
        ("digit.png", _GOOD_PNG, "image/png"),
        ("wide colour.png", _png(60, 30, "RGB"), "image/png"),
        ("tiny.png", _png(1, 1), "image/png"),
        ("huge.png", _png(5000, 5000), "image/png"),  # over the upload's pixel limit
        ("half.png", _GOOD_PNG[: len(_GOOD_PNG) // 2], "image/png"),  # truncated
        ("text.png", b"not a picture at all", "image/png"),
        ("empty.png", b"", "image/png"),
        ("[x](http://e.vil)_*.png", _GOOD_PNG, "image/png"),  # markdown in the name
    ]
)

_hostile_number = st.one_of(
    st.floats(-5, 5),
    st.sampled_from([100, -100, 1e4, 1e5, 10**400, -(10**30), 0, float("nan"), float("inf"), True, None, "1", [1]]),
)


def _vector(length: st.SearchStrategy[int]) -> st.SearchStrategy:
    return length.flatmap(lambda n: st.lists(_hostile_number, min_size=n, max_size=n))


@st.composite
def commit_messages(draw, d: int):
    """A pipeline commit: mostly the well-formed shape at the page's latent size, often hostile."""
    shape = draw(st.sampled_from(["good", "good", "hostile", "wrong_length", "junk", "mu_100"]))
    floats = st.floats(-4, 4)
    if shape == "good":
        z = draw(st.lists(floats, min_size=d, max_size=d))
        eps = draw(st.lists(st.one_of(floats, st.none()), min_size=d, max_size=d))
        mu = draw(st.lists(st.floats(-6, 6), min_size=d, max_size=d))
        return {"z": z, "eps": eps, "mu": draw(st.sampled_from([mu, None])), "source": "eps", "input": "drag"}
    if shape == "mu_100":
        return {"z": [100] + [0] * (d - 1), "mu": [100] + [0] * (d - 1), "eps": [1e4] * d, "source": "mu"}
    if shape == "hostile":
        return {
            "z": draw(_vector(st.just(d))),
            "eps": draw(_vector(st.just(d))),
            "mu": draw(_vector(st.just(d))),
            "dims": draw(st.sampled_from([[0, 1], [0, d], [-1, 0], [0], "01", None, [True, 1]])),
            "source": draw(st.sampled_from(["z", "eps", "mu", "x" * 100, 5])),
        }
    if shape == "wrong_length":
        n = draw(st.sampled_from([0, 1, 3, 17, 65, 1000]))
        return {"z": [0.5] * n, "eps": [0.1] * n, "mu": [0.2] * draw(st.sampled_from([n, d]))}
    return draw(st.sampled_from([None, 7, "commit", [1, 2], {"z": "1,2"}, {"z": {"0": 1}}, {}]))


VIEW_MESSAGES = st.one_of(
    st.fixed_dictionaries({"window": st.lists(_hostile_number, min_size=0, max_size=4)}),
    st.sampled_from([{"window": [0, 0, 1]}, {"window": [1e4, -1e4, 1e-9]}, {"window": [0, 0, -1]}, None, "w"]),
)

STATS = {"sequences": 0, "steps": 0, "failed_sequence": None}


def _formatted_value(key: str, option: str):
    """The value behind a radio's or select-slider's displayed option (the app's format_funcs)."""
    if key.startswith("model_latent_"):
        return int(option.removesuffix("-D"))
    if key.startswith("model_beta_"):
        return float(option)
    if key == CLOUD_K:
        return int(option)
    if key == "pg_model":
        return MODEL_LABELS[option]
    return option


def _trigger_id(component_id: str) -> str:
    try:  # Streamlit's own name for a component's trigger aggregator
        from streamlit.components.v2.bidi_component.main import _make_trigger_id

        return _make_trigger_id(component_id, "events")
    except ImportError:  # pragma: no cover - older or newer Streamlit
        return f"$$STREAMLIT_INTERNAL_KEY_{component_id}__events"


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
        out = []
        for w in self.at.get(kind):
            k = getattr(w, "key", None) or ""
            if key is not None and not (key(k) if callable(key) else k == key):
                continue
            if label is not None and getattr(w, "label", None) != label:
                continue
            if enabled and getattr(w, "disabled", False):
                continue
            out.append(w)
        return out

    def _has(self, kind: str, key=None, label=None) -> bool:
        return bool(self._widgets(kind, key, label))

    def _components(self, name_suffix: str) -> list:
        return [
            n
            for n in self.at._tree
            if type(n).__name__ == "UnknownElement"
            and n.type == "bidi_component"
            and n.proto.component_name.endswith(name_suffix)
        ]

    def _send_event(self, component, event: str, value, times: int = 1) -> None:
        """What the browser sends for a component event: the page's widget states plus a
        json_trigger_value on the component's trigger aggregator (one message may list many)."""
        states = self.at._tree.get_widget_states()
        payload = [{"event": event, "value": value}] * times
        states.widgets.add(id=_trigger_id(component.proto.id), json_trigger_value=json.dumps(payload))
        self._run(f"{component.proto.id.rsplit('-', 1)[-1]} {event} x{times}: {str(value)[:120]}", states)

    def _latent_dim(self) -> int | None:
        radios = self._widgets("radio", key=lambda k: k.startswith("model_latent_"), enabled=False)
        return int(radios[0].value) if radios else None

    # ---- the checks ----------------------------------------------------------------------------

    @invariant()
    def nothing_broke(self) -> None:
        if not self.steps:
            return
        try:
            self._check()
        except AssertionError:
            if STATS["failed_sequence"] is None:  # the first failure, before any shrinking
                STATS["failed_sequence"] = STATS["sequences"]
                STATS["failed_after_steps"] = STATS["steps"]
                STATS["failing_steps"] = list(self.steps)
            raise

    def _check(self) -> None:
        at = self.at
        assert not at.exception, (self.steps, [e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception])
        for e in at.error:
            assert "Traceback" not in str(e.value), (self.steps, e.value)
        for s in at.get("slider"):
            values = s.value if isinstance(s.value, (list, tuple)) else [s.value]
            for v in values:
                assert s.min <= v <= s.max, (self.steps, s.key, v, s.min, s.max)
        for s in at.get("select_slider"):
            assert s.proto.value and all(0 <= i < len(s.options) for i in s.proto.value) or not s.proto.value
        self._pipeline_is_consistent()

    def _pipeline_is_consistent(self) -> None:
        models = self._widgets("radio", key="pg_model", enabled=False)
        d = self._latent_dim()
        if not models or d is None:
            return
        kind = models[0].value
        found: dict[str, dict[int, float]] = {"mu": {}, "sigma": {}, "eps": {}}
        for s in self.at.get("slider"):
            m = PLAYGROUND_SLIDER.match(s.key or "")
            if m and m.group(1) == kind:
                found[m.group(2)][int(m.group(3))] = float(s.value)
        if not found["mu"]:
            return  # the model could not be loaded: the page said why
        whats = ("mu", "sigma", "eps") if kind == "vae" else ("mu", "eps")
        for what in whats:
            assert sorted(found[what]) == list(range(d)), (self.steps, what, sorted(found[what]), d)
        pads = [p for p in self._components("latent_pad") if p.proto.id.endswith(f"pg_{kind}_pad")]
        assert pads, (self.steps, "no pipeline component")
        data = _component_data(pads[0])
        if data is not None:
            for what in whats:
                sent = data[what]
                assert len(sent) == d, (self.steps, what, len(sent), d)
                for j, v in enumerate(sent):
                    assert math.isclose(v, found[what][j], abs_tol=1e-6), (self.steps, what, j, v, found[what][j])
            sigma = data["sigma"] if kind == "vae" else [0.0] * d
            z = [m + s * e for m, s, e in zip(data["mu"], sigma, data["eps"], strict=True)]
            assert len(z) == d and all(math.isfinite(v) for v in z), (self.steps, z)
        if kind == "vae":
            k_sliders = self._widgets("select_slider", key=CLOUD_K, enabled=False)
            k = int(k_sliders[0].value) if k_sliders else 0
            state = self.at.session_state
            if EXPLORER in state:
                pipeline = state[EXPLORER].pipelines.get("vae")
                cloud = None if pipeline is None or not pipeline.cloud else pipeline.cloud
            else:  # trees before ui.view_state kept the cloud under its own key
                cloud = state["pg_vae_cloud"] if "pg_vae_cloud" in state else None
            rows = 0 if cloud is None else len(cloud)
            assert rows == k, (self.steps, "cloud rows", rows, "K", k)
            assert cloud is None or all(len(row) == d for row in cloud), (self.steps, "cloud width", d)
            if data is not None:
                sent = data.get("cloud")  # {"hash", "k", "d"}; the draws travel as a binary table
                assert (0 if sent is None else sent["k"]) == k and (sent is None or sent["d"] == d)

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
        radio.set_value(_formatted_value(radio.key, option))
        self._run(f"{radio.key} -> {option}")

    def _pick_select_slider(self, data, key) -> None:
        slider = self._widgets("select_slider", key)[0]
        option = data.draw(st.sampled_from(slider.options))
        slider.set_value(_formatted_value(slider.key, option))
        self._run(f"{slider.key} -> {option}")

    def teardown(self) -> None:
        if os.environ.get("VAE_FUZZ_VERBOSE"):
            print("sequence:", " | ".join(self.steps))


def _component_data(node) -> dict | None:
    """The JSON a component was given (its "data"), or None if sent otherwise."""
    proto = node.proto
    which = proto.WhichOneof("data")
    try:
        if which == "json":
            return json.loads(proto.json)
        if which == "mixed":
            return json.loads(proto.mixed.json)
    except (ValueError, AttributeError):
        return None
    return None


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
