"""A drag on the pipeline is not undone by the sliders' stale values (AppTest, the real app).

After a release on a plane the server moves μ and redraws the μ sliders, but until that run's
output reaches the browser the sliders there still hold the old μ, and a message the browser sends
meanwhile (another component's event) carries it. Streamlit takes it for a move of the slider; the
playground must not write it back into the state. A real move of the slider still counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fuzz_app_checks import components, widgets
from fuzz_app_inputs import trigger_id
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def _slider(at: AppTest, key: str):
    return widgets(at, "slider", key=key)[0]


def _send(at: AppTest, states, component, event: str, value) -> None:
    """What the browser sends for a component event: the given widget states plus the event."""
    states.widgets.add(
        id=trigger_id(component.proto.id), json_trigger_value=json.dumps([{"event": event, "value": value}])
    )
    at._run(states)
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_message_with_the_sliders_old_values_does_not_undo_a_drag(app):
    at = app
    old = _slider(at, "pg_vae_mu_0").value
    pad = next(c for c in components(at, "latent_pad") if c.proto.id.endswith("pg_vae_pad"))
    stale = at._tree.get_widget_states()  # what the browser holds before the drag's run reaches it
    moved = round(old + 0.5, 2)
    _send(
        at,
        at._tree.get_widget_states(),
        pad,
        "commit",
        {"z": [moved, 0.0], "eps": [0.0, 0.0], "mu": [moved, 0.0], "source": "mu"},
    )
    assert _slider(at, "pg_vae_mu_0").value == pytest.approx(moved)
    # Another event (the pad asks for its data again) sent with the sliders' values from before.
    _send(at, stale, pad, "need", True)
    assert _slider(at, "pg_vae_mu_0").value == pytest.approx(moved), "the stale slider value undid the drag"
    # A real move of the slider afterwards is taken.
    _slider(at, "pg_vae_mu_0").set_value(round(moved - 0.25, 2)).run()
    assert not at.exception
    assert _slider(at, "pg_vae_mu_0").value == pytest.approx(moved - 0.25)


def test_a_slider_the_state_moved_back_and_forth_does_not_make_a_real_move_an_echo(app):
    """μ2 leaves a value and comes back to it within two runs (a drag, then Encoder): where the
    browser now shows it is not an echo, so the next real move of μ1 (to any value) is taken."""
    at = app
    mu1, mu2 = _slider(at, "pg_vae_mu_0").value, _slider(at, "pg_vae_mu_1").value
    pad = next(c for c in components(at, "latent_pad") if c.proto.id.endswith("pg_vae_pad"))
    _send(
        at,
        at._tree.get_widget_states(),
        pad,
        "commit",
        {"z": [0.5, 0.5], "eps": [0.0, 0.0], "mu": [0.5, 0.5], "source": "mu"},
    )
    at.button(key="pg_vae_reset").click().run()  # μ back to the encoder's (mu1, mu2)
    assert not at.exception
    assert _slider(at, "pg_vae_mu_1").value == pytest.approx(mu2)
    _slider(at, "pg_vae_mu_0").set_value(0.5).run()  # 0.5: a value μ1 left two runs ago
    assert not at.exception
    assert _slider(at, "pg_vae_mu_0").value == pytest.approx(0.5)
    assert at.session_state["explorer_view"].pipelines["vae"].mu[0] == pytest.approx(0.5)
    assert mu1 != pytest.approx(0.5)
