"""The guided tour's steps: title, formula, short text, a "try it" question and its answer.

The steps follow ../shared/LESSON.md from the autoencoder and its holes to generating from the
prior. Every number in a step's text comes from its ``facts`` function (ui/tour_facts.py, the
shipped models at run time); the text functions here only format them, so tests/test_tour.py can
recompute the numbers and check each one appears. What a step shows beside its text, and what
its "Reveal" button does to that view, is in ui/tour_views.py (keyed by the step's ``key``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vae_core.classifier import HOLE, RECOGNISABLE
from vae_core.data.galleries import CLASS_NAMES
from vae_core.holes import max_entropy_bits

from . import tour_facts as facts

__all__ = ["Step", "STEPS", "STEP_COUNT", "TITLES", "STEP_KEY", "vector", "rare_classes", "RARE"]

STEP_KEY = "tour_step"
"""Session key of the tour's current step (int, 0-based): a plain key, not a widget's."""
RARE = 0.02
"""A class is called rare among a model's random decodes below this share (as in the Explorer)."""
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


@dataclass(frozen=True)
class Step:
    """One step of the tour. facts(ctx) -> dict | None gives the numbers (None: a classifier
    or model is missing); body, answer format them as Markdown (with $…$ maths)."""

    key: str
    title: str
    lesson: str
    formula: str
    facts: Callable
    body: Callable[[dict], str]
    prompt: str
    reveal_label: str
    answer: Callable[[dict], str]


# --- the texts --------------------------------------------------------------------------------------


def _ae_body(f: dict) -> str:
    return (
        "An **encoder** maps an image $x$ to a code $z = e(x)$ — here two numbers, a point on the plane — "
        r"and a **decoder** maps the code back to an image $\hat x = d(z)$. Training minimises the "
        "reconstruction error over the training images; nothing else. "
        f"This 2 lands at $z = {vector(f['code'])}$ (the star); its reconstruction error is "
        f"**{f['reconstruction']:.1f} nats**."
    )


def _ae_answer(f: dict) -> str:
    if "hole_z" not in f:
        return "No classifier in models/classifiers/, so the holes are not measured."
    return (
        f"Not everywhere. The star is now at $z = {vector(f['hole_z'])}$, between a 2's code and a 9's (the next "
        "step walks that line), and the decoder draws something a digit classifier recognises with only "
        f"**p = {f['hole_p']:.2f}** (below {HOLE}: a *hole*), though codes lie all around. Nothing in training "
        "asked the decoder to make sense between the codes it was trained on."
    )


def _holes_body(f: dict) -> str:
    return (
        "Walk a straight line between two codes and decode every point on it. The AE never saw codes "
        "between its clusters, so frames in between can lose their form. A classifier trained on real "
        f"digits judges each frame; confidence below {f['threshold']} marks a **hole**. "
        f"Here: gallery #{f['a']} (a 2) → #{f['b']} (a 9), {f['steps']} frames: the pair the holes measure "
        "picked, so its 2 need not be step 1's. "
        f"Over the whole space, {100 * f['recognisable']:.1f} % of {f['n']:,} random AE codes decode to a "
        f"digit the classifier is sure of (p ≥ {f['recognisable_threshold']}); the rest are unclear or holes."
    )


def _holes_answer(f: dict) -> str:
    frames = ", ".join(str(i) for i in f["holes"])
    if not f["holes"]:
        return f"No frame is a hole on this path (weakest: frame {f['weakest_frame']}, p = {f['weakest_p']:.2f})."
    return (
        f"Frame {frames} {'is a hole' if len(f['holes']) == 1 else 'are holes'}: the weakest, frame "
        f"{f['weakest_frame']}, gets **p = {f['weakest_p']:.2f}** from the classifier (red cross and red bar)."
    )


def _lvm_body(f: dict) -> str:
    return (
        "Turn it around: first draw a code from a **prior** $p(z) = \\mathcal{N}(0, I)$, then an image from a "
        r"**decoder** $p_\theta(x\mid z)$ (a Bernoulli for each pixel). The model's probability of an image "
        "sums over every code that could have made it. The integral is intractable in general — but with a "
        "2-D $z$ it can be computed on a grid: for this 2, "
        f"$\\log p(x) =$ **{f['log_px']:.2f} nats**. Everything that follows approximates this number."
    )


