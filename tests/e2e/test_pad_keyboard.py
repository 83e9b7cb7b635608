"""The pipeline pad by keyboard alone (ui/components/latent_pad), in Chromium on the Explorer.

Every drag has its keys: on the focused ε-plane the arrow keys move ε (Shift: five steps), Tab
goes on to the z-plane, where the arrow keys move z, M switches to moving μ, + zooms and Home
sends z back to μ. The point the keys move wears a visible ring. After each move the pad's
aria-live description says where z is and what the decoded image looks like, and the class and
confidence it names are the classifier's on decoder(z), recomputed here with vae_core.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")

import torch  # noqa: E402
from pad_helpers import APP_PAD_SELECTOR  # noqa: E402
from playwright.sync_api import Locator, Page, expect  # noqa: E402

from e2e_harness import REPO, expect_rerun, open_app  # noqa: E402
from vae_core.classifier import find_classifier, judge, load_classifier  # noqa: E402
from vae_core.data.galleries import CLASS_NAMES  # noqa: E402
from vae_core.models.checkpoint import load_model  # noqa: E402

STEP = 4.0 / 40  # an arrow key on the ε-plane: its half-width (the ε limit, 4) / 40
BIG = 5 * STEP  # with Shift
MODEL = REPO / "models" / "mnist-vae-2d.safetensors"  # the Explorer's model when nothing is chosen


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _vector(pad: Locator, name: str) -> list[float]:
    return json.loads(pad.get_attribute(f"data-{name}"))


def _words(v: float) -> str:
    """A number as the description writes it (pad.js fmt: two places, a real minus sign)."""
    return "0.00" if abs(v) < 0.005 else ("−" if v < 0 else "") + f"{abs(v):.2f}"


def _ring_shown(page: Page, ring: str) -> bool:
    """Whether the focus ring `ring` (a class inside the pad) is drawn: opacity 1."""
    return page.locator(f"{APP_PAD_SELECTOR} {ring}").evaluate("el => getComputedStyle(el).opacity") == "1"


def _verdict(z: list[float]) -> tuple[str, float]:
    """What the shipped MNIST classifier says decoder(z) of the Explorer's model shows."""
    model = load_model(MODEL)
    classifier = load_classifier(find_classifier("mnist", Path(REPO / "models" / "classifiers")))
    with torch.no_grad():
        verdict = judge(classifier, model.decode(torch.tensor([z], dtype=torch.float32)))
    return CLASS_NAMES["mnist"][int(verdict.labels[0])], float(verdict.confidence[0])


def test_every_pad_move_has_keys_a_focus_ring_and_words(page: Page, app_url):
    open_app(page, app_url + "/explorer")
    pad = page.locator(APP_PAD_SELECTOR)
    expect(pad).to_have_attribute("data-ready", "true")
    words = page.locator(f'{APP_PAD_SELECTOR} [data-testid="pad-description"]')
    expect(words).to_have_attribute("aria-live", "polite")
    eps_plane = page.locator(f'{APP_PAD_SELECTOR} [data-testid="eps-plane-svg"]')
    z_plane = page.locator(f'{APP_PAD_SELECTOR} [data-testid="latent-pad-svg"]')

    # ε by arrow keys, a step and a Shift step; each key-up commits and the server answers.
    eps_plane.focus()
    assert _ring_shown(page, ".lp-eps-ring") and not _ring_shown(page, ".lp-z-ring")
    e0, e1 = _vector(pad, "eps")
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")
    with expect_rerun(page):
        page.keyboard.press("Shift+ArrowUp")
    moved = _vector(pad, "eps")
    assert moved == pytest.approx([e0 + STEP, e1 + BIG], abs=1e-6)
    z = _vector(pad, "z")
    label, confidence = _verdict(z)
    expect(words).to_contain_text(f"ε = ({_words(moved[0])}, {_words(moved[1])})")
    expect(words).to_contain_text(f"z = ({_words(z[0])}, {_words(z[1])})")
    expect(words).to_contain_text(re.compile(r"(inside q's 1σ ellipse|between q's 1σ and 2σ ellipses)"))
    expect(words).to_contain_text("the decoded image looks like")
    said = re.search(r"looks like an? (.+), (\d+) %", words.inner_text())
    assert said is not None and said.group(1) == label, (words.inner_text(), label)
    assert abs(int(said.group(2)) - 100 * confidence) <= 1, (words.inner_text(), confidence)

    # Tab goes on (past the zoom buttons) to the z-plane; its arrow keys move z, ε follows.
    for _ in range(8):
        page.keyboard.press("Tab")
        if z_plane.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(z_plane).to_be_focused()
    assert _ring_shown(page, ".lp-z-ring") and not _ring_shown(page, ".lp-eps-ring")
    z_before, window_before = _vector(pad, "z"), _vector(pad, "window")
    with expect_rerun(page):
        page.keyboard.press("ArrowDown")
    z_after = _vector(pad, "z")
    assert z_after[1] < z_before[1] and z_after[0] == pytest.approx(z_before[0], abs=1e-9)
    assert _vector(pad, "eps") != moved

    # M: the keys now move μ (its ring shows, z's does not), and ε is held.
    page.keyboard.press("m")
    expect(pad).to_have_attribute("data-mode", "mu")
    assert _ring_shown(page, ".lp-mu-ring") and not _ring_shown(page, ".lp-z-ring")
    mu_before, eps_held = _vector(pad, "mu"), _vector(pad, "eps")
    with expect_rerun(page):
        page.keyboard.press("ArrowLeft")
    assert _vector(pad, "mu")[0] < mu_before[0] and _vector(pad, "eps") == pytest.approx(eps_held, abs=1e-9)
    expect(words).to_contain_text("μ = (")
    page.keyboard.press("M")
    expect(pad).to_have_attribute("data-mode", "z")

    # + zooms in about the window's centre: half the width (the pad tells Python the new window).
    with expect_rerun(page):
        page.keyboard.press("+")
    window = _vector(pad, "window")
    assert window[1] - window[0] == pytest.approx((window_before[1] - window_before[0]) / 2, rel=1e-6)

    # Home: z back to μ (ε = 0).
    with expect_rerun(page):
        page.keyboard.press("Home")
    assert _vector(pad, "z") == pytest.approx(_vector(pad, "mu"), abs=1e-9)
    expect(words).to_contain_text("ε = (0.00, 0.00)")
    expect(words).to_contain_text("inside q's 1σ ellipse")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
