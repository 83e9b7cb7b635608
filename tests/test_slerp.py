"""Spherical interpolation (White 2016) against scipy's geometric_slerp, and its properties."""

import math

import numpy as np
import pytest
import torch
from scipy.spatial import geometric_slerp

from vae_core.maths.latent import interpolate, interpolation_path, slerp


def test_matches_scipy_on_the_unit_sphere():
    g = torch.Generator().manual_seed(0)
    for d in (2, 3, 16):
        a, b = torch.randn(d, generator=g, dtype=torch.float64), torch.randn(d, generator=g, dtype=torch.float64)
        a, b = a / a.norm(), b / b.norm()
        ours = slerp(a, b, 9).numpy()
        oracle = geometric_slerp(a.numpy(), b.numpy(), np.linspace(0, 1, 9))
        np.testing.assert_allclose(ours, oracle, atol=1e-10)


def test_ends_angles_and_norms():
    a, b = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 1.0])
    path = slerp(a, b, 7)
    torch.testing.assert_close(path[0], a)
    torch.testing.assert_close(path[-1], b)
    torch.testing.assert_close(path[3], torch.tensor([3.0, 1.0]) * math.sqrt(0.5))  # sin(Ω/2) / sin Ω each
    norms = path.norm(dim=1)
    assert torch.all(norms[1:] <= norms[:-1] + 1e-6) and norms[-1] == pytest.approx(1.0)
    # equal norms stay on the sphere; the straight line dips inside it
    c, d = torch.tensor([2.0, 0.0, 0.0]), torch.tensor([0.0, 0.0, 2.0])
    on_sphere = slerp(c, d, 5)
    torch.testing.assert_close(on_sphere.norm(dim=1), torch.full((5,), 2.0))
    angles = torch.atan2(on_sphere[:, 2], on_sphere[:, 0])
    torch.testing.assert_close(angles, torch.linspace(0, math.pi / 2, 5))  # uniform in angle
    assert interpolate(c, d, 5).norm(dim=1)[2] == pytest.approx(math.sqrt(2))


def test_centre_and_degenerate_cases():
    a, b, c = torch.tensor([1.0, 2.0]), torch.tensor([-2.0, 0.5]), torch.tensor([10.0, -3.0])
    torch.testing.assert_close(slerp(a + c, b + c, 6, center=c), slerp(a, b, 6) + c)
    parallel = torch.tensor([2.0, 4.0])
    torch.testing.assert_close(slerp(a, parallel, 5), interpolate(a, parallel, 5))  # undefined circle: a line
    torch.testing.assert_close(slerp(a, -a, 5), interpolate(a, -a, 5))
    torch.testing.assert_close(slerp(torch.zeros(2), b, 4), interpolate(torch.zeros(2), b, 4))


def test_interpolation_path_dispatches_and_checks():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    torch.testing.assert_close(interpolation_path(a, b, 4, "linear"), interpolate(a, b, 4))
    torch.testing.assert_close(interpolation_path(a, b, 4, "slerp"), slerp(a, b, 4))
    with pytest.raises(ValueError, match="method must be one of"):
        interpolation_path(a, b, 4, "cubic")
    with pytest.raises(ValueError, match="steps"):
        slerp(a, b, 1)
    with pytest.raises(ValueError, match="center must have shape"):
        slerp(a, b, 3, center=torch.zeros(3))
