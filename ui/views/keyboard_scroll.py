"""Formulas and code that scroll sideways can be reached with the keyboard.

Streamlit puts a display formula (``$$…$$``, st.latex) in a ``.katex-display`` box and st.code in
a ``pre``, and each scrolls sideways when wider than its column (on a phone, or beside a chart).
A region that scrolls must be reachable from the keyboard (WCAG 2.1 2.1.1; axe-core's
scrollable-region-focusable rule, tests/e2e/test_accessibility.py), and Streamlit's boxes are not.
This script, put on a page once, gives every such box that does scroll a tab stop and a name
("formula, scrolls sideways"), so the arrow keys scroll it, and takes them away when it fits
again (after a resize, or when a rerun draws new ones).
"""

from __future__ import annotations

import streamlit as st

__all__ = ["keyboard_scrollable"]

_SCRIPT = """<script>
(() => {
  if (window.__vaeKeyboardScroll) return;          // once per page, whatever the reruns
  window.__vaeKeyboardScroll = true;
  const BOXES = [[".katex-display", "formula, scrolls sideways"],
                 ['[data-testid="stCode"] pre', "code, scrolls sideways"]];
  const sized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
  function mark(box) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && box.dataset.vaeScroll !== "1") {
      box.dataset.vaeScroll = "1";
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", box.__vaeName);
    } else if (!scrolls && box.dataset.vaeScroll === "1") {
      delete box.dataset.vaeScroll;
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
  function watch() {
    for (const [selector, name] of BOXES) {
      document.querySelectorAll(selector).forEach((box) => {
        if (!box.__vaeName) { box.__vaeName = name; sized.observe(box); }
        mark(box);                                 // new content may fit where the old did not
      });
    }
  }
  watch();
  let queued = false;                             // one look per animation frame, however many changes
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; watch(); });
  }).observe(document.body, { childList: true, subtree: true });
})();
</script>"""


def keyboard_scrollable() -> None:
    """Put the script on the page (an empty element: it draws nothing). Call it once per page run,
    at the end, on every page with display formulas or code."""
    st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
