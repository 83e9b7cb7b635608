"""The real app (`streamlit run app.py`) in Chromium: what a user sees and does.

Covers: the page loads with no exception and shows the pipeline and decoded images; a VAE ε or μ
slider changes z and the decoded image; the AE's ε-plane is inert and says why; a z drag moves ε
within ±4 ("far in the tail" beyond), a μ drag holds ε; both interpolation strips and both grids
render; an unreadable upload gives a clear message and the app keeps working; the maths
lab page loads; every dataset and latent size can be chosen.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app, scroll_to_charts  # noqa: E402

EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _image(page: Page, caption: str):
    return page.locator('[data-testid="stImage"]').filter(has_text=caption)


def _loaded_pngs(page: Page, caption: str) -> list[str]:
    """src of every image with that caption, after each has loaded a real bitmap."""
    images = _image(page, caption).locator("img")
    expect(images.first).to_be_visible()
    srcs = []
    for i in range(images.count()):
        img = images.nth(i)
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        srcs.append(img.get_attribute("src"))
    return srcs


PAD = '[data-testid="latent-pad"][data-pad-key="{key}"]'


def _stats(page: Page, key: str = "pg_vae_pad") -> dict:
    """The pipeline component's state (window.__latentPad.stats) once its decoder is loaded."""
    expect(page.locator(PAD.format(key=key))).to_have_attribute("data-ready", "true")
    return page.evaluate("k => window.__latentPad.stats(k)", key)


def _pixels(page: Page, key: str = "pg_vae_pad") -> list[float]:
    """The decoded image x̂ on display in the pipeline (784 floats in [0, 1])."""
    _stats(page, key)
    return page.evaluate("k => window.__latentPad.pixels(k)", key)


def _slider(page: Page, label: str):
    return page.locator(f'input[type="range"][aria-label="{label}"]')


def test_page_loads_and_shows_the_pipeline(page: Page, app_url):
    open_app(page, app_url)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.get_by_role("heading", name="VAE Latent Explorer")).to_be_visible()
    x = page.locator('[data-testid="pipeline-x"]')
    page.wait_for_function("img => img.complete && img.naturalWidth === 28 * 3", arg=x.element_handle())
    assert max(_pixels(page)) > 0.5  # the decoder drew something
    expect(page.locator('[data-testid="pipeline-formula"] .katex')).to_be_visible()  # typeset by KaTeX
    scroll_to_charts(page)  # the sections below the first screen come on scrolling (ui/views/below_fold.py)
    assert len(_loaded_pngs(page, "decoded path")) == 2
    for kind in ("ae", "vae"):  # the grids are Plotly figures (axes in z; see test_latent_space_browser)
        expect(page.locator(f".st-key-grid_{kind}_0 .js-plotly-plot")).to_be_visible()


