"""The tour's texts: each step's body and answer, formatted from the numbers its facts function
gives (ui/tour_facts.py), and the helpers that write them (vectors, rare classes).

Only formatting happens here: tests/test_tour.py recomputes every number and finds it in the text.
ui/tour_steps.py pairs each text with its step.
"""

from __future__ import annotations

from vae_core.classifier import HOLE, RECOGNISABLE
from vae_core.data.galleries import CLASS_NAMES
from vae_core.holes import RARE, max_entropy_bits, share_difference

__all__ = ["vector", "rare_classes", "RARE"] + [
    f"{step}_{part}"
    for step in ("ae", "holes", "lvm", "q", "elbo", "gradient", "reparam", "mc", "icdf", "kl", "generate")
    for part in ("body", "answer")
]

NAMES = CLASS_NAMES["mnist"]


def vector(values, digits: int = 3) -> str:
    """(v1, v2) with `digits` decimals: how the tour writes a latent vector."""
    return "(" + ", ".join(f"{float(v):.{digits}f}" for v in values) + ")"


def rare_classes(counts: list[int]) -> list[int]:
    """Classes holding under RARE of a model's decoded random codes."""
    n = sum(counts)
    return [k for k, c in enumerate(counts) if c < RARE * n]


def _listing(classes: list[int]) -> str:
    return ", ".join(NAMES[k] for k in classes) if classes else "none"


def ae_body(f: dict) -> str:
    return (
        "An **encoder** maps an image $x$ to a code $z = e(x)$ — here two numbers, a point on the plane — "
        r"and a **decoder** maps the code back to an image $\hat x = d(z)$. Training minimises the "
        "reconstruction error over the training images; nothing else. "
        f"This 2 lands at $z = {vector(f['code'])}$ (the star); its reconstruction error is "
        f"**{f['reconstruction']:.1f} nats**."
    )


def ae_answer(f: dict) -> str:
    if "hole_z" not in f:
        return "No classifier in models/classifiers/, so the holes are not measured."
    return (
        f"Not everywhere. The star is now at $z = {vector(f['hole_z'])}$, between a 2's code and a 9's (the next "
        "step walks that line), and the decoder draws something a digit classifier recognises with only "
        f"**p = {f['hole_p']:.2f}** (below {HOLE}: a *hole*), though codes lie all around. Nothing in training "
        "asked the decoder to make sense between the codes it was trained on."
    )


def holes_body(f: dict) -> str:
    return (
        "Walk a straight line between two codes and decode every point on it. The AE never saw codes "
        "between its clusters, so frames in between can lose their form. A classifier trained on real "
        f"digits judges each frame; confidence below {f['threshold']} marks a **hole**. "
        f"Here: gallery #{f['a']} (a 2) → #{f['b']} (a 9), {f['steps']} frames: the pair the holes measure "
        "picked, so its 2 need not be step 1's. "
        f"Over the whole space, {100 * f['recognisable']:.1f} % of {f['n']:,} random AE codes decode to a "
        f"digit the classifier is sure of (p ≥ {f['recognisable_threshold']}); the rest are unclear or holes."
    )


def holes_answer(f: dict) -> str:
    frames = ", ".join(str(i) for i in f["holes"])
    if not f["holes"]:
        return f"No frame is a hole on this path (weakest: frame {f['weakest_frame']}, p = {f['weakest_p']:.2f})."
    return (
        f"Frame {frames} {'is a hole' if len(f['holes']) == 1 else 'are holes'}: the weakest, frame "
        f"{f['weakest_frame']}, gets **p = {f['weakest_p']:.2f}** from the classifier (red cross and red bar)."
    )


