"""Export a model's MLP decoder as a compact JSON spec the browser can run (no Streamlit here).

The latent pad (ui/latent_pad.py) decodes z in plain JavaScript while the user drags, so the
decoder's weights travel to the browser once, as base64 of little-endian float32, and are cached
there under the spec's content hash.

The forward pass the spec describes (and that the browser and ``decode_spec_numpy`` run):

    h_0 = z                                      float32 (latent_dim,)
    h_k = act(W_k @ h_{k-1} + b_k)               for every layer but the last
    logits = W_L @ h_{L-1} + b_L                 float32 (784,) = (1, 28, 28) row-major
    pixels = sigmoid(logits)                     Bernoulli means in [0, 1]

with act one of relu(x) = max(x, 0), elu(x) = x if x > 0 else expm1(x) (alpha = 1), tanh(x).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import numpy as np
import torch
from torch import nn

from ..constants import IMAGE_SHAPE, NUM_PIXELS
from .networks import ACTIVATIONS

__all__ = ["decoder_spec", "decode_spec_numpy", "spec_arrays", "packed_weights", "SPEC_FORMAT"]

SPEC_FORMAT = "vae-latent-explorer/mlp-decoder/1"
_ACTIVATION_NAMES: dict[type[nn.Module], str] = {cls: name for name, cls in ACTIVATIONS.items()}


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def _activation_name(module: nn.Module) -> str:
    for cls, name in _ACTIVATION_NAMES.items():
        if type(module) is cls:
            if name == "elu" and float(module.alpha) != 1.0:
                raise ValueError(f"cannot export ELU with alpha={module.alpha}; only alpha=1 is supported")
            return name
    raise ValueError(f"cannot export decoder layer {type(module).__name__}: expected Linear, ReLU, ELU or Tanh")


def decoder_spec(model: nn.Module) -> dict[str, Any]:
    """A JSON-serialisable export of the model's MLP decoder for the in-browser decode.

    Args:
        model: a VAE/AE from vae_core (anything with a ``decoder`` attribute), or the decoder
            ``nn.Sequential`` itself: Linear layers with one activation (ReLU, ELU(alpha=1) or
            Tanh, the same everywhere) between consecutive Linear layers and none after the last,
            whose output has 784 = 1 x 28 x 28 features (Bernoulli logits).
    Returns:
        dict with
            format:      "vae-latent-explorer/mlp-decoder/1"
            latent_dim:  int, inputs of the first layer
            activation:  "relu" | "elu" | "tanh" (between layers; sigmoid after the last)
            output:      "bernoulli_logits" (pixels = sigmoid(logits))
            image_shape: [1, 28, 28] (the 784 outputs in row-major order)
            dtype:       "float32", byte_order: "little"
            layers:      list of {"in": int, "out": int,
                                  "weight": base64 of float32 little-endian (out, in) row-major,
                                  "bias": base64 of float32 little-endian (out,)}
                         (a Linear without bias is exported with a zero bias)
            num_params:  int, total weights + biases
            hash:        sha256 hex of the architecture (format, activation, sizes) and all bytes;
                         identical decoders give identical hashes, so the browser caches by it.
        About 4 bytes x 4/3 per parameter of text: ~2.8 MB for the shipped 0.53 M-parameter decoder.
    Raises:
        ValueError: the decoder is not such an MLP (other layer types, mixed or trailing
            activations, ELU alpha != 1, an output size other than 784, mismatched layer sizes),
            or a weight is NaN or infinite.
    """
    decoder = model if isinstance(model, nn.Sequential) else getattr(model, "decoder", None)
    if not isinstance(decoder, nn.Sequential):
        raise ValueError(
            f"cannot export the decoder of {type(model).__name__}: expected an nn.Sequential MLP in .decoder"
        )
    modules = list(decoder)
    if not modules:
        raise ValueError("cannot export an empty decoder")
    linears: list[nn.Linear] = []
    activation: str | None = None
    for position, module in enumerate(modules):
        expect_linear = position % 2 == 0
        if expect_linear:
            if type(module) is not nn.Linear:
                raise ValueError(
                    f"cannot export decoder layer {position} ({type(module).__name__}): "
                    "expected Linear layers separated by single activations"
                )
            linears.append(module)
            continue
        name = _activation_name(module)
        if activation is not None and name != activation:
            raise ValueError(f"cannot export a decoder with mixed activations ({activation}, {name})")
        activation = name
    if type(modules[-1]) is not nn.Linear:
        raise ValueError(
            "cannot export a decoder that ends in an activation: the last layer must be "
            "Linear (its outputs are Bernoulli logits)"
        )
    if linears[-1].out_features != NUM_PIXELS:
        raise ValueError(
            f"cannot export a decoder with {linears[-1].out_features} outputs; "
            f"expected {NUM_PIXELS} = {' x '.join(map(str, IMAGE_SHAPE))}"
        )
    for a, b in zip(linears[:-1], linears[1:], strict=True):
        if a.out_features != b.in_features:
            raise ValueError(f"decoder layer sizes do not chain: {a.out_features} -> {b.in_features}")

    digest = hashlib.sha256()
    header = {
        "format": SPEC_FORMAT,
        "activation": activation or "none",
        "sizes": [linears[0].in_features] + [lin.out_features for lin in linears],
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    layers = []
    num_params = 0
    with torch.no_grad():
        for index, lin in enumerate(linears):
            weight = lin.weight.detach().cpu().to(torch.float32).numpy()
            bias = (
                lin.bias.detach().cpu().to(torch.float32).numpy()
                if lin.bias is not None
                else np.zeros(lin.out_features, dtype=np.float32)
            )
            if not (np.isfinite(weight).all() and np.isfinite(bias).all()):
                raise ValueError(f"decoder layer {index} has NaN or infinite weights")
            w_bytes = np.ascontiguousarray(weight, dtype="<f4").tobytes()
            b_bytes = np.ascontiguousarray(bias, dtype="<f4").tobytes()
            digest.update(w_bytes)
            digest.update(b_bytes)
            layers.append(
                {
                    "in": int(lin.in_features),
                    "out": int(lin.out_features),
                    "weight": base64.b64encode(w_bytes).decode("ascii"),
                    "bias": base64.b64encode(b_bytes).decode("ascii"),
                }
            )
            num_params += weight.size + bias.size
    return {
        "format": SPEC_FORMAT,
        "latent_dim": int(linears[0].in_features),
        # A single Linear layer has no activation; "relu" is a harmless placeholder then.
        "activation": activation or "relu",
        "output": "bernoulli_logits",
        "image_shape": list(IMAGE_SHAPE),
        "dtype": "float32",
        "byte_order": "little",
        "layers": layers,
        "num_params": int(num_params),
        "hash": digest.hexdigest(),
    }


def spec_arrays(spec: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The spec's layers decoded from base64: [(weight float32 (out, in), bias float32 (out,)), ...].

    Raises:
        ValueError: a layer's byte length does not match its declared sizes.
    """
    out = []
    for index, layer in enumerate(spec["layers"]):
        n_in, n_out = int(layer["in"]), int(layer["out"])
        weight = np.frombuffer(base64.b64decode(layer["weight"]), dtype="<f4")
        bias = np.frombuffer(base64.b64decode(layer["bias"]), dtype="<f4")
        if weight.size != n_in * n_out or bias.size != n_out:
            raise ValueError(
                f"spec layer {index}: {weight.size} weights / {bias.size} biases do not match in={n_in}, out={n_out}"
            )
        out.append((weight.reshape(n_out, n_in).astype(np.float32), bias.astype(np.float32)))
    return out


