"""The Maths lab's sentences about the ELBO, L_k and log p(x), written from the numbers.

Each sentence states an estimate with its standard error and claims only what
vae_core.inference.iwae_curve.check_bounds finds at Z standard errors, so no sentence can say
more than the noise allows (issue 22). Plain functions of computed numbers: no Streamlit.
"""

from __future__ import annotations

import math

from vae_core.inference.iwae_curve import BoundChecks, IwaeCurve

Z = 2.0
"""Claims are made at two standard errors."""


def error_text(error: float) -> str:
    """A quadrature error (nats, >= 0) rounded up to one significant digit: 2.8e-05 -> "0.00003"."""
    if not math.isfinite(error):
        return "unknown"
    if error <= 0:
        return "0"
    exponent = math.floor(math.log10(error))
    digit = math.ceil(round(error / 10**exponent, 9))
    if digit == 10:
        digit, exponent = 1, exponent + 1
    return f"{digit * 10**exponent:.{max(0, -exponent)}f}"


def fmt(value: float, se: float | None = None, digits: int = 2) -> str:
    """value with `digits` decimals, and "± se" when se is a finite number."""
    text = f"{value:.{digits}f}"
    return text if se is None or not math.isfinite(se) else f"{text} ± {se:.{digits}f}"


def _pm(value: float, se: float) -> str:
    return f"{value:.3f} ± {se:.3f}"


def chosen_k(curve: IwaeCurve, k: int) -> str:
    """The chosen L_k with its standard error and where it comes from."""
    est = curve.at(k)
    groups = int(curve.groups[list(curve.ks).index(k)])
    return (
        f"L_{k} = **{_pm(est.mean, est.se)} nats**: the mean of {groups:,} independent estimates, one per "
        f"group of {k:,} of the N = {curve.num_samples:,} draws z ~ q(z|x) (± is 1 SE)."
    )


def l1_and_elbo(curve: IwaeCurve, checks: BoundChecks) -> str:
    """L_1 and the ELBO of the same draws: two estimates of one number, and how far apart."""
    l1 = curve.at(1) if 1 in curve.ks else None
    elbo = curve.elbo
    first = (
        f"At k = 1 each draw is its own group: L₁ = **{_pm(l1.mean, l1.se)}** is the mean of log w, the "
        "ELBO with its KL estimated from the draws. "
        if l1 is not None
        else ""
    )
    return (
        f"{first}The same draws with the KL in closed form give ELBO = **{_pm(elbo.elbo, elbo.elbo_se)}** "
        f"(the dashed line): two estimates of one number, {abs(checks.l1_minus_elbo):.3f} ± "
        f"{checks.l1_minus_elbo_se:.3f} nats apart (the KL's Monte Carlo error)."
    )


def rise(curve: IwaeCurve, checks: BoundChecks) -> str:
    """How the estimates move with k, and whether any fall says more than noise."""
    first, last = int(curve.ks[0]), int(curve.ks[-1])
    text = (
        f"From k = {first:,} to k = {last:,} the estimate moves from {curve.means[0]:.3f} to "
        f"**{_pm(curve.means[-1], curve.ses[-1])}** ({curve.means[-1] - curve.means[0]:+.3f} nats)."
    )
    falls = int((curve.means[1:] < curve.means[:-1]).sum())
    if not checks.drops:
        if falls == 0:
            return text + " It rises at every step, as the bound's mean does (Burda et al., theorem 1)."
        return text + (
            f" It dips at {falls} of the {len(curve.ks) - 1} steps, each dip within {checks.z:g} SE: noise "
            "around a mean that rises (Burda et al., theorem 1)."
        )
    worst = max(checks.drops, key=lambda d: d[3])
    listed = ", ".join(f"k = {a:,} → {b:,} ({d:.3f} nats, {s:.1f} SE)" for a, b, d, s in checks.drops)
    return text + (
        f" It falls by more than {checks.z:g} SE at {listed}: the bound's mean cannot fall, so these draws are "
        f"an unlucky set (a fall of {worst[3]:.1f} SE happens by chance about "
        f"{_chance(worst[3])} steps in a hundred); another seed gives other draws."
    )


def exact(curve: IwaeCurve, checks: BoundChecks, log_px: float | None, log_px_error: float) -> str:
    """log p(x) with the quadrature's error, and where the L_k estimates lie against it."""
    last, est = int(curve.ks[-1]), curve.at(int(curve.ks[-1]))
    if log_px is None:
        return (
            "No exact log p(x) here: the quadrature needs a 2-D latent (choose a 2-D VAE). "
            f"L_{last} = {_pm(est.mean, est.se)} estimates the tightest of these lower bounds on it."
        )
    text = (
        f"Exact log p(x) = **{log_px:.3f} ± {error_text(log_px_error)} nats** (quadrature over the 2-D latent "
        "plane; ± is the quadrature's error: how far its sum moves when its finest cells are merged)."
    )
    gap = log_px - est.mean
    where = f"{gap:.3f} ± {est.se:.3f} nats below it" if gap >= 0 else f"{-gap:.3f} ± {est.se:.3f} nats above it"
    if not checks.above:
        return text + (
            f" Every L_k lies below it or within {checks.z:g} SE of it ({_excess(checks.largest_excess_se)}), "
            f"as the bound requires of their means; L_{last} is {where}."
        )
    listed = ", ".join(f"k = {k:,} ({d:+.3f} nats, {s:.1f} SE)" for k, d, s in checks.above)
    return text + (
        f" These estimates lie more than {checks.z:g} SE above it: {listed}. The bound holds for the means, "
        f"not for each estimate; the draws are shared between the k, so one unlucky set lifts several together "
        f"(another seed gives other draws). L_{last} is {where}."
    )


def _excess(z: float) -> str:
    """Where the L_k nearest to log p(x), in SE, lies."""
    return f"the nearest is {-z:.1f} SE below it" if z <= 0 else f"the highest is {z:.1f} SE above it, within the noise"


def _chance(z: float) -> str:
    """One-sided normal tail P(Z > z) in percent, rounded, as words."""
    percent = 50 * math.erfc(z / math.sqrt(2))
    return f"{percent:.1f}" if percent < 1 else f"{percent:.0f}"
