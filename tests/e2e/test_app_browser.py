"""The real app (`streamlit run app.py`) in Chromium: what a user sees and does.

Covers: the page loads with no exception and shows decoded images (as PNGs); a VAE ε or μ slider
changes z and the decoded image; the AE's ε does nothing; both interpolation strips and both
grids render; an unreadable upload gives a clear message and the app keeps working; the maths
lab page loads; every dataset and latent size can be chosen.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402

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


def _playground_image(page: Page) -> str:
    (src,) = _loaded_pngs(page, "decoded p(x|z)")
    return src


def _slider(page: Page, label: str):
    return page.locator(f'input[type="range"][aria-label="{label}"]')


def _z_line(page: Page) -> str:
    """The printed z = mu + sigma * eps of whichever model the playground shows."""
    return page.locator('[class*="st-key-pg_"][class$="_z"], [class*="st-key-pg_"][class*="_z "]').first.inner_text()


def _z_result(page: Page) -> str:
    """Just the result line of that readout: "= (z1, z2)"."""
    return next(line for line in _z_line(page).splitlines() if line.startswith("= (") and "⊙" not in line)


def test_page_loads_and_shows_decoded_pngs(page: Page, app_url):
    open_app(page, app_url)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.get_by_role("heading", name="VAE Latent Explorer")).to_be_visible()
    src = _playground_image(page)
    assert src.endswith(".png"), src
    assert len(_loaded_pngs(page, "decoded path")) == 2
    assert len(_loaded_pngs(page, "grid")) == 2
    natural = page.evaluate("img => img.naturalWidth", _image(page, "decoded p(x|z)").locator("img").element_handle())
    assert natural == 28 * 6  # nearest-neighbour upscaled 6x


def test_vae_eps_and_mu_sliders_change_z_and_image(page: Page, app_url):
    open_app(page, app_url)
    before_image, before_z = _playground_image(page), _z_line(page)
    with expect_rerun(page):
        _slider(page, "σ1").focus()
        page.keyboard.press("End")  # sigma1 to its maximum, so eps matters
    with expect_rerun(page):
        _slider(page, "ε1").focus()
        page.keyboard.press("End")  # eps1 = 3
    assert _z_line(page) != before_z
    after_eps = _playground_image(page)
    assert after_eps != before_image
    with expect_rerun(page):
        _slider(page, "μ2").focus()
        page.keyboard.press("Home")  # mu2 to its minimum
    assert _playground_image(page) != after_eps
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_ae_eps_does_nothing(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_model").get_by_text("Plain autoencoder (AE)").click()
    expect(page.get_by_text("σ = 0", exact=False).first).to_be_visible()
    before_image, before_z = _playground_image(page), _z_result(page)
    with expect_rerun(page):
        _slider(page, "ε1").focus()
        page.keyboard.press("End")
    with expect_rerun(page):
        _slider(page, "ε2").focus()
        page.keyboard.press("Home")
    assert _slider(page, "ε1").get_attribute("aria-valuetext") == "3.00"
    assert "(+3.00, -3.00)" in _z_line(page)  # eps really moved ...
    assert _z_result(page) == before_z  # ... z did not
    assert _playground_image(page) == before_image


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
    _playground_image(page)  # the gallery image is still decoded


def test_maths_lab_page_loads(page: Page, app_url):
    open_app(page, f"{app_url}/maths")
    expect(page.get_by_role("heading", name="Maths lab")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()


def _pad_point(page: Page, key: str, zi: float, zj: float) -> tuple[float, float]:
    p = page.evaluate("([k, a, b]) => window.__latentPad.clientPoint(a, b, k)", [key, zi, zj])
    return p["x"], p["y"]


def _drag_pad(page: Page, key: str, target: tuple[float, float]) -> list[float]:
    """Drag the pad's z marker to target (latent units); returns z seen mid-drag."""
    pad = page.locator(f'[data-testid="latent-pad"][data-pad-key="{key}"]')
    expect(pad).to_have_attribute("data-ready", "true")
    start = page.evaluate("k => window.__latentPad.stats(k).z", key)
    x0, y0 = _pad_point(page, key, start[0], start[1])
    x1, y1 = _pad_point(page, key, *target)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=12)
    expect(pad).to_have_attribute("data-dragging", "true")
    mid = page.evaluate("k => window.__latentPad.stats(k).z", key)
    with expect_rerun(page):
        page.mouse.up()
    return mid


def test_pad_drag_commits_z_into_the_eps_sliders(page: Page, app_url):
    open_app(page, app_url)
    before_image = _playground_image(page)
    mid = _drag_pad(page, "pg_vae_pad", (1.0, 1.5))
    assert mid == pytest.approx([1.0, 1.5], abs=0.05)
    # z = mu + sigma * eps with mu, sigma held: the eps sliders took the implied eps ...
    eps1 = float(_slider(page, "ε1").get_attribute("aria-valuetext"))
    assert abs(eps1) > 3  # sigma is ~0.05, so moving z by ~2 is dozens of sigmas
    expect(page.get_by_text("q(z|x) puts almost no probability there")).to_be_visible()
    # ... and the server-side z and image agree with where the marker was dropped.
    final = _z_result(page)
    z_values = [float(v) for v in final.strip("= *()").split(",")]
    assert z_values == pytest.approx([1.0, 1.5], abs=0.06)
    assert _playground_image(page) != before_image


def test_pad_drag_moves_mu_for_the_ae(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_model").get_by_text("Plain autoencoder (AE)").click()
    pad = page.locator('[data-testid="latent-pad"][data-pad-key="pg_ae_pad"]')
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
    expect(page.get_by_text("gallery #1: a Pullover")).to_be_visible()  # the class 2 of Fashion-MNIST
    first = _playground_image(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    with expect_rerun(page):
        page.get_by_role("option", name="MNIST digits", exact=True).click()
    with expect_rerun(page):
        page.get_by_text("16-D", exact=True).click()
    expect(page.get_by_text("PCA of the gallery's codes")).to_be_visible()
    expect(page.locator('[data-testid="latent-pad"] .lp-axes')).to_contain_text("PC1")
    assert _playground_image(page) != first
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
    _slider(page, "ε1").focus()
    with expect_rerun(page):
        page.keyboard.press("End")  # eps1 = 3: a z of the user's own
    z_before = _z_line(page)
    assert "+3.00" in z_before
    with expect_rerun(page):
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Maths lab").click()
    expect(page.get_by_text("gallery #", exact=False).first).to_contain_text("a 7")
    expect(
        page.locator('[data-testid="stRadio"]').filter(has_text="Latent size").locator("input:checked")
    ).to_have_value("1")
    with expect_rerun(page):
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Explorer").click()
    expect(page.get_by_text("gallery #", exact=False).first).to_contain_text("a 7")
    expect(page.get_by_text("PCA of the gallery's codes")).to_be_visible()  # still the 16-D model
    assert _z_line(page) == z_before  # and the same mu, sigma, eps
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
    expect(page.get_by_text("my-one.png as a 28×28 input")).to_be_visible()
    with expect_rerun(page):
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Maths lab").click()
    expect(page.get_by_text("my-one.png, uploaded earlier")).to_be_visible()
    expect(page.get_by_text("Input x: my-one.png", exact=False)).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