def lvm_body(f: dict) -> str:
    return (
        "Turn it around: first draw a code from a **prior** $p(z) = \\mathcal{N}(0, I)$, then an image from a "
        r"**decoder** $p_\theta(x\mid z)$ (a Bernoulli for each pixel). The model's probability of an image "
        "sums over every code that could have made it. The integral is intractable in general — but with a "
        "2-D $z$ it can be computed on a grid: for this 2, "
        f"$\\log p(x) =$ **{f['log_px']:.2f} nats**. Everything that follows approximates this number."
    )


def lvm_answer(f: dict) -> str:
    if f["recognisable"] is None:
        return "The strip under $\\hat x$ decodes the first 10 of the 200 draws $z_k = \\varepsilon_k$."
    return (
        "The strip under $\\hat x$ decodes the first 10 of the 200 draws $z_k = \\varepsilon_k$. Measured over "
        "a larger "
        f"sample, {f['n']:,} prior draws, **{100 * f['recognisable']:.1f} %** decode to a digit the classifier "
        f"is sure of (p ≥ {RECOGNISABLE})."
    )


def q_body(f: dict) -> str:
    return (
        "A VAE's encoder returns a *distribution* over codes, a mean and a standard deviation per latent "
        f"dimension. For this 2: $\\mu = {vector(f['mu'])}$, $\\sigma = {vector(f['sigma'])}$. "
        "The ellipses on the z-plane are q's 1σ, 2σ and 3σ contours; the dashed circles are the prior's."
    )


def q_answer(f: dict) -> str:
    a, b = f["times_smaller"]
    return (
        f"$\\sigma_1$ is **{a:.1f}×** and $\\sigma_2$ **{b:.1f}×** smaller than the prior's standard deviation 1: "
        "on the prior's scale q(z|x) is a dot. The scale bar gives its true size."
    )


def elbo_body(f: dict) -> str:
    return (
        f"For this 2 and the encoder's q: $\\mathbb{{E}}_q[\\log p(x\\mid z)] = {f['reconstruction']:.2f}$ nats, "
        f"$\\mathrm{{KL}}(q\\,\\|\\,p(z)) = {f['kl']:.2f}$ nats (closed form), so "
        f"**ELBO = {f['elbo']:.2f} ± {f['elbo_se']:.2f} nats** (Monte Carlo ± its standard error), below the "
        f"exact **log p(x) = {f['log_px']:.2f} nats**. The difference is how far q is from the true posterior."
    )


def _shown_gap(f: dict) -> float:
    """The gap as the two numbers on the page give it (each rounded to 0.01 nats), so the
    difference a learner works out agrees with the one written (2.05, not 2.04)."""
    return round(f["log_px"], 2) - round(f["elbo"], 2)


def elbo_answer(f: dict) -> str:
    return (
        f"The gap is **{f['log_px']:.2f} − ({f['elbo']:.2f}) = {_shown_gap(f):.2f} ± {f['elbo_se']:.2f} nats**, "
        "a Monte Carlo estimate (the ELBO's) of $\\mathrm{KL}(q(z\\mid x)\\,\\|\\,p(z\\mid x))$. The heat-map is "
        f"$p(z\\mid x)$, exact on a grid; it peaks at ${vector(f['peak'])}$, **{f['peak_sigmas']:.1f} σ** of q from "
        "μ along the worse axis: q is close, not equal."
    )


def gradient_body(f: dict) -> str:
    return (
        "Training needs the gradient of an expectation whose *distribution* depends on the encoder's "
        r"parameters $\phi$: $\nabla_\phi \int q_\phi(z) f(z)\,dz = \int f(z)\,\nabla_\phi q_\phi(z)\,dz$. "
        r"The derivative falls on the density $q_\phi$ itself, and $\nabla_\phi q_\phi$ is not a density, so "
        "what is left is no longer an average over samples of q. In code: `Normal(μ, σ).sample()` draws under "
        "`no_grad`, so the sample is a constant to autograd."
    )


