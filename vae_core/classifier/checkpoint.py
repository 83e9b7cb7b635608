"""Classifier checkpoints: float16 safetensors plus a JSON header, loaded without running code.

The same approach as vae_core.models.checkpoint (and its header reader): the file's metadata
says ``format`` = FORMAT, the ``config`` (ClassifierConfig) that rebuilds the network, the
``training`` record and the test ``metrics``; loading checks the config against LIMITS and every
tensor's name, shape and dtype against the config before reading any weight.

Classifiers live in their own folder, ``models/classifiers/``: vae_core.models.scan_models
lists only ``models/*.safetensors``, so the app's model pickers never see a classifier, and a
classifier's format differs, so a VAE/AE loader refuses one by name.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch

from ..models.checkpoint import (
    SUFFIX,
    WEIGHTS_DTYPES,
    CheckpointError,
    _is_safetensors,
    _read_header,
    _read_tensors,
    models_dir,
    write_checkpoint,
)
from .network import Classifier, ClassifierConfig, build_classifier, expected_layout

__all__ = [
    "FORMAT",
    "LIMITS",
    "classifiers_dir",
    "save_classifier",
    "load_classifier",
    "find_classifier",
    "read_classifier_metadata",
]

FORMAT = "vae-latent-explorer-classifier/1"
LIMITS = {"channels": 256, "hidden": 4096, "classes": 100, "parameters": 10_000_000}
"""Largest config a classifier file may ask for (10 M parameters = 40 MB of float32)."""


def classifiers_dir() -> Path:
    """models_dir() / "classifiers" (models_dir() honours $VAE_EXPLORER_MODELS_DIR)."""
    return models_dir() / "classifiers"


def save_classifier(
    classifier: Classifier,
    path: str | Path,
    training: dict | None = None,
    metrics: dict | None = None,
    weights_dtype: str = "float16",
) -> Path:
    """Write the classifier's weights (in weights_dtype) and config to path (``.safetensors``
    appended if missing), atomically. Returns the path. Raises ValueError for an unknown dtype."""
    return write_checkpoint(classifier, classifier.config.to_dict(), path, FORMAT, training, metrics, weights_dtype)


def read_classifier_metadata(path: str | Path) -> dict:
    """{name, format, config, training, metrics, weights_dtype} from the header alone.

    Raises FileNotFoundError, or CheckpointError (a ValueError) naming the file: not safetensors,
    not a classifier of this project, metadata that is not JSON.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"classifier file not found: {path}")
    if not _is_safetensors(path):
        raise CheckpointError(f"{path}: not a safetensors file")
    return _parse(path, _read_header(path)[0])


def _parse(path: Path, raw: dict) -> dict:
    if raw.get("format") != FORMAT:
        raise CheckpointError(
            f"{path}: not a classifier of this project (format {raw.get('format')!r}, expected {FORMAT!r})"
        )
    try:
        meta = {key: json.loads(raw.get(key, "{}")) for key in ("config", "training", "metrics")}
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{path}: metadata is not valid JSON ({exc})") from None
    meta.update(format=FORMAT, name=path.name.removesuffix(SUFFIX), weights_dtype=raw.get("weights_dtype", "float32"))
    if meta["weights_dtype"] not in WEIGHTS_DTYPES:
        raise CheckpointError(f"{path}: weights_dtype {meta['weights_dtype']!r} is not one of {sorted(WEIGHTS_DTYPES)}")
    return meta


def _config(path: Path, raw: object) -> ClassifierConfig:
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path}: the 'config' metadata is not a JSON object")
    try:
        config = ClassifierConfig(**raw)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: invalid classifier config ({exc})") from None
    if (
        max(config.channels) > LIMITS["channels"]
        or config.hidden > LIMITS["hidden"]
        or config.classes > LIMITS["classes"]
    ):
        raise CheckpointError(f"{path}: config {config.to_dict()} is over the limits {LIMITS}")
    parameters = sum(math.prod(s) for s in expected_layout(config).values())
    if parameters > LIMITS["parameters"]:
        raise CheckpointError(
            f"{path}: the config asks for {parameters:,} parameters, over the limit of {LIMITS['parameters']:,}"
        )
    return config


def load_classifier(path: str | Path) -> Classifier:
    """Load a classifier checkpoint (eval mode, float32), never executing code from the file.

    Raises:
        FileNotFoundError: no such file.
        CheckpointError (ValueError), naming the file: not safetensors, not a classifier, an
        invalid config or one over LIMITS, a weight missing, unexpected, of the wrong shape or
        dtype (naming the key), or NaN/inf weights.
    """
    path = Path(path)
    meta = read_classifier_metadata(path)
    config = _config(path, meta["config"])
    found = _read_header(path)[1]
    expected = expected_layout(config)
    for key in sorted(set(expected) | set(found)):
        if key not in found:
            raise CheckpointError(f"{path}: weight {key!r} is missing (expected shape {expected[key]})")
        if key not in expected:
            raise CheckpointError(f"{path}: unexpected weight {key!r} (not part of the config's network)")
        shape, dtype = found[key]
        if tuple(shape) != expected[key] or dtype != meta["weights_dtype"]:
            raise CheckpointError(
                f"{path}: weight {key!r} is {dtype} {tuple(shape)}, expected {meta['weights_dtype']} {expected[key]}"
            )
    tensors = _read_tensors(path)
    for key, value in tensors.items():
        if not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{path}: weight {key!r} contains NaN or infinite values")
    classifier = build_classifier(config, name=meta["name"], path=str(path), metadata=meta)
    classifier.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=True)
    return classifier.float().eval()


def find_classifier(dataset: str, folder: str | Path | None = None) -> Path | None:
    """The classifier file for dataset in folder (default classifiers_dir()), or None.

    Picks by the config each header declares (not by file name); unreadable files are skipped.
    """
    folder = Path(folder) if folder is not None else classifiers_dir()
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
        try:
            if read_classifier_metadata(path)["config"].get("dataset") == dataset:
                return path
        except (ValueError, OSError):
            continue
    return None
