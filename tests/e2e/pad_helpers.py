"""What the latent pad's browser tests share: its selector, the decode tolerance, and small
readers of the pad's state in the page (window.__latentPad) and of the test app's text lines."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from e2e_harness import open_app

TOLERANCE = 1e-4  # max |browser pixel - torch pixel|
PAD = '[data-testid="latent-pad"]'


def open_pad(page: Page, streamlit_app, cfg: dict) -> None:
    open_app(page, streamlit_app("pad_app.py", cfg["env"]))
    expect(page.locator(PAD)).to_have_attribute("data-ready", "true")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def runs(page: Page) -> int:
    return int(page.get_by_text(re.compile(r"^PAD_RUNS \d+$")).inner_text().split()[1])


def commit(page: Page, k: int) -> dict:
    """The k-th commit as shown by the app (waits for it)."""
    line = page.get_by_text(re.compile(rf"^PAD_COMMIT {k} "))
    expect(line).to_be_visible()
    return json.loads(line.inner_text().split(" ", 2)[2])


def stats(page: Page) -> dict:
    return page.evaluate("window.__latentPad.stats('pad')")


def client(page: Page, zi: float, zj: float) -> tuple[float, float]:
    p = page.evaluate("([a, b]) => window.__latentPad.clientPoint(a, b, 'pad')", [zi, zj])
    return p["x"], p["y"]


APP_PAD = "pg_vae_pad"
"""The key of the Explorer's pipeline for the VAE (the AE's is pg_ae_pad)."""
APP_PAD_SELECTOR = f'{PAD}[data-pad-key="{APP_PAD}"]'


def app_stats(page: Page, key: str = APP_PAD) -> dict:
    """The app's pipeline state (window.__latentPad.stats) once its decoder is loaded."""
    expect(page.locator(f'{PAD}[data-pad-key="{key}"]')).to_have_attribute("data-ready", "true")
    return page.evaluate("k => window.__latentPad.stats(k)", key)


def eps_client(page: Page, e0: float, e1: float, key: str = APP_PAD) -> tuple[float, float]:
    """The client position of ε = (e0, e1) on the app's ε-plane."""
    p = page.evaluate("([k, a, b]) => window.__latentPad.epsClientPoint(a, b, k)", [key, e0, e1])
    return p["x"], p["y"]


def drag_eps(page: Page, key: str, target: tuple[float, float]) -> None:
    """Drag ε on pipeline `key` from where it is to `target` and release (a commit: one rerun)."""
    from e2e_harness import expect_rerun  # noqa: PLC0415

    start = app_stats(page, key)["eps"]
    page.locator(f'{PAD}[data-pad-key="{key}"]').scroll_into_view_if_needed()
    page.mouse.move(*eps_client(page, *start[:2], key=key))
    page.mouse.down()
    page.mouse.move(*eps_client(page, *target, key=key), steps=6)
    page.wait_for_function("([k, e]) => Math.abs(window.__latentPad.stats(k).eps[0] - e) < 0.05", arg=[key, target[0]])
    with expect_rerun(page):
        page.mouse.up()


PAD_SMALLEST_TEXT = """root => {
  const sizes = [...root.querySelectorAll('*')]
    .filter(e => e.getClientRects().length
      && !e.closest('[hidden], .lp-sr-only, .katex-mathml, [display="none"]')
      && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 30)]);
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes[0];
}"""
"""JS for locator.evaluate on a pad: [font size in CSS px, text] of its smallest text: of every
element with text of its own, and every SVG label (ticks, axis titles, ring labels, the scale bar),
that is drawn (not hidden, not the words for screen readers or KaTeX's MathML copy)."""
