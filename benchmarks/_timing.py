"""How benchmarks/actions.py times one action in the browser: from its first input event to the
app settled (see actions.py's docstring for what "settled" means), on the page's own clock."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from e2e_harness import ScriptRunTracker, expect_rerun, open_app, wait_for_app_idle

__all__ = ["VIEWPORT", "TIMEOUT_MS", "SETTLED_EXPR", "settled_js", "timed", "untimed", "new_tab"]

VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 120_000  # a loaded 2-core machine: a bound, never a sleep

# Records the page-clock time of the first input event after each arming.
ARM_JS = """() => {
  window.__action = {t0: null};
  if (window.__actionListening) return;
  window.__actionListening = true;
  for (const type of ['pointerdown', 'pointerup', 'keydown', 'input', 'change'])
    window.addEventListener(type, () => {
      if (window.__action && window.__action.t0 === null) window.__action.t0 = performance.now();
    }, true);
}"""

# The app settled and drawn (see the module's docstring); the latent pads live in shadow roots.
SETTLED_EXPR = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState !== 'notRunning')
    return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stElementContainer"][data-stale="true"]'))
    return false;
  if (![...document.querySelectorAll('[data-testid="stApp"] img')].every(i => i.complete)) return false;
  if (![...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout)) return false;
  const pads = [...document.querySelectorAll('[data-testid="stElementContainer"] *')]
    .filter(e => e.shadowRoot)
    .flatMap(e => [...e.shadowRoot.querySelectorAll('[data-testid="latent-pad"]')]);
  return pads.every(p => p.dataset.ready === 'true');
})()"""


def settled_js(extra: str = "true") -> str:
    """A predicate for wait_for_function: performance.now() once settled and `extra` (a JS
    expression) holds, else false."""
    return f"() => ({SETTLED_EXPR}) && ({extra}) ? performance.now() : false"


def timed(page: Page, action: Callable[[], None], until: str | None = None, extra: str = "true") -> float:
    """ms on the page's clock from the first input event of action() to the app settled (after
    the run it causes has ended) and `extra` holds; with `until` (a JS expression), to the first
    frame at which `until` holds instead, run or no run."""
    page.evaluate(ARM_JS)
    tracker = ScriptRunTracker.of(page)
    target = tracker.finished + 1
    action()
    if until is not None:
        done = page.wait_for_function(
            f"() => ({until}) ? performance.now() : false", polling="raf", timeout=TIMEOUT_MS
        ).json_value()
    else:
        tracker.wait_for(target, TIMEOUT_MS)
        done = page.wait_for_function(settled_js(extra), polling="raf", timeout=TIMEOUT_MS).json_value()
        wait_for_app_idle(page, TIMEOUT_MS)
    began = page.evaluate("window.__action.t0")
    if began is None:
        raise RuntimeError("the action sent no input event the page saw")
    return done - began


def untimed(page: Page, action: Callable[[], None]) -> None:
    """Do action (it must cause a run) and wait until the app has settled."""
    with expect_rerun(page, TIMEOUT_MS):
        action()
    page.wait_for_function(settled_js(), polling="raf", timeout=TIMEOUT_MS)


def new_tab(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    open_app(page, url, TIMEOUT_MS)
    page.wait_for_function(settled_js(), polling="raf", timeout=TIMEOUT_MS)
    return page
