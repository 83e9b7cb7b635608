"""The true posterior out of view (issue: the lesson in front of a class), in Chromium on the
Explorer: when p(z|x)'s peak lies outside the z-plane's window, an arrow on the plane's edge points
to it and names it; in view, no arrow."""

from __future__ import annotations

import json
import math

import pytest

pytest.importorskip("playwright")

from pad_helpers import APP_PAD, APP_PAD_SELECTOR, app_stats  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402

POINTER = f'{APP_PAD_SELECTOR} [data-testid="posterior-pointer"]'


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _client(page: Page, a: float, b: float) -> tuple[float, float]:
    p = page.evaluate("([a, b, k]) => window.__latentPad.clientPoint(a, b, k)", [a, b, APP_PAD])
    return p["x"], p["y"]


def test_an_arrow_on_the_edge_points_to_the_posterior_when_q_is_moved_away(page: Page, browser, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_heat").get_by_text("True posterior p(z|x)").click()
    page.wait_for_function("k => window.__latentPad.stats(k).heat !== null", arg=APP_PAD, timeout=60_000)
    # The default input's posterior peaks inside q's window: nothing to point at.
    expect(page.locator(POINTER)).to_have_attribute("data-state", "none")
    peak = app_stats(page)["heat"]["peak"]

    # q(z|x) moved far from the posterior: μ = (2, 2) from a link (the same input, its own σ), the
    # z-plane fitted to q as it opens. (A drag of μ does the same; a link does it without timing.)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_app(page, app_url + "/?input=1000&mu=2,2&sigma=0.047,0.074&eps=0,0&posterior=1")
    page.wait_for_function("k => window.__latentPad.stats(k).heat !== null", arg=APP_PAD, timeout=60_000)
    pad = page.locator(APP_PAD_SELECTOR)
    pointer = page.locator(POINTER)
    moved = app_stats(page)["mu"]
    assert abs(moved[0] - 2.0) < 0.01 and abs(moved[1] - 2.0) < 0.01, moved
    assert app_stats(page)["heat"]["peak"] == peak  # the same input's posterior
    xmin, xmax, ymin, ymax = json.loads(pad.get_attribute("data-window"))
    assert not (xmin <= peak[0] <= xmax and ymin <= peak[1] <= ymax)  # the peak is out of view

    expect(pointer).to_have_attribute("data-state", "outside")
    expect(pointer).to_be_visible()
    expect(pointer).to_contain_text("p(z|x) peak")
    # The arrow sits on the side of the window the peak lies: left and below the centre here.
    plane = pad.locator('[data-testid="latent-pad-plane"]').bounding_box()
    arrow = pad.locator(".lp-edge-arrow").bounding_box()
    centre = _client(page, (xmin + xmax) / 2, (ymin + ymax) / 2)
    ax, ay = arrow["x"] + arrow["width"] / 2, arrow["y"] + arrow["height"] / 2
    assert (ax - centre[0]) * (peak[0] - (xmin + xmax) / 2) > 0  # screen x grows with z1
    assert (ay - centre[1]) * (peak[1] - (ymin + ymax) / 2) < 0  # screen y grows downwards
    assert plane["x"] <= ax <= plane["x"] + plane["width"] and plane["y"] <= ay <= plane["y"] + plane["height"]
    # Towards the peak: the arrow lies on the line from the window's centre to it (within 3°).
    peak_px = _client(page, *peak)
    bearing = math.atan2(peak_px[1] - centre[1], peak_px[0] - centre[0])
    placed = math.atan2(ay - centre[1], ax - centre[0])
    assert abs(math.remainder(bearing - placed, 2 * math.pi)) < math.radians(3), (bearing, placed)

    # Back on the prior's view the peak is in view again, but q (σ ≈ 0.05) and a posterior of its
    # size are specks there: no arrow, a ring round the peak, named.
    pad.locator('[data-testid="fit-prior"]').click()
    expect(pointer).to_have_attribute("data-state", "small")
    expect(pad.locator(".lp-edge-arrow")).to_be_hidden()
    ring = pad.locator(".lp-edge-ring").bounding_box()
    peak_px = _client(page, *peak)
    assert abs(ring["x"] + ring["width"] / 2 - peak_px[0]) < 2 and abs(ring["y"] + ring["height"] / 2 - peak_px[1]) < 2
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.close()