def gradient_answer(f: dict) -> str:
    sampled = "None" if f["sampled_grad_mu"] is None else vector(f["sampled_grad_mu"])
    return (
        f"**`mu.grad` is {sampled}**: the sampled z has `requires_grad = {f['sampled_requires_grad']}`. "
        f"Built as $z = \\mu + \\sigma \\odot \\varepsilon$ with $\\varepsilon = (1, 0)$, z has grad_fn "
        f"`{f['rep_grad_fn']}` and $\\partial \\log p(x\\mid z)/\\partial\\mu = {vector(f['rep_grad_mu'])}$."
    )


def reparam_body(f: dict) -> str:
    return (
        r"Move the randomness into $\varepsilon$, drawn from a fixed $\mathcal{N}(0, I)$: z becomes a smooth "
        r"function of $\mu$ and $\sigma$, with $\partial z/\partial\mu = 1$ and $\partial z/\partial\sigma = "
        r"\varepsilon$, and the gradient is an average over draws of $\varepsilon$. "
        f"For this 2: $\\mu = {vector(f['mu'])}$, $\\sigma = {vector(f['sigma'])}$. Now "
        r"$\varepsilon = 0$, so $z = \mu$."
    )


def reparam_answer(f: dict) -> str:
    (m1, m2), (s1, _) = f["mu"], f["sigma"]
    return (
        f"$z = \\mu + \\sigma \\odot (1, 0) = ({m1:.3f} + {s1:.3f},\\ {m2:.3f})$ "
        f"$= {vector(f['z'])}$: one $\\sigma_1$ to the right of $\\mu$, $z_2$ unchanged."
    )


def mc_body(f: dict) -> str:
    return (
        "The law of the unconscious statistician: the expectation over z equals one over ε, whose "
        "distribution does not depend on φ, so the gradient passes inside (the *pathwise* estimator). The "
        r"*score-function* estimator $\mathbb{E}_q[f(z)\,\nabla_\phi \log q_\phi(z)]$ is unbiased too. "
        f"For $f(z) = {f['label']}$, whose minimum lies at the constant k, with μ = 0, σ = 1 "
        f"(d = μ − k = {f['d']:.0f}), one sample: pathwise "
        f"$\\mathrm{{Var}}\\,\\partial_\\mu = {f['pathwise_var_mu']:.0f}$, score function "
        f"$15 + 14d^2 + d^4 = {f['score_var_mu']:.0f}$."
    )


def mc_answer(f: dict) -> str:
    return (
        f"**{f['ratio']:.1f}× as many**: the variance of an average of M samples is Var/M for both, so the "
        f"score function needs {f['score_var_mu']:.0f} / {f['pathwise_var_mu']:.0f} = {f['ratio']:.1f} times the "
        "samples. On the plot the measured curves run parallel, that far apart."
    )


def icdf_body(f: dict) -> str:
    return (
        r"If $u \sim \mathcal{U}(0, 1)$ and $F$ is a CDF, then $z = F^{-1}(u)$ has the CDF $F$. All the randomness "
        "is in $u$, and $z$ is a differentiable function of the distribution's parameters: another "
        r"reparameterization. For this 2, $q(z_1\mid x) = \mathcal{N}(\mu_1, \sigma_1^2)$ with "
        f"$\\mu_1 = {f['mu']:.3f}$ and $\\sigma_1 = {f['sigma']:.4f}$. Pushing {len(f['draws']):,} uniform draws "
        f"through its $F^{{-1}}$ gives the histogram: mean {f['mean']:.3f}, standard deviation {f['sd']:.4f}. "
        r"For a Gaussian $F^{-1}(u) = \mu + \sigma\,\Phi^{-1}(u)$, and $\Phi^{-1}(u)$ is a standard normal draw "
        r"$\varepsilon$: the trick of step 7 by another road. The Maths lab tries six families."
    )


