"""Holes in a latent space, measured: decode random codes and interpolations, and ask a classifier.

A decoder should turn *any* likely code into an image of the data. Draw N codes from the
model's code distribution, decode them, and let a digit classifier (vae_core.classifier) say
what each one shows:

- recognisable: the share whose largest class probability is >= RECOGNISABLE = 0.9;
- class_entropy_bits: the entropy, in bits, of the predicted classes' histogram,
  H = -sum_k p_k log2 p_k (0 log 0 = 0): log2(10) = 3.32 bits when the decodes cover the ten
  classes evenly, 0 when every decode looks like one class (Shannon 1948).

The code distribution is the VAE's prior p(z) = N(0, I) (Kingma & Welling 2014, sec. 3). A plain
AE has no prior, so it gets the fairest stand-in: a Gaussian N(m, C) fitted to its own gallery
codes (m their mean, C their covariance), i.e. the codes it actually uses, with their spread
and correlation. Both models draw the same standard normal ε (z = m + L ε, C = L Lᵀ), from an
explicit, seeded torch.Generator, so a report is the same on every run.

Along an interpolation the same classifier gives each frame's confidence; a frame below
HOLE = 0.5 is counted as a hole (over many random pairs: vae_core.holes.paths). A class is rare
among a model's random decodes when it holds under RARE = 2 % of them; the others are the
classes the decodes reach.

Two models' shares (of codes, of paths) are compared with share_difference: the difference and
its standard error sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b) (independent binomial counts),
so a sentence can say "within the noise" when the difference is under two standard errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..checks import MAX_DECODED_SAMPLES, check_count, check_tensor
from ..classifier import HOLE, RECOGNISABLE, Classifier, Verdict, judge
from ..models.networks import LatentVariableModel

__all__ = [
    "N_CODES",
    "RARE",
    "CodeDistribution",
    "code_distribution",
    "draw_codes",
    "class_entropy_bits",
    "HolesReport",
    "random_code_report",
    "path_verdict",
    "max_entropy_bits",
    "share_difference",
    "HOLE",
    "RECOGNISABLE",
]

N_CODES = 1000
"""Random codes decoded per model by default (the issue's 1,000)."""
RARE = 0.02
"""A class is called rare among a model's random decodes below this share (2 %)."""


@dataclass
class CodeDistribution:
    """A Gaussian over codes: mean float (d,), scale_tril float (d, d) (C = L Lᵀ), and what it is."""

    mean: torch.Tensor
    scale_tril: torch.Tensor
    description: str


def code_distribution(model: LatentVariableModel, gallery_codes: torch.Tensor | None = None) -> CodeDistribution:
    """The distribution random codes are drawn from: N(0, I) for a VAE, N(m, C) fitted for an AE.

    Args:
        gallery_codes: float (N, latent_dim), the AE's codes (μ) of its gallery; needed for an AE.
    Raises:
        ValueError: an AE without gallery_codes, or fewer than latent_dim + 1 of them.
    """
    d = model.latent_dim
    if model.kind == "vae":
        return CodeDistribution(torch.zeros(d), torch.eye(d), "the prior N(0, I)")
    if gallery_codes is None:
        raise ValueError("a plain AE has no prior: pass gallery_codes to fit a Gaussian to its codes")
    codes = check_tensor("gallery_codes", gallery_codes, (None, d)).double()
    if codes.shape[0] <= d:
        raise ValueError(f"gallery_codes: need more than {d} codes to fit a {d}-D Gaussian, got {codes.shape[0]}")
    mean = codes.mean(0)
    cov = torch.cov(codes.T).reshape(d, d) + 1e-9 * torch.eye(d, dtype=torch.float64)
    return CodeDistribution(
        mean.float(),
        torch.linalg.cholesky(cov).float(),
        f"a Gaussian fitted to the AE's {codes.shape[0]:,} gallery codes (their mean and covariance)",
    )


def draw_codes(distribution: CodeDistribution, n: int, generator: torch.Generator) -> torch.Tensor:
    """n codes z = mean + L ε, ε ~ N(0, I) from generator: float (n, latent_dim).

    Raises ValueError for n outside [1, MAX_DECODED_SAMPLES = 200,000].
    """
    check_count("n", n, 1, MAX_DECODED_SAMPLES)
    eps = torch.randn(n, distribution.mean.shape[0], generator=generator)
    return distribution.mean + eps @ distribution.scale_tril.T


def class_entropy_bits(labels: torch.Tensor, classes: int = 10) -> float:
    """Entropy in bits of the histogram of integer labels (N,) over `classes` classes.

    H = -sum_k p_k log2 p_k with p_k = count_k / N and 0 log 0 = 0; in [0, log2(classes)].
    Raises ValueError for no labels or labels outside [0, classes).
    """
    if labels.numel() == 0:
        raise ValueError("labels is empty")
    if int(labels.min()) < 0 or int(labels.max()) >= classes:
        raise ValueError(f"labels must lie in [0, {classes}), got [{int(labels.min())}, {int(labels.max())}]")
    p = torch.bincount(labels.flatten(), minlength=classes).double() / labels.numel()
    p = p[p > 0]
    return float(-(p * torch.log2(p)).sum()) if len(p) > 1 else 0.0


@dataclass
class HolesReport:
    """What the classifier makes of n decoded random codes of one model.

    recognisable: fraction with confidence >= RECOGNISABLE; class_entropy_bits: entropy of the
    predicted classes; counts: the predicted classes' histogram (classes,); source: the code
    distribution's description.
    """

    recognisable: float
    class_entropy_bits: float
    n: int
    counts: list[int]
    source: str

    @property
    def classes_reached(self) -> int:
        """How many classes hold at least RARE of the decodes."""
        return sum(c >= RARE * self.n for c in self.counts)

    def as_json(self) -> dict:
        """The CLI's record: {"recognisable", "class_entropy_bits", "classes_reached", "n"}."""
        return {
            "recognisable": self.recognisable,
            "class_entropy_bits": self.class_entropy_bits,
            "classes_reached": self.classes_reached,
            "n": self.n,
        }


@torch.no_grad()
def random_code_report(
    model: LatentVariableModel,
    classifier: Classifier,
    gallery_codes: torch.Tensor | None = None,
    n: int = N_CODES,
    seed: int = 0,
) -> HolesReport:
    """Decode n codes from code_distribution(model, gallery_codes) and judge them.

    The draws come from torch.Generator().manual_seed(seed) (never the global RNG), so the same
    seed gives the same report, and an AE and a VAE of the same latent_dim share their ε.
    Raises ValueError as code_distribution and draw_codes, or when the classifier's dataset is
    not the model's.
    """
    if classifier.dataset != model.dataset:
        raise ValueError(f"the classifier judges {classifier.dataset} images but the model makes {model.dataset}")
    distribution = code_distribution(model, gallery_codes)
    z = draw_codes(distribution, n, torch.Generator().manual_seed(seed))
    verdict = judge(classifier, model.decode(z))
    classes = classifier.config.classes
    return HolesReport(
        recognisable=int(verdict.recognisable.sum()) / n,
        class_entropy_bits=round(class_entropy_bits(verdict.labels, classes), 4),
        n=n,
        counts=torch.bincount(verdict.labels, minlength=classes).tolist(),
        source=distribution.description,
    )


@torch.no_grad()
def path_verdict(
    model: LatentVariableModel, classifier: Classifier, path: torch.Tensor
) -> tuple[torch.Tensor, Verdict]:
    """(decoded frames float (S, 1, 28, 28) in [0, 1], the classifier's Verdict on each) for a
    latent path float (S, latent_dim); verdict.holes marks frames with confidence < HOLE."""
    check_tensor("path", path, (None, model.latent_dim))
    frames = model.decode(path)
    return frames, judge(classifier, frames)


def max_entropy_bits(classes: int = 10) -> float:
    """log2(classes): the entropy of an even spread (3.32 bits for ten classes)."""
    return math.log2(classes)


def share_difference(p_a: float, n_a: int, p_b: float, n_b: int) -> tuple[float, float]:
    """(p_a - p_b, its standard error) for two shares in [0, 1] of n_a and n_b independent trials.

    SE = sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b), the normal approximation to two
    binomial counts. Raises ValueError for a share outside [0, 1] or a count below 1.
    """
    for p, n in ((p_a, n_a), (p_b, n_b)):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"a share must lie in [0, 1], got {p}")
        check_count("a number of trials", n, 1, 10**9)
    return p_a - p_b, math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
