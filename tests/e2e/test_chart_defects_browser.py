"""The chart defects of issue 22 as Chromium draws them (`streamlit run app.py`): boxes of the
drawn SVG elements, measured in the page (tests/test_chart_defects.py checks the figure objects).

- Tour steps 2, 6 (revealed) and 8 at 1440 x 900, 390 x 844 and, in presentation mode (its CSS
  enlarges chart text after Plotly has laid the figure out), 1920 x 1080: each title lies inside
  its figure and above the plot and the subplot titles; the legend does not overlap an x-axis title.
- Tour step 2: Reveal leaves the scatter's x- and y-ranges where they were, the ranges the figure
  asks for.
- Tour step 6 on a phone: the gradient chart's note overlaps no printed value, the values and the
  two subplot titles do not overlap each other, and the note stays inside the figure.
- The pipeline pad's z-plane: a z near the bottom-left corner is drawn over the scale bar.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app  # noqa: E402
from ui.pages.tour.steps import STEPS  # noqa: E402
from ui.pages.tour.views import pad_key  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
STEP = {s.key: i + 1 for i, s in enumerate(STEPS)}  # a step's number in a link (?step=)
SIZES = {"desktop": (1440, 900), "phone": (390, 844), "presentation": (1920, 1080)}
CHARTS = (  # (step key, revealed, the chart's key)
    ("holes", False, "tour_holes_scatter"),
    ("gradient", True, "tour_gradient_flow"),
    ("mc", False, "tour_mc_variance"),
)
SLACK_PX = 1.0  # rounding of the boxes

# The boxes (client px: left, top, right, bottom) of the parts of the Plotly chart `selector`.
BOXES_JS = """selector => {
  const gd = document.querySelector(selector);
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const all = css => [...gd.querySelectorAll(css)].filter(e => e.getClientRects().length).map(box);
  const svg = box(gd.querySelector('.main-svg'));
  const size = gd._fullLayout._size;
  return {
    svg, plot: [svg[0] + size.l, svg[1] + size.t, svg[2] - size.r, svg[3] - size.b],
    title: all('.gtitle'), xtitles: all('.g-xtitle text, .g-x2title text'), legend: all('.legend .bg'),
    annotations: [...gd.querySelectorAll('.annotation')].map(a => ({text: a.textContent, box: box(a)})),
    bartexts: [...gd.querySelectorAll('.bartext')].filter(t => t.textContent)
                .map(t => ({text: t.textContent, box: box(t)})),
    xrange: [...gd._fullLayout.xaxis.range], yrange: [...gd._fullLayout.yaxis.range],
    asked: gd.layout.xaxis.range ? [[...gd.layout.xaxis.range], [...gd.layout.yaxis.range]] : null,
  };
}"""


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


def _overlap(a, b) -> bool:
    """Do two boxes overlap by more than the rounding slack?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > SLACK_PX and min(a[3], b[3]) - max(a[1], b[1]) > SLACK_PX


def _open_chart(page: Page, url: str, key: str) -> str:
    open_app(page, url)
    selector = f".st-key-{key} .js-plotly-plot"
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function("s => { const g = document.querySelector(s); return g && g._fullLayout; }", arg=selector)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    return selector


def _url(app_url: str, step: str, revealed: bool, size: str) -> str:
    query = (
        f"step={STEP[step]}" + ("&revealed=1" if revealed else "") + ("&present=1" if size == "presentation" else "")
    )
    return f"{app_url}/tour?{query}"


@pytest.mark.parametrize("size", list(SIZES))
def test_tour_titles_fit_and_legends_clear_the_axis_titles(browser: Browser, app_url, size):
    width, height = SIZES[size]
    for step, revealed, key in CHARTS:
        page = browser.new_page(viewport={"width": width, "height": height})
        try:
            selector = _open_chart(page, _url(app_url, step, revealed, size), key)
            b = page.evaluate(BOXES_JS, selector)
        finally:
            page.close()
        where = f"{size}, {key}"
        (title,) = b["title"]
        svg, plot = b["svg"], b["plot"]
        assert title[0] >= svg[0] - SLACK_PX and title[2] <= svg[2] + SLACK_PX, f"{where}: title cut at a side {b}"
        assert title[1] >= svg[1] - SLACK_PX, f"{where}: title cut at the top {b}"
        assert title[3] <= plot[1] + SLACK_PX, f"{where}: title runs into the plot {b}"
        above = [a["box"] for a in b["annotations"] if a["box"][3] <= plot[1] + 2 * SLACK_PX]  # subplot titles
        assert all(not _overlap(title, a) for a in above), f"{where}: title over a subplot title {b}"
        for legend in b["legend"]:
            assert all(not _overlap(legend, x) for x in b["xtitles"]), f"{where}: legend over an axis title {b}"