def _lvm_answer(f: dict) -> str:
    if f["recognisable"] is None:
        return "The strip under $\\hat x$ decodes the 200 draws $z_k = \\varepsilon_k$."
    return (
        "The strip under $\\hat x$ decodes the 200 draws $z_k = \\varepsilon_k$. Measured over a larger "
        f"sample, {f['n']:,} prior draws, **{100 * f['recognisable']:.1f} %** decode to a digit the classifier "
        f"is sure of (p ≥ {RECOGNISABLE})."
    )


def _q_body(f: dict) -> str:
    return (
        "A VAE's encoder returns a *distribution* over codes, a mean and a standard deviation per latent "
        f"dimension. For this 2: $\\mu = {vector(f['mu'])}$, $\\sigma = {vector(f['sigma'])}$. "
        "The ellipses on the z-plane are q's 1σ, 2σ and 3σ contours; the dashed circles are the prior's."
    )


def _q_answer(f: dict) -> str:
    a, b = f["times_smaller"]
    return (
        f"$\\sigma_1$ is **{a:.1f}×** and $\\sigma_2$ **{b:.1f}×** smaller than the prior's standard deviation 1: "
        "on the prior's scale q(z|x) is a dot. The scale bar gives its true size."
    )


def _elbo_body(f: dict) -> str:
    return (
        f"For this 2 and the encoder's q: $\\mathbb{{E}}_q[\\log p(x\\mid z)] = {f['reconstruction']:.2f}$ nats, "
        f"$\\mathrm{{KL}}(q\\,\\|\\,p(z)) = {f['kl']:.2f}$ nats (closed form), so "
        f"**ELBO = {f['elbo']:.2f} ± {f['elbo_se']:.2f} nats** (Monte Carlo ± its standard error), below the "
        f"exact **log p(x) = {f['log_px']:.2f} nats**. The difference is how far q is from the true posterior."
    )


def _elbo_answer(f: dict) -> str:
    return (
        f"The gap is **{f['gap']:.2f} nats** $= \\mathrm{{KL}}(q(z\\mid x)\\,\\|\\,p(z\\mid x))$. The heat-map is "
        f"$p(z\\mid x)$, exact on a grid; it peaks at ${vector(f['peak'])}$, **{f['peak_sigmas']:.1f} σ** of q from "
        "μ along the worse axis: q is close, not equal."
    )


def _gradient_body(f: dict) -> str:
    return (
        "Training needs the gradient of an expectation whose *distribution* depends on the encoder's "
        r"parameters $\phi$. By the product rule the derivative falls on $q_\phi$, and what is left is no "
        "longer an average over samples of q. In code: `Normal(μ, σ).sample()` draws under `no_grad`, so the "
        "sample is a constant to autograd."
    )


def _gradient_answer(f: dict) -> str:
    sampled = "None" if f["sampled_grad_mu"] is None else vector(f["sampled_grad_mu"])
    return (
        f"**`mu.grad` is {sampled}**: the sampled z has `requires_grad = {f['sampled_requires_grad']}`. "
        f"Built as $z = \\mu + \\sigma \\odot \\varepsilon$ with $\\varepsilon = (1, 0)$, z has grad_fn "
        f"`{f['rep_grad_fn']}` and $\\partial \\log p(x\\mid z)/\\partial\\mu = {vector(f['rep_grad_mu'])}$."
    )


def _reparam_body(f: dict) -> str:
    return (
        r"Move the randomness into $\varepsilon$, drawn from a fixed $\mathcal{N}(0, I)$: z becomes a smooth "
        r"function of $\mu$ and $\sigma$, with $\partial z/\partial\mu = 1$ and $\partial z/\partial\sigma = "
        r"\varepsilon$, and the gradient is an average over draws of $\varepsilon$. "
        f"For this 2: $\\mu = {vector(f['mu'])}$, $\\sigma = {vector(f['sigma'])}$. Now "
        r"$\varepsilon = 0$, so $z = \mu$."
    )


