"""ui.pages.maths_lab.bound_text: the Maths lab's sentences say what check_bounds finds, no more.

Synthetic IwaeCurves stand for the cases a real seed gives rarely (an estimate above log p(x), a
fall between two k); the AppTest in test_maths_lab_ui.py checks the page shows these sentences.
"""

from __future__ import annotations

import numpy as np
import pytest

from ui.pages.maths_lab import bound_text
from vae_core.inference.bounds import ElboTerms
from vae_core.inference.iwae_curve import IwaeCurve, check_bounds

KS = (1, 10, 100)


def _curve(means, ses) -> IwaeCurve:
    elbo = ElboTerms(-10.0, 0.1, 1.0, -11.001, 0.1, 0.999, -11.0, 1000, 0.004)
    values = tuple(np.zeros(1000 // k) for k in KS)
    groups = np.array([1000 // k for k in KS])
    return IwaeCurve(np.array(KS), np.array(means), np.array(ses), groups, 1000, values, elbo)


@pytest.mark.parametrize(
    ("error", "text"), [(2.84e-05, "0.00003"), (9.27e-05, "0.0001"), (0.0004, "0.0004"), (0.013, "0.02"), (0.0, "0")]
)
def test_the_quadrature_error_is_rounded_up_to_one_digit(error, text):
    assert bound_text.error_text(error) == text


def test_within_the_noise_the_text_says_so_and_quotes_the_numbers():
    curve = _curve([-11.0, -10.30, -10.05], [0.1, 0.05, 0.02])
    checks = check_bounds(curve, -10.0, 3e-5, bound_text.Z)
    exact = bound_text.exact(curve, checks, -10.0, 3e-5)
    assert "**-10.000 ± 0.00003 nats**" in exact and "quadrature" in exact
    assert "Every L_k lies below it or within 2 SE of it (the nearest is 2.5 SE below it)" in exact
    assert "L_100 is 0.050 ± 0.020 nats below it" in exact and "more than" not in exact
    rise = bound_text.rise(curve, checks)
    assert "from -11.000 to **-10.050 ± 0.020**" in rise and "rises at every step" in rise
    both = bound_text.l1_and_elbo(curve, checks)
    assert "L₁ = **-11.000 ± 0.100**" in both and "ELBO = **-11.001 ± 0.100**" in both
    assert "0.001 ± 0.004 nats apart" in both
    assert "L_10 = **-10.300 ± 0.050 nats**: the mean of 100 independent estimates" in bound_text.chosen_k(curve, 10)


def test_estimates_above_log_px_and_falls_are_named_not_hidden():
    curve = _curve([-11.0, -9.80, -9.95], [0.1, 0.05, 0.05])
    checks = check_bounds(curve, -10.0, 0.0, bound_text.Z)
    exact = bound_text.exact(curve, checks, -10.0, 0.0)
    assert "Every L_k" not in exact
    assert "These estimates lie more than 2 SE above it: k = 10 (+0.200 nats, 4.0 SE)" in exact
    assert "L_100 is 0.050 ± 0.050 nats above it" in exact
    rise = bound_text.rise(curve, checks)
    assert "It falls by more than 2 SE at k = 10 → 100 (0.150 nats, 2.1 SE)" in rise and "rises at every" not in rise
    dips = _curve([-11.0, -10.30, -10.32], [0.1, 0.05, 0.05])
    assert "dips at 1 of the 2 steps, each dip within 2 SE" in bound_text.rise(dips, check_bounds(dips))


def test_without_a_2d_latent_no_exact_value_is_claimed():
    curve = _curve([-11.0, -10.30, -10.05], [0.1, 0.05, 0.02])
    text = bound_text.exact(curve, check_bounds(curve), None, 0.0)
    assert text.startswith("No exact log p(x) here") and "L_100 = -10.050 ± 0.020" in text
