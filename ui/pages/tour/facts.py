"""The numbers the guided tour quotes, computed from the shipped models at run time.

The tour follows one input through one pair of models: the first 2 of the MNIST gallery (the
Explorer's default input) under the shipped 2-D MNIST VAE (β = 1) and the 2-D plain autoencoder.
Each ``*_facts`` function returns the plain numbers one step's text states (floats in nats,
pixels in [0, 1], or counts); ui/tour_texts.py formats them, and tests/test_tour.py recomputes
them from vae_core and checks the text. Every function is cached (st.cache_data, keyed by file
paths and gallery rows), so a step change is quick after the first visit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import streamlit as st
import torch

from ui.resources import encode_input, gallery_index, get_gallery, get_model
from ui.views.judged import get_classifier, holes_report, judged_grid, judged_path, measured_default, missing_classes
from ui.views.posterior import bounds_for, posterior_map
from vae_core import gradients
from vae_core.classifier import HOLE, RECOGNISABLE
from vae_core.holes import DEFAULT_STEPS, N_PAIRS, RARE, path_holes_report
from vae_core.holes.stored import read_measures
from vae_core.maths import inverse_cdf
from vae_core.maths.losses import kl_to_standard_normal, negative_elbo
from vae_core.models.checkpoint import scan_models

__all__ = [
    "TourContext",
    "tour_context",
    "TOUR_DIGIT",
    "REVEAL_EPS",
    "GRID_N",
    "MC_COST",
    "ae_facts",
    "holes_facts",
    "lvm_facts",
    "q_facts",
    "elbo_facts",
    "gradient_facts",
    "reparam_facts",
    "mc_facts",
    "icdf_facts",
    "kl_facts",
    "generate_facts",
]

TOUR_DIGIT = 2
"""The tour's input: the first image of this class in the MNIST gallery (index 0)."""
REVEAL_EPS = (1.0, 0.0)
"""The ε of the reparameterization step's question: where does z land for ε = (1, 0)?"""
GRID_N = 15
"""Cells per side of the decoded grid of the last step (the Explorer's default)."""
MC_COST = {"name": "quadratic", "k": 1.0, "mu": 0.0, "sigma": 1.0}
"""f(z) = (z − k)² under N(μ, σ²) for the Monte Carlo step: d = μ − k = −1 (lesson step 9)."""
ICDF_DRAWS = 20_000
"""Uniform draws pushed through q(z₁|x)'s inverse CDF on the inverse-CDF step (seed 0)."""
MC_GRID = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MC_REPEATS = 200


@dataclass(frozen=True)
class TourContext:
    """What every step works on: the models' file paths and the input's MNIST gallery row (plain
    values, so it keys the caches). x: the image, float32 numpy (1, 1, 28, 28), pixels in [0, 1]."""

    vae_path: str
    ae_path: str
    row: int

    @property
    def x(self) -> np.ndarray:
        return get_gallery("mnist").images[self.row : self.row + 1].numpy()

    @property
    def input_id(self) -> str:
        return f"mnist-gallery-{self.row}"

    @property
    def x_tensor(self) -> torch.Tensor:
        return torch.from_numpy(self.x)


def tour_context() -> TourContext | None:
    """The tour's models and input, or None when models/ lacks the 2-D MNIST VAE (β = 1) or AE."""
    entries, _ = scan_models()
    mnist_2d = [e for e in entries if e["dataset"] == "mnist" and e["latent_dim"] == 2]
    vae = next((e for e in mnist_2d if e["kind"] == "vae" and e["beta"] == 1.0), None)
    ae = next((e for e in mnist_2d if e["kind"] == "ae"), None)
    if vae is None or ae is None:
        return None
    return TourContext(vae["path"], ae["path"], gallery_index(TOUR_DIGIT, 0, "mnist"))


def _reconstruction_nats(path: str, x: np.ndarray, z: list[float]) -> float:
    """-log p(x|z) in nats (the Bernoulli decoder's binary cross-entropy summed over pixels)."""
    model = get_model(path)
    with torch.no_grad():
        logits = model.decode_logits(torch.tensor([z], dtype=torch.float32))
        terms = negative_elbo(torch.from_numpy(x), logits, torch.zeros(1, len(z)), None)
    return float(terms.reconstruction[0])


