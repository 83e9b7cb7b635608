"""Plotly figures for the maths lab, as plain functions of computed numbers (no Streamlit).

This module gathers them under one name; they live in bound_figures, gradient_figures and
sampling_figures, their shared colours and layout in maths_style.

One function per view; each takes results of vae_core.maths (bounds, the
estimators, lotus, gradient_flow, inverse_cdf) and returns a plotly.graph_objects.Figure:

- elbo_figure: reconstruction E_q[log p(x|z)], KL and ELBO (and L_k) as bars with +-2 SE error
  bars (Kingma & Welling 2014, eq. 3; Burda, Grosse & Salakhutdinov 2016, eq. 8).
- iwae_figure: L_k against k on a log axis, with the ELBO for reference (Burda et al. 2016).
- gradient_flow_figure: d log p(x|z) / d mu_j and / d sigma_j through z = mu + sigma * eps, next
  to the detached .sample() path, where they do not exist (Kingma & Welling 2014, section 2.4).
- variance_figure: variance of the M-sample pathwise and score-function estimates against M,
  log-log, with the closed form for the quadratic (Mohamed, Rosca, Figurnov & Mnih 2020, JMLR,
  section 3 figures, sections 4-5).
- lotus_figure: running means of f(z) with z sampled directly or as mu + sigma * eps (LOTUS).
- inverse_cdf_figure: the CDF with u -> z = F^-1(u) marked, and a histogram of samples
  against the density (Devroye 1986, chapter II.2).
"""

from __future__ import annotations

from .bound_figures import elbo_figure, iwae_figure
from .gradient_figures import gradient_flow_figure, lotus_figure, variance_figure
from .maths_style import COLOURS, ERROR_BAR_SE, ESTIMATOR_NAMES, PARAMETER_NAMES
from .sampling_figures import inverse_cdf_figure

__all__ = [
    "ERROR_BAR_SE",
    "COLOURS",
    "ESTIMATOR_NAMES",
    "PARAMETER_NAMES",
    "elbo_figure",
    "iwae_figure",
    "gradient_flow_figure",
    "variance_figure",
    "lotus_figure",
    "inverse_cdf_figure",
]
