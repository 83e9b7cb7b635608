"""axe-core (WCAG 2.1 A and AA rules) on every page, in Chromium: no serious or critical violation.

Checked: the Explorer (with its charts below the fold drawn), the Tour, the Maths lab and the Train
page at 1440 x 900 and 390 x 844, in the light and the dark theme; every Tour step after its
Reveal; every page with presentation mode on (``?present=1``). The app follows the browser's
colour scheme (.streamlit/config.toml sets [theme.light]; Streamlit then ignores --theme.base and
picks the light or the dark theme from prefers-color-scheme), so the dark theme is a browser
context with color_scheme="dark" against the same server. axe runs from the copy that the
axe-playwright-python wheel bundles (axe.min.js), so nothing is fetched.

A violation inside Streamlit's own widgets may be excluded, only by rule id and a selector, each
explained at EXCLUDED; the app's own components (ui/components/*/frontend) are never excluded.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from e2e_harness import expect_rerun, open_app, scroll_to_charts  # noqa: E402
from ui.pages.tour.steps import STEP_COUNT  # noqa: E402

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
PAGES = ("explorer", "tour", "maths", "train")
VIEWPORTS = {"1440x900": (1440, 900), "390x844": (390, 844)}
THEMES = ("light", "dark")
EXCLUDED: dict[tuple[str, str], str] = {
    # Streamlit writes a slider's value above its thumb in the theme's primary colour. The dark
    # theme's primary (#cf4250) has 3.9:1 against its background; a colour light enough for 4.5:1
    # there would leave the white text of the primary buttons (Next, Train) under 4.5:1 on it.
    ("color-contrast", '[data-testid="stSliderThumbValue"]'): "Streamlit slider value in the primary colour",
    # st.code highlights Python with a fixed palette that greys comments (#808495: 3.6:1 on the
    # light theme's code background, under 4.5:1 in the dark theme too); the theme has no setting
    # for it. The Tour's code (step 6) shows what autograd does, and its comments are part of it.
    ("color-contrast", '[data-testid="stCode"] .token.comment'): "Streamlit's syntax colours for comments",
}
"""(axe rule id, CSS selector of the Streamlit element the violating node lies in): why."""

_AXE = axe_playwright.Axe()

# The violating nodes that no exclusion covers: axe gives each node as a target, a list of
# selectors (one per shadow root on the way in); a node is excluded when the element it names
# lies inside an element matching the rule's excluded selector.
_NOT_EXCLUDED = """([violations, excluded]) => {
  const find = (target) => {
    let root = document, el = null;
    for (const sel of (Array.isArray(target) ? target : [target])) {
      el = root.querySelector(sel);
      if (!el) return null;
      root = el.shadowRoot || el;
    }
    return el;
  };
  const out = [];
  for (const v of violations) {
    const selectors = excluded.filter(([rule]) => rule === v.id).map(([, sel]) => sel);
    const nodes = v.nodes.filter((n) => {
      const el = find(n.target[0]) || null;
      return !(el && selectors.some((sel) => el.closest(sel)));
    });
    if (nodes.length) out.push({ id: v.id, impact: v.impact, help: v.help, nodes: nodes.map((n) => ({
      target: n.target, html: n.html.slice(0, 200), summary: (n.failureSummary || "").slice(0, 300) })) });
  }
  return out;
}"""


def _violations(page: Page) -> list[dict]:
    """Serious and critical violations of the WCAG 2.1 A/AA rules on the page as it is now, less
    the excluded ones."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    found = _AXE.run(page, options=options).response["violations"]
    blocking = [v for v in found if v["impact"] in BLOCKING]
    return page.evaluate(_NOT_EXCLUDED, [blocking, [list(k) for k in EXCLUDED]])


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"][:5]]
    return "\n".join(lines)


def _assert_clean(page: Page, where: str) -> None:
    violations = _violations(page)
    assert not violations, f"axe-core on {where}:\n{_report(violations)}"


MATHS_CHARTS = 6
"""Plotly charts on the Maths lab with a VAE: two in view 1, one in each of views 2-5."""


