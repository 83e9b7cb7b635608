"""The pad on a plane that is not two latent dimensions: the first two principal components of
the shipped 16-D VAE's gallery codes (Playwright + Chromium against tests/e2e/apps/pad_app.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("playwright")

from pad_helpers import PAD, TOLERANCE, client, commit, open_pad, stats  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

import vae_core  # noqa: E402
from e2e_harness import expect_rerun  # noqa: E402
from vae_core.data.galleries import load_gallery  # noqa: E402
from vae_core.inference.codes import encode_images  # noqa: E402
from vae_core.maths.projection import pca_projection  # noqa: E402


def test_a_pca_plane_of_the_16d_vae_moves_z_on_the_plane_and_keeps_the_rest(page: Page, streamlit_app):
    """On the plane of the first two principal components, a drag moves z to the plane point
    under the pointer and leaves every component of z off the plane as it was."""
    entry = next((e for e in vae_core.list_models() if e["name"] == "mnist-vae-16d"), None)
    assert entry is not None, "models/mnist-vae-16d.safetensors is shipped (committed): it must be there"
    env = {"PAD_TEST_CHECKPOINT": entry["path"], "PAD_TEST_INDEX": "0", "PAD_TEST_PLANE": "pca"}
    open_pad(page, streamlit_app, {"env": env})
    expect(page.locator(PAD).locator(".lp-plane .lp-axes")).to_contain_text("PC1")
    codes, _ = encode_images(vae_core.load_model(entry["path"]), load_gallery("mnist").images)
    plane = pca_projection(codes)
    start = torch.tensor(stats(page)["z"], dtype=torch.float64)
    assert stats(page)["plane"] == pytest.approx(plane.to_plane(start[None])[0].tolist(), abs=1e-9)
    target = (1.5, -1.0)
    x0, y0 = client(page, *plane.to_plane(start[None])[0].tolist())
    x1, y1 = client(page, *target)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10)
    with expect_rerun(page):
        page.mouse.up()
    z = torch.tensor(commit(page, 1)["z"], dtype=torch.float64)
    assert plane.to_plane(z[None])[0].tolist() == pytest.approx(list(target), abs=0.05)  # about a pixel
    off = lambda v: v - (v - plane.origin) @ plane.basis.T @ plane.basis  # noqa: E731 - the part off the plane
    assert (off(z) - off(start)).abs().max() < 1e-6
    shown = np.array(page.evaluate("window.__latentPad.pixels('pad')"))
    with torch.no_grad():
        expected = vae_core.load_model(entry["path"]).decode(z[None].float()).reshape(-1).numpy()
    assert np.abs(shown - expected).max() <= TOLERANCE


def test_on_a_pca_plane_the_eps_plane_and_the_readout_say_which_coordinates_they_show(page: Page, streamlit_app):
    """16-D: the z-plane shows PC1-PC2, while the ε-plane and the μ, σ readout show coordinates 1
    and 2 of z; each says so."""
    entry = next(e for e in vae_core.list_models() if e["name"] == "mnist-vae-16d")
    env = {"PAD_TEST_CHECKPOINT": entry["path"], "PAD_TEST_INDEX": "0", "PAD_TEST_PLANE": "pca"}
    open_pad(page, streamlit_app, {"env": env})
    pad = page.locator(PAD)
    expect(pad.locator(".lp-plane .lp-axes")).to_contain_text("PC1")
    expect(pad.locator('[data-testid="eps-dims"]')).to_have_text("coordinates 1, 2 of 16")
    expect(pad.locator(".lp-eps-plane .lp-axes")).to_contain_text("ε₁")
    note = pad.locator('[data-testid="mu-sigma-dims"]')
    expect(note).to_be_visible()
    expect(note).to_have_text("coordinates 1, 2 of 16; the z-plane shows PC1–PC2")
    expect(pad.locator('[data-testid="pipeline-formula"]')).to_contain_text("coordinates 1 and 2 of 16")


def test_on_a_2d_plane_no_coordinates_note_is_shown(page: Page, streamlit_app):
    entry = next(e for e in vae_core.list_models() if e["kind"] == "vae" and e["latent_dim"] == 2)
    open_pad(page, streamlit_app, {"env": {"PAD_TEST_CHECKPOINT": entry["path"]}})
    pad = page.locator(PAD)
    expect(pad.locator('[data-testid="mu-sigma-dims"]')).to_be_hidden()
    expect(pad.locator('[data-testid="eps-dims"]')).to_have_text("")
