"""Holes on paths between codes, measured over many random pairs (not one chosen pair).

The default 2 -> 9 pair of endpoints.py is *chosen* for an AE path that crosses a hole, so it
shows a hole but cannot say how common holes are. This measure draws N_PAIRS pairs of gallery
images of different classes uniformly at random (a seeded torch.Generator; the pairs depend only
on the gallery's labels and the seed, so every model of a dataset walks the same pairs), walks
the straight line between the encoder means μ(x_a) and μ(x_b) in DEFAULT_STEPS frames, decodes
them and asks the classifier (vae_core.classifier.judge) about the frames strictly between the
ends:

- hole_frames: the share of those frames with confidence < HOLE = 0.5 (the classifier sees no
  one digit there);
- paths_with_a_hole: the share of paths with at least one such frame.

The ends are the model's reconstructions of real images, so they are left out: a hole is
something between the codes it was trained on (Kingma & Welling 2019, sec. 2.7).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_count, check_tensor
from ..classifier import HOLE, Classifier, judge
from ..constants import IMAGE_SHAPE
from ..inference.codes import encode_images
from ..maths.latent import interpolate
from ..models.networks import LatentVariableModel
from .endpoints import DEFAULT_STEPS

__all__ = ["N_PAIRS", "random_pairs", "PathHolesReport", "path_holes_report"]

N_PAIRS = 200
"""Random pairs of gallery images walked per model by default."""


def random_pairs(labels: torch.Tensor, n_pairs: int, generator: torch.Generator) -> list[tuple[int, int]]:
    """n_pairs (row a, row b) of gallery rows with labels[a] != labels[b], uniformly at random.

    Args:
        labels: int (N,) class labels, at least two classes. n_pairs: in [1, 10,000].
        generator: the torch.Generator the rows are drawn from (rejection of same-class pairs).
    Raises:
        ValueError: n_pairs out of range, or fewer than two classes in labels.
    """
    check_count("n_pairs", n_pairs, 1, 10_000)
    if labels.ndim != 1 or len(torch.unique(labels)) < 2:
        raise ValueError("labels must be 1-D and hold at least two classes")
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n_pairs:
        a, b = torch.randint(len(labels), (2, 2 * n_pairs), generator=generator)
        keep = labels[a] != labels[b]
        pairs += list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
    return pairs[:n_pairs]


@dataclass
class PathHolesReport:
    """hole_frames: share of the interior frames that are holes; paths_with_a_hole: share of
    paths with one; pairs, steps: how many paths of how many frames (ends included)."""

    hole_frames: float
    paths_with_a_hole: float
    pairs: int
    steps: int

    def as_json(self) -> dict:
        """{"path_hole_frames", "paths_with_a_hole", "pairs"} for the CLI."""
        return {"path_hole_frames": self.hole_frames, "paths_with_a_hole": self.paths_with_a_hole, "pairs": self.pairs}


@torch.no_grad()
def path_holes_report(
    model: LatentVariableModel,
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    n_pairs: int = N_PAIRS,
    seed: int = 0,
    steps: int = DEFAULT_STEPS,
) -> PathHolesReport:
    """Walk n_pairs random pairs (random_pairs, torch.Generator().manual_seed(seed)) of the gallery
    under the model and count hole frames (module docstring).

    Args:
        model: an AE or a VAE. classifier: of the model's dataset. images: float (N, 1, 28, 28)
        in [0, 1], the gallery; labels: int (N,). n_pairs: in [1, 10,000]. steps: in [3, 1,000].
    Returns:
        PathHolesReport (shares rounded to 4 decimals).
    Raises:
        ValueError: a classifier of another dataset, bad shapes or counts (as random_pairs).
    """
    if classifier.dataset != model.dataset:
        raise ValueError(f"the classifier judges {classifier.dataset} images but the model makes {model.dataset}")
    check_tensor("images", images, (None, *IMAGE_SHAPE))
    check_count("steps (ends included)", steps, 3, 1_000)
    pairs = random_pairs(labels, n_pairs, torch.Generator().manual_seed(seed))
    rows = sorted({r for pair in pairs for r in pair})
    where = {r: i for i, r in enumerate(rows)}
    mu, _ = encode_images(model, images[rows])
    paths = torch.cat([interpolate(mu[where[a]], mu[where[b]], steps)[1:-1] for a, b in pairs])
    holes = (judge(classifier, model.decode(paths)).confidence < HOLE).reshape(len(pairs), steps - 2)
    return PathHolesReport(
        round(float(holes.double().mean()), 4), round(float(holes.any(dim=1).double().mean()), 4), len(pairs), steps
    )
