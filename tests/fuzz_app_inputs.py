"""What tests/test_fuzz_app.py sends the app, and how it sends it (tests/fuzz_app_checks.py reads
what comes back).

- the app's keys it looks for (the Explorer's pipeline sliders, Samples K, the posterior toggle,
  the Explorer's state object, the drawing's session key), by name only: no ui imports, so the
  fuzz test also runs on older trees of the app;
- Hypothesis strategies of the learner's and a stranger's inputs: drawing codes (valid ones and
  malformed or over-limit ones), uploads of good and damaged pictures, and the pipeline
  component's commit and view messages (well-formed ones and hostile ones);
- how the browser sends a component event (the component's trigger aggregator id), and the value
  behind a radio's or select-slider's displayed option.
"""

from __future__ import annotations

import io
import re

from hypothesis import strategies as st

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


def formatted_value(key: str, option: str):
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


def trigger_id(component_id: str) -> str:
    """The widget id the browser sends a component's events under (its trigger aggregator)."""
    try:  # Streamlit's own name for a component's trigger aggregator
        from streamlit.components.v2.bidi_component.main import _make_trigger_id

        return _make_trigger_id(component_id, "events")
    except ImportError:  # pragma: no cover - older or newer Streamlit
        return f"$$STREAMLIT_INTERNAL_KEY_{component_id}__events"
