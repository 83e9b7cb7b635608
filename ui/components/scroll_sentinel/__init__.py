"""A one-pixel browser component that tells the server the learner has scrolled near it, or away.

API: ``SENTINEL(key=..., data={"near": bool, "margin": px}, on_near_change=callback)``. `near` is
what the server drew with. Once the element lies within `margin` CSS pixels below the viewport (or
above it: a fast jump can skip a one-pixel element) while `near` is false, it sends the trigger
"near" = "near"; once it lies more than `margin` + 100 px below the viewport while `near` is true,
"near" = "far" (a string: a trigger of false is not delivered). ui.views.below_fold uses it to draw
the sections below a page's first screen only while the learner is near them. Frontend:
frontend/sentinel.*.
"""

from __future__ import annotations

from ui.components.assets import frontend_component

__all__ = ["SENTINEL"]

SENTINEL = frontend_component("below_fold_sentinel", __file__, "sentinel")
