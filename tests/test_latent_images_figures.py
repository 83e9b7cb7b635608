"""Latent-space operations, image helpers and figures: shapes, ranges, content."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from vae_core.data.preprocess import image_from_upload
from vae_core.inference.codes import latent_grid
from vae_core.maths.latent import code_box, interpolate, inverse_cdf_axis, linear_axis, nearest_distance
from vae_core.viz.figures import latent_scatter, posterior_plane
from vae_core.viz.images import tile, to_png


def test_interpolate_endpoints_and_straight_line():
    a, b = torch.tensor([-1.0, 2.0]), torch.tensor([3.0, 0.0])
    line = interpolate(a, b, 5)
    assert line.shape == (5, 2)
    assert torch.equal(line[0], a) and torch.equal(line[-1], b)
    torch.testing.assert_close(line[2], (a + b) / 2)
    with pytest.raises(ValueError):
        interpolate(a, b, 1)


def test_inverse_cdf_axis_is_symmetric_with_equal_prior_mass():
    axis = inverse_cdf_axis(11)
    torch.testing.assert_close(axis, -axis.flip(0), atol=1e-6, rtol=0)
    cdf = torch.distributions.Normal(0, 1).cdf(axis)
    torch.testing.assert_close(cdf[1:] - cdf[:-1], torch.full((10,), 0.09), atol=1e-5, rtol=0)
    assert abs(float(axis[-1]) - 1.6449) < 1e-3


def test_latent_grid_orientation(tiny_vae):
    xs, ys = linear_axis(3, -1, 1), linear_axis(4, -2, 2)
    grid = latent_grid(tiny_vae, xs, ys, "linear")
    assert grid.images.shape == (4, 3, 28, 28)
    # top-left cell is (x_min, y_max)
    expected = tiny_vae.decode(torch.tensor([[-1.0, 2.0]]))[0, 0]
    torch.testing.assert_close(grid.images[0, 0], expected)
    assert "linear" in grid.describe() and "[-1.00, 1.00]" in grid.describe()


def test_code_box_and_nearest_distance():
    codes = torch.linspace(0, 100, 101).unsqueeze(1).repeat(1, 2)
    low, high = code_box(codes)
    assert float(low[0]) == pytest.approx(1.0) and float(high[0]) == pytest.approx(99.0)
    ref = torch.zeros(3, 1, 28, 28)
    ref[1] = 1.0
    d = nearest_distance(torch.stack([torch.zeros(1, 28, 28), torch.full((1, 28, 28), 0.5)]), ref)
    torch.testing.assert_close(d, torch.tensor([0.0, 0.5]))


def test_png_is_crisp_nearest_neighbour():
    image = torch.zeros(28, 28)
    image[0, 0] = 1.0
    png = Image.open(io.BytesIO(to_png(image, 4)))
    assert png.size == (112, 112) and png.mode == "L"
    block = np.asarray(png)[:4, :4]
    assert (block == 255).all() and np.asarray(png)[4, 4] == 0


def test_tile_layout():
    images = torch.rand(5, 1, 28, 28)
    out = tile(images, columns=3, pad=2)
    assert out.shape == (2 * 28 + 2, 3 * 28 + 2 * 2)
    torch.testing.assert_close(out[30:58, 30:58], images[4, 0])


def _png_bytes(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_is_normalised_like_mnist():
    # a dark digit-like bar on a white photo, not centred
    array = np.full((100, 80), 255, np.uint8)
    array[10:60, 5:15] = 0
    x = image_from_upload(_png_bytes(array), "bar.png")
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert float(x.max()) > 0.9 and float(x[0, 0, 0, 0]) == 0.0  # inverted: white ink on black
    rows = torch.nonzero(x[0, 0].sum(1) > 0).flatten()
    assert 3 <= int(rows.min()) and int(rows.max()) <= 24  # centred in 20x20 box


def test_unreadable_and_blank_uploads_raise():
    with pytest.raises(ValueError, match="notes.txt: this file is not a readable image"):
        image_from_upload(b"hello, I am text", "notes.txt")
    with pytest.raises(ValueError, match="blank"):
        image_from_upload(_png_bytes(np.full((30, 30), 255, np.uint8)), "white.png")


def test_latent_scatter_traces():
    codes = np.random.default_rng(0).normal(size=(50, 2))
    labels = np.arange(50) % 10
    fig = latent_scatter(codes, labels, "t", path=codes[:3], highlight={"A": codes[0]})
    names = [t.name for t in fig.data]
    assert names[:10] == [str(d) for d in range(10)] and "path" in names and "A" in names
    assert sum(len(t.x) for t in fig.data[:10]) == 50
    assert fig.data[0].type == "scattergl"


def test_posterior_plane_draws_posterior_only_when_sigma_positive():
    fig = posterior_plane([1.0, 0.0], [0.5, 0.2], [1.5, -0.2])
    names = [t.name for t in fig.data]
    assert {"prior 1σ", "prior 2σ", "q(z|x) 1σ", "q(z|x) 2σ", "μ", "z"} <= set(names)
    q1 = fig.data[names.index("q(z|x) 1σ")]
    assert max(q1.x) == pytest.approx(1.5) and max(q1.y) == pytest.approx(0.2, abs=1e-3)
    z = fig.data[names.index("z")]
    assert (z.x[0], z.y[0]) == (1.5, -0.2)
    ae = posterior_plane([1.0, 0.0], [0.0, 0.0], [1.0, 0.0])
    assert not any(t.name.startswith("q(z|x)") for t in ae.data)
