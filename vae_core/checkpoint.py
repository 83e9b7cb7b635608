"""Checkpoints: weights plus the config that rebuilds the model, loaded without running code.

Format: a ``.safetensors`` file (https://github.com/huggingface/safetensors: a JSON header and
raw tensor bytes, nothing executable). Its string metadata holds, as JSON:
``config`` (ModelConfig: kind, latent_dim, hidden, activation, dataset), ``training`` (the
command, seed, epochs, data source) and ``metrics`` (test-set figures from vae_core.evaluate).

A PyTorch ``.pt`` file of the form ``{"config": {...}, "state_dict": {...}}`` is also accepted,
read with ``torch.load(weights_only=True)``, which refuses any pickled object other than tensors
and plain containers, so a file carrying a code payload is rejected without running it.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch

from .models import LatentVariableModel, ModelConfig, build_model

__all__ = ["save_checkpoint", "load_model", "read_metadata", "list_models", "scan_models",
           "models_dir", "MODELS_DIR", "CheckpointError"]

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODELS_DIR_ENV = "VAE_EXPLORER_MODELS_DIR"
FORMAT = "vae-latent-explorer/1"
SUFFIX = ".safetensors"


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint of this project (a ValueError)."""


def save_checkpoint(model: LatentVariableModel, path: str | Path, training: dict | None = None,
                    metrics: dict | None = None) -> Path:
    """Write model weights and config to ``path`` (``.safetensors`` appended if missing).

    The write is atomic: a temporary file in the same directory, then os.replace.
    Returns the path written.
    """
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "format": FORMAT,
        "config": json.dumps(model.config.to_dict()),
        "training": json.dumps(training or {}),
        "metrics": json.dumps(metrics or {}),
    }
    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=metadata)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a checkpoint is meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _is_safetensors(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(9)
    # 8-byte little-endian header length, then a JSON object.
    return len(head) == 9 and head[8:9] == b"{"


def _read_safetensors(path: Path, with_tensors: bool = True) -> tuple[dict, dict[str, torch.Tensor]]:
    """(raw metadata, tensors) from one open of the file; tensors is {} if not with_tensors."""
    from safetensors import SafetensorError
    from safetensors.torch import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()} if with_tensors else {}
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: corrupt or truncated safetensors file ({exc})") from None
    return metadata, tensors


def read_metadata(path: str | Path) -> dict:
    """The checkpoint's metadata as a dict: format, name, config, training, metrics (parsed JSON).

    Reads only the header. Raises:
        FileNotFoundError: no such file. CheckpointError (ValueError): not a checkpoint of ours.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    if not _is_safetensors(path):
        raise CheckpointError(f"{path}: not a safetensors checkpoint")
    return _parse_metadata(path, _read_safetensors(path, with_tensors=False)[0])


def _parse_metadata(path: Path, raw: dict) -> dict:
    if raw.get("format") != FORMAT or "config" not in raw:
        raise CheckpointError(f"{path}: not a VAE Latent Explorer checkpoint (no '{FORMAT}' metadata)")
    try:
        return {
            "format": raw["format"],
            "name": path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem,
            "config": json.loads(raw["config"]),
            "training": json.loads(raw.get("training", "{}")),
            "metrics": json.loads(raw.get("metrics", "{}")),
        }
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{path}: metadata is not valid JSON ({exc})") from None


def _read_torch(path: Path) -> tuple[dict, dict[str, torch.Tensor]]:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the weights-only reader is a refusal
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{path}: refused: not a plain-weights checkpoint (weights_only load failed: {first})"
        ) from None
    if not isinstance(obj, dict) or "config" not in obj or "state_dict" not in obj:
        raise CheckpointError(f"{path}: a torch file without 'config' and 'state_dict' entries")
    config = obj["config"]
    raw = {"format": FORMAT, "name": path.stem,
           "config": json.dumps(config) if isinstance(config, dict) else config}
    return _parse_metadata(path, raw), obj["state_dict"]


def load_model(path: str | Path) -> LatentVariableModel:
    """Load a checkpoint into a model in eval mode, never executing code from the file.

    Args:
        path: a ``.safetensors`` checkpoint written by save_checkpoint (or a ``.pt`` dict of
            config + state_dict, read with weights_only=True).
    Returns:
        VAE or AE (torch.nn.Module, eval mode, float32) with attributes kind, latent_dim,
        dataset, name, metadata, and methods encode(x) -> (mu, sigma) and decode(z).
    Raises:
        FileNotFoundError: no such file.
        CheckpointError (a ValueError), naming the file: corrupt, truncated, pickled code,
        not our format, an invalid config, weights that do not fit it, or NaN/inf weights.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    if _is_safetensors(path):
        raw_meta, tensors = _read_safetensors(path)
        meta = _parse_metadata(path, raw_meta)
    else:
        meta, tensors = _read_torch(path)
    try:
        config = ModelConfig(**meta["config"])
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: invalid model config ({exc})") from None
    model = build_model(config)
    try:
        model.load_state_dict(tensors, strict=True)
    except (RuntimeError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"{path}: weights do not fit the config ({first})") from None
    for key, value in model.state_dict().items():
        if not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{path}: weight {key!r} contains NaN or infinite values")
    model.name = meta["name"]
    model.metadata = meta
    model.path = str(path)
    return model.float().eval()


def models_dir() -> Path:
    """The folder of shipped checkpoints: $VAE_EXPLORER_MODELS_DIR if set, else the repo's models/."""
    override = os.environ.get(MODELS_DIR_ENV)
    return Path(override) if override else MODELS_DIR


def scan_models(folder: str | Path | None = None) -> tuple[list[dict], list[str]]:
    """(entries, problems): one dict per readable checkpoint in folder (default models_dir()),
    sorted by name, and one sentence per ``.safetensors`` file that could not be read."""
    folder = Path(folder) if folder is not None else models_dir()
    entries, problems = [], []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            meta = read_metadata(path)
        except (ValueError, OSError) as exc:
            problems.append(str(exc))
            continue
        cfg = meta["config"]
        entries.append({
            "name": meta["name"], "path": str(path), "kind": cfg.get("kind"),
            "dataset": cfg.get("dataset"), "latent_dim": cfg.get("latent_dim"),
            "metrics": meta["metrics"], "config": cfg, "training": meta["training"],
        })
    return entries, problems


def list_models(models_dir: str | Path | None = None) -> list[dict]:
    """One dict per checkpoint in models/ with keys name, path, kind ("vae" or "ae"), dataset
    ("mnist"), latent_dim, plus metrics, config and training; sorted by name.

    Unreadable files are left out (scan_models reports them). Returns [] when the folder is
    missing.
    """
    return scan_models(models_dir)[0]
