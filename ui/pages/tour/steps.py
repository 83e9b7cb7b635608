"""The guided tour's steps: title, formula, short text, a "try it" question and its answer.

The steps follow ../shared/LESSON.md from the autoencoder and its holes to generating from the
prior. Every number in a step's text comes from its ``facts`` function (ui/tour_facts.py, the
shipped models at run time); the text functions in ui/tour_texts.py only format them, so
tests/test_tour.py can recompute the numbers and check each one appears. What a step shows beside its text, and what
its "Reveal" button does to that view, is in ui/tour_views.py (keyed by the step's ``key``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ui.pages.tour import facts as facts
from ui.pages.tour import texts as texts
from ui.pages.tour.texts import RARE, rare_classes, vector

__all__ = ["Step", "STEPS", "STEP_COUNT", "TITLES", "vector", "rare_classes", "RARE"]

"""Session key of the tour's current step (int, 0-based): a plain key, not a widget's."""


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


STEPS: tuple[Step, ...] = (
    Step(
        "autoencoder",
        "An autoencoder",
        "1",
        r"\min_{e,\,d}\ \sum_{x}\ \mathrm{err}\big(x,\ d(e(x))\big)",
        facts.ae_facts,
        texts.ae_body,
        "Drag the star across the z-plane, away from this 2. Before you let go: will the decoder draw a digit "
        "wherever the star is?",
        "Show me a hole",
        texts.ae_answer,
    ),
    Step(
        "holes",
        "Its problem: holes",
        "2",
        r"z_t = (1 - t)\,z_A + t\,z_B,\qquad t \in [0, 1]",
        facts.holes_facts,
        texts.holes_body,
        "Look at the decoded frames from the 2 to the 9. Which frame would you call a hole?",
        "Show the classifier's verdict",
        texts.holes_answer,
    ),
    Step(
        "lvm",
        "A latent variable model",
        "3",
        r"\begin{aligned}p_\theta(x) &= \int p_\theta(x\mid z)\,p(z)\,dz \\ p(z) &= \mathcal{N}(0, I)\end{aligned}",
        facts.lvm_facts,
        texts.lvm_body,
        "Here μ = 0 and σ = 1, so z = ε is a draw from the prior. Drag ε: which digits live where? Then predict: "
        "what share of 200 draws will look like digits?",
        "Draw 200 codes from the prior",
        texts.lvm_answer,
    ),
    Step(
        "q",
        "The encoder outputs a distribution",
        "4",
        r"q_\phi(z\mid x) = \mathcal{N}\big(\mu_\phi(x),\ \operatorname{diag}\sigma_\phi(x)^2\big)",
        facts.q_facts,
        texts.q_body,
        "On the prior's scale, q(z|x) hides under the star at μ. Predict: how many times narrower than the prior "
        "is it?",
        "Zoom to q(z|x)",
        texts.q_answer,
    ),
    Step(
        "elbo",
        "The ELBO and its gap",
        "5",
        r"\begin{gathered}\mathrm{ELBO} = \mathbb{E}_{q}\big[\log p(x\mid z)\big] - \mathrm{KL}\big(q\,\|\,p(z)\big)"
        r" \\ \mathrm{ELBO} \le \log p(x) \\"
        r" \log p(x) - \mathrm{ELBO} = \mathrm{KL}\big(q\,\|\,p(z\mid x)\big)\end{gathered}",
        facts.elbo_facts,
        texts.elbo_body,
        "Here q is short for q(z|x). Predict where the true posterior p(z|x) lies relative to q's ellipse — on it, "
        "or beside it?",
        "Show the true posterior",
        texts.elbo_answer,
    ),
    Step(
        "gradient",
        "Sampling blocks the gradient",
        "6",
        r"\begin{aligned}\nabla_\phi\,\mathbb{E}_{q_\phi}[f(z)] &= \int \nabla_\phi q_\phi(z)\, f(z)\, dz \\"
        r" &\ne \mathbb{E}_{q_\phi}\big[\nabla_\phi f(z)\big]\end{aligned}",
        facts.gradient_facts,
        texts.gradient_body,
        "Backpropagate log p(x|z) for this 2 with z = Normal(μ, σ).sample(). Predict: what is `mu.grad`?",
        "Run backward()",
        texts.gradient_answer,
    ),
    Step(
        "reparam",
        "The reparameterization trick",
        "7",
        r"\begin{gathered}z = \mu_\phi(x) + \sigma_\phi(x) \odot \varepsilon,\quad \varepsilon \sim \mathcal{N}(0, I)"
        r" \\ \nabla_\phi\,\mathbb{E}_{q_\phi}[f(z)] = \mathbb{E}_{\varepsilon}"
        r"\big[\nabla_\phi f(\mu + \sigma \odot \varepsilon)\big]\end{gathered}",
        facts.reparam_facts,
        texts.reparam_body,
        "Predict: where will z land if ε = (1, 0)? Then drag ε there on the ε-plane, or reveal it.",
        "Set ε = (1, 0)",
        texts.reparam_answer,
    ),
    Step(
        "mc",
        "Why the expectation moves, and at what cost",
        "8–9",
        r"\mathbb{E}_{z\sim q}[f(z)] = \mathbb{E}_{\varepsilon\sim\mathcal{N}(0,I)}"
        r"\big[f(\mu + \sigma\varepsilon)\big]",
        lambda ctx: facts.mc_facts(),
        texts.mc_body,
        "Predict: how many times more samples does the score-function estimator need for the same variance of ∂/∂μ?",
        "Show the answer",
        texts.mc_answer,
    ),
    Step(
        "icdf",
        "Another road: the inverse CDF",
        "10",
        r"\begin{gathered}z = F^{-1}(u),\quad u \sim \mathcal{U}(0, 1) \\"
        r" \text{Gaussian: } z = \mu + \sigma\,\Phi^{-1}(u)\end{gathered}",
        facts.icdf_facts,
        texts.icdf_body,
        "Step 7 set ε₁ = 1. Which u gives the same z₁ through the inverse CDF: 0.5, 0.68, 0.84 or 0.95?",
        "Show u on the CDF",
        texts.icdf_answer,
    ),
    Step(
        "kl",
        "What the KL buys: AE vs VAE",
        "11",
        r"\begin{aligned}-\mathrm{ELBO}_\beta = &\underbrace{-\mathbb{E}_q[\log p(x\mid z)]}"
        r"_{\text{an AE has only this}}"
        r" \\ &+ \beta\,\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal{N}(0, I)\big)\end{aligned}",
        facts.kl_facts,
        texts.kl_body,
        "The AE's straight line from the 2 to the 9 crosses a hole. Predict: how many holes does the VAE's cross?",
        "Show the VAE's path",
        texts.kl_answer,
    ),
    Step(
        "generate",
        "Generate from the prior",
        "12",
        r"\begin{aligned}&z \sim \mathcal{N}(0, I),\quad x \sim p_\theta(x\mid z) \\"
        r" &\text{grid: } z = \Phi^{-1}(u),\ u \in [0.05, 0.95]^2\end{aligned}",
        facts.generate_facts,
        texts.generate_body,
        "Predict: does the VAE's grid show all ten digits? Does the AE's, over the box its codes fill?",
        "Show both grids' missing digits",
        texts.generate_answer,
    ),
)

STEP_COUNT = len(STEPS)
TITLES = tuple(step.title for step in STEPS)
