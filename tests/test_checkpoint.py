"""Checkpoints: round trip, and every kind of bad file refused with a clear error."""

import json
import pickle

import pytest
import torch

import vae_core
from vae_core.models.checkpoint import CheckpointError, list_models, save_checkpoint


def test_round_trip(tmp_path, tiny_vae):
    path = save_checkpoint(tiny_vae, tmp_path / "m", training={"epochs": 1}, metrics={"x": 1.0})
    assert path.name == "m.safetensors"
    loaded = vae_core.load_model(path)
    assert not loaded.training and loaded.kind == "vae" and loaded.latent_dim == 2
    assert loaded.dataset == "mnist" and loaded.name == "m"
    for key, value in tiny_vae.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key])
    x = torch.rand(3, 1, 28, 28)
    torch.testing.assert_close(loaded.encode(x), tiny_vae.encode(x))
    entries = list_models(tmp_path)
    assert entries == [entries[0]] and entries[0]["kind"] == "vae"
    assert entries[0]["metrics"] == {"x": 1.0} and entries[0]["training"] == {"epochs": 1}


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        vae_core.load_model(tmp_path / "nope.safetensors")


def test_truncated_and_garbage_files(tmp_path, tiny_vae):
    good = save_checkpoint(tiny_vae, tmp_path / "good").read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="cut.safetensors"):
        vae_core.load_model(cut)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"this is not a model at all")
    with pytest.raises(ValueError, match="junk.safetensors"):
        vae_core.load_model(junk)


def test_foreign_safetensors_and_bad_config(tmp_path):
    from safetensors.torch import save_file

    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, foreign)
    with pytest.raises(CheckpointError, match="foreign.safetensors.*not a VAE Latent Explorer"):
        vae_core.load_model(foreign)
    bad = tmp_path / "bad.safetensors"
    save_file(
        {"w": torch.zeros(2)}, bad, metadata={"format": "vae-latent-explorer/1", "config": json.dumps({"kind": "gan"})}
    )
    with pytest.raises(CheckpointError, match="bad.safetensors.*invalid model config"):
        vae_core.load_model(bad)


def test_weights_that_do_not_fit_the_config(tmp_path, tiny_vae):
    path = save_checkpoint(tiny_vae, tmp_path / "m")
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(path), "pt") as f:
        meta = f.metadata()
    tensors = load_file(path)
    tensors["decoder.0.weight"] = torch.zeros(5, 5)
    save_file(tensors, path, metadata=meta)
    with pytest.raises(
        CheckpointError,
        match=r"m.safetensors: weight 'decoder.0.weight' has shape \(5, 5\), "
        r"expected \(32, 2\)",
    ):
        vae_core.load_model(path)


def test_nan_weights_refused(tmp_path, tiny_vae):
    with torch.no_grad():
        tiny_vae.decoder[0].weight[0, 0] = float("nan")
    path = save_checkpoint(tiny_vae, tmp_path / "nan")
    with pytest.raises(CheckpointError, match="NaN"):
        vae_core.load_model(path)


class _Payload:
    """Unpickling this object would create a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payload_is_refused_and_does_not_run(tmp_path, tiny_vae):
    marker = tmp_path / "payload-ran"
    evil = tmp_path / "evil.pt"
    torch.save(
        {"config": tiny_vae.config.to_dict(), "state_dict": tiny_vae.state_dict(), "extra": _Payload(marker)}, evil
    )
    # sanity: the payload is real, a plain unpickler runs it
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Payload(probe))).close()
    assert probe.exists()
    with pytest.raises(ValueError, match="evil.pt.*refused"):
        vae_core.load_model(evil)
    assert not marker.exists()
    raw = tmp_path / "raw.pkl"
    raw.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ValueError, match="raw.pkl"):
        vae_core.load_model(raw)
    assert not marker.exists()


def test_plain_torch_checkpoint_is_accepted(tmp_path, tiny_ae):
    path = tmp_path / "plain.pt"
    torch.save({"config": tiny_ae.config.to_dict(), "state_dict": tiny_ae.state_dict()}, path)
    model = vae_core.load_model(path)
    assert model.kind == "ae"
    mu, sigma = model.encode(torch.rand(2, 1, 28, 28))
    assert torch.equal(sigma, torch.zeros(2, 2))


def test_shipped_models_listed_and_loadable(shipped):
    for kind, entry in shipped.items():
        assert entry["kind"] == kind and entry["dataset"] == "mnist" and entry["latent_dim"] == 2
        model = vae_core.load_model(entry["path"])
        x = torch.rand(4, 1, 28, 28)
        with torch.no_grad():
            mu, sigma = model.encode(x)
            out = model.decode(mu)
        assert mu.shape == sigma.shape == (4, 2)
        assert out.shape == (4, 1, 28, 28) and 0 <= float(out.min()) and float(out.max()) <= 1
        if kind == "ae":
            assert torch.equal(sigma, torch.zeros_like(sigma))
        else:
            assert bool((sigma > 0).all())
    for entry in vae_core.list_models():
        assert {"name", "path", "kind", "dataset", "latent_dim"} <= set(entry)


def test_metadata_is_read_once_per_version_of_the_file_and_each_caller_gets_a_copy(tmp_path, tiny_vae):
    from vae_core.models.checkpoint import read_metadata

    path = save_checkpoint(tiny_vae, tmp_path / "m", metrics={"elbo": 1.0})
    first = read_metadata(path)
    first["metrics"]["elbo"] = 99.0  # a caller's change stays its own
    assert read_metadata(path)["metrics"] == {"elbo": 1.0}
    save_checkpoint(tiny_vae, tmp_path / "m", metrics={"elbo": 2.0, "kl": 3.0})  # the file rewritten
    assert read_metadata(path)["metrics"] == {"elbo": 2.0, "kl": 3.0}
    path.write_bytes(b"not a checkpoint any more")
    with pytest.raises(CheckpointError):
        read_metadata(path)
