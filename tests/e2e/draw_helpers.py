"""Drawing on the sidebar's canvas (ui/components/draw_pad) from a browser test, through window.__drawPad."""

from __future__ import annotations

from playwright.sync_api import Page

from e2e_harness import expect_rerun

SIDEBAR = '[data-testid="stSidebar"]'


def choose_draw(page: Page) -> None:
    with expect_rerun(page):
        page.locator(SIDEBAR).get_by_text("Draw", exact=True).click()
    page.wait_for_function("() => window.__drawPad && window.__drawPad.keys().length > 0")


def stroke(page: Page, points: list[tuple[float, float]]) -> None:
    """Drag the mouse through the canvas points (x, y in [0, 1]); the release reruns the app.
    The canvas is scrolled into view first (its lower edge can lie below the sidebar's fold)."""
    page.locator('[data-testid="draw-pad-canvas"]').scroll_into_view_if_needed()

    def at(x, y):
        p = page.evaluate("([x, y]) => window.__drawPad.clientPoint(x, y)", [x, y])
        return p["x"], p["y"]

    page.mouse.move(*at(*points[0]))
    page.mouse.down()
    for a, b in zip(points, points[1:], strict=False):
        for k in (1, 2, 3):
            page.mouse.move(*at(a[0] + (b[0] - a[0]) * k / 3, a[1] + (b[1] - a[1]) * k / 3))
    with expect_rerun(page):
        page.mouse.up()


def strokes(page: Page) -> int:
    return page.evaluate("window.__drawPad.stats().strokes")


def drawing_code(page: Page) -> str:
    return page.evaluate("window.__drawPad.code()")
