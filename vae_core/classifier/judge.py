"""What a classifier says an image shows, and how sure it is: the judge of decoded images.

The confidence of a verdict is the largest class probability, max_k softmax(logits)_k; a
decoded image is called *recognisable* when it is at least RECOGNISABLE = 0.9, and a frame of
an interpolation a *hole* when it is below HOLE = 0.5 (the thresholds of the issue that asked
for this measure; vae_core.holes uses them).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import MAX_DECODED_SAMPLES, check_tensor
from ..constants import IMAGE_SHAPE
from .network import Classifier

__all__ = ["Verdict", "judge", "RECOGNISABLE", "HOLE"]

RECOGNISABLE = 0.9
"""A decoded image is recognisable when the classifier's largest probability is at least this."""
HOLE = 0.5
"""A frame of an interpolation is counted as a hole when the largest probability is below this."""


@dataclass
class Verdict:
    """probs float (N, classes) summing to 1 per row; labels int64 (N,) = argmax; confidence
    float (N,) = the largest probability, in [1/classes, 1]."""

    probs: torch.Tensor
    labels: torch.Tensor
    confidence: torch.Tensor

    @property
    def recognisable(self) -> torch.Tensor:
        """bool (N,): confidence >= RECOGNISABLE."""
        return self.confidence >= RECOGNISABLE

    @property
    def holes(self) -> torch.Tensor:
        """bool (N,): confidence < HOLE."""
        return self.confidence < HOLE


@torch.no_grad()
def judge(classifier: Classifier, images: torch.Tensor, batch_size: int = 1000) -> Verdict:
    """Classify images float (N, 1, 28, 28) in [0, 1] (e.g. decoded Bernoulli means).

    Raises:
        TypeError / ValueError: images not a float tensor of that shape, NaN/inf, or more than
            MAX_DECODED_SAMPLES = 200,000 images.
    """
    check_tensor("images", images, (None, *IMAGE_SHAPE))
    if images.shape[0] > MAX_DECODED_SAMPLES:
        raise ValueError(f"images: {images.shape[0]:,} is over the limit of {MAX_DECODED_SAMPLES:,}")
    was_training = classifier.training
    classifier.eval()
    chunks = [torch.softmax(classifier(images[s : s + batch_size]), dim=1) for s in range(0, len(images), batch_size)]
    classifier.train(was_training)
    probs = torch.cat(chunks) if chunks else torch.zeros(0, classifier.config.classes)
    confidence, labels = probs.max(dim=1)
    return Verdict(probs, labels, confidence)