def test_vae_eps_and_mu_sliders_change_z_and_image(page: Page, app_url):
    open_app(page, app_url)
    before = _stats(page)
    before_pixels = _pixels(page)
    with expect_rerun(page):
        _slider(page, "σ1").focus()
        page.keyboard.press("End")  # sigma1 to its maximum, so eps matters
    with expect_rerun(page):
        _slider(page, "ε1").focus()
        page.keyboard.press("End")  # eps1 = 4, the end of its fixed range
    after = _stats(page)
    assert after["eps"][0] == pytest.approx(4.0)
    assert after["z"][0] == pytest.approx(after["mu"][0] + after["sigma"][0] * 4.0, abs=1e-6)
    assert after["z"] != before["z"]
    after_eps = _pixels(page)
    assert after_eps != before_pixels
    with expect_rerun(page):
        _slider(page, "μ2").focus()
        page.keyboard.press("Home")  # mu2 to its minimum
    assert _pixels(page) != after_eps
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_ae_eps_plane_is_inert_and_says_why(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_model").get_by_text("Plain autoencoder (AE)").click()
    expect(page.locator('[data-testid="eps-plane-inert"]')).to_be_visible()
    expect(page.locator('[data-testid="eps-plane-inert"]')).to_contain_text("σ = 0")
    expect(_slider(page, "ε1")).to_be_disabled()
    before = _stats(page, "pg_ae_pad")
    pixels = _pixels(page, "pg_ae_pad")
    box = page.locator(f'{PAD.format(key="pg_ae_pad")} [data-testid="eps-plane-svg"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.up()
    after = _stats(page, "pg_ae_pad")
    assert after["z"] == before["z"] and after["commits"] == before["commits"]
    assert _pixels(page, "pg_ae_pad") == pixels
    expect(page.get_by_text("there is no posterior to draw", exact=False)).to_be_visible()
    expect(page.locator('.st-key-pg_heat input[type="checkbox"]')).to_be_disabled()  # no posterior toggle either


def test_unreadable_upload_gives_a_clear_message(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.get_by_text("Upload a picture", exact=True).click()
    with expect_rerun(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "digit.png", "mimeType": "image/png", "buffer": b"not really a png"}]
        )
    expect(page.get_by_text("Could not use this upload").first).to_be_visible()
    expect(page.get_by_text("not a readable image").first).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert max(_pixels(page)) > 0.5  # the gallery image is still encoded and decoded


def test_maths_lab_page_loads(page: Page, app_url):
    """View 1's numbers come first, with no chart; the seed redraws them (the lab's fragment);
    scrolling down brings the charts and views 2-5."""
    open_app(page, f"{app_url}/maths")
    expect(page.get_by_role("heading", name="Maths lab")).to_be_visible()
    expect(page.get_by_text("Exact log p(x) =")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    chosen = page.get_by_text("L_100 = ").inner_text()
    with expect_rerun(page):
        page.locator('.st-key-maths_seed [data-testid="stNumberInputStepUp"]').click()
    expect(page.get_by_text("L_100 = ")).not_to_have_text(chosen)
    with expect_rerun(page):
        page.locator(".st-key-maths_view_2_later").scroll_into_view_if_needed()
    expect(page.locator(".js-plotly-plot")).to_have_count(6, timeout=60_000)
    expect(page.get_by_role("heading", name="5 · Inverse-CDF sampling")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _pad_point(page: Page, key: str, zi: float, zj: float) -> tuple[float, float]:
    p = page.evaluate("([k, a, b]) => window.__latentPad.clientPoint(a, b, k)", [key, zi, zj])
    return p["x"], p["y"]


def _drag_pad(page: Page, key: str, target: tuple[float, float], start: list[float] | None = None) -> dict:
    """Drag on the z-plane from start (default z) to target (latent units); returns stats mid-drag."""
    pad = page.locator(PAD.format(key=key))
    stats = _stats(page, key)
    start = start if start is not None else stats["z"]
    x0, y0 = _pad_point(page, key, start[0], start[1])
    x1, y1 = _pad_point(page, key, *target)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=12)
    expect(pad).to_have_attribute("data-dragging", "true")
    mid = page.evaluate("k => window.__latentPad.stats(k)", key)
    with expect_rerun(page):
        page.mouse.up()
    return mid


def test_z_drag_moves_eps_within_its_range_and_says_far_in_the_tail(page: Page, app_url):
    open_app(page, app_url)
    pad = page.locator(PAD.format(key="pg_vae_pad"))
    with expect_rerun(page):  # the new zoom reaches Python 0.4 s later: let that run end before the drag
        pad.locator('[data-testid="fit-prior"]').click()
    start = _stats(page)
    mu, sigma = start["mu"], start["sigma"]
    # One sigma to the right: eps follows z exactly.
    mid = _drag_pad(page, "pg_vae_pad", (mu[0] + sigma[0], mu[1]))
    assert mid["eps"][0] == pytest.approx(1.0, abs=0.1)
    assert float(_slider(page, "ε1").get_attribute("aria-valuetext")) == pytest.approx(1.0, abs=0.1)
    # Far away (sigma ~ 0.05, so 1.5 latent units is ~30 sigma): z stops at the 4-sigma box.
    mid = _drag_pad(page, "pg_vae_pad", (mu[0] + 1.5, mu[1]))
    assert mid["tail"] is not None and mid["tail"]["eps"] > 4
    expect(pad.locator('[data-testid="eps-tail"]')).to_contain_text("far in the tail")
    assert mid["eps"][0] == pytest.approx(4.0)
    assert mid["z"][0] == pytest.approx(mu[0] + 4 * sigma[0], abs=1e-6)
    assert _slider(page, "ε1").get_attribute("aria-valuetext") == "4.00"
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_mu_drag_moves_q_with_eps_held(page: Page, app_url):
    open_app(page, app_url)
    pad = page.locator(PAD.format(key="pg_vae_pad"))
    with expect_rerun(page):  # the new zoom reaches Python 0.4 s later: let that run end before the drag
        pad.locator('[data-testid="fit-prior"]').click()
    pad.locator('[data-testid="mode-mu"]').check()
    before = _stats(page)
    mid = _drag_pad(page, "pg_vae_pad", (1.0, 1.5), start=before["mu"])
    assert mid["mu"] == pytest.approx([1.0, 1.5], abs=0.05)
    assert mid["eps"] == pytest.approx(before["eps"])  # eps held, z = mu + sigma * eps followed
    assert float(_slider(page, "μ1").get_attribute("aria-valuetext")) == pytest.approx(1.0, abs=0.05)
    assert float(_slider(page, "μ2").get_attribute("aria-valuetext")) == pytest.approx(1.5, abs=0.05)


def test_pad_drag_moves_mu_for_the_ae(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_model").get_by_text("Plain autoencoder (AE)").click()
    pad = page.locator(PAD.format(key="pg_ae_pad"))
    expect(pad).to_have_attribute("data-sigma-zero", "true")
    _drag_pad(page, "pg_ae_pad", (10.0, -20.0))
    mu1 = float(_slider(page, "μ1").get_attribute("aria-valuetext"))
    mu2 = float(_slider(page, "μ2").get_attribute("aria-valuetext"))
    assert (mu1, mu2) == pytest.approx((10.0, -20.0), abs=1.0)  # the AE's plane spans ~±120
    assert _slider(page, "ε1").get_attribute("aria-valuetext") == "0.00"


def test_fashion_mnist_and_the_16d_model_can_be_chosen_and_explored(page: Page, app_url):
    """The sidebar's dataset, latent size and β pickers: each choice shows its own models,
    gallery and class names, with decoded images and no exception."""
    open_app(page, app_url)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    with expect_rerun(page):
        page.get_by_role("option", name="Fashion-MNIST clothes", exact=True).click()
    expect(
        page.get_by_test_id("stSidebarUserContent").get_by_text("gallery #1: a Pullover")
    ).to_be_visible()  # the class 2 of Fashion-MNIST
    first = _pixels(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    with expect_rerun(page):
        page.get_by_role("option", name="MNIST digits", exact=True).click()
    with expect_rerun(page):
        page.get_by_text("16-D", exact=True).click()
    expect(page.get_by_text("PCA of the gallery's codes")).to_be_visible()
    expect(page.locator('[data-testid="latent-pad"] .lp-plane .lp-axes')).to_contain_text("PC1")
    # the formula's numbers are two coordinates of sixteen, not the PCA plane's: it says which
    expect(page.locator('[data-testid="pipeline-formula"]')).to_contain_text("coordinates 1 and 2 of 16")
    assert _pixels(page) != first
    expect(page.locator(EXCEPTION)).to_have_count(0)
    with expect_rerun(page):
        page.get_by_text("2-D", exact=True).click()
    expect(page.get_by_text("β, the KL weight of the VAE")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_input_and_models_survive_explorer_to_maths_lab_and_back(page: Page, app_url):
    open_app(page, app_url)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Digit").click()
    with expect_rerun(page):
        page.get_by_role("option", name="7", exact=True).click()
    with expect_rerun(page):
        page.get_by_text("16-D", exact=True).click()
    caption = page.get_by_text("gallery #", exact=False).first
    expect(caption).to_contain_text("a 7")
    with expect_rerun(page):  # 48 sliders for 16 dimensions: drawn when asked for
        page.get_by_text("Sliders for μ, σ and ε", exact=False).click()
    _slider(page, "ε1").focus()
    with expect_rerun(page):
        page.keyboard.press("End")  # eps1 = 4: a z of the user's own
    z_before = _stats(page)["z"]
    assert _stats(page)["eps"][0] == pytest.approx(4.0)
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Maths lab").click()
    expect(page.get_by_text("gallery #", exact=False).first).to_contain_text("a 7")
    expect(
        page.locator('[data-testid="stRadio"]').filter(has_text="Latent size").locator("input:checked")
    ).to_have_value("1")
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Explorer").click()
    expect(page.get_by_text("gallery #", exact=False).first).to_contain_text("a 7")
    expect(page.get_by_text("PCA of the gallery's codes")).to_be_visible()  # still the 16-D model
    assert _stats(page)["z"] == pytest.approx(z_before)  # and the same mu, sigma, eps
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_an_uploaded_picture_stays_the_input_on_the_maths_lab(page: Page, app_url):
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(picture).line([(60, 15), (60, 105)], fill=0, width=14)  # a dark "1" on white
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    open_app(page, app_url)
    with expect_rerun(page):
        page.get_by_text("Upload a picture", exact=True).click()
    with expect_rerun(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "my-one.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
        )
    # the file name is outside text: shown escaped, with an invisible word joiner before the "."
    expect(page.get_by_text(re.compile("my-one\u2060?\\.png as a 28×28 input"))).to_be_visible()
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Maths lab").click()
    expect(page.get_by_text(re.compile("my-one\u2060?\\.png, uploaded earlier"))).to_be_visible()
    expect(page.get_by_text(re.compile("Input x: my-one\u2060?\\.png"))).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_explorer_opens_at_its_own_address_without_page_not_found(page: Page, app_url):
    """/explorer works like /maths and /tour (Streamlit greets a default page's own path with a
    blocking "Page not found"; the app's default is a second Explorer page at "/")."""
    open_app(page, f"{app_url}/explorer")
    expect(page.get_by_role("heading", name="VAE Latent Explorer")).to_be_visible()
    expect(page.get_by_text("does not seem to exist")).to_have_count(0)
    assert page.url.split("?")[0].endswith("/explorer")
    _stats(page)  # the pipeline works
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Maths lab").click()
    expect(page.get_by_role("heading", name="Maths lab")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_on_a_phone_the_pipeline_works_and_hides_the_keyboard_hints(browser, app_url):
    """390 x 844 with touch: the pipeline loads and its help line leaves out the arrow keys."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        open_app(phone, app_url)
        pad = phone.locator(PAD.format(key="pg_vae_pad"))
        expect(pad).to_have_attribute("data-ready", "true")
        expect(pad.locator(".lp-help")).to_be_visible()
        expect(pad.locator(".lp-help-keys")).to_be_hidden()
        expect(phone.locator(EXCEPTION)).to_have_count(0)
    finally:
        context.close()


def test_every_page_works_offline_and_shows_no_deploy_button(browser, app_url):
    """No request leaves the app's own origin (an offline classroom; no page view reported to a
    third party): the page icon is drawn by the app, not fetched from a font CDN."""
    outside: list[str] = []
    for path in ("", "tour", "maths", "train"):
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on(
            "request",
            lambda request: (
                outside.append(request.url) if not request.url.startswith((app_url, "data:", "blob:")) else None
            ),
        )
        try:
            open_app(page, f"{app_url}/{path}")
            expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
            expect(page.locator(EXCEPTION)).to_have_count(0)
        finally:
            page.close()
    assert outside == []