@st.cache_data(show_spinner=False, max_entries=8)
def _pair(ae_path: str, vae_path: str) -> dict | None:
    """The 2 → 9 pair the holes measure picks, with both models' judged straight paths."""
    pair = measured_default(ae_path, vae_path)
    if pair is None:
        return None
    paths = {
        kind: judged_path(p, pair["a"], pair["b"], DEFAULT_STEPS, "linear")
        for kind, p in (("ae", ae_path), ("vae", vae_path))
    }
    out = {"a": pair["a"], "b": pair["b"], "steps": DEFAULT_STEPS}
    for kind, data in paths.items():
        confidence = data["confidence"]
        weakest = int(np.argmin(confidence))
        out[kind] = {
            "holes": [i + 1 for i, c in enumerate(confidence) if c < HOLE],
            "weakest_frame": weakest + 1,
            "weakest_p": float(confidence[weakest]),
            "weakest_z": [float(v) for v in data["line"][weakest]],
            "weakest_label": int(data["labels"][weakest]),
        }
    return out


@st.cache_data(show_spinner="Reading the autoencoder…", max_entries=8)
def ae_facts(ctx: TourContext) -> dict:
    """Step "An autoencoder": the AE's code of x, its reconstruction error (nats), and a hole:
    the weakest frame of the measured 2 → 9 path, its code and the classifier's confidence."""
    mu, _ = encode_input(get_model(ctx.ae_path), ctx.x_tensor)
    pair = _pair(ctx.ae_path, ctx.vae_path)
    out = {"code": mu, "reconstruction": _reconstruction_nats(ctx.ae_path, ctx.x, mu)}
    if pair is not None:
        out.update(hole_z=pair["ae"]["weakest_z"], hole_p=pair["ae"]["weakest_p"])
    return out


@st.cache_data(show_spinner="Measuring the autoencoder's holes…", max_entries=8)
def holes_facts(ctx: TourContext) -> dict | None:
    """Step "Its holes": the measured pair's rows, the AE path's hole frames and weakest frame,
    and the share of 1,000 random AE codes the classifier recognises (p >= 0.9)."""
    pair = _pair(ctx.ae_path, ctx.vae_path)
    report = holes_report(ctx.ae_path)
    if pair is None or report is None:
        return None
    return {
        "a": pair["a"],
        "b": pair["b"],
        "steps": pair["steps"],
        "holes": pair["ae"]["holes"],
        "weakest_frame": pair["ae"]["weakest_frame"],
        "weakest_p": pair["ae"]["weakest_p"],
        "recognisable": report["recognisable"],
        "n": report["n"],
        "threshold": HOLE,
        "recognisable_threshold": RECOGNISABLE,
    }


@st.cache_data(show_spinner="Integrating p(x) over the plane…", max_entries=8)
def lvm_facts(ctx: TourContext) -> dict:
    """Step "A latent variable model": log p(x) of the input by quadrature over the plane (nats),
    and the share of 1,000 prior draws the classifier recognises (None without a classifier)."""
    heat = posterior_map(ctx.vae_path, ctx.input_id, ctx.x)
    report = holes_report(ctx.vae_path)
    return {
        "log_px": float(heat["log_px"]),
        "recognisable": None if report is None else report["recognisable"],
        "n": None if report is None else report["n"],
    }


@st.cache_data(show_spinner=False, max_entries=8)
def q_facts(ctx: TourContext) -> dict:
    """Step "The encoder outputs a distribution": μ(x), σ(x) and how many times smaller than
    the prior's standard deviation 1 each σ_j is."""
    mu, sigma = encode_input(get_model(ctx.vae_path), ctx.x_tensor)
    return {"mu": mu, "sigma": sigma, "times_smaller": [1.0 / s for s in sigma]}


@st.cache_data(show_spinner="Estimating the ELBO and integrating log p(x)…", max_entries=8)
def elbo_facts(ctx: TourContext) -> dict:
    """Step "The ELBO and its gap": E_q[log p(x|z)], KL(q ‖ p(z)) (closed form), ELBO, exact
    log p(x) and the gap log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)), all in nats, for the encoder's q;
    and where the true posterior peaks, in σ of q from μ along the worse axis."""
    mu, sigma = encode_input(get_model(ctx.vae_path), ctx.x_tensor)
    heat = posterior_map(ctx.vae_path, ctx.input_id, ctx.x)
    bounds = bounds_for(ctx.vae_path, ctx.input_id, ctx.x, tuple(mu), tuple(sigma), 1)
    kl = float(
        kl_to_standard_normal(torch.tensor([mu], dtype=torch.float64), torch.tensor([sigma], dtype=torch.float64))[0]
    )
    peak = heat["peak"]
    return {
        "log_px": float(heat["log_px"]),
        "elbo": float(bounds["elbo"]),
        "elbo_se": float(bounds["elbo_se"]),
        "kl": kl,
        "reconstruction": float(bounds["elbo"]) + kl,
        "gap": float(heat["log_px"]) - float(bounds["elbo"]),
        "peak": peak,
        "peak_sigmas": max(abs(peak[d] - mu[d]) / sigma[d] for d in range(2)),
    }


