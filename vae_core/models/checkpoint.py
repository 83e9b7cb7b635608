"""Checkpoints: weights plus the config that rebuilds the model, loaded without running code.

Format: a ``.safetensors`` file (https://github.com/huggingface/safetensors: a JSON header and
raw tensor bytes, nothing executable). Its string metadata holds, as JSON: ``config``
(ModelConfig: kind, latent_dim, hidden, activation, dataset), ``training`` (the TrainConfig the
model was trained with, the command, data source, duration), ``metrics`` (test-set figures from
vae_core.evaluate) and ``weights_dtype`` ("float32", or "float16" for compact storage; loaded
models are always float32).

Loading checks the header before anything is allocated: the config's sizes against LIMITS, then
every tensor's name, shape and dtype against what the config implies, so a 700-byte file cannot
make the loader build a 30,000-wide network. Every refusal is a CheckpointError naming the file
and, where there is one, the key with the expected and found shape or dtype.

A PyTorch ``.pt`` file of the form ``{"config": {...}, "state_dict": {...}}`` is also accepted,
read with ``torch.load(weights_only=True)``, which refuses any pickled object other than tensors
and plain containers, so a file carrying a code payload is rejected without running it.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import os
import tempfile
from pathlib import Path

import torch

from .networks import LatentVariableModel, ModelConfig, build_model

__all__ = [
    "save_checkpoint",
    "load_model",
    "read_metadata",
    "list_models",
    "scan_models",
    "models_dir",
    "MODELS_DIR",
    "CheckpointError",
    "LIMITS",
    "WEIGHTS_DTYPES",
]

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODELS_DIR_ENV = "VAE_EXPLORER_MODELS_DIR"
FORMAT = "vae-latent-explorer/1"
SUFFIX = ".safetensors"
WEIGHTS_DTYPES = {"float32": torch.float32, "float16": torch.float16}
"""Storage dtypes a checkpoint may declare; the loaded model is float32 either way."""
LIMITS = {"latent_dim": 512, "hidden_width": 4096, "hidden_layers": 8, "parameters": 50_000_000}
"""Largest config a checkpoint may ask for (50 M parameters = 200 MB of float32)."""


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint of this project (a ValueError)."""


def save_checkpoint(
    model: LatentVariableModel,
    path: str | Path,
    training: dict | None = None,
    metrics: dict | None = None,
    weights_dtype: str = "float32",
) -> Path:
    """Write model weights and config to ``path`` (``.safetensors`` appended if missing).

    Args:
        weights_dtype: "float32", or "float16" to halve the file (state the effect on the
            evaluated -ELBO in the model card).
    The write is atomic: a temporary file in the same directory, then os.replace.
    Returns the path written. Raises ValueError for an unknown weights_dtype.
    """
    return write_checkpoint(model, model.config.to_dict(), path, FORMAT, training, metrics, weights_dtype)


def write_checkpoint(
    module: torch.nn.Module,
    config: dict,
    path: str | Path,
    format_name: str,
    training: dict | None = None,
    metrics: dict | None = None,
    weights_dtype: str = "float32",
) -> Path:
    """Write module's state_dict (in weights_dtype) with a JSON header {format, config, training,
    metrics, weights_dtype} to path (``.safetensors`` appended if missing), atomically: a temporary
    file in the same directory, then os.replace. Shared by the VAE/AE and the classifier
    checkpoints. Returns the path. Raises ValueError for an unknown weights_dtype."""
    from safetensors.torch import save_file

    if weights_dtype not in WEIGHTS_DTYPES:
        raise ValueError(f"weights_dtype must be one of {sorted(WEIGHTS_DTYPES)}, got {weights_dtype!r}")
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "format": format_name,
        "config": json.dumps(config),
        "training": json.dumps(training or {}),
        "metrics": json.dumps(metrics or {}),
        "weights_dtype": weights_dtype,
    }
    dtype = WEIGHTS_DTYPES[weights_dtype]
    tensors = {k: v.detach().to(dtype).contiguous().cpu() for k, v in module.state_dict().items()}
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


_SAFETENSORS_DTYPES = {
    "F32": "float32",
    "F16": "float16",
    "F64": "float64",
    "BF16": "bfloat16",
    "I64": "int64",
    "I32": "int32",
    "I16": "int16",
    "I8": "int8",
    "U8": "uint8",
    "BOOL": "bool",
}


