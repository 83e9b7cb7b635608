"""Links that reopen the same view (ui/links.py), in Chromium: a link copied in one browser
context, opened in a fresh one, shows the same input, μ, σ, ε, zoom and decoded image; a link
with bad parts opens the app anyway and says what it ignored."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from draw_helpers import choose_draw, drawing_code, stroke  # noqa: E402
from pad_helpers import APP_PAD, APP_PAD_SELECTOR, app_stats  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app, wait_for_app_idle  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
KEY = APP_PAD
PAD = APP_PAD_SELECTOR


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _view(page: Page) -> dict:
    """What a link must restore, read from the page."""
    s = app_stats(page)
    return {
        "input": page.locator('[data-testid="pipeline-x"]').get_attribute("src"),
        "mu": s["mu"],
        "sigma": s["sigma"],
        "eps": s["eps"],
        "window": s["window"],
        "pixels": page.evaluate("k => window.__latentPad.pixels(k)", KEY),
    }


def test_a_copied_link_reopens_the_same_view_in_a_fresh_context(page: Page, browser: Browser, app_url):
    open_app(page, app_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sidebar = page.locator('[data-testid="stSidebar"]')
    before = _view(page)
    # A learner picks another image, drags ε away from 0 and zooms out once.
    with expect_rerun(page):
        sidebar.get_by_role("button", name="Random image").click()
    app_stats(page)
    p = page.evaluate("k => window.__latentPad.epsClientPoint(0, 0, k)", KEY)
    q = page.evaluate("k => window.__latentPad.epsClientPoint(1.25, -0.75, k)", KEY)
    page.mouse.move(p["x"], p["y"])
    page.mouse.down()
    page.mouse.move(q["x"], q["y"], steps=5)
    with expect_rerun(page):
        page.mouse.up()
    with expect_rerun(page):  # the zoom reaches Python once the pad has been still for 0.4 s
        page.locator(PAD).locator('[data-act="zoom-out"]').click()
    shown = _view(page)
    assert shown["input"] != before["input"] and shown["eps"] != before["eps"]
    copy = sidebar.locator('[data-testid="copy-link"]')
    copy.get_by_role("button").click()
    expect(copy).to_have_attribute("data-copied", "true")
    link = page.evaluate("navigator.clipboard.readText()")
    assert "eps=" in link and "zoom=" in link and "input=" in link

    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = fresh.new_page()
        open_app(other, link)
        reopened = _view(other)
        assert reopened["input"] == shown["input"]
        for name in ("mu", "sigma", "eps", "window"):
            assert reopened[name] == pytest.approx(shown[name], abs=1e-3), name
        assert reopened["pixels"] == pytest.approx(shown["pixels"], abs=2e-3)
        expect(other.locator(EXCEPTION)).to_have_count(0)
    finally:
        fresh.close()


def test_a_link_carries_a_drawing_compactly(page: Page, browser: Browser, app_url):
    open_app(page, app_url)
    choose_draw(page)
    stroke(page, [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)])
    stroke(page, [(0.3, 0.2), (0.75, 0.2)])
    code = drawing_code(page)
    # The full rerun that follows the drawing writes the link first (sidebar), then the pipeline.
    page.wait_for_function("c => location.search.includes('drawing=' + c)", arg=code)
    wait_for_app_idle(page)
    shown = _view(page)
    link = page.evaluate("location.href")
    assert "input=drawn" in link and len(link) < 600
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = fresh.new_page()
        open_app(other, link)
        # the canvas shows the same strokes (its script may mount after the app is idle)
        other.wait_for_function("c => window.__drawPad && window.__drawPad.code() === c", arg=code)
        reopened = _view(other)
        assert reopened["input"] == shown["input"]
        assert reopened["mu"] == pytest.approx(shown["mu"], abs=1e-3)
        assert reopened["pixels"] == pytest.approx(shown["pixels"], abs=2e-3)
        expect(other.locator(EXCEPTION)).to_have_count(0)
    finally:
        fresh.close()


def test_a_link_with_bad_parts_opens_and_names_them(page: Page, app_url):
    open_app(page, app_url + "/?mu=one,two&input=99999999&zoom=0,0,-1&model=gan")
    warning = page.get_by_text("Parts of the link were ignored")
    expect(warning).to_be_visible()
    text = warning.inner_text()
    for name in ("mu", "input", "zoom", "model"):
        assert name in text
    app_stats(page)  # the Explorer works with its defaults
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_a_link_cannot_put_a_link_or_an_image_into_the_apps_warning(page: Page, app_url):
    """The rejected values are shown as text: no clickable phishing link, no remote image fetched."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_app(
        page,
        app_url + "/?page=[Your session expired: log in again](https://evil.example/login)"
        "&model=![x](https://evil.example/p.png)",
    )
    warning = page.get_by_text("Parts of the link were ignored")
    expect(warning).to_be_visible()
    assert "evil.example/login" in warning.inner_text().replace("\u2060", "")  # named, as text
    expect(page.locator('a[href*="evil.example"]')).to_have_count(0)
    expect(page.locator('img[src*="evil.example"]')).to_have_count(0)
    assert not [url for url in requested if url.startswith(("https://evil.example", "http://evil.example"))]
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_values_a_link_gets_out_of_range_are_named_not_changed_silently(page: Page, app_url):
    """μ = 1e308 once became 6 and σ = 1e300 became 1.5 without a word."""
    open_app(page, app_url + "/?mu=1e308,0&input=%C2%B2")
    ignored = page.get_by_text("Parts of the link were ignored")
    expect(ignored).to_be_visible()
    text = ignored.inner_text().replace("\u2060", "")
    assert "mu must lie within ±10000" in text
    assert "input must be a gallery row" in text  # "²" is a digit to Python's str.isdigit, not to a link