def _reparam_answer(f: dict) -> str:
    (m1, m2), (s1, _) = f["mu"], f["sigma"]
    return (
        f"$z = \\mu + \\sigma \\odot (1, 0) = ({m1:.3f} + {s1:.3f},\\ {m2:.3f})$ "
        f"$= {vector(f['z'])}$: one $\\sigma_1$ to the right of $\\mu$, $z_2$ unchanged."
    )


def _mc_body(f: dict) -> str:
    return (
        "The law of the unconscious statistician: the expectation over z equals one over ε, whose "
        "distribution does not depend on φ, so the gradient passes inside (the *pathwise* estimator). The "
        r"*score-function* estimator $\mathbb{E}_q[f(z)\,\nabla_\phi \log q_\phi(z)]$ is unbiased too. "
        f"For $f(z) = {f['label']}$ with μ = 0, σ = 1 (d = μ − k = {f['d']:.0f}), one sample: pathwise "
        f"$\\mathrm{{Var}}\\,\\partial_\\mu = {f['pathwise_var_mu']:.0f}$, score function "
        f"$15 + 14d^2 + d^4 = {f['score_var_mu']:.0f}$."
    )


def _mc_answer(f: dict) -> str:
    return (
        f"**{f['ratio']:.1f}× as many**: the variance of an average of M samples is Var/M for both, so the "
        f"score function needs {f['score_var_mu']:.0f} / {f['pathwise_var_mu']:.0f} = {f['ratio']:.1f} times the "
        "samples. On the plot the measured curves run parallel, that far apart."
    )


def _icdf_body(f: dict) -> str:
    return (
        r"If $u \sim \mathcal{U}(0, 1)$ and $F$ is a CDF, then $z = F^{-1}(u)$ has the CDF $F$. All the randomness "
        "is in $u$, and $z$ is a differentiable function of the distribution's parameters: another "
        r"reparameterization. For this 2, $q(z_1\mid x) = \mathcal{N}(\mu_1, \sigma_1^2)$ with "
        f"$\\mu_1 = {f['mu']:.3f}$ and $\\sigma_1 = {f['sigma']:.4f}$. Pushing {len(f['draws']):,} uniform draws "
        f"through its $F^{{-1}}$ gives the histogram: mean {f['mean']:.3f}, standard deviation {f['sd']:.4f}. "
        r"For a Gaussian $F^{-1}(u) = \mu + \sigma\,\Phi^{-1}(u)$, and $\Phi^{-1}(u)$ is a standard normal draw "
        r"$\varepsilon$: the trick of step 7 by another road. The Maths lab tries six families."
    )


def _icdf_answer(f: dict) -> str:
    return (
        f"**u = Φ(1) = {f['u']:.4f}**: $\\Phi^{{-1}}({f['u']:.4f}) = {f['eps']:.3f}$, so "
        f"$z_1 = F^{{-1}}(u) = {f['z_inverse_cdf']:.4f}$ and $\\mu_1 + \\sigma_1 \\cdot {f['eps']:.3f} = "
        f"{f['z_reparameterized']:.4f}$: the $z_1$ of step 7. About {f['u']:.0%} of q's draws fall left of it."
    )


def _kl_body(f: dict) -> str:
    more = "AE" if f["ae_recognisable"] > f["vae_recognisable"] else "VAE"
    even = "VAE" if f["vae_entropy"] > f["ae_entropy"] else "AE"
    return (
        "The KL term pulls every q(z|x) towards $\\mathcal{N}(0, I)$, so the VAE's codes fill the prior's disc; "
        "β (in the Explorer's sidebar) trades reconstruction for smoothness. Over "
        f"{f['n']:,} random codes, {100 * f['ae_recognisable']:.1f} % of the AE's and "
        f"{100 * f['vae_recognisable']:.1f} % of the VAE's decode to a confident digit — the {more} has more — "
        f"but the {even}'s spread over the classes more evenly: entropy {f['vae_entropy']:.2f} bits for the VAE, "
        f"{f['ae_entropy']:.2f} for the AE (an even spread is {max_entropy_bits():.2f}). Rare among the AE's "
        f"(under {RARE:.0%}): {_listing(rare_classes(f['counts']['ae']))}; among the VAE's: "
        f"{_listing(rare_classes(f['counts']['vae']))}."
    )