@st.cache_data(show_spinner=False, max_entries=8)
def gradient_facts(ctx: TourContext) -> dict:
    """Step "Sampling blocks the gradient": ∂ log p(x|z)/∂μ through z = μ + σ ⊙ ε at ε = (1, 0),
    and what .sample() leaves (None), with z's grad_fn on each road."""
    comparison = gradients.gradient_flow(get_model(ctx.vae_path), ctx.x_tensor, torch.tensor(REVEAL_EPS), 0)
    rep, smp = comparison
    return {
        "comparison": comparison,
        "rep_grad_mu": rep.grad_mu.tolist(),
        "rep_grad_fn": rep.z_grad_fn,
        "sampled_grad_mu": None if smp.grad_mu is None else smp.grad_mu.tolist(),
        "sampled_requires_grad": smp.z_requires_grad,
    }


@st.cache_data(show_spinner=False, max_entries=8)
def reparam_facts(ctx: TourContext) -> dict:
    """Step "The reparameterization trick": μ(x), σ(x) and the answer z = μ + σ ⊙ (1, 0)."""
    mu, sigma = encode_input(get_model(ctx.vae_path), ctx.x_tensor)
    z = [m + s * e for m, s, e in zip(mu, sigma, REVEAL_EPS, strict=True)]
    return {"mu": mu, "sigma": sigma, "eps": list(REVEAL_EPS), "z": z}


@st.cache_data(show_spinner="Measuring the estimators' variance…", max_entries=4)
def mc_facts() -> dict:
    """Step "Why the expectation moves": closed-form single-sample variances of ∂/∂μ for
    f(z) = (z − 1)², μ = 0, σ = 1 (pathwise 4, score function 15 + 14d² + d⁴ = 30 at d = −1),
    their ratio, the measured curve (vae_core.gradients.variance_vs_num_samples, seed 0)."""
    f = gradients.cost_function(MC_COST["name"], MC_COST["k"])
    closed = gradients.quadratic_single_sample_variances(MC_COST["mu"], MC_COST["sigma"], MC_COST["k"])
    curve = gradients.variance_vs_num_samples(f, MC_COST["mu"], MC_COST["sigma"], MC_GRID, MC_REPEATS, 0)
    return {
        "d": MC_COST["mu"] - MC_COST["k"],
        "pathwise_var_mu": closed["pathwise"][0],
        "score_var_mu": closed["score_function"][0],
        "ratio": closed["score_function"][0] / closed["pathwise"][0],
        "closed": closed,
        "curve": curve,
        "label": f.label,
    }


@st.cache_data(show_spinner=False, max_entries=8)
def icdf_facts(ctx: TourContext) -> dict:
    """Step "Another road: the inverse CDF" (lesson step 10): q(z₁|x) = N(μ₁, σ₁²) of the input;
    u = Φ(REVEAL_EPS[0]) (torch.distributions.Normal's CDF); z₁ = F⁻¹(u; μ₁, σ₁) by inversion and
    μ₁ + σ₁ Φ⁻¹(u) by the reparameterization (vae_core.maths.inverse_cdf.normal_check), which is
    step 7's z₁; and ICDF_DRAWS draws F⁻¹(u) with u ~ U(0, 1) (seed 0), their mean and standard
    deviation (float64 numpy (ICDF_DRAWS,) under "draws")."""
    mu, sigma = encode_input(get_model(ctx.vae_path), ctx.x_tensor)
    standard = torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), 1.0)
    u = float(standard.cdf(torch.tensor(REVEAL_EPS[0], dtype=torch.float64)))
    check = inverse_cdf.normal_check(u, mu[0], sigma[0])
    _, draws = inverse_cdf.draw("normal", ICDF_DRAWS, torch.Generator().manual_seed(0), loc=mu[0], scale=sigma[0])
    return {
        "mu": mu[0],
        "sigma": sigma[0],
        "u": u,
        "eps": float(check.eps),
        "z_inverse_cdf": float(check.z_inverse_cdf),
        "z_reparameterized": float(check.z_reparameterized),
        "draws": draws.numpy(),
        "mean": float(draws.mean()),
        "sd": float(draws.std()),
    }