def icdf_answer(f: dict) -> str:
    return (
        f"**u = Φ(1) = {f['u']:.4f}**: $\\Phi^{{-1}}({f['u']:.4f}) = {f['eps']:.3f}$, so "
        f"$z_1 = F^{{-1}}(u) = {f['z_inverse_cdf']:.4f}$ and $\\mu_1 + \\sigma_1 \\cdot {f['eps']:.3f} = "
        f"{f['z_reparameterized']:.4f}$: the $z_1$ of step 7. About {f['u']:.0%} of q's draws fall left of it."
    )


Z = 2.0
"""Two shares differ in a sentence only when they are more than Z standard errors apart."""


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def compare(share_ae: float, share_vae: float, n: int) -> tuple[str | None, float]:
    """(which model's share is larger, "AE" or "VAE", or None within Z standard errors; the
    difference in standard errors) for two shares of n trials each (vae_core.holes.share_difference)."""
    diff, se = share_difference(share_ae, n, share_vae, n)
    z = diff / se if se > 0 else (0.0 if diff == 0 else float("inf"))
    return (None if abs(z) <= Z else "AE" if diff > 0 else "VAE"), z


def _table(measures: dict) -> str:
    labels = list(measures)
    head = "| measure | " + " | ".join(f"{d} {k.upper()}" for d in labels for k in ("ae", "vae")) + " |"
    first = measures[labels[0]]["vae"]
    rows = [
        (
            f"straight paths between two random gallery digits that cross a hole ({first['pairs']} paths)",
            lambda m: _percent(m["paths_with_a_hole"]),
        ),
        ("frames of those paths that are holes", lambda m: _percent(m["hole_frames"])),
        (
            f"random codes that decode to a confident digit (p ≥ {RECOGNISABLE}; {first['n']:,} codes)",
            lambda m: _percent(m["recognisable"]),
        ),
        (f"classes those decodes reach (each ≥ {RARE:.0%} of them)", lambda m: str(m["classes_reached"])),
        (
            f"their spread over the classes (entropy; even = {max_entropy_bits():.2f} bits)",
            lambda m: f"{m['entropy']:.2f}",
        ),
    ]
    lines = [head, "|---" * (1 + 2 * len(labels)) + "|"]
    for name, cell in rows:
        lines.append(f"| {name} | " + " | ".join(cell(measures[d][k]) for d in labels for k in ("ae", "vae")) + " |")
    return "\n".join(lines)


def _paths_sentence(label: str, ae: dict, vae: dict) -> str:
    larger, z = compare(ae["paths_with_a_hole"], vae["paths_with_a_hole"], ae["pairs"])
    shares = (
        f"{_percent(ae['paths_with_a_hole'])} of the AE's paths against {_percent(vae['paths_with_a_hole'])} of the "
        f"VAE's; {abs(z):.1f} standard errors apart"
    )
    if larger is None:
        return f"At {label} the two meet holes about as often ({shares})."
    return f"At {label} the **{'VAE' if larger == 'AE' else 'AE'}** meets fewer holes ({shares})."


def _codes_sentence(label: str, ae: dict, vae: dict) -> str:
    larger, z = compare(ae["recognisable"], vae["recognisable"], vae["n"])
    shares = (
        f"{_percent(ae['recognisable'])} of the AE's random codes against {_percent(vae['recognisable'])} of the VAE's"
    )
    if larger is None:
        verdict = f"At {label} about as many decode to a confident digit ({shares})"
    else:
        verdict = f"At {label} the **{larger}**'s decode to a confident digit more often ({shares})"
    same = ae["classes_reached"] == vae["classes_reached"]
    reach = (
        (
            f"both reach {ae['classes_reached']} classes"
            if same
            else f"they reach {ae['classes_reached']} and {vae['classes_reached']} classes"
        )
        + (f"; rare among the AE's: {_listing(ae['rare'])}" if ae["rare"] else "")
        + (f"; among the VAE's: {_listing(vae['rare'])}" if vae["rare"] else "")
    )
    return f"{verdict}; {reach}."


