"""The Train page of the real app (`streamlit run app.py`, /train) in Chromium.

A learner presses Play on a pathwise run: its first point (a quarter of an epoch) is on the race
chart when Play's run ends, the status line shows it, the latent codes are drawn; Pause stops it
and the checkpoint can be downloaded; a second run (score function) joins the race chart. No
stException anywhere. Every wait is on the page's state.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
EPOCH_TIMEOUT_MS = 120_000  # a shared CI machine: an epoch is ~0.5 s alone, far more under load


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _status(page: Page):
    return page.locator('[data-testid="stMarkdown"]').filter(has_text=re.compile(r"epoch [\d.]+/60"))


def _legend(page: Page, key: str):
    return page.locator(f".st-key-{key} .legendtext")


def test_play_trains_an_epoch_and_the_charts_update(page: Page, app_url: str):
    open_app(page, f"{app_url}/train")
    expect(page.get_by_text("Train it yourself")).to_be_visible()
    with expect_rerun(page):
        page.get_by_role("button", name="Play").click()
    # A point is drawn: the status, the race chart and the latent scatter show it.
    expect(_status(page)).to_contain_text(
        re.compile(r"epoch [\d.]+/60, test −ELBO \d+\.\d nats"), timeout=EPOCH_TIMEOUT_MS
    )
    expect(_legend(page, "tr_race").first).to_have_text("#1 pathwise, test")
    expect(page.locator(".st-key-tr_scatter image").first).to_be_attached()  # the codes' picture under the axes
    first = _status(page).inner_text()
    expect(_status(page)).not_to_have_text(first, timeout=EPOCH_TIMEOUT_MS)  # a later point redraws it
    with expect_rerun(page):
        page.get_by_role("button", name="Pause").click()
    expect(_status(page)).to_contain_text("paused", timeout=EPOCH_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Download the checkpoint")).to_be_visible(timeout=EPOCH_TIMEOUT_MS)

    # A score-function run joins the race on the same chart.
    with expect_rerun(page):
        page.get_by_text("score function (REINFORCE)", exact=True).click()
    with expect_rerun(page):
        page.get_by_role("button", name="One epoch").click()
    expect(_status(page)).to_contain_text(
        re.compile(r"#2 score function .*paused, epoch 1/60"), timeout=EPOCH_TIMEOUT_MS
    )
    expect(_legend(page, "tr_race")).to_have_text(
        ["#1 pathwise, test", "#1 pathwise, train", "#2 score function, test", "#2 score function, train"]
    )
    assert page.locator(EXCEPTION).count() == 0
