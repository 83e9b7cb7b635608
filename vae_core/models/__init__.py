"""The networks, their checkpoints, and their export to the browser."""

from .checkpoint import (
    CheckpointError,
    list_models,
    load_model,
    models_dir,
    read_metadata,
    save_checkpoint,
    scan_models,
)
from .networks import AE, VAE, LatentVariableModel, ModelConfig, build_model, require_vae

__all__ = [
    "AE",
    "VAE",
    "LatentVariableModel",
    "ModelConfig",
    "build_model",
    "require_vae",
    "CheckpointError",
    "list_models",
    "load_model",
    "models_dir",
    "read_metadata",
    "save_checkpoint",
    "scan_models",
]