def decode_spec_numpy(spec: dict[str, Any], z: np.ndarray) -> np.ndarray:
    """Reference decode of a spec in numpy float32 (what the browser computes), for tests.

    Args:
        spec: a decoder_spec() dict.
        z: float (N, latent_dim) or (latent_dim,).
    Returns:
        float32 (N, 1, 28, 28) pixels = sigmoid(logits) in [0, 1].
    Raises:
        ValueError: z has the wrong width, or the spec's bytes do not match its sizes.
    """
    h = np.atleast_2d(np.asarray(z, dtype=np.float32))
    if h.shape[1] != spec["latent_dim"]:
        raise ValueError(f"z must have {spec['latent_dim']} columns, got shape {h.shape}")
    layers = spec_arrays(spec)
    act = {
        "relu": lambda x: np.maximum(x, 0, dtype=np.float32),
        "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(np.float32),
        "tanh": lambda x: np.tanh(x).astype(np.float32),
    }[spec["activation"]]
    for index, (weight, bias) in enumerate(layers):
        h = (h @ weight.T + bias).astype(np.float32)
        if index < len(layers) - 1:
            h = act(h)
    with np.errstate(over="ignore"):  # exp(-h) overflows to inf for h < -709: sigmoid -> 0
        pixels = (1.0 / (1.0 + np.exp(-h.astype(np.float64)))).astype(np.float32)
    return pixels.reshape(h.shape[0], *IMAGE_SHAPE)


def packed_weights(spec: dict[str, Any]) -> tuple[str, np.ndarray]:
    """Every weight and bias of a spec in one flat array, for a binary transfer to the browser.

    The order is W_1 (out, in) row-major, b_1, W_2, b_2, … (the spec's layers in turn). When every
    value is exactly representable in float16 (true of the shipped checkpoints, which are stored
    in float16) the array holds float16 values: half the bytes of float32 and no rounding. Else
    it is float32, as in the spec.

    Args:
        spec: a decoder_spec() dict.
    Returns:
        ("float16", float16 array (num_params,)) or ("float32", float32 array (num_params,)),
        little-endian.
    Raises:
        ValueError: as spec_arrays.
    """
    flat = np.concatenate([part.reshape(-1) for layer in spec_arrays(spec) for part in layer]).astype("<f4")
    half = flat.astype("<f2")
    if np.array_equal(half.astype("<f4"), flat):
        return "float16", half
    return "float32", flat
