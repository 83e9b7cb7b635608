"""The judge of images: a small convolutional classifier of 28 x 28 digits (or garments).

Architecture (LeCun et al. 1998's convolution-and-pooling pattern, at the size of a modern
MNIST tutorial): for each entry c of ``channels``, a 3 x 3 convolution (padding 1) to c
channels, ReLU and 2 x 2 max-pooling; then a fully connected layer of ``hidden`` units, ReLU,
and a linear layer to ``classes`` logits. The class probabilities are softmax(logits); the app
reads the largest one as the classifier's confidence in what a decoded image shows.

Weights are initialised as PyTorch's own Conv2d/Linear defaults (kaiming-uniform, a = sqrt(5);
biases uniform in ±1/sqrt(fan_in)), drawn from an explicit torch.Generator so that training
never touches the global RNG.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..checks import check_tensor
from ..constants import IMAGE_SHAPE
from ..data.registry import DATASET_NAMES

__all__ = ["ClassifierConfig", "Classifier", "build_classifier", "expected_layout"]


@dataclass
class ClassifierConfig:
    """Everything needed to rebuild a classifier; stored in its checkpoint."""

    dataset: str = "mnist"
    channels: list[int] = field(default_factory=lambda: [32, 64])
    hidden: int = 128
    classes: int = 10

    def __post_init__(self) -> None:
        if self.dataset not in DATASET_NAMES:
            raise ValueError(f"dataset must be one of {DATASET_NAMES}, got {self.dataset!r}")
        if (
            not isinstance(self.channels, (list, tuple))
            or not self.channels
            or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in self.channels)
        ):
            raise ValueError(f"channels must be a non-empty list of positive integers, got {self.channels!r}")
        if len(self.channels) > 3:
            side = f"{IMAGE_SHAPE[1]} x {IMAGE_SHAPE[2]}"
            raise ValueError(f"at most 3 convolution blocks fit a {side} image, got {len(self.channels)}")
        self.channels = [int(c) for c in self.channels]
        for name in ("hidden", "classes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

    @property
    def flat_features(self) -> int:
        """Width of the flattened feature map: channels[-1] x side², side = 28 halved per block."""
        side = IMAGE_SHAPE[1]
        for _ in self.channels:
            side //= 2
        return self.channels[-1] * side * side

    def to_dict(self) -> dict:
        return asdict(self)


def expected_layout(config: ClassifierConfig) -> dict[str, tuple[int, ...]]:
    """{state_dict key: shape} of the network the config describes (what a checkpoint must hold)."""
    layout: dict[str, tuple[int, ...]] = {}
    n_in = IMAGE_SHAPE[0]
    for i, c in enumerate(config.channels):
        layout[f"features.{3 * i}.weight"] = (c, n_in, 3, 3)
        layout[f"features.{3 * i}.bias"] = (c,)
        n_in = c
    layout["head.1.weight"] = (config.hidden, config.flat_features)
    layout["head.1.bias"] = (config.hidden,)
    layout["head.3.weight"] = (config.classes, config.hidden)
    layout["head.3.bias"] = (config.classes,)
    return layout


def _init(layer: nn.Module, generator: torch.Generator | None) -> nn.Module:
    if generator is not None:
        fan_in = layer.weight[0].numel()
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
        bound = 1.0 / math.sqrt(fan_in)
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


class Classifier(nn.Module):
    """A small CNN: images float (N, 1, 28, 28) in [0, 1] -> logits float (N, classes).

    Attributes: config (ClassifierConfig), dataset, and for a loaded checkpoint name, path and
    metadata (the header's parsed JSON).
    """

    def __init__(
        self,
        config: ClassifierConfig,
        generator: torch.Generator | None = None,
        name: str = "untrained",
        path: str | None = None,
        metadata: dict | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.dataset = config.dataset
        self.name, self.path, self.metadata = name, path, metadata or {}
        blocks: list[nn.Module] = []
        n_in = IMAGE_SHAPE[0]
        for c in config.channels:
            conv = (
                nn.Conv2d(n_in, c, 3, padding=1)
                if generator is None
                else nn.utils.skip_init(nn.Conv2d, n_in, c, 3, padding=1)
            )
            blocks += [_init(conv, generator), nn.ReLU(), nn.MaxPool2d(2)]
            n_in = c
        self.features = nn.Sequential(*blocks)

        def linear(a: int, b: int) -> nn.Module:
            return _init(nn.Linear(a, b) if generator is None else nn.utils.skip_init(nn.Linear, a, b), generator)

        self.head = nn.Sequential(
            nn.Flatten(), linear(config.flat_features, config.hidden), nn.ReLU(), linear(config.hidden, config.classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits float (N, classes) of images x float (N, 1, 28, 28) in [0, 1].

        Raises TypeError / ValueError (vae_core.checks) for a non-float tensor or another shape.
        """
        check_tensor("x", x, (None, *IMAGE_SHAPE))
        return self.head(self.features(x))


def build_classifier(config: ClassifierConfig, generator: torch.Generator | None = None, **kwargs) -> Classifier:
    """A new Classifier; with a generator its initial weights are drawn from it (global RNG untouched)."""
    return Classifier(config, generator=generator, **kwargs)