def test_values_outside_the_sliders_ranges_are_clamped_and_named(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    open_app(page, app_url + "/?mu=500,0&sigma=50,0.05")
    clamped = page.get_by_text("The link's values lay outside the sliders' ranges")
    expect(clamped).to_be_visible()
    text = clamped.inner_text().replace("\u2060", "")
    assert "mu1 = 500 set to" in text and "sigma1 = 50 set to" in text
    stats = app_stats(page)
    assert stats["mu"][0] < 500 and stats["sigma"][0] < 50
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.close()


def test_a_tour_step_past_the_last_is_named(page: Page, app_url):
    open_app(page, app_url + "/tour?step=999")
    ignored = page.get_by_text("Parts of the link were ignored")
    expect(ignored).to_be_visible()
    assert "step=999: the tour has steps 1 to 11" in ignored.inner_text().replace("\u2060", "")
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _reopened(browser: Browser, link: str):
    """A fresh browser context (no session) with the link open; the caller closes its context."""
    fresh = browser.new_context(viewport={"width": 1440, "height": 900})
    other = fresh.new_page()
    open_app(other, link)
    return fresh, other


def test_a_tour_link_carries_the_eps_the_learner_dragged_to(page: Page, browser: Browser, app_url):
    """A tour link once carried only the step: ε dragged to (1.24, 0.62) reopened at (0, 0)."""
    from pad_helpers import drag_eps  # noqa: PLC0415

    key = "tour_pad_reparam"
    open_app(page, app_url + "/tour?step=7")
    drag_eps(page, key, (1.24, 0.62))
    eps = app_stats(page, key)["eps"]  # where the drag let go, to the pad's 0.01 step
    page.wait_for_function("() => new URLSearchParams(location.search).has('eps')")
    fresh, other = _reopened(browser, page.evaluate("location.href"))
    try:
        assert eps != [0, 0] and app_stats(other, key)["eps"] == [round(e, 2) for e in eps]  # the 0.01 step
        expect(other.locator(EXCEPTION)).to_have_count(0)
    finally:
        fresh.close()


def test_an_explorer_link_carries_samples_k_and_the_posterior_toggle(page: Page, browser: Browser, app_url):
    open_app(page, app_url)
    page.locator('input[type="range"][aria-label="Samples K"]').focus()
    for _ in range(3):
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")  # K: 0 → 1 → 10 → 50
    with expect_rerun(page):
        page.locator(".st-key-pg_heat").get_by_text("True posterior p(z|x)").click()
    page.wait_for_function(
        "() => { const q = new URLSearchParams(location.search);"
        " return q.get('k') === '50' && q.get('posterior') === '1'; }"
    )
    fresh, other = _reopened(browser, page.evaluate("location.href"))
    try:
        other.wait_for_function("k => window.__latentPad.stats(k).cloudDecoded === 50", arg=KEY)
        other.wait_for_function("k => window.__latentPad.stats(k).heat !== null", arg=KEY, timeout=60_000)
        expect(other.locator(EXCEPTION)).to_have_count(0)
    finally:
        fresh.close()


def test_a_link_made_with_an_upload_says_the_picture_stayed_behind(page: Page, browser: Browser, app_url):
    """It once reopened with the gallery's "2" as x beside the upload's μ and σ, and no notice."""
    import io  # noqa: PLC0415

    from PIL import Image, ImageDraw  # noqa: PLC0415

    picture = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(picture).line([(60, 15), (60, 105)], fill=0, width=14)  # a dark "1" on white
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    open_app(page, app_url)
    sidebar = page.get_by_test_id("stSidebarUserContent")
    with expect_rerun(page):
        sidebar.get_by_text("Upload a picture", exact=True).click()
    with expect_rerun(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "my-one.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
        )
    page.wait_for_function("() => new URLSearchParams(location.search).get('input') === 'upload'")
    fresh, other = _reopened(browser, page.evaluate("location.href"))
    try:
        notice = other.get_by_text("Parts of the link were ignored")
        expect(notice).to_contain_text("made with an uploaded picture")
        stats = app_stats(other)
        assert stats["mu"] != pytest.approx(app_stats(page)["mu"], abs=1e-3)  # the gallery image's own μ
        expect(other.locator(EXCEPTION)).to_have_count(0)
    finally:
        fresh.close()


def _back(page: Page, forward: bool = False) -> None:
    """The browser's Back (or Forward) button, and the run it starts."""
    with expect_rerun(page):
        page.go_forward() if forward else page.go_back()


def test_back_and_forward_step_through_the_views_of_one_tab(page: Page, app_url):
    """Back once changed the address but not the view (a session applied a link once): the
    learner's Back did nothing, and Forward went nowhere."""
    open_app(page, app_url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    first = _view(page)
    with expect_rerun(page):
        sidebar.get_by_role("button", name="Random image").click()
    second = _view(page)
    p = page.evaluate("k => window.__latentPad.epsClientPoint(0, 0, k)", KEY)
    q = page.evaluate("k => window.__latentPad.epsClientPoint(1.25, -0.75, k)", KEY)
    page.mouse.move(p["x"], p["y"])
    page.mouse.down()
    page.mouse.move(q["x"], q["y"], steps=5)
    with expect_rerun(page):
        page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).get('eps') !== '0,0'")
    third = _view(page)
    assert second["input"] != first["input"] and third["eps"] != second["eps"]

    _back(page)  # undoes the drag: ε back to 0, the same input
    now = _view(page)
    assert (now["input"], now["eps"]) == (second["input"], second["eps"])
    _back(page)  # undoes Random image
    assert _view(page)["input"] == first["input"]
    _back(page, forward=True)
    assert _view(page)["input"] == second["input"]
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_back_goes_to_the_previous_page_and_tour_step(page: Page, app_url):
    open_app(page, app_url)  # the Explorer resolves the sidebar's choices the Maths lab's link carries
    with expect_rerun(page):
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Random image").click()
    picked = _view(page)["input"]
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Tour").click()
    tour_title = page.get_by_role("heading", name="Guided tour")
    expect(tour_title).to_be_visible()
    progress = page.get_by_text("Step 1 of", exact=False).first
    expect(progress).to_be_visible()
    with expect_rerun(page):
        page.get_by_role("button", name="Next").first.click()
    expect(page.get_by_text("Step 2 of", exact=False).first).to_be_visible()
    _back(page)
    expect(page.get_by_text("Step 1 of", exact=False).first).to_be_visible()
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Maths lab").click()
    expect(page.get_by_role("heading", name="Maths lab")).to_be_visible()
    # The menu's link carries the Maths lab's own query: one history entry per page switch (it
    # once landed on the new path with the old page's query first, and Back stayed on the page).
    _back(page)
    expect(tour_title).to_be_visible()
    expect(page.get_by_text("Step 1 of", exact=False).first).to_be_visible()
    # A tour address carries no models or input: Back to one keeps the Explorer's (it once reset
    # them to the defaults).
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Explorer").click()
    assert _view(page)["input"] == picked
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_back_to_an_upload_shows_the_picture_the_session_kept(page: Page, app_url):
    """An address saying input=upload, reached by Back in the tab that uploaded, shows the picture
    again with no "stayed behind" notice (that notice is for a link opened elsewhere)."""
    import io  # noqa: PLC0415

    from PIL import Image, ImageDraw  # noqa: PLC0415

    picture = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(picture).line([(60, 15), (60, 105)], fill=0, width=14)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    open_app(page, app_url)
    sidebar = page.get_by_test_id("stSidebarUserContent")
    with expect_rerun(page):
        sidebar.get_by_text("Upload a picture", exact=True).click()
    with expect_rerun(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "my-one.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
        )
    page.wait_for_function("() => new URLSearchParams(location.search).get('input') === 'upload'")
    uploaded = _view(page)["input"]
    with expect_rerun(page):
        sidebar.get_by_text("Gallery", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('input') !== 'upload'")
    assert _view(page)["input"] != uploaded
    _back(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('input') === 'upload'")
    assert _view(page)["input"] == uploaded
    expect(page.get_by_text("Parts of the link were ignored")).to_have_count(0)
    expect(page.locator(EXCEPTION)).to_have_count(0)
