"""The pipeline row on a projector, a laptop and a wide screen (issue: the lesson in front of a
class), in Chromium: x, μ/σ, the ε-plane, the z-plane, x̂ and the formula z = μ + σ ⊙ ε under them
are on the first screen, with no scrolling, x̂ on the planes' row, and the planes grow with the
width (at least 420 px at 1920 × 1080); the Tour's first step shows its row, its two planes side by
side, and Next on the first screen at 1280 × 720, 1440 × 900 and 1920 × 1080, in presentation mode
too (the Explorer's row as well, its sidebar folded away). Bounding boxes are the browser's own
(getBoundingClientRect through the component's shadow root).
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")

from pad_helpers import APP_PAD_SELECTOR, PAD, PAD_SMALLEST_TEXT  # noqa: E402
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
MIN_PRESENT_PX = 18.0  # presentation mode: the smallest text in the pad


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


SIZES = [(1280, 720), (1440, 900), (1920, 1080)]


def _size_id(size) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("present", [False, True], ids=["plain", "presentation"])
@pytest.mark.parametrize("size", SIZES, ids=_size_id)
def test_the_explorer_row_and_its_formula_are_on_the_first_screen_and_grow_with_the_width(
    browser: Browser, app_url, size, present
):
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    open_app(page, app_url + ("/?present=1" if present else ""))
    sidebar = expect(page.locator('[data-testid="stSidebar"]'))
    if present:  # presenting: larger type, and the sidebar folded away to give the row the width
        sidebar.not_to_be_in_viewport()
        expect(page.locator(APP_PAD_SELECTOR)).to_have_class(re.compile(r"\blp-present\b"))
    else:
        sidebar.to_be_in_viewport()  # the sidebar is open
    expect(page.locator(APP_PAD_SELECTOR)).to_have_attribute("data-ready", "true")
    # No scrolling: the page as it opens shows the whole row and the formula under it.
    assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
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


@pytest.mark.parametrize("present", [False, True], ids=["plain", "presentation"])
@pytest.mark.parametrize("size", SIZES, ids=_size_id)
def test_the_tours_first_step_shows_its_row_and_next_without_scrolling(browser: Browser, app_url, size, present):
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    open_app(page, f"{app_url}/tour" + ("?present=1" if present else ""))
    pad = f'{PAD}[data-pad-key$="autoencoder"]'
    expect(page.locator(pad)).to_have_attribute("data-ready", "true")
    boxes = _boxes(page, pad)
    next_button = page.get_by_role("button", name="Next", exact=True)
    expect(next_button).to_be_visible()
    boxes["next"] = next_button.bounding_box()
    assert not _inside(boxes, width, _header_bottom(page), height), _inside(boxes, width, 0, height)
    # The stages do not stack as on a phone: the two planes side by side, each at least 120 px.
    eps, z = boxes["eps_plane"], boxes["z_plane"]
    assert eps["x"] + eps["width"] <= z["x"] + 1, (eps, z)
    assert eps["y"] < z["y"] + z["height"] and z["y"] < eps["y"] + eps["height"], (eps, z)
    assert min(eps["width"], z["width"]) >= 120, (eps, z)
    if present:  # and every label in the pad at 18 px or more, however the row is laid out
        size, text = page.locator(pad).evaluate(PAD_SMALLEST_TEXT)
        assert size >= MIN_PRESENT_PX, (size, text)
    page.close()


def test_set_by_hand_is_said_where_the_encoder_button_is_and_not_on_the_tour(browser: Browser, app_url):
    """μ = 0, σ = 1 differ from the encoder's: the Explorer marks them "set by hand (Encoder
    resets)"; the Tour, which has no Encoder button and whose step 3 sets them so, does not (the
    note also cost the Tour's column a line at 1280 × 720)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    open_app(page, f"{app_url}/?mu=0,0&sigma=1,1&eps=0,0")
    expect(page.locator(APP_PAD_SELECTOR)).to_have_attribute("data-edited", "true")
    expect(page.locator(f"{APP_PAD_SELECTOR} .lp-edited")).to_be_visible()
    page.close()
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    open_app(page, f"{app_url}/tour?step=3")
    pad = f'{PAD}[data-pad-key$="lvm"]'
    expect(page.locator(pad)).to_have_attribute("data-edited", "true")
    expect(page.locator(f"{pad} .lp-edited")).to_be_hidden()
    page.close()