def test_revealing_step_2_keeps_the_scatter_s_ranges(page: Page, app_url):
    selector = _open_chart(page, _url(app_url, "holes", False, "desktop"), "tour_holes_scatter")
    before = page.evaluate(BOXES_JS, selector)
    with expect_rerun(page):
        page.locator('[data-testid="stMain"]').get_by_role("button", name="Show the classifier's verdict").click()
    expect(page.locator(".st-key-tour_holes_confidence .js-plotly-plot")).to_be_attached()  # revealed
    page.wait_for_function("s => document.querySelector(s)._fullLayout", arg=selector)
    after = page.evaluate(BOXES_JS, selector)
    assert after["xrange"] == pytest.approx(before["xrange"]) and after["yrange"] == pytest.approx(before["yrange"])
    # The ranges drawn are the window the figure asks for (Plotly widened one to keep the scale before).
    asked_x, asked_y = after["asked"]
    assert after["xrange"] == pytest.approx(asked_x) and after["yrange"] == pytest.approx(asked_y)


def test_the_gradient_chart_on_a_phone_keeps_its_texts_apart(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        selector = _open_chart(page, _url(app_url, "gradient", True, "phone"), "tour_gradient_flow")
        b = page.evaluate(BOXES_JS, selector)
    finally:
        page.close()
    values = b["bartexts"]
    assert values and all("None" not in v["text"] for v in values)
    (note,) = [a for a in b["annotations"] if a["text"].startswith("no gradient")]
    assert note["box"][0] >= b["svg"][0] and note["box"][2] <= b["svg"][2], b  # not cut at the phone's edge
    assert all(not _overlap(note["box"], v["box"]) for v in values), b
    for i, v in enumerate(values):
        assert all(not _overlap(v["box"], w["box"]) for w in values[i + 1 :]), (v, values)
    titles = [a["box"] for a in b["annotations"] if a is not note]
    assert len(titles) == 2 and not _overlap(*titles), titles


# Every point of the z marker's box where the star or the scale bar is painted: which is on top.
STACK_JS = """([star, bar]) => {
  const s = star.getBoundingClientRect(), b = bar.getBoundingClientRect();
  const root = star.getRootNode();
  const apart = s.right < b.left || b.right < s.left || s.bottom < b.top || b.bottom < s.top;
  const points = { shared: 0, barOnTop: 0, overlapping: !apart };
  for (let x = s.left + 1; x < s.right; x += 2) for (let y = s.top + 1; y < s.bottom; y += 2) {
    const stack = (root.elementsFromPoint ? root : document).elementsFromPoint(x, y);
    const iStar = stack.findIndex(e => e.closest && e.closest('.lp-z'));
    const iBar = stack.findIndex(e => e.closest && e.closest('[data-testid="scale-bar"]'));
    if (iStar < 0 || iBar < 0) continue;
    points.shared++;
    if (iBar < iStar) points.barOnTop++;
  }
  return points;
}"""


def test_z_near_the_bottom_left_corner_is_drawn_over_the_scale_bar(browser: Browser, app_url):
    """ε = (−2.7, −2.75) on step 7's plane (fitted to q): z sits where the scale bar is drawn."""
    key = pad_key("reparam")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        open_app(page, f"{app_url}/tour?step={STEP['reparam']}&eps=-2.7,-2.75")
        pad = page.locator(f'[data-testid="latent-pad"][data-pad-key="{key}"]')
        expect(pad).to_have_attribute("data-ready", "true")
        pad.locator('[data-testid="latent-pad-plane"]').scroll_into_view_if_needed()
        star = pad.locator(".lp-z-star").element_handle()  # the pad lives in a shadow root: handles reach it
        bar = pad.locator('[data-testid="scale-bar"]').element_handle()
        points = page.evaluate(STACK_JS, [star, bar])
    finally:
        page.close()
    assert points["overlapping"] and points["shared"] > 0, points  # the case arises...
    assert points["barOnTop"] == 0, points  # ...and the star is on top wherever both are painted
