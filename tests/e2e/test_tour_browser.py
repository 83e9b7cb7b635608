"""The guided tour (`streamlit run app.py`, page /tour) in Chromium.

A learner presses Next through every step to the end and Back to the start: the progress bar
names each step, no step shows an exception, the page throws no error (the `page` fixture fails
the test on one). And one predict-then-reveal: on the reparameterization step ε starts at 0 (z = μ);
"Set ε = (1, 0)" moves the pipeline's ε, and the z the browser computes is μ + σ ⊙ (1, 0), the
answer the step's text states (read back from window.__latentPad, see ui/components/latent_pad).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402
from ui.pages.tour import facts as tour_facts  # noqa: E402
from ui.pages.tour.steps import STEP_COUNT, STEPS, TITLES, vector  # noqa: E402
from ui.pages.tour.views import pad_key  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
PROGRESS = '[data-testid="stProgress"]'


@pytest.fixture(scope="module")
def tour_url(streamlit_app):
    return streamlit_app("app.py") + "/tour"


def _expect_step(page: Page, k: int) -> None:
    expect(page.locator(PROGRESS)).to_contain_text(f"Step {k + 1} of {STEP_COUNT}: {TITLES[k]}")
    expect(page.get_by_role("heading", name=TITLES[k], exact=True)).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_next_through_every_step_and_back_to_the_start(page: Page, tour_url):
    open_app(page, tour_url)
    _expect_step(page, 0)
    expect(page.get_by_role("button", name="Back", exact=True)).to_be_disabled()
    for k in range(1, STEP_COUNT):
        with expect_rerun(page):
            page.get_by_role("button", name="Next", exact=True).click()
        _expect_step(page, k)
    expect(page.get_by_role("button", name="Next", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Finish: open the Explorer")).to_be_visible()
    for k in range(STEP_COUNT - 2, -1, -1):
        with expect_rerun(page):
            page.get_by_role("button", name="Back", exact=True).click()
        _expect_step(page, k)
    expect(page.get_by_role("button", name="Back", exact=True)).to_be_disabled()


def test_predict_then_reveal_where_z_lands_for_eps_1_0(page: Page, tour_url):
    step = [s.key for s in STEPS].index("reparam")
    key = pad_key("reparam")
    pad = f'[data-testid="latent-pad"][data-pad-key="{key}"]'
    open_app(page, tour_url)
    with expect_rerun(page):
        page.get_by_label("Go to step").click()
        page.get_by_role("option", name=f"{step + 1}. {TITLES[step]}").click()
    _expect_step(page, step)
    expect(page.locator(pad)).to_have_attribute("data-ready", "true")
    expect(page.locator(f"{pad} .lp-help-sliders")).to_be_hidden()  # the tour has no sliders below the pad
    before = page.evaluate("k => window.__latentPad.stats(k)", key)
    assert before["eps"] == [0, 0] and before["z"] == pytest.approx(before["mu"], abs=1e-12)  # ε = 0: z = μ

    with expect_rerun(page):
        page.get_by_role("button", name="Set ε = (1, 0)").click()
    page.wait_for_function("k => window.__latentPad.stats(k).eps[0] === 1", arg=key)
    after = page.evaluate("k => window.__latentPad.stats(k)", key)
    mu, sigma = after["mu"], after["sigma"]
    assert after["eps"] == [1, 0]
    assert after["z"] == pytest.approx([mu[0] + sigma[0], mu[1]], abs=1e-9)  # z = μ + σ ⊙ (1, 0)
    # ... which is what the step's answer says, computed from the shipped VAE.
    facts = tour_facts.reparam_facts(tour_facts.tour_context())
    assert after["z"] == pytest.approx(facts["z"], abs=1e-5)
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("to the right of")
    expect(page.get_by_text(f"Now: ε = (1.00, 0.00), z = μ + σ ⊙ ε = {vector(facts['z'])}.")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_tour_step_travels_in_the_link(page: Page, tour_url, browser):
    open_app(page, tour_url)
    for _ in range(3):
        with expect_rerun(page):
            page.get_by_role("button", name="Next", exact=True).click()
    _expect_step(page, 3)
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '4'")
    link = page.evaluate("location.href")
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = fresh.new_page()
        open_app(other, link)
        _expect_step(other, 3)  # a fresh browser opens the same step
    finally:
        fresh.close()