def _scroll_maths(page: Page) -> None:
    """On the Maths lab: scroll to view 2's box, which asks the server for the charts and views 2-5
    (ui/pages/maths_lab/later.py), and wait until all MATHS_CHARTS are drawn."""
    box = page.locator(".st-key-maths_view_2_later")
    if box.count():
        with expect_rerun(page):
            box.scroll_into_view_if_needed()
    page.wait_for_function(
        """n => { const g = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
                  return g.length >= n && g.every(e => e._fullLayout); }""",
        arg=MATHS_CHARTS,
    )


def _settle(page: Page, name: str = "") -> None:
    """Wait for what a page draws in the browser after its script has run: every pipeline's
    decoder, and on the Explorer and the Maths lab what comes below the first screen."""
    pads = page.locator('[data-testid="latent-pad"]').count()
    if pads:
        expect(page.locator('[data-testid="latent-pad"][data-ready="true"]')).to_have_count(pads)
    if name == "explorer":
        scroll_to_charts(page)
    elif name == "maths":
        _scroll_maths(page)


@pytest.fixture(scope="module")
def url(streamlit_app) -> str:
    return streamlit_app("app.py")


def _page(browser: Browser, theme: str, viewport: str) -> Page:
    """A new page (its own browser context: a new session) in that colour scheme and size."""
    width, height = VIEWPORTS[viewport]
    return browser.new_page(viewport={"width": width, "height": height}, color_scheme=theme)


def _check_theme(page: Page, theme: str) -> None:
    """The page shows the theme asked for: a dark or a light background."""
    dark = page.evaluate(
        """() => { const [r, g, b] = getComputedStyle(document.querySelector('[data-testid="stApp"]'))
                     .backgroundColor.match(/\\d+/g).map(Number); return r + g + b < 3 * 128; }"""
    )
    assert dark == (theme == "dark"), f"the app did not take the {theme} theme"


def _audit(browser: Browser, address: str, theme: str, viewport: str, label: str, name: str = "") -> str | None:
    """Open address in a new session at that theme and size, let it settle (`name`: see _settle)
    and run axe-core: the report of its violations under `label`, or None if there are none."""
    page = _page(browser, theme, viewport)
    try:
        open_app(page, address)
        _check_theme(page, theme)
        _settle(page, name)
        violations = _violations(page)
        return f"{label}:\n{_report(violations)}" if violations else None
    finally:
        page.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_has_no_serious_violation(browser: Browser, url, theme, viewport):
    reports = [
        _audit(browser, f"{url}/{name}", theme, viewport, f"{name} ({theme}, {viewport})", name) for name in PAGES
    ]
    failures = [r for r in reports if r]
    assert not failures, "axe-core:\n" + "\n".join(failures)


@pytest.mark.parametrize(("theme", "viewport"), [("light", "1440x900"), ("dark", "390x844")])
def test_every_tour_step_after_reveal_has_no_serious_violation(browser: Browser, url, theme, viewport):
    """Each step, its answer revealed (light on a laptop, dark on a phone)."""
    page = _page(browser, theme, viewport)
    failures = []
    try:
        open_app(page, f"{url}/tour")
        _check_theme(page, theme)
        for step in range(STEP_COUNT):
            reveal = page.locator('[class*="st-key-tour_reveal_"] button')
            if reveal.count():
                with expect_rerun(page):
                    reveal.first.click()
            _settle(page)
            violations = _violations(page)
            if violations:
                failures.append(f"step {step + 1} ({theme}):\n{_report(violations)}")
            if step + 1 < STEP_COUNT:
                with expect_rerun(page):
                    page.locator(".st-key-tour_next button").click()
    finally:
        page.close()
    assert not failures, "axe-core on the Tour:\n" + "\n".join(failures)


def test_presentation_mode_has_no_serious_violation(browser: Browser, url):
    """At 1440 x 900 in the light theme (presentation mode changes sizes, not colours)."""
    reports = [
        _audit(browser, f"{url}/{name}?present=1", "light", "1440x900", f"{name} (presentation mode)") for name in PAGES
    ]
    failures = [r for r in reports if r]
    assert not failures, "axe-core:\n" + "\n".join(failures)