def _kl_answer(f: dict) -> str:
    return (
        f"On the same line, gallery #{f['a']} → #{f['b']}: the AE crosses **{f['ae_holes']}** "
        f"hole{'s' if f['ae_holes'] != 1 else ''} (weakest p = {f['ae_weakest_p']:.2f}), the VAE **{f['vae_holes']}** "
        f"(weakest p = {f['vae_weakest_p']:.2f})."
    )


def _generate_body(f: dict) -> str:
    return (
        "To generate, skip the encoder: draw $z$ from the prior and decode it. In the pipeline μ = 0 and σ = 1, "
        "so z = ε; **New draw** samples again. Kingma & Welling decode a grid through the inverse Gaussian CDF "
        r"$\Phi^{-1}$, so every cell holds the same prior mass: "
        f"**{f['vae_recognisable']} of {f['n'] ** 2}** cells of the VAE's {f['n']}×{f['n']} grid are recognisable "
        f"(p ≥ {RECOGNISABLE})."
    )


def _generate_answer(f: dict) -> str:
    return (
        f"Digits missing from the VAE's grid: **{_listing(f['vae_missing'])}**. From the AE's grid over the box "
        f"its codes fill ({f['ae_recognisable']} recognisable cells): **{_listing(f['ae_missing'])}**."
    )


