"""The Explorer's one state object (ui/view_state.py): every change validated as a whole."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.view_state import Bounds, ExplorerView, Pipeline
from vae_core import reparameterize

BOUNDS = Bounds(mu_range=4.0, sigma_max=1.5)


def _pipeline(d: int = 2) -> Pipeline:
    return Pipeline.fitted([0.1234567] * d, [0.0512345] * d, BOUNDS, "model|input")


def test_the_encoders_q_is_stored_at_the_apps_steps_with_eps_zero():
    p = _pipeline()
    assert p.mu == (0.123, 0.123) and p.sigma == (0.0512, 0.0512) and p.eps == (0.0, 0.0)
    assert p.source == "model|input" and p.cloud == () and p.window is None


def test_z_is_mu_plus_sigma_times_eps_as_reparameterize_computes_it():
    p = _pipeline().changed(BOUNDS, eps=[1.25, -0.5])
    expected = reparameterize(torch.tensor([p.mu]), torch.tensor([p.sigma]), torch.tensor([p.eps]))[0]
    assert p.z == pytest.approx(expected.tolist(), abs=1e-6)


def test_a_change_is_clamped_to_the_sliders_ranges_and_each_clamp_is_named():
    notes: list[str] = []
    p = _pipeline().changed(BOUNDS, mu=[100.0, 0.0], sigma=[-1.0, 0.2], eps=[9.0, 0.0], notes=notes)
    assert p.mu == (4.0, 0.0) and p.sigma == (0.0, 0.2) and p.eps == (4.0, 0.0)
    assert notes == [
        "mu1 = 100 set to 4 (the range is -4 to 4)",
        "sigma1 = -1 set to 0 (the range is 0 to 1.5)",
        "eps1 = 9 set to 4 (the range is -4 to 4)",
    ]


@pytest.mark.parametrize("bad", [[0.0], [0.0, 0.0, 0.0], [float("nan"), 0.0], [float("inf"), 0.0]])
def test_a_vector_of_the_wrong_length_or_not_finite_is_refused(bad):
    with pytest.raises(ValueError):
        _pipeline().changed(BOUNDS, mu=bad)


def test_a_pipeline_cannot_hold_vectors_or_a_cloud_of_another_latent_size():
    with pytest.raises(ValueError, match="mu must have 16 values"):
        Pipeline(16, (0.0,) * 2, (0.0,) * 16, (0.0,) * 16)
    with pytest.raises(ValueError, match="cloud row"):
        Pipeline(2, (0.0,) * 2, (0.0,) * 2, (0.0,) * 2, cloud=((0.0,) * 16,))


def test_the_cloud_follows_k_and_is_redrawn_only_when_asked():
    g = torch.Generator().manual_seed(0)
    p = _pipeline(16).with_cloud(50, g)
    assert len(p.cloud) == 50 and all(len(row) == 16 for row in p.cloud)
    assert p.with_cloud(50, g) is p  # the same K: kept
    assert p.with_cloud(50, g, fresh=True).cloud != p.cloud  # Resample: new draws
    assert p.with_cloud(0, g).cloud == ()


def test_a_refit_moves_the_z_plane_and_forgets_the_zoom():
    p = _pipeline()
    p = Pipeline(**{**p.__dict__, "window": (0.0, 0.0, 1.0)})
    q = p.refit(BOUNDS, [0.0, 0.0], [1.0, 1.0], [0.5, 0.5])
    assert q.refits == p.refits + 1 and q.window is None and q.sigma == (1.0, 1.0)


def test_the_view_holds_one_pipeline_per_kind():
    view = ExplorerView().with_pipeline("vae", _pipeline()).with_pipeline("ae", _pipeline(16))
    assert view.pipelines["vae"].latent_dim == 2 and view.pipelines["ae"].latent_dim == 16
    assert view.k == 0 and view.posterior is False


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=2, max_size=2))
def test_any_finite_change_stays_within_the_ranges(values):
    p = _pipeline().changed(BOUNDS, mu=values, sigma=values, eps=values)
    assert all(-4 <= v <= 4 for v in p.mu + p.eps) and all(0 <= v <= 1.5 for v in p.sigma)


def test_the_tour_view_clamps_its_step_and_starts_a_step_afresh():
    from ui.view_state import TourPad, TourView

    assert TourView(step=99).validated(11).step == 10 and TourView(step=-1).validated(11).step == 0
    assert TourView(step="two").validated(11).step == 0 and TourView(step=True).validated(11).step == 0
    view = TourView(step=3, revealed={"reparam", "q"}, pads={"reparam": TourPad([0.0, 0.0], [1.0, 1.0], [1.0, 0.0])})
    view.enter(6, "reparam")
    assert view.step == 6 and view.revealed == {"q"} and "reparam" not in view.pads
