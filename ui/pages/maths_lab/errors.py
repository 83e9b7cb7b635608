"""How the Maths lab shows a computation that refuses its inputs: the view says why on the page and
draws nothing more, instead of a traceback.

The core refuses bad parameters (a σ ≤ 0, a distribution's parameter out of range, an input of the
wrong shape or dtype) with ValueError or TypeError (e.g. vae_core.maths.estimators,
vae_core.maths.inverse_cdf, vae_core.checks); every view of the lab catches exactly those, here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

__all__ = ["computed"]

T = TypeVar("T")


def computed(problem: str, fn: Callable[..., T], *args) -> T | None:
    """fn(*args); or, if it raises TypeError or ValueError, None after an error on the page that
    names the problem and the reason, f"{problem}: {exc}" (e.g. "Bad parameters: sigma must be > 0 ...").

    `fn` must not return None itself (None means it failed). Other exceptions propagate.
    """
    try:
        return fn(*args)
    except (TypeError, ValueError) as exc:
        st.error(f"{problem}: {exc}")
        return None