STEPS: tuple[Step, ...] = (
    Step(
        "autoencoder",
        "An autoencoder",
        "1",
        r"\min_{e,\,d}\ \sum_{x}\ \mathrm{err}\big(x,\ d(e(x))\big)",
        facts.ae_facts,
        _ae_body,
        "Drag the star across the z-plane, away from this 2. Before you let go: will the decoder draw a digit "
        "wherever the star is?",
        "Show me a hole",
        _ae_answer,
    ),
    Step(
        "holes",
        "Its problem: holes",
        "2",
        r"z_t = (1 - t)\,z_A + t\,z_B,\qquad t \in [0, 1]",
        facts.holes_facts,
        _holes_body,
        "Look at the decoded frames from the 2 to the 9. Which frame would you call a hole?",
        "Show the classifier's verdict",
        _holes_answer,
    ),
    Step(
        "lvm",
        "A latent variable model",
        "3",
        r"\begin{aligned}p_\theta(x) &= \int p_\theta(x\mid z)\,p(z)\,dz \\ p(z) &= \mathcal{N}(0, I)\end{aligned}",
        facts.lvm_facts,
        _lvm_body,
        "Here μ = 0 and σ = 1, so z = ε is a draw from the prior. Drag ε: which digits live where? Then predict: "
        "what share of 200 draws will look like digits?",
        "Draw 200 codes from the prior",
        _lvm_answer,
    ),
    Step(
        "q",
        "The encoder outputs a distribution",
        "4",
        r"q_\phi(z\mid x) = \mathcal{N}\big(\mu_\phi(x),\ \operatorname{diag}\sigma_\phi(x)^2\big)",
        facts.q_facts,
        _q_body,
        "On the prior's scale, q(z|x) hides under the star at μ. Predict: how many times narrower than the prior "
        "is it?",
        "Zoom to q(z|x)",
        _q_answer,
    ),
    Step(
        "elbo",
        "The ELBO and its gap",
        "5",
        r"\begin{gathered}\mathrm{ELBO} = \mathbb{E}_{q}\big[\log p(x\mid z)\big] - \mathrm{KL}\big(q\,\|\,p(z)\big)"
        r" \\ \mathrm{ELBO} \le \log p(x) \\"
        r" \log p(x) - \mathrm{ELBO} = \mathrm{KL}\big(q\,\|\,p(z\mid x)\big)\end{gathered}",
        facts.elbo_facts,
        _elbo_body,
        "Here q is short for q(z|x). Predict where the true posterior p(z|x) lies relative to q's ellipse — on it, "
        "or beside it?",
        "Show the true posterior",
        _elbo_answer,
    ),
    Step(
        "gradient",
        "Sampling blocks the gradient",
        "6",
        r"\begin{aligned}\nabla_\phi\,\mathbb{E}_{q_\phi}[f(z)] &= \int \nabla_\phi q_\phi(z)\, f(z)\, dz \\"
        r" &\ne \mathbb{E}_{q_\phi}\big[\nabla_\phi f(z)\big]\end{aligned}",
        facts.gradient_facts,
        _gradient_body,
        "Backpropagate log p(x|z) for this 2 with z = Normal(μ, σ).sample(). Predict: what is `mu.grad`?",
        "Run backward()",
        _gradient_answer,
    ),
    Step(
        "reparam",
        "The reparameterization trick",
        "7",
        r"\begin{gathered}z = \mu_\phi(x) + \sigma_\phi(x) \odot \varepsilon,\quad \varepsilon \sim \mathcal{N}(0, I)"
        r" \\ \nabla_\phi\,\mathbb{E}_{q_\phi}[f(z)] = \mathbb{E}_{\varepsilon}"
        r"\big[\nabla_\phi f(\mu + \sigma \odot \varepsilon)\big]\end{gathered}",
        facts.reparam_facts,
        _reparam_body,
        "Predict: where will z land if ε = (1, 0)? Then drag ε there on the ε-plane, or reveal it.",
        "Set ε = (1, 0)",
        _reparam_answer,
    ),
    Step(
        "mc",
        "Why the expectation moves, and at what cost",
        "8–9",
        r"\mathbb{E}_{z\sim q}[f(z)] = \mathbb{E}_{\varepsilon\sim\mathcal{N}(0,I)}"
        r"\big[f(\mu + \sigma\varepsilon)\big]",
        lambda ctx: facts.mc_facts(),
        _mc_body,
        "Predict: how many times more samples does the score-function estimator need for the same variance of ∂/∂μ?",
        "Show the answer",
        _mc_answer,
    ),
    Step(
        "icdf",
        "Another road: the inverse CDF",
        "10",
        r"\begin{gathered}z = F^{-1}(u),\quad u \sim \mathcal{U}(0, 1) \\"
        r" \text{Gaussian: } z = \mu + \sigma\,\Phi^{-1}(u)\end{gathered}",
        facts.icdf_facts,
        _icdf_body,
        "Step 7 set ε₁ = 1. Which u gives the same z₁ through the inverse CDF: 0.5, 0.68, 0.84 or 0.95?",
        "Show u on the CDF",
        _icdf_answer,
    ),
    Step(
        "kl",
        "What the KL buys: AE vs VAE",
        "11",
        r"\begin{aligned}-\mathrm{ELBO}_\beta = &\underbrace{-\mathbb{E}_q[\log p(x\mid z)]}"
        r"_{\text{an AE has only this}}"
        r" \\ &+ \beta\,\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal{N}(0, I)\big)\end{aligned}",
        facts.kl_facts,
        _kl_body,
        "The AE's straight line from the 2 to the 9 crosses a hole. Predict: how many holes does the VAE's cross?",
        "Show the VAE's path",
        _kl_answer,
    ),
    Step(
        "generate",
        "Generate from the prior",
        "12",
        r"\begin{aligned}&z \sim \mathcal{N}(0, I),\quad x \sim p_\theta(x\mid z) \\"
        r" &\text{grid: } z = \Phi^{-1}(u),\ u \in [0.05, 0.95]^2\end{aligned}",
        facts.generate_facts,
        _generate_body,
        "Predict: does the VAE's grid show all ten digits? Does the AE's, over the box its codes fill?",
        "Show both grids' missing digits",
        _generate_answer,
    ),
)

STEP_COUNT = len(STEPS)
TITLES = tuple(step.title for step in STEPS)
