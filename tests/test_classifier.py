"""The judge: a small CNN classifier, its safe checkpoints, its CLI, and the shipped files'
accuracy on the official test sets (re-measured when the data is on this machine)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import vae_core
from vae_core.classifier import (
    ClassifierConfig,
    ClassifierTrainConfig,
    accuracy,
    build_classifier,
    classifiers_dir,
    find_classifier,
    judge,
    load_classifier,
    read_classifier_metadata,
    save_classifier,
    train_classifier,
)
from vae_core.data import load_idx_split
from vae_core.data.galleries import load_gallery
from vae_core.models.checkpoint import MODELS_DIR, CheckpointError, save_checkpoint, scan_models

ROOT = Path(__file__).resolve().parent.parent
CARD = (ROOT / "models" / "README.md").read_text(encoding="utf-8")
TEST_SPLITS = {
    "mnist": ROOT.parent / "shared" / "data" / "mnist",
    "fashion-mnist": Path("/usr/share/datasets/fashion-mnist"),
}


def _tiny(seed=0):
    return build_classifier(ClassifierConfig(channels=[4, 8], hidden=16), generator=torch.Generator().manual_seed(seed))


def test_forward_shape_and_a_seeded_build_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b = _tiny(), _tiny()
    assert torch.equal(torch.random.get_rng_state(), state)
    x = torch.rand(5, 1, 28, 28)
    assert a(x).shape == (5, 10)
    torch.testing.assert_close(a(x), b(x), rtol=0, atol=0)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1, 28, 28\)"):
        a(torch.rand(5, 784))


def test_judge_gives_probabilities_and_their_largest_as_confidence():
    verdict = judge(_tiny(), torch.rand(7, 1, 28, 28))
    torch.testing.assert_close(verdict.probs.sum(1), torch.ones(7))
    assert torch.equal(verdict.labels, verdict.probs.argmax(1))
    assert torch.equal(verdict.confidence, verdict.probs.max(1).values)
    assert torch.equal(verdict.holes, verdict.confidence < 0.5)
    assert torch.equal(verdict.recognisable, verdict.confidence >= 0.9)


def test_round_trip_in_float16(tmp_path):
    model = _tiny()
    path = save_classifier(model, tmp_path / "c", training={"epochs": 1}, metrics={"test": {"accuracy": 0.5}})
    assert path.name == "c.safetensors"
    loaded = load_classifier(path)
    assert loaded.dataset == "mnist" and loaded.name == "c" and not loaded.training
    assert loaded.metadata["weights_dtype"] == "float16" and loaded.metadata["metrics"]["test"]["accuracy"] == 0.5
    for key, value in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[key], value.half().float(), rtol=0, atol=0)
    assert find_classifier("mnist", tmp_path) == path and find_classifier("fashion-mnist", tmp_path) is None


def test_bad_classifier_files_are_refused_by_name(tmp_path, tiny_vae):
    from safetensors.torch import load_file, save_file

    vae_file = save_checkpoint(tiny_vae, tmp_path / "vae")
    with pytest.raises(CheckpointError, match="vae.safetensors: not a classifier"):
        load_classifier(vae_file)
    path = save_classifier(_tiny(), tmp_path / "c")
    meta = read_classifier_metadata(path)
    raw = {k: json.dumps(meta[k]) for k in ("config", "training", "metrics")}
    raw.update(format=meta["format"], weights_dtype="float16")
    tensors = load_file(path)
    wrong = {**tensors, "head.3.weight": torch.zeros(3, 3, dtype=torch.float16)}
    save_file(wrong, tmp_path / "shape.safetensors", metadata=raw)
    with pytest.raises(CheckpointError, match=r"shape.safetensors: weight 'head.3.weight' is float16 \(3, 3\)"):
        load_classifier(tmp_path / "shape.safetensors")
    nan = {**tensors, "head.1.bias": torch.full_like(tensors["head.1.bias"], float("nan"))}
    save_file(nan, tmp_path / "nan.safetensors", metadata=raw)
    with pytest.raises(CheckpointError, match="NaN"):
        load_classifier(tmp_path / "nan.safetensors")
    huge = {**raw, "config": json.dumps({"channels": [4096, 4096], "hidden": 16})}
    save_file(tensors, tmp_path / "huge.safetensors", metadata=huge)
    with pytest.raises(CheckpointError, match="over the limits"):
        load_classifier(tmp_path / "huge.safetensors")  # refused from the header, before any allocation


def test_the_vae_loader_and_the_model_pickers_never_take_a_classifier(tmp_path):
    path = save_classifier(_tiny(), tmp_path / "c")
    with pytest.raises(CheckpointError, match="not a VAE Latent Explorer checkpoint"):
        vae_core.load_model(path)
    # The shipped classifiers sit in models/classifiers/, which scan_models does not look into.
    entries, problems = scan_models()
    assert classifiers_dir() == MODELS_DIR / "classifiers"
    assert not any("classifier" in e["name"] or "classifier" in e["path"] for e in entries)
    assert not problems
    assert {e["kind"] for e in entries} == {"vae", "ae"}


def test_training_lowers_the_loss_and_is_seeded():
    data = load_gallery("mnist")
    images, labels = data.images[::10], data.labels[::10]
    config = ClassifierTrainConfig(epochs=4, batch_size=50, lr=3e-3, augment=0.3)
    a, b = _tiny(), _tiny()
    history_a = train_classifier(a, images, labels, config, torch.Generator().manual_seed(1), progress=False)
    history_b = train_classifier(b, images, labels, config, torch.Generator().manual_seed(1), progress=False)
    assert history_a == history_b and history_a[-1] < history_a[0]
    assert accuracy(a, images, labels)["accuracy"] > 0.3


def test_cli_trains_and_evaluates(tmp_path):
    out = tmp_path / "clf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vae_core.classifier",
            "train",
            "--out",
            str(out),
            "--epochs",
            "1",
            "--limit",
            "300",
            "--channels",
            "4",
            "8",
            "--hidden",
            "16",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    meta = read_classifier_metadata(f"{out}.safetensors")
    assert meta["training"]["command"].startswith("python -m vae_core.classifier train --out")
    assert meta["training"]["n_train"] == 300 and meta["config"]["channels"] == [4, 8]
    bad = subprocess.run(
        [sys.executable, "-m", "vae_core.classifier", "evaluate", str(out), "--data-dir", "/nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "error:" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("dataset", "target"), [("mnist", 0.98), ("fashion-mnist", 0.88)])
def test_shipped_classifier_accuracy_on_the_official_test_set(dataset, target):
    path = find_classifier(dataset)
    assert path is not None, f"no {dataset} classifier in models/classifiers/"
    stored = read_classifier_metadata(path)["metrics"]["test"]
    assert stored["n"] == 10_000 and stored["accuracy"] >= target
    assert f"{100 * stored['accuracy']:.2f} %" in CARD, "models/README.md must quote the stored accuracy"
    if not TEST_SPLITS[dataset].is_dir():
        pytest.skip(f"the official {dataset} test split is not on this machine ({TEST_SPLITS[dataset]})")
    test = load_idx_split(TEST_SPLITS[dataset], "test", name=dataset)
    measured = accuracy(load_classifier(path), test.images, test.labels)
    assert measured["n"] == 10_000
    assert measured["correct"] == stored["correct"], (measured["accuracy"], stored["accuracy"])
    assert measured["accuracy"] >= target
