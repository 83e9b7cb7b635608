"""The exact log p(x) of a 2-D VAE by quadrature: against a closed form, a denser grid, and IWAE."""

import math

import pytest
import torch

import vae_core
from vae_core.data.galleries import load_gallery
from vae_core.inference.bounds import iwae_bounds
from vae_core.inference.marginal import quadrature
from vae_core.maths.marginal import quadrature_log_marginal
from vae_core.models import ModelConfig, build_model


@pytest.mark.parametrize(
    ("a", "s", "x"),
    [
        ((2.0, -1.0), 0.1, 0.7),
        ((0.3, 0.5), 1.0, -2.0),
        # a ridge 0.008 wide across the whole box: 130,000 cells, about 1 s
        pytest.param((5.0, 4.0), 0.05, 3.0, marks=pytest.mark.slow),
    ],
)
def test_a_linear_gaussian_model_matches_its_closed_form(a, s, x):
    """x | z ~ N(a.z, s^2), z ~ N(0, I)  =>  x ~ N(0, |a|^2 + s^2): log p(x) in closed form."""
    a_t = torch.tensor(a, dtype=torch.float64)

    def log_likelihood(z):
        return -0.5 * ((x - z @ a_t) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)

    var = float(a_t @ a_t) + s**2
    exact = -0.5 * x**2 / var - 0.5 * math.log(2 * math.pi * var)
    width = s / float(a_t.norm())  # the posterior's narrowest direction
    q = quadrature_log_marginal(log_likelihood, width)
    assert q.log_px == pytest.approx(exact, abs=1e-4)
    assert abs(q.log_px - exact) <= q.error + 1e-7  # its stated error (+ the mass outside the box)
    # told a width five times too wide (as a broad q under a narrow posterior), the rule keeps
    # splitting until its error is under 0.001 nats, and is right
    wide = quadrature_log_marginal(log_likelihood, 5 * width)
    assert wide.error < 1e-3 and wide.log_px == pytest.approx(exact, abs=1e-3)


def test_a_centre_far_out_widens_the_box():
    """x | z ~ N(z_1, 0.1^2) observed at 9: the posterior sits near z_1 = 8.9, outside [-6, 6]."""

    def log_likelihood(z):
        return -0.5 * ((9.0 - z[:, 0]) / 0.1) ** 2 - math.log(0.1) - 0.5 * math.log(2 * math.pi)

    var = 1.0 + 0.01
    exact = -0.5 * 81.0 / var - 0.5 * math.log(2 * math.pi * var)
    q = quadrature_log_marginal(log_likelihood, 0.1, centre=(8.9, 0.0))
    assert q.log_px == pytest.approx(exact, abs=1e-4) and q.error < 1e-3
    box = q.box(14.0)
    assert box[0] < 8.9 < box[1] and box[2] < 0.0 < box[3]
    with pytest.raises(ValueError, match="centre"):
        quadrature_log_marginal(log_likelihood, 0.1, centre=(math.inf, 0.0))


@pytest.fixture(scope="module")
def vae(shipped):
    return vae_core.load_model(shipped["vae"]["path"])


@pytest.mark.parametrize("row", [1000, 4321])
def test_the_grid_is_fine_enough_a_denser_one_agrees_within_0_01_nats(vae, row):
    x = load_gallery("mnist").images[row : row + 1]
    coarse, dense = quadrature(vae, x), quadrature(vae, x, density=2)
    assert abs(coarse.log_px - dense.log_px) < 0.01
    assert abs(coarse.log_px - dense.log_px) <= coarse.error < 0.01  # the error it states covers it
    assert coarse.refined > 0 and dense.sub_step < coarse.sub_step


def test_iwae_approaches_log_px_from_below_as_k_grows(vae):
    x = load_gallery("mnist").images[1000:1001]
    log_px = float(vae_core.log_marginal_likelihood(vae, x)[0])
    means, ses = [], []
    for k in (1, 10, 100, 1000):
        values = iwae_bounds(vae, x.expand(32, 1, 28, 28), k, torch.Generator().manual_seed(k))
        means.append(float(values.mean()))
        ses.append(float(values.std() / math.sqrt(len(values))))
    assert means == sorted(means), means  # L_k rises with k (Burda et al. thm 1)
    for mean, se in zip(means, ses, strict=True):
        assert mean <= log_px + 5 * se  # ... and stays below log p(x)
    assert log_px - means[-1] < 0.1  # L_1000 is within 0.1 nats of it


def test_the_public_function_shape_dtype_and_refusals(vae, tiny_ae):
    x = load_gallery("mnist").images[:2]
    out = vae_core.log_marginal_likelihood(vae, x)
    assert out.shape == (2,) and out.dtype == torch.float64 and bool((out < 0).all())
    with pytest.raises(TypeError, match="plain autoencoder"):
        vae_core.log_marginal_likelihood(tiny_ae, x)
    wide = build_model(ModelConfig(kind="vae", latent_dim=3, hidden=[8]))
    with pytest.raises(ValueError, match="latent_dim == 2"):
        vae_core.log_marginal_likelihood(wide, x)