def _mnist_pair(latent_dim: int) -> tuple[str, str] | None:
    """(AE path, VAE path) of the shipped MNIST pair with this latent size (the VAE with β = 1)."""
    entries, _ = scan_models()
    same = [e for e in entries if e["dataset"] == "mnist" and e["latent_dim"] == latent_dim]
    vae = next((e for e in same if e["kind"] == "vae" and e["beta"] == 1.0), None)
    ae = next((e for e in same if e["kind"] == "ae"), None)
    return None if vae is None or ae is None else (ae["path"], vae["path"])


@st.cache_data(show_spinner=f"Walking {N_PAIRS} random paths…", max_entries=16)
def _path_holes(path: str) -> dict | None:
    """vae_core.holes.path_holes_report of the model at path (N_PAIRS pairs, seed 0) as a dict,
    None without a classifier: the numbers ``python -m vae_core.holes`` prints. Read from the
    record stored beside the model (vae_core.holes.stored) when it is current and holds them under
    "path_holes" (the PathHolesReport's fields), else computed (about 2 s per model: 1,600 frames
    through the classifier)."""
    model = get_model(path)
    stored = read_measures(path, model.dataset, len(get_gallery(model.dataset).labels))
    if stored is not None and isinstance(stored.get("path_holes"), dict):
        return stored["path_holes"]
    classifier = get_classifier(model.dataset)
    if classifier is None:
        return None
    gallery = get_gallery(model.dataset)
    return asdict(path_holes_report(model, classifier, gallery.images, gallery.labels, N_PAIRS, 0))


def _measures(path: str) -> dict | None:
    """One model's holes measures: its random codes' report (recognisable, class entropy, counts,
    classes reached, rare classes, where the codes come from) and its random paths' report."""
    codes, paths = holes_report(path), _path_holes(path)
    if codes is None or paths is None:
        return None
    n = codes["n"]
    return {
        "recognisable": codes["recognisable"],
        "entropy": codes["class_entropy_bits"],
        "counts": codes["counts"],
        "n": n,
        "classes_reached": sum(c >= RARE * n for c in codes["counts"]),
        "rare": [k for k, c in enumerate(codes["counts"]) if c < RARE * n],
        "source": codes["source"],
        "paths_with_a_hole": paths["paths_with_a_hole"],
        "hole_frames": paths["hole_frames"],
        "pairs": paths["pairs"],
    }


@st.cache_data(show_spinner="Measuring both pairs of models…", max_entries=8)
def kl_facts(ctx: TourContext) -> dict | None:
    """Step "What the KL buys": both 2-D models' holes on the measured 2 → 9 path (a pair picked
    to show a hole), and the holes measures (random paths, random codes, classes reached) of the
    2-D pair and, when shipped, the 16-D MNIST pair, under "measures" {"2-D"/"16-D": {"ae", "vae"}}.
    The 2-D random codes' counts stay under "counts" for the step's chart."""
    pair = _pair(ctx.ae_path, ctx.vae_path)
    measures = {}
    for label, paths in (("2-D", (ctx.ae_path, ctx.vae_path)), ("16-D", _mnist_pair(16))):
        if paths is None:
            continue
        both = dict(zip(("ae", "vae"), (_measures(p) for p in paths), strict=True))
        if None not in both.values():
            measures[label] = both
    if pair is None or "2-D" not in measures:
        return None
    flat = measures["2-D"]
    return {
        "a": pair["a"],
        "b": pair["b"],
        "ae_holes": len(pair["ae"]["holes"]),
        "vae_holes": len(pair["vae"]["holes"]),
        "ae_weakest_p": pair["ae"]["weakest_p"],
        "vae_weakest_p": pair["vae"]["weakest_p"],
        "counts": {kind: flat[kind]["counts"] for kind in ("ae", "vae")},
        "n": flat["vae"]["n"],
        "measures": measures,
        "steps": DEFAULT_STEPS,
    }


@st.cache_data(show_spinner="Decoding the grid…", max_entries=8)
def generate_facts(ctx: TourContext) -> dict | None:
    """Step "Generate": the VAE's GRID_N x GRID_N grid through Φ⁻¹ and the AE's over its codes'
    box: recognisable cells and the classes no cell shows, per model."""
    out = {"n": GRID_N}
    for kind, path, spacing in (("vae", ctx.vae_path, "inverse-cdf"), ("ae", ctx.ae_path, "linear")):
        data = judged_grid(path, GRID_N, spacing, ("dims", 0, 1), (0.0, 0.0))
        if data["labels"] is None:
            return None
        out[f"{kind}_recognisable"] = int((data["confidence"] >= RECOGNISABLE).sum())
        out[f"{kind}_missing"] = missing_classes(data["labels"], data["confidence"])
    return out
