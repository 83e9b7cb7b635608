"""vae_core.models.export: the decoder spec the browser runs must decode exactly like torch."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
import torch
from torch import nn

from vae_core.models import ModelConfig, build_model
from vae_core.models.export import SPEC_FORMAT, decode_spec_numpy, decoder_spec, spec_arrays


def _model(kind: str = "vae", latent_dim: int = 2, activation: str = "elu", hidden=(48, 24), seed=0):
    torch.manual_seed(seed)
    return build_model(ModelConfig(kind=kind, latent_dim=latent_dim, hidden=list(hidden), activation=activation)).eval()


def _reference_forward(spec: dict, z: np.ndarray) -> np.ndarray:
    """An independent pure-Python reading of the format (float64 lists), as the browser does it."""
    layers = []
    for layer in spec["layers"]:
        w = np.frombuffer(base64.b64decode(layer["weight"]), dtype="<f4").tolist()
        b = np.frombuffer(base64.b64decode(layer["bias"]), dtype="<f4").tolist()
        layers.append((layer["in"], layer["out"], w, b))
    act = {
        "relu": lambda v: v if v > 0 else 0.0,
        "elu": lambda v: v if v > 0 else float(np.expm1(v)),
        "tanh": lambda v: float(np.tanh(v)),
    }[spec["activation"]]
    h = [float(v) for v in z]
    for index, (n_in, n_out, w, b) in enumerate(layers):
        out = [b[o] + sum(w[o * n_in + k] * h[k] for k in range(n_in)) for o in range(n_out)]
        h = out if index == len(layers) - 1 else [act(v) for v in out]
    return np.array([1.0 / (1.0 + np.exp(-v)) if v > -700 else 0.0 for v in h])


@pytest.mark.parametrize("activation", ["relu", "elu", "tanh"])
@pytest.mark.parametrize("kind,latent_dim", [("vae", 2), ("ae", 2), ("vae", 5)])
def test_numpy_decode_of_the_spec_matches_torch(kind, latent_dim, activation):
    model = _model(kind, latent_dim, activation)
    spec = decoder_spec(model)
    rng = np.random.default_rng(1)
    z = np.concatenate(
        [
            np.zeros((1, latent_dim)),
            rng.normal(size=(6, latent_dim)),
            8 * rng.normal(size=(3, latent_dim)),
            np.full((1, latent_dim), -40.0),
        ]
    )
    z = z.astype(np.float32)
    with torch.no_grad():
        expected = model.decode(torch.from_numpy(z)).numpy()
    got = decode_spec_numpy(spec, z)
    assert got.shape == expected.shape == (len(z), 1, 28, 28)
    assert np.abs(got - expected).max() <= 1e-5


def test_pure_python_reading_of_the_format_matches_torch():
    model = _model("vae", 3, "elu", hidden=(16, 12))
    spec = json.loads(json.dumps(decoder_spec(model)))  # survives a JSON round trip
    for z in ([0.0, 0.0, 0.0], [1.5, -2.0, 0.25], [-9.0, 12.0, 30.0]):
        with torch.no_grad():
            expected = model.decode(torch.tensor([z])).reshape(-1).numpy()
        assert np.abs(_reference_forward(spec, z) - expected).max() <= 1e-5


def test_spec_fields_shapes_and_hash():
    model = _model("vae", 2, "elu", hidden=(48, 24))
    spec = decoder_spec(model)
    assert spec["format"] == SPEC_FORMAT
    assert spec["latent_dim"] == 2 and spec["activation"] == "elu"
    assert spec["output"] == "bernoulli_logits" and spec["image_shape"] == [1, 28, 28]
    assert [(layer["in"], layer["out"]) for layer in spec["layers"]] == [(2, 24), (24, 48), (48, 784)]
    assert spec["num_params"] == sum(p.numel() for p in model.decoder.parameters())
    for (w, b), lin in zip(spec_arrays(spec), [m for m in model.decoder if isinstance(m, nn.Linear)], strict=True):
        assert np.array_equal(w, lin.weight.detach().numpy())
        assert np.array_equal(b, lin.bias.detach().numpy())
    # The hash is a content hash: same weights -> same hash; any change -> a new one.
    assert len(spec["hash"]) == 64
    assert decoder_spec(_model("vae", 2, "elu", hidden=(48, 24)))["hash"] == spec["hash"]
    with torch.no_grad():
        model.decoder[0].bias[0] += 1e-3
    assert decoder_spec(model)["hash"] != spec["hash"]
    assert decoder_spec(_model("vae", 2, "tanh", hidden=(48, 24)))["hash"] != spec["hash"]


def test_accepts_a_bare_sequential_and_a_bias_free_layer():
    torch.manual_seed(0)
    decoder = nn.Sequential(nn.Linear(2, 8, bias=False), nn.ReLU(), nn.Linear(8, 784))
    spec = decoder_spec(decoder)
    z = np.array([[0.3, -1.2]], dtype=np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(decoder(torch.from_numpy(z))).numpy().reshape(1, 1, 28, 28)
    assert np.abs(decode_spec_numpy(spec, z) - expected).max() <= 1e-6


class _ConvDecoderModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.decoder = nn.Sequential(
            nn.Linear(2, 49), nn.Unflatten(1, (1, 7, 7)), nn.ConvTranspose2d(1, 1, 4, stride=4)
        )


@pytest.mark.parametrize(
    "decoder,match",
    [
        (_ConvDecoderModel(), "Unflatten"),
        (nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 784)), "Sigmoid"),
        (nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 784)), "mixed"),
        (nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 784), nn.ReLU()), "Linear"),
        (nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.ReLU(), nn.Linear(8, 784)), "Linear"),
        (nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 100)), "784"),
        (nn.Sequential(nn.Linear(2, 8), nn.ELU(alpha=0.5), nn.Linear(8, 784)), "alpha"),
        (nn.Sequential(), "empty"),
    ],
)
def test_non_mlp_decoders_raise_value_error(decoder, match):
    with pytest.raises(ValueError, match=match):
        decoder_spec(decoder)


def test_a_model_without_a_sequential_decoder_raises():
    class NoDecoder(nn.Module):
        pass

    with pytest.raises(ValueError, match="nn.Sequential"):
        decoder_spec(NoDecoder())


def test_non_finite_weights_raise():
    model = _model()
    with torch.no_grad():
        model.decoder[-1].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        decoder_spec(model)


def test_spec_arrays_rejects_truncated_bytes():
    spec = decoder_spec(_model())
    spec["layers"][0]["weight"] = base64.b64encode(b"\0" * 8).decode()
    with pytest.raises(ValueError, match="do not match"):
        spec_arrays(spec)


def test_shipped_decoder_size():
    """The shipped 2-D model's spec: ~0.53 M parameters, under 3 MB of JSON."""
    import vae_core

    entries = [e for e in vae_core.list_models() if e["name"] == "mnist-vae-2d"]
    assert entries, "models/mnist-vae-2d.safetensors is shipped (committed): it must be there"
    spec = decoder_spec(vae_core.load_model(entries[0]["path"]))
    assert spec["num_params"] < 600_000
    assert len(json.dumps(spec)) < 3_000_000
