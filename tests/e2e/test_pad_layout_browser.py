"""The pipeline row on a projector, a laptop and a wide screen (issue: the lesson in front of a
class), in Chromium: x, μ/σ, the ε-plane, the z-plane, x̂ and the formula z = μ + σ ⊙ ε under them
fit one screen, x̂ on the planes' row, and the planes grow with the width (at least 420 px at
1920 × 1080); the Tour's first step shows its row and Next without scrolling at 1440 × 900.
Bounding boxes are the browser's own (getBoundingClientRect through the component's shadow root).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from pad_helpers import APP_PAD_SELECTOR, PAD  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import open_app  # noqa: E402

ROW = {
    "x": '[data-testid="pipeline-x"]',
    "mu_sigma": '[data-testid="pipeline-mu-sigma"]',
    "eps_plane": '[data-testid="eps-plane"]',
    "z_plane": '[data-testid="latent-pad-plane"]',
    "x_hat": '[data-testid="latent-pad-image"]',
    "formula": '[data-testid="pipeline-formula"]',
}
MIN_WIDE_PLANE = 420  # px, each plane at 1920 x 1080


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _boxes(page: Page, pad: str) -> dict[str, dict]:
    out = {}
    for name, selector in ROW.items():
        box = page.locator(f"{pad} {selector}").bounding_box()
        assert box is not None, f"{name} is not drawn"
        out[name] = box
    return out


def _header_bottom(page: Page) -> float:
    """The bottom of Streamlit's fixed header bar (content under it is covered), 0 without one."""
    return page.evaluate(
        "() => { const h = document.querySelector('[data-testid=\"stHeader\"]');"
        " return h ? h.getBoundingClientRect().bottom : 0; }"
    )


def _inside(boxes: dict[str, dict], width: float, top: float, bottom: float) -> list[str]:
    """The names of the boxes not wholly inside [0, width] x [top, bottom] (1 px of rounding)."""
    return [
        f"{name} {b}"
        for name, b in boxes.items()
        if b["x"] < -1 or b["x"] + b["width"] > width + 1 or b["y"] < top - 1 or b["y"] + b["height"] > bottom + 1
    ]


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_explorer_row_and_its_formula_fit_one_screen_and_grow_with_the_width(browser: Browser, app_url, size):
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    open_app(page, app_url)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()  # the sidebar is open
    expect(page.locator(APP_PAD_SELECTOR)).to_have_attribute("data-ready", "true")
    # Scroll so the formula's line is at the screen's bottom: the whole row must then be above it.
    page.locator(f"{APP_PAD_SELECTOR} {ROW['formula']}").evaluate("e => e.scrollIntoView({block: 'end'})")
    boxes = _boxes(page, APP_PAD_SELECTOR)
    assert not _inside(boxes, width, _header_bottom(page), height), (size, _inside(boxes, width, 0, height))
    planes = boxes["eps_plane"], boxes["z_plane"]
    x_hat = boxes["x_hat"]
    # x̂ on the planes' row: right of the z-plane and level with it, not wrapped under it.
    assert x_hat["x"] >= boxes["z_plane"]["x"] + boxes["z_plane"]["width"] - 1, (x_hat, boxes["z_plane"])
    assert x_hat["y"] < min(p["y"] + p["height"] for p in planes), (x_hat, planes)
    if width >= 1920:
        assert min(p["width"] for p in planes) >= MIN_WIDE_PLANE, planes
    page.close()


def test_the_tours_first_step_shows_its_row_and_next_without_scrolling(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    open_app(page, f"{app_url}/tour")
    pad = f'{PAD}[data-pad-key$="autoencoder"]'
    expect(page.locator(pad)).to_have_attribute("data-ready", "true")
    boxes = _boxes(page, pad)
    next_button = page.get_by_role("button", name="Next", exact=True)
    expect(next_button).to_be_visible()
    boxes["next"] = next_button.bounding_box()
    assert not _inside(boxes, 1440, _header_bottom(page), 900), _inside(boxes, 1440, 0, 900)
    page.close()
