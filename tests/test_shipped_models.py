"""The shipped checkpoints: each loads, the model card quotes its stored metrics, the targets
hold, the β family behaves as the KL weight says, and models/ stays small."""

import re
from pathlib import Path

import pytest
import torch

import vae_core
from vae_core.data import load_idx_split
from vae_core.data.galleries import load_gallery
from vae_core.models import read_metadata
from vae_core.training import evaluate_model

MODELS = Path(vae_core.models.checkpoint.MODELS_DIR)
CARD = (MODELS / "README.md").read_text(encoding="utf-8")
README = (MODELS.parent / "README.md").read_text(encoding="utf-8")
SHIPPED = {
    "mnist-vae-2d",
    "mnist-ae-2d",
    "mnist-vae-2d-beta0.1",
    "mnist-vae-2d-beta4",
    "mnist-vae-16d",
    "mnist-ae-16d",
    "fashion-vae-2d",
    "fashion-ae-2d",
}
TEST_SPLITS = {
    "mnist": MODELS.parent.parent / "shared" / "data" / "mnist",
    "fashion-mnist": Path("/usr/share/datasets/fashion-mnist"),
}
ENTRIES = {e["name"]: e for e in vae_core.list_models()}


def _test_metrics(name: str) -> dict:
    return read_metadata(ENTRIES[name]["path"])["metrics"]["test"]


def test_the_issue_s_models_all_ship_with_beta_and_name():
    assert SHIPPED <= set(ENTRIES)
    for name in SHIPPED:
        entry = ENTRIES[name]
        assert entry["name"] == name and {"path", "kind", "dataset", "latent_dim", "beta"} <= set(entry)
        assert (entry["beta"] is None) == (entry["kind"] == "ae")
    assert ENTRIES["mnist-vae-2d-beta0.1"]["beta"] == 0.1 and ENTRIES["mnist-vae-2d-beta4"]["beta"] == 4.0


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_checkpoint_loads_and_both_cards_quote_its_stored_figures(name):
    model = vae_core.load_model(ENTRIES[name]["path"])
    assert model.name == name and all(p.dtype == torch.float32 for p in model.parameters())
    metrics = _test_metrics(name)
    row = next((line for line in CARD.splitlines() if line.startswith(f"| `{name}.safetensors`")), None)
    assert row is not None, f"models/README.md has no row for {name}"
    assert f"{metrics['neg_elbo']:.2f}" in row and f"{metrics['kl']:.2f}" in row, row
    if "neg_iwae" in metrics:
        assert f"{metrics['neg_iwae']:.2f}" in row, row
    readme_row = next((line for line in README.splitlines() if line.startswith(f"| {name} ")), None)
    assert readme_row is not None and f"{metrics['neg_elbo']:.2f}" in readme_row, f"README.md: {readme_row}"


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_the_stored_test_elbo_is_what_evaluate_measures(name):
    dataset = ENTRIES[name]["dataset"]
    if not TEST_SPLITS[dataset].is_dir():
        pytest.skip(f"the official {dataset} test split is not on this machine ({TEST_SPLITS[dataset]})")
    test = load_idx_split(TEST_SPLITS[dataset], "test", name=dataset)
    measured = evaluate_model(vae_core.load_model(ENTRIES[name]["path"]), test.images, seed=0)
    assert measured["n"] == 10_000
    assert measured["neg_elbo"] == pytest.approx(_test_metrics(name)["neg_elbo"], abs=1e-3)


def test_the_quality_targets_hold():
    assert _test_metrics("mnist-vae-16d")["neg_elbo"] <= 105.0  # peer: 112.3 (20-D recipe)
    assert _test_metrics("fashion-vae-2d")["neg_elbo"] <= 255.8  # peer: 260.85
    for name in SHIPPED:  # float16 only where harmless
        metrics = _test_metrics(name)
        if metrics["weights_dtype"] == "float16":
            assert abs(metrics["float16_delta_nats"]) < 0.05


def test_the_kl_falls_as_beta_rises():
    family = ["mnist-vae-2d-beta0.1", "mnist-vae-2d", "mnist-vae-2d-beta4"]
    stored = [_test_metrics(name)["kl"] for name in family]
    assert stored[0] > stored[1] > stored[2], stored
    images = load_gallery("mnist").images[::5]  # 1,000 gallery images, offline
    measured = [evaluate_model(vae_core.load_model(ENTRIES[n]["path"]), images)["kl"] for n in family]
    assert measured[0] > measured[1] > measured[2], measured


def test_models_folder_stays_under_30_mib():
    total = sum(p.stat().st_size for p in MODELS.iterdir() if p.is_file())
    assert total <= 30 * 2**20, f"{total / 2**20:.1f} MiB"


def test_the_card_names_the_command_of_every_model():
    for name in SHIPPED:
        command = read_metadata(ENTRIES[name]["path"])["training"].get("command", "")
        if "--out" in command:  # the first two models predate the stored --out
            assert re.search(rf"--out \S*{re.escape(name)}\b", CARD), name
