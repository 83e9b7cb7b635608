"""Presentation mode folds the sidebar, also for a teacher whose browser has opened it by hand before.

Streamlit remembers a sidebar opened or closed with » / « in localStorage ("stSidebarCollapsed-")
and from then on ignores set_page_config's initial_sidebar_state, in every tab of that browser.
Turning presentation mode off needs the sidebar (» first), so every use after the first one
starts from a browser that has that memory. Each check below uses one browser context (one
profile), as a teacher's laptop is.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402

SIDEBAR = '[data-testid="stSidebar"]'
EXPAND = '[data-testid="stExpandSidebarButton"]'


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _switch_click(page: Page) -> None:
    with expect_rerun(page):
        page.locator(".st-key-presentation").get_by_text("Presentation mode").click()


def test_a_second_lesson_in_the_same_browser_still_folds_the_sidebar(browser: Browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        open_app(page, f"{app_url}/explorer")
        _switch_click(page)  # first lesson: on, the sidebar folds
        expect(page.locator(SIDEBAR)).not_to_be_in_viewport()
        page.locator(EXPAND).click()  # », to turn it off at the end of the lesson
        _switch_click(page)
        expect(page.locator(".st-key-presentation input")).not_to_be_checked()
        _switch_click(page)  # the next lesson, same tab: on again
        expect(page.locator(SIDEBAR)).not_to_be_in_viewport()
        page.close()
        page = context.new_page()  # the next lesson, from the teacher's link
        open_app(page, f"{app_url}/explorer?present=1")
        expect(page.locator(".st-key-presentation input")).to_be_checked()
        expect(page.locator(SIDEBAR)).not_to_be_in_viewport()
    finally:
        context.close()
