"""A one-pixel browser component that tells the server the learner has scrolled near it.

API: ``SENTINEL(key=..., data={"armed": bool, "margin": px}, on_reached_change=callback)``; once
the element lies within `margin` CSS pixels below the viewport (or above it: a fast jump can skip
a one-pixel element), it sends the trigger "reached" = true, once. ui.views.below_fold uses it to
draw the Explorer's charts only when the learner scrolls to them. Frontend: frontend/sentinel.*.
"""

from __future__ import annotations

from pathlib import Path

from ui.components.assets import inline_component

__all__ = ["SENTINEL"]

SENTINEL = inline_component(
    "below_fold_sentinel",
    Path(__file__).resolve().parent / "frontend",
    html="sentinel.html",
    css=["sentinel.css"],
    js=["sentinel.js"],
)