def _read_header(path: Path) -> tuple[dict, dict[str, tuple[tuple[int, ...], str]]]:
    """(raw metadata, {key: (shape, dtype name)}) from the header alone; no tensor is read."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
            layout = {}
            for key in f.keys():
                info = f.get_slice(key)
                dtype = info.get_dtype()
                layout[key] = (tuple(info.get_shape()), _SAFETENSORS_DTYPES.get(dtype, dtype))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: corrupt or truncated safetensors file ({exc})") from None
    return metadata, layout


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: corrupt or truncated safetensors file ({exc})") from None


def read_metadata(path: str | Path) -> dict:
    """The checkpoint's metadata: format, name, config, training, metrics (parsed JSON), weights_dtype.

    Reads only the header, once per version of the file (its path, size and modification time:
    the app lists the models on every run); each call returns a copy of its own. Raises:
        FileNotFoundError: no such file. CheckpointError (ValueError): not a checkpoint of ours.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    stat = path.stat()
    return copy.deepcopy(_metadata_of_version(str(path), stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=256)
def _metadata_of_version(path: str, _size: int, _mtime_ns: int) -> dict:
    """read_metadata's work for one version of a file (the size and time only key the cache)."""
    where = Path(path)
    if not _is_safetensors(where):
        raise CheckpointError(f"{where}: not a safetensors checkpoint")
    return _parse_metadata(where, _read_header(where)[0])


def _parse_metadata(path: Path, raw: dict) -> dict:
    if raw.get("format") != FORMAT or "config" not in raw:
        raise CheckpointError(f"{path}: not a VAE Latent Explorer checkpoint (no '{FORMAT}' metadata)")
    try:
        meta = {
            "format": raw["format"],
            "name": path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem,
            "config": json.loads(raw["config"]),
            "training": json.loads(raw.get("training", "{}")),
            "metrics": json.loads(raw.get("metrics", "{}")),
            "weights_dtype": raw.get("weights_dtype", "float32"),
        }
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{path}: metadata is not valid JSON ({exc})") from None
    if not isinstance(meta["config"], dict):
        raise CheckpointError(f"{path}: the 'config' metadata is not a JSON object")
    if meta["weights_dtype"] not in WEIGHTS_DTYPES:
        raise CheckpointError(f"{path}: weights_dtype {meta['weights_dtype']!r} is not one of {sorted(WEIGHTS_DTYPES)}")
    return meta


def _config(path: Path, raw: dict) -> ModelConfig:
    """The ModelConfig, checked against LIMITS before any network is built."""
    try:
        config = ModelConfig(**raw)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: invalid model config ({exc})") from None
    if config.latent_dim > LIMITS["latent_dim"]:
        raise CheckpointError(f"{path}: latent_dim {config.latent_dim} is over the limit of {LIMITS['latent_dim']}")
    if len(config.hidden) > LIMITS["hidden_layers"] or max(config.hidden) > LIMITS["hidden_width"]:
        raise CheckpointError(
            f"{path}: hidden {config.hidden} is over the limits of "
            f"{LIMITS['hidden_layers']} layers of at most {LIMITS['hidden_width']} units"
        )
    parameters = sum(math.prod(shape) for shape in expected_layout(config).values())
    if parameters > LIMITS["parameters"]:
        raise CheckpointError(
            f"{path}: the config asks for {parameters:,} parameters, over the limit of {LIMITS['parameters']:,}"
        )
    return config


def expected_layout(config: ModelConfig) -> dict[str, tuple[int, ...]]:
    """{state_dict key: shape} of the network the config describes (nn.Sequential of Linear layers)."""
    layout = {}
    for part, sizes in config.layer_sizes().items():
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            index = 2 * i  # Linear, activation, Linear, ...
            layout[f"{part}.{index}.weight"] = (n_out, n_in)
            layout[f"{part}.{index}.bias"] = (n_out,)
    return layout


def _check_layout(
    path: Path, config: ModelConfig, found: dict[str, tuple[tuple[int, ...], str]], weights_dtype: str
) -> None:
    expected = expected_layout(config)
    missing = sorted(set(expected) - set(found))
    if missing:
        raise CheckpointError(
            f"{path}: weight {missing[0]!r} is missing (expected shape "
            f"{expected[missing[0]]} for config {config.to_dict()})"
        )
    extra = sorted(set(found) - set(expected))
    if extra:
        raise CheckpointError(
            f"{path}: unexpected weight {extra[0]!r} of shape {found[extra[0]][0]} (not part of the config's network)"
        )
    for key, shape in expected.items():
        got_shape, got_dtype = found[key]
        if tuple(got_shape) != shape:
            raise CheckpointError(f"{path}: weight {key!r} has shape {tuple(got_shape)}, expected {shape}")
        if got_dtype != weights_dtype:
            raise CheckpointError(
                f"{path}: weight {key!r} has dtype {got_dtype}, expected "
                f"{weights_dtype} (the file's declared weights_dtype)"
            )


def _read_torch(path: Path) -> tuple[dict, dict[str, torch.Tensor]]:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - any failure of the weights-only reader is a refusal
        raise CheckpointError(
            f"{path}: refused for safety: it is not a plain-weights checkpoint (it holds pickled "
            "objects other than tensors and plain containers, or is not a PyTorch file). "
            "Only safetensors files and weights-only PyTorch files are loaded."
        ) from None
    if not isinstance(obj, dict) or "config" not in obj or "state_dict" not in obj:
        raise CheckpointError(f"{path}: a torch file without 'config' and 'state_dict' entries")
    config, state = obj["config"], obj["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path}: 'state_dict' is not a dict of tensors")
    raw = {
        "format": FORMAT,
        "config": json.dumps(config) if isinstance(config, dict) else str(config),
        "weights_dtype": "float32",
    }
    return _parse_metadata(path, raw), state


def load_model(path: str | Path) -> LatentVariableModel:
    """Load a checkpoint into a model in eval mode, never executing code from the file.

    Args:
        path: a ``.safetensors`` checkpoint written by save_checkpoint (or a ``.pt`` dict of
            config + state_dict, read with weights_only=True).
    Returns:
        VAE or AE (torch.nn.Module, eval mode, float32) with attributes kind, latent_dim,
        dataset, name, path, metadata, and methods encode(x) -> (mu, sigma) and decode(z).
    Raises:
        FileNotFoundError: no such file.
        CheckpointError (a ValueError), naming the file: corrupt, truncated, pickled code,
        not our format, an invalid config or one over LIMITS, a weight missing, unexpected,
        of the wrong shape or dtype (naming the key, expected and found), or NaN/inf weights.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    if _is_safetensors(path):
        raw_meta, layout = _read_header(path)
        meta = _parse_metadata(path, raw_meta)
        config = _config(path, meta["config"])
        _check_layout(path, config, layout, meta["weights_dtype"])
        tensors = _read_tensors(path)
    else:
        meta, tensors = _read_torch(path)
        config = _config(path, meta["config"])
        layout = {k: (tuple(v.shape), str(v.dtype).removeprefix("torch.")) for k, v in tensors.items()}
        _check_layout(path, config, layout, "float32")
    for key, value in tensors.items():
        if not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{path}: weight {key!r} contains NaN or infinite values")
    model = build_model(config, name=meta["name"], path=str(path), metadata=meta)
    model.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=True)
    return model.float().eval()


def models_dir() -> Path:
    """The folder of shipped checkpoints: $VAE_EXPLORER_MODELS_DIR if set, else the repo's models/."""
    override = os.environ.get(MODELS_DIR_ENV)
    return Path(override) if override else MODELS_DIR


def scan_models(folder: str | Path | None = None) -> tuple[list[dict], list[str]]:
    """(entries, problems): one dict per readable checkpoint in folder (default models_dir()),
    sorted by name, and one sentence per ``.safetensors`` file that could not be read.

    Each entry: name, path, kind, dataset, latent_dim, beta (the KL weight it was trained with;
    1.0 for the plain ELBO, None for an AE), metrics, config, training.
    """
    folder = Path(folder) if folder is not None else models_dir()
    entries, problems = [], []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            meta = read_metadata(path)
        except (ValueError, OSError) as exc:
            problems.append(str(exc))
            continue
        cfg = meta["config"]
        kind = cfg.get("kind")
        entries.append(
            {
                "name": meta["name"],
                "path": str(path),
                "kind": kind,
                "dataset": cfg.get("dataset"),
                "latent_dim": cfg.get("latent_dim"),
                "beta": float(meta["training"].get("beta", 1.0)) if kind == "vae" else None,
                "metrics": meta["metrics"],
                "config": cfg,
                "training": meta["training"],
            }
        )
    return entries, problems


def list_models(models_dir: str | Path | None = None) -> list[dict]:
    """One dict per checkpoint in models/ with keys name, path, kind ("vae" or "ae"), dataset
    ("mnist" or "fashion-mnist"), latent_dim, beta, plus metrics, config and training; sorted
    by name.

    Unreadable files are left out (scan_models reports them). Returns [] when the folder is
    missing.
    """
    return scan_models(models_dir)[0]
