"""Planes through a latent space with latent_dim > 2, and the offline Fashion-MNIST gallery."""

from pathlib import Path

import numpy as np
import pytest
import torch

import vae_core
from vae_core.data import load_idx_split
from vae_core.data.galleries import CLASS_NAMES, load_gallery
from vae_core.inference.codes import encode_images
from vae_core.maths.projection import axes_projection, pca_projection

FASHION = Path("/usr/share/datasets/fashion-mnist")


def test_pca_plane_round_trips_codes_of_a_shipped_16d_model():
    entry = next(e for e in vae_core.list_models() if e["latent_dim"] == 16 and e["kind"] == "vae")
    codes, _ = encode_images(vae_core.load_model(entry["path"]), load_gallery("mnist").images[:1000])
    plane = pca_projection(codes)
    torch.testing.assert_close(plane.basis @ plane.basis.T, torch.eye(2, dtype=torch.float64))
    p = plane.to_plane(codes)
    for base in (codes[0], codes[17]):
        lifted = plane.lift(p, base)
        assert (plane.to_plane(lifted) - p).abs().max() < 1e-5  # plane -> codes -> plane
        off = (lifted - base.double()) - (lifted - base.double()) @ plane.basis.T @ plane.basis
        assert off.abs().max() < 1e-5  # off the plane: base's values
    assert p.var(dim=0).sum() >= (codes.double() - codes.double().mean(0)).var(dim=0).sort().values[-2:].sum() * 0.999


def test_the_pca_plane_is_the_direction_of_most_spread():
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(2000, 5, generator=g) * torch.tensor([0.1, 3.0, 0.2, 2.0, 0.1])
    plane = pca_projection(codes)
    assert plane.basis[0, 1].abs() > 0.99 and plane.basis[1, 3].abs() > 0.99
    assert plane.labels == ("PC1", "PC2")


def test_two_dimensions_plane_holds_the_others():
    plane = axes_projection(16, 3, 7)
    base = torch.arange(16, dtype=torch.float32)
    z = plane.lift(torch.tensor([[10.0, -10.0]]), base)[0]
    assert z[3] == 10.0 and z[7] == -10.0
    keep = [k for k in range(16) if k not in (3, 7)]
    assert torch.equal(z[keep], base.double()[keep]) and plane.labels == ("z₄", "z₈")
    with pytest.raises(ValueError, match="two different"):
        axes_projection(16, 2, 2)


def test_the_fashion_gallery_loads_offline_from_the_package():
    gallery = load_gallery("fashion-mnist")
    assert gallery.images.shape == (3000, 1, 28, 28) and gallery.images.dtype == torch.float32
    assert 0.0 <= float(gallery.images.min()) and float(gallery.images.max()) <= 1.0
    assert torch.equal(torch.bincount(gallery.labels), torch.full((10,), 300))
    assert "MIT" in gallery.source and len(CLASS_NAMES["fashion-mnist"]) == 10
    path = Path(vae_core.data.galleries.FOLDER) / "fashion-mnist.npz"
    assert path.stat().st_size <= 3_000_000


def test_the_fashion_gallery_holds_the_official_test_images():
    if not FASHION.is_dir():
        pytest.skip(f"no official Fashion-MNIST here ({FASHION}: apt-get install dataset-fashion-mnist)")
    test = load_idx_split(FASHION, "test", name="fashion-mnist")
    with np.load(Path(vae_core.data.galleries.FOLDER) / "fashion-mnist.npz") as data:
        rows = torch.from_numpy(data["test_rows"].astype(np.int64))
    gallery = load_gallery("fashion-mnist")
    assert torch.equal(gallery.images, test.images[rows]) and torch.equal(gallery.labels, test.labels[rows])
