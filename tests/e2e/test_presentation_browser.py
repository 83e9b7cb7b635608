"""Presentation mode (issue: the lesson in front of a class), in Chromium at 1920 x 1080: a sidebar
switch kept in the state object and the link; every label and chart tick at 18 px or more; one
Explorer section at a time."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")

from pad_helpers import PAD_SMALLEST_TEXT  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
MIN_PX = 18.0


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _smallest_font(page: Page, selector: str) -> float:
    """The smallest computed font size, in CSS pixels, of the visible elements matching selector."""
    return page.evaluate(
        """sel => Math.min(...[...document.querySelectorAll(sel)]
              .filter(e => e.getClientRects().length && (e.textContent || '').trim())
              .map(e => parseFloat(getComputedStyle(e).fontSize)))""",
        selector,
    )


def _switch(page: Page):
    return page.locator(".st-key-presentation input")


def test_presentation_mode_from_the_switch_is_large_one_section_and_in_the_link(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_url)
    expect(page.get_by_text("2 · Latent space and interpolation").first).to_be_attached()
    labels_before = _smallest_font(page, '[data-testid="stWidgetLabel"] p')
    with expect_rerun(page):
        page.locator(".st-key-presentation").get_by_text("Presentation mode").click()
    expect(_switch(page)).to_be_checked()
    assert "present=1" in page.url
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_in_viewport()  # folded away
    labels = _smallest_font(page, '[data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"] p')
    assert labels >= MIN_PX > labels_before, (labels_before, labels)
    sections = page.locator(".st-key-present_section")
    expect(sections).to_be_visible()
    assert page.get_by_role("heading", name="VAE Latent Explorer").count() == 0  # the row gets the screen
    with expect_rerun(page):
        sections.get_by_text("3 · Decoded grids").click()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=60_000)
    ticks = _smallest_font(page, ".js-plotly-plot .main-svg text")
    assert ticks >= MIN_PX, ticks
    assert page.locator('[data-testid="pipeline-x"]').count() == 0  # section 1 is not drawn meanwhile
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.close()


def test_a_presentation_link_opens_in_presentation_mode_on_every_page(browser: Browser, app_url):
    for path in ("tour", "maths", "explorer"):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        open_app(page, f"{app_url}/{path}?present=1")
        expect(_switch(page)).to_be_checked()
        assert "present=1" in page.url
        assert _smallest_font(page, '[data-testid="stWidgetLabel"] p') >= MIN_PX
        if path != "explorer":
            page.close()
    # Presenting folds the sidebar away (the row gets the screen's width); » opens it again.
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_in_viewport()
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    with expect_rerun(page):
        page.locator(".st-key-presentation").get_by_text("Presentation mode").click()
    expect(_switch(page)).not_to_be_checked()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_in_viewport()  # opened by hand, it stays
    assert "present=" not in page.url
    expect(page.get_by_role("heading", name="VAE Latent Explorer")).to_be_visible()
    page.close()


def test_in_presentation_mode_the_pads_smallest_text_is_18_px(browser: Browser, app_url):
    """Ticks, legend, μ/σ readout, scale bar, buttons and heads of the pipeline at 1920 x 1080:
    11-13 px without presentation mode, 18 px or more with it."""
    pad = '[data-testid="latent-pad"][data-pad-key="pg_vae_pad"]'
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_url)
    expect(page.locator(pad)).to_have_attribute("data-ready", "true")
    size_before, _ = page.locator(pad).evaluate(PAD_SMALLEST_TEXT)
    page.close()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/?present=1")
    expect(page.locator(pad)).to_have_attribute("data-ready", "true")
    expect(page.locator(pad)).to_have_class(re.compile(r"\blp-present\b"))
    size, text = page.locator(pad).evaluate(PAD_SMALLEST_TEXT)
    assert size >= MIN_PX > size_before, (size_before, size, text)
    page.close()


def test_the_maths_lab_in_presentation_mode_shows_one_view_at_a_time(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/maths?present=1")
    views = page.locator(".st-key-present_maths_view")
    expect(views).to_be_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts).to_have_count(2, timeout=60_000)  # view 1: the ELBO's terms and L_k against log p(x)
    with expect_rerun(page):
        views.get_by_text("5 · Inverse-CDF sampling").click()
    expect(charts).to_have_count(1, timeout=60_000)
    assert _smallest_font(page, ".js-plotly-plot .main-svg text") >= MIN_PX
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.close()
