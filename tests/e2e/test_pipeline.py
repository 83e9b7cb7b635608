"""The reparameterization pipeline on the Explorer (`streamlit run app.py`), in Chromium.

What a learner does with the row x → μ, σ → ε-plane → z-plane → x̂: drag ε and watch z move by
exactly σ ⊙ Δε and the image follow live; zoom to q(z|x) at its true scale; draw a cloud of K
samples; show the true posterior and its numbers. Values are read back from the component
(window.__latentPad, see ui/components/latent_pad).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from pad_helpers import APP_PAD, APP_PAD_SELECTOR, app_stats, eps_client  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app, wait_for_app_idle  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
KEY = APP_PAD
PAD = APP_PAD_SELECTOR


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def test_dragging_eps_moves_z_by_sigma_times_the_change_and_the_image_follows(page: Page, app_url):
    open_app(page, app_url)
    start = app_stats(page)
    expect(page.locator(f"{PAD} .lp-help-sliders")).to_be_visible()  # the Explorer's sliders follow a release
    pixels_before = page.evaluate("k => window.__latentPad.pixels(k)", KEY)
    page.mouse.move(*eps_client(page, *start["eps"][:2]))
    page.mouse.down()
    seen = []
    for target in [(0.5, -0.25), (1.0, -0.5), (1.5, -1.0)]:
        page.mouse.move(*eps_client(page, *target), steps=4)
        page.wait_for_function(
            "([k, e]) => Math.abs(window.__latentPad.stats(k).eps[0] - e) < 0.02", arg=[KEY, target[0]]
        )
        mid = page.evaluate("k => window.__latentPad.stats(k)", KEY)
        assert mid["dragging"]
        # z = mu + sigma * eps: the move of z is exactly sigma ⊙ (the move of eps).
        for d in range(2):
            dz, de = mid["z"][d] - start["z"][d], mid["eps"][d] - start["eps"][d]
            assert dz == pytest.approx(mid["sigma"][d] * de, abs=1e-9)
        # The decoded image on display is the decoder's output for this z, during the drag.
        shown = page.evaluate("k => window.__latentPad.pixels(k)", KEY)
        expected = page.evaluate("([k, z]) => window.__latentPad.decode(z, k)", [KEY, mid["z"]])
        assert shown == pytest.approx(expected, abs=1e-6)
        seen.append(shown)
    assert seen[-1] != pixels_before and seen[0] != seen[-1]
    with expect_rerun(page):
        page.mouse.up()
    eps1 = page.locator('input[type="range"][aria-label="ε1"]').get_attribute("aria-valuetext")
    assert float(eps1) == pytest.approx(1.5, abs=0.02)  # the sliders took the dropped ε
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_fit_q_shows_the_posterior_at_true_scale_with_a_scale_bar(page: Page, app_url):
    open_app(page, app_url)
    pad = page.locator(PAD)
    pad.locator('[data-testid="fit-prior"]').click()
    wide = app_stats(page)
    assert max(wide["ellipsePx"][1]) < 30  # σ ≈ 0.05: at the prior's scale q is a speck
    pad.locator('[data-testid="fit-q"]').click()
    fitted = app_stats(page)
    assert min(fitted["ellipsePx"][1]) >= 100  # the 2σ ellipse, both ways
    # The window shrank, σ did not: the ellipse's size in latent units is unchanged.
    assert fitted["sigma"] == wide["sigma"]
    width = fitted["window"][1] - fitted["window"][0]
    assert width < 0.1 * (wide["window"][1] - wide["window"][0])
    bar = fitted["scaleBar"]
    assert 0 < bar["length"] < width and bar["px"] > 20
    expect(pad.locator('[data-testid="scale-bar"] text')).to_contain_text("latent units")
    # Scrolling zooms about the pointer.
    box = pad.locator('[data-testid="latent-pad-svg"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_function(
        "([k, w]) => { const s = window.__latentPad.stats(k); return s.window[1] - s.window[0] > w * 1.5; }",
        arg=[KEY, width],
    )


def test_a_cloud_of_k_samples_is_drawn_in_both_planes_and_decoded(page: Page, app_url):
    open_app(page, app_url)
    slider = page.locator('input[type="range"][aria-label="Samples K"]')
    slider.focus()
    with expect_rerun(page):
        page.keyboard.press("End")  # K = 200
    page.wait_for_function("k => window.__latentPad.stats(k).cloudDecoded === 200", arg=KEY)
    pad = page.locator(PAD)
    expect(pad.locator(".lp-cloud circle")).to_have_count(200)
    expect(pad.locator('[data-testid="cloud-images"]')).to_be_visible()
    expect(pad.locator('[data-testid="cloud-images"]')).to_contain_text("mean of all 200")


def test_the_true_posterior_peaks_inside_q_and_its_numbers_show(page: Page, app_url):
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_heat").get_by_text("True posterior p(z|x)").click()
    page.wait_for_function("k => window.__latentPad.stats(k).heat !== null", arg=KEY, timeout=60_000)
    stats = app_stats(page)
    peak, mu, sigma = stats["heat"]["peak"], stats["mu"], stats["sigma"]
    # For the default input (a 2), p(z|x)'s peak lies inside q(z|x)'s 3σ ellipse.
    assert sum(((peak[d] - mu[d]) / sigma[d]) ** 2 for d in range(2)) <= 9
    heat = page.locator(f'{PAD} [data-testid="posterior-heatmap"]')
    assert float(heat.get_attribute("width")) > 10 and heat.get_attribute("display") == "inline"
    for label in ["log p(x), exact", "ELBO of this q", "IWAE L_50", "gap log p(x) − ELBO"]:
        expect(page.locator('[data-testid="stMetric"]').filter(has_text=label)).to_be_visible()
    values = {
        label: float(
            page.locator('[data-testid="stMetric"]')
            .filter(has_text=label)
            .locator('[data-testid="stMetricValue"]')
            .inner_text()
            .split(" ")[0]
            .replace(",", "")
        )
        for label in ["log p(x), exact", "ELBO of this q", "IWAE L_50"]
    }
    # Both bounds lie below log p(x), and L_50 above the ELBO (Burda et al. 2016).
    assert values["ELBO of this q"] < values["IWAE L_50"] < values["log p(x), exact"]
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("first,then", [("2-D", "16-D"), ("16-D", "2-D")])
def test_a_cloud_follows_a_change_of_latent_size(page: Page, app_url, first, then):
    """Samples K at 50, then another latent size: the cloud is drawn afresh at the new size
    (it once stayed (50, 2) and a traceback replaced the pipeline until "Resample ε")."""
    open_app(page, app_url)
    if first != "2-D":
        with expect_rerun(page):
            page.get_by_text(first, exact=True).click()
    slider = page.locator('input[type="range"][aria-label="Samples K"]')
    slider.focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")  # K: 0 → 1 → 10 → 50
    page.wait_for_function("k => window.__latentPad.stats(k).cloudDecoded === 50", arg=KEY)
    with expect_rerun(page):
        page.get_by_text(then, exact=True).click()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    dims = 16 if then == "16-D" else 2
    page.wait_for_function(
        "([k, d]) => { const s = window.__latentPad.stats(k); return s.cloudDecoded === 50 && s.z.length === d; }",
        arg=[KEY, dims],
    )


def test_a_drag_of_mu_just_after_fit_prior_stays_where_it_was_dropped(page: Page, app_url):
    """With the true posterior on: "fit prior", then a drag of μ released before the zoom is
    reported to Python (0.4 s after it). μ stays where it was dropped, in the pad, the sliders and
    the link. The report once went out while the drag's run was still on its way to the page, with
    the μ sliders' old values, and their callbacks moved μ back (3 runs in 3)."""
    page.clock.install()  # the page's timers run on, and the test can bring the report forward
    open_app(page, app_url)
    with expect_rerun(page):
        page.locator(".st-key-pg_heat").get_by_text("True posterior p(z|x)").click()
    page.wait_for_function("k => window.__latentPad.stats(k).heat !== null", arg=KEY, timeout=60_000)
    pad = page.locator(PAD)
    pad.locator('[data-testid="mode-mu"]').check()
    pad.scroll_into_view_if_needed()
    pad.locator('[data-testid="fit-prior"]').click()  # the prior's window, reported to Python 0.4 s later

    def client(a: float, b: float) -> tuple[float, float]:
        p = page.evaluate("([k, a, b]) => window.__latentPad.clientPoint(a, b, k)", [KEY, a, b])
        return p["x"], p["y"]

    page.mouse.move(*client(*app_stats(page)["mu"]))
    page.mouse.down()
    page.mouse.move(*client(2.0, 2.0), steps=4)
    page.wait_for_function("k => Math.abs(window.__latentPad.stats(k).mu[0] - 2) < 0.02", arg=KEY)
    with expect_rerun(page):
        page.mouse.up()  # the commit: its run starts
        page.clock.run_for(400)  # the zoom's report falls due at once, while that run is on its way
    # The report reaches Python (the link carries the prior's window) ...
    page.wait_for_function("() => new URLSearchParams(location.search).get('zoom') === '0,0,6'")
    wait_for_app_idle(page)
    # ... and μ is where it was dropped: in the pad, in the sliders and in the link.
    assert app_stats(page)["mu"] == pytest.approx([2.0, 2.0], abs=0.02)
    for label in ("μ1", "μ2"):
        value = page.locator(f'input[type="range"][aria-label="{label}"]').get_attribute("aria-valuetext")
        assert float(value) == pytest.approx(2.0, abs=0.02), label
    mu_link = page.evaluate("() => new URLSearchParams(location.search).get('mu')")
    assert [float(v) for v in mu_link.split(",")] == pytest.approx([2.0, 2.0], abs=0.02)
    expect(page.locator(EXCEPTION)).to_have_count(0)
