"""Inverse-CDF sampling, under the name the README uses; the code lives in vae_core.maths.inverse_cdf."""

from .maths.inverse_cdf import *  # noqa: F403 - this module is that one's public names, re-exported
from .maths.inverse_cdf import __all__  # noqa: F401
