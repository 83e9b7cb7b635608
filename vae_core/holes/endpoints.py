"""Interpolation endpoints chosen by the holes measure, not by hand.

The lesson's example is 2 → 9: a straight line between a 2 and a 9 of a plain AE's latent space
passes through codes no training image was mapped to (Kingma & Welling 2019, sec. 2.7 on why a
deterministic code space has holes). Which 2 and which 9 show it is measured here: for candidate
pairs of gallery images, decode the path under the AE and the VAE and count the frames the
classifier calls holes (confidence < HOLE = 0.5, vae_core.holes.measure).

Candidates are gallery images whose reconstructions under *both* models the classifier
recognises as their own class (confidence >= 0.9), so a path's ends are clear examples and any
hole lies between them. Pairs are ranked: first those whose AE path crosses a hole and whose
VAE path does not, then those where both do; within a rank, the AE's weakest frame first.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..classifier import Classifier, judge
from ..inference.codes import encode_images
from ..maths.latent import interpolation_path
from ..models.networks import LatentVariableModel

__all__ = ["DEFAULT_CLASSES", "DEFAULT_STEPS", "PairScore", "candidates", "score_pairs", "default_pair", "hole_pairs"]

DEFAULT_CLASSES = (2, 9)
"""The lesson's example: interpolate from a 2 to a 9."""
DEFAULT_STEPS = 10
"""Frames of the default interpolation (the app's frames slider starts here)."""


@dataclass(frozen=True)
class PairScore:
    """One candidate pair: gallery rows a → b (classes class_a → class_b), and for each model the
    number of hole frames on the path and the lowest frame confidence."""

    a: int
    b: int
    class_a: int
    class_b: int
    ae_holes: int
    vae_holes: int
    ae_min_confidence: float
    vae_min_confidence: float

    @property
    def rank(self) -> tuple:
        """Sort key: AE hole and no VAE hole first, then both; deepest AE hole first."""
        category = 0 if self.ae_holes and not self.vae_holes else 1 if self.ae_holes else 2
        return (category, self.ae_min_confidence - self.vae_min_confidence)


@torch.no_grad()
def candidates(
    models: tuple[LatentVariableModel, ...],
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    per_class: int,
    classes: list[int] | None = None,
) -> dict[int, list[int]]:
    """{class: up to per_class gallery rows, in gallery order} whose reconstruction under every
    model is recognised as that class with confidence >= 0.9, for each of classes (default all).
    images float (N, 1, 28, 28), labels (N,)."""
    found: dict[int, list[int]] = {}
    for k in range(classifier.config.classes) if classes is None else classes:
        rows = torch.nonzero(labels == k).flatten()[: 8 * per_class]
        ok = torch.ones(len(rows), dtype=torch.bool)
        for model in models:
            mu, _ = model.encode(images[rows])
            verdict = judge(classifier, model.decode(mu))
            ok &= verdict.recognisable & (verdict.labels == k)
        found[k] = rows[ok][:per_class].tolist()
    return found


@torch.no_grad()
def score_pairs(
    ae: LatentVariableModel,
    vae: LatentVariableModel,
    classifier: Classifier,
    images: torch.Tensor,
    pairs: list[tuple[int, int]],
    labels: torch.Tensor,
    steps: int = DEFAULT_STEPS,
    method: str = "linear",
    centers: tuple[torch.Tensor | None, torch.Tensor | None] = (None, None),
) -> list[PairScore]:
    """Score each (row a, row b) pair: hole frames and weakest frame along both models' paths.

    Paths run between the encoder means μ(x_a), μ(x_b) of each model (interpolation_path, with
    centers[i] the slerp centre of the AE / VAE). Returns one PairScore per pair, in order.
    """
    rows = sorted({r for pair in pairs for r in pair})
    where = {r: i for i, r in enumerate(rows)}
    stats = []
    for model, center in zip((ae, vae), centers, strict=True):
        mu, _ = encode_images(model, images[rows])
        paths = torch.cat([interpolation_path(mu[where[a]], mu[where[b]], steps, method, center) for a, b in pairs])
        confidence = judge(classifier, model.decode(paths)).confidence.reshape(len(pairs), steps)
        stats.append(((confidence < 0.5).sum(1).tolist(), confidence.min(1).values.tolist()))
    (ae_holes, ae_min), (vae_holes, vae_min) = stats
    return [
        PairScore(a, b, int(labels[a]), int(labels[b]), ae_holes[i], vae_holes[i], ae_min[i], vae_min[i])
        for i, (a, b) in enumerate(pairs)
    ]


def _scored(
    ae: LatentVariableModel,
    vae: LatentVariableModel,
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    class_pairs: list[tuple[int, int]],
    per_class: int,
    steps: int,
    method: str,
    centers: tuple[torch.Tensor | None, torch.Tensor | None],
) -> list[PairScore]:
    """Every candidate pair of the given class pairs, scored, best (PairScore.rank) first."""
    needed = sorted({k for pair in class_pairs for k in pair})
    found = candidates((ae, vae), classifier, images, labels, per_class, needed)
    pairs = [(a, b) for i, j in class_pairs for a in found[i] for b in found[j]]
    if not pairs:
        return []
    return sorted(score_pairs(ae, vae, classifier, images, pairs, labels, steps, method, centers), key=_rank)


def _rank(score: PairScore) -> tuple:
    return score.rank


def default_pair(
    ae: LatentVariableModel,
    vae: LatentVariableModel,
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    steps: int = DEFAULT_STEPS,
    method: str = "linear",
    per_class: int = 8,
    classes: tuple[int, int] = DEFAULT_CLASSES,
    centers: tuple[torch.Tensor | None, torch.Tensor | None] = (None, None),
) -> PairScore | None:
    """The best classes[0] → classes[1] pair of per_class x per_class candidates by
    PairScore.rank: one whose AE path crosses a hole and whose VAE path does not, if any is.
    Check its ae_holes: 0 means no candidate AE path of these classes crosses a hole. None when
    no image of a class is recognised after reconstruction."""
    scored = _scored(ae, vae, classifier, images, labels, [classes], per_class, steps, method, centers)
    return scored[0] if scored else None


def hole_pairs(
    ae: LatentVariableModel,
    vae: LatentVariableModel,
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    steps: int = DEFAULT_STEPS,
    method: str = "linear",
    per_class: int = 2,
    centers: tuple[torch.Tensor | None, torch.Tensor | None] = (None, None),
) -> list[PairScore]:
    """For every pair of classes i < j, its best pair of per_class x per_class candidates, kept
    if its AE path crosses a hole; best (PairScore.rank) first. [] when no AE path does."""
    classes = classifier.config.classes
    class_pairs = [(i, j) for i in range(classes) for j in range(i + 1, classes)]
    best: dict[tuple[int, int], PairScore] = {}
    for s in _scored(ae, vae, classifier, images, labels, class_pairs, per_class, steps, method, centers):
        if s.ae_holes:
            best.setdefault((s.class_a, s.class_b), s)  # the list is sorted: the first is the best
    return sorted(best.values(), key=_rank)