def _tally(measures: dict) -> str:
    """Which model each measure favours, beyond the noise: the sentence the table sums up to."""
    wins: dict[str | None, list[str]] = {"AE": [], "VAE": [], None: []}
    for label, m in measures.items():
        ae, vae = m["ae"], m["vae"]
        more_holes, _ = compare(ae["paths_with_a_hole"], vae["paths_with_a_hole"], ae["pairs"])
        wins[{"AE": "VAE", "VAE": "AE", None: None}[more_holes]].append(f"{label} paths")
        confident, _ = compare(ae["recognisable"], vae["recognisable"], vae["n"])
        wins[confident].append(f"{label} confident codes")
        reach = ae["classes_reached"] - vae["classes_reached"]
        wins["AE" if reach > 0 else "VAE" if reach < 0 else None].append(f"{label} classes reached")
    parts = [f"the **{k}** does better on {', '.join(v)}" for k, v in wins.items() if k is not None and v]
    if wins[None]:
        parts.append(f"neither on {', '.join(wins[None])} (no difference beyond the noise)")
    return "Measured, " + "; ".join(parts) + "."


def kl_body(f: dict) -> str:
    measures = f["measures"]
    ae_2d = measures["2-D"]["ae"]
    sentences = [_paths_sentence(label, m["ae"], m["vae"]) for label, m in measures.items()]
    sentences += [_codes_sentence(label, m["ae"], m["vae"]) for label, m in measures.items()]
    return (
        "The KL term pulls every q(z|x) towards $\\mathcal{N}(0, I)$, so the VAE's codes fill the prior's disc; "
        "β (in the Explorer's sidebar) trades reconstruction for smoothness. Does that leave fewer holes? Three "
        f"measures, for this 2-D pair{' and the 16-D MNIST pair (both β = 1)' if '16-D' in measures else ''}:\n\n"
        + _table(measures)
        + "\n\n"
        + " ".join(sentences)
        + f" The VAE's random codes come from its prior N(0, I); an AE has no prior, so its come from {ae_2d['source']}"
        " — where the AE put its own codes, not where a prior says codes belong. A straight line between two "
        "different digits must change class somewhere, so some unsure frames are blends rather than holes. "
        + _tally(measures)
    )


def kl_answer(f: dict) -> str:
    m = f["measures"]["2-D"]
    return (
        f"On the pair the holes measure picked to show a hole, gallery #{f['a']} → #{f['b']}: the AE crosses "
        f"**{f['ae_holes']}** hole{'s' if f['ae_holes'] != 1 else ''} (weakest p = {f['ae_weakest_p']:.2f}), the VAE "
        f"**{f['vae_holes']}** (weakest p = {f['vae_weakest_p']:.2f}). A pair picked for its hole shows what a hole "
        f"is; the random paths above say how often one is met: {_percent(m['ae']['paths_with_a_hole'])} of the 2-D "
        f"AE's and {_percent(m['vae']['paths_with_a_hole'])} of the 2-D VAE's."
    )


def generate_body(f: dict) -> str:
    return (
        "To generate, skip the encoder: draw $z$ from the prior and decode it. In the pipeline μ = 0 and σ = 1, "
        "so z = ε; **New draw** samples again. Kingma & Welling decode a grid through the inverse Gaussian CDF "
        r"$\Phi^{-1}$, so every cell holds the same prior mass: "
        f"**{f['vae_recognisable']} of {f['n'] ** 2}** cells of the VAE's {f['n']}×{f['n']} grid are recognisable "
        f"(p ≥ {RECOGNISABLE})."
    )


def generate_answer(f: dict) -> str:
    return (
        f"Digits missing from the VAE's grid: **{_listing(f['vae_missing'])}**. From the AE's grid over the box "
        f"its codes fill ({f['ae_recognisable']} recognisable cells): **{_listing(f['ae_missing'])}**."
    )
