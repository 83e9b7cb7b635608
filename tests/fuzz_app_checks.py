"""How tests/test_fuzz_app.py reads the app after every step, and what it checks there.

- widgets, components, latent_dim: what the page shows, found by widget key, label or component
  name only (no ui imports, so the fuzz test also runs on older trees of the app);
- component_data: the JSON a component was given;
- check_app: what the server must hold after every step (no exception, no traceback on the page,
  every slider within its range, the Explorer's pipeline consistent with its sliders and its
  sample cloud K rows of d numbers).
"""

from __future__ import annotations

import json
import math

from fuzz_app_inputs import CLOUD_K, EXPLORER, PLAYGROUND_SLIDER
from streamlit.testing.v1 import AppTest

__all__ = ["widgets", "components", "latent_dim", "component_data", "check_app"]


def widgets(at: AppTest, kind: str, key=None, label=None, enabled=True) -> list:
    """The page's widgets of a kind (e.g. "slider"), those whose key is `key` (or for which the
    callable `key` is true) and whose label is `label`; with enabled, only the enabled ones."""
    out = []
    for w in at.get(kind):
        k = getattr(w, "key", None) or ""
        if key is not None and not (key(k) if callable(key) else k == key):
            continue
        if label is not None and getattr(w, "label", None) != label:
            continue
        if enabled and getattr(w, "disabled", False):
            continue
        out.append(w)
    return out


def components(at: AppTest, name_suffix: str) -> list:
    """The page's bidirectional components whose name ends with name_suffix (e.g. "latent_pad")."""
    return [
        n
        for n in at._tree
        if type(n).__name__ == "UnknownElement"
        and n.type == "bidi_component"
        and n.proto.component_name.endswith(name_suffix)
    ]


def latent_dim(at: AppTest) -> int | None:
    """The latent size the sidebar shows, or None where it shows none."""
    radios = widgets(at, "radio", key=lambda k: k.startswith("model_latent_"), enabled=False)
    return int(radios[0].value) if radios else None


def component_data(node) -> dict | None:
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


def check_app(at: AppTest, steps: list[str]) -> None:
    """What the server must hold after every step (the module docstring of test_fuzz_app.py lists
    it); each failed assertion names the steps that led to it."""
    assert not at.exception, (steps, [e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception])
    for e in at.error:
        assert "Traceback" not in str(e.value), (steps, e.value)
    for s in at.get("slider"):
        values = s.value if isinstance(s.value, (list, tuple)) else [s.value]
        for v in values:
            assert s.min <= v <= s.max, (steps, s.key, v, s.min, s.max)
    for s in at.get("select_slider"):
        assert s.proto.value and all(0 <= i < len(s.options) for i in s.proto.value) or not s.proto.value
    _pipeline_is_consistent(at, steps)


def _pipeline_is_consistent(at: AppTest, steps: list[str]) -> None:
    models = widgets(at, "radio", key="pg_model", enabled=False)
    d = latent_dim(at)
    if not models or d is None:
        return
    kind = models[0].value
    found: dict[str, dict[int, float]] = {"mu": {}, "sigma": {}, "eps": {}}
    for s in at.get("slider"):
        m = PLAYGROUND_SLIDER.match(s.key or "")
        if m and m.group(1) == kind:
            found[m.group(2)][int(m.group(3))] = float(s.value)
    if not found["mu"]:
        return  # the model could not be loaded: the page said why
    whats = ("mu", "sigma", "eps") if kind == "vae" else ("mu", "eps")
    for what in whats:
        assert sorted(found[what]) == list(range(d)), (steps, what, sorted(found[what]), d)
    pads = [p for p in components(at, "latent_pad") if p.proto.id.endswith(f"pg_{kind}_pad")]
    assert pads, (steps, "no pipeline component")
    data = component_data(pads[0])
    if data is not None:
        for what in whats:
            sent = data[what]
            assert len(sent) == d, (steps, what, len(sent), d)
            for j, v in enumerate(sent):
                assert math.isclose(v, found[what][j], abs_tol=1e-6), (steps, what, j, v, found[what][j])
        sigma = data["sigma"] if kind == "vae" else [0.0] * d
        z = [m + s * e for m, s, e in zip(data["mu"], sigma, data["eps"], strict=True)]
        assert len(z) == d and all(math.isfinite(v) for v in z), (steps, z)
    if kind == "vae":
        k_sliders = widgets(at, "select_slider", key=CLOUD_K, enabled=False)
        k = int(k_sliders[0].value) if k_sliders else 0
        state = at.session_state
        if EXPLORER in state:
            pipeline = state[EXPLORER].pipelines.get("vae")
            cloud = None if pipeline is None or not pipeline.cloud else pipeline.cloud
        else:  # trees before ui.view_state kept the cloud under its own key
            cloud = state["pg_vae_cloud"] if "pg_vae_cloud" in state else None
        rows = 0 if cloud is None else len(cloud)
        assert rows == k, (steps, "cloud rows", rows, "K", k)
        assert cloud is None or all(len(row) == d for row in cloud), (steps, "cloud width", d)
        if data is not None:
            sent = data.get("cloud")  # {"hash", "k", "d"}; the draws travel as a binary table
            assert (0 if sent is None else sent["k"]) == k and (sent is None or sent["d"] == d)
