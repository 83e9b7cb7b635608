"""Holes, measured: the code distributions, the entropy, the report, the CLI's JSON and its seed,
and the default endpoints chosen by the measure (random paths: tests/test_holes_paths.py)."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import scipy.stats
import torch

import vae_core
from vae_core.classifier import ClassifierConfig, build_classifier, find_classifier, load_classifier
from vae_core.data.galleries import load_gallery
from vae_core.holes import (
    DEFAULT_CLASSES,
    class_entropy_bits,
    code_distribution,
    default_pair,
    draw_codes,
    hole_pairs,
    path_verdict,
    random_code_report,
)
from vae_core.inference.codes import encode_images
from vae_core.maths.latent import interpolate

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"recognisable", "class_entropy_bits", "classes_reached", "n"}
CLI_KEYS = KEYS | {"path_hole_frames", "paths_with_a_hole", "pairs"}


def _holes_cli(*args):
    run = subprocess.run(
        [sys.executable, "-m", "vae_core.holes", "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def cli_default():
    return _holes_cli()


def test_class_entropy_in_bits_matches_scipy():
    g = torch.Generator().manual_seed(0)
    for labels in (torch.randint(10, (500,), generator=g), torch.tensor([3] * 9 + [4]), torch.arange(10)):
        counts = torch.bincount(labels, minlength=10).numpy()
        assert class_entropy_bits(labels) == pytest.approx(scipy.stats.entropy(counts, base=2), abs=1e-12)
    assert class_entropy_bits(torch.full((7,), 2)) == 0.0
    assert class_entropy_bits(torch.arange(10)) == pytest.approx(math.log2(10))
    with pytest.raises(ValueError, match="labels must lie in"):
        class_entropy_bits(torch.tensor([10]))


def test_code_distributions_the_prior_and_a_fitted_gaussian(tiny_vae, tiny_ae):
    prior = code_distribution(tiny_vae)
    assert torch.equal(prior.mean, torch.zeros(2)) and torch.equal(prior.scale_tril, torch.eye(2))
    codes = torch.randn(4000, 2, generator=torch.Generator().manual_seed(0)) @ torch.tensor([[2.0, 0.0], [1.0, 0.5]])
    codes += torch.tensor([5.0, -1.0])
    fitted = code_distribution(tiny_ae, codes)
    assert "fitted" in fitted.description
    drawn = draw_codes(fitted, 20_000, torch.Generator().manual_seed(1))
    torch.testing.assert_close(drawn.mean(0), codes.mean(0), atol=0.08, rtol=0)
    torch.testing.assert_close(torch.cov(drawn.T), torch.cov(codes.T), atol=0.15, rtol=0)
    with pytest.raises(ValueError, match="no prior"):
        code_distribution(tiny_ae)


def test_report_is_seeded_and_leaves_the_global_rng_alone(tiny_vae):
    judge = build_classifier(ClassifierConfig(channels=[4], hidden=8), generator=torch.Generator().manual_seed(0))
    state = torch.random.get_rng_state()
    a = random_code_report(tiny_vae, judge, n=300, seed=3)
    b = random_code_report(tiny_vae, judge, n=300, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert a == b and set(a.as_json()) == KEYS and a.n == 300 and sum(a.counts) == 300
    assert 0.0 <= a.recognisable <= 1.0 and 0.0 <= a.class_entropy_bits <= math.log2(10)
    frames, verdict = path_verdict(tiny_vae, judge, interpolate(torch.zeros(2), torch.ones(2), 5))
    assert frames.shape == (5, 1, 28, 28) and verdict.confidence.shape == (5,)


def test_cli_json_covers_every_shipped_model(cli_default):
    names = {e["name"] for e in vae_core.list_models()}
    assert set(cli_default) == names
    for record in cli_default.values():
        assert set(record) == CLI_KEYS and record["n"] == 1000 and record["pairs"] == 200
        assert 0.0 <= record["path_hole_frames"] <= record["paths_with_a_hole"] <= 1.0
        assert 1 <= record["classes_reached"] <= 10
        assert 0.0 <= record["recognisable"] <= 1.0
        assert 0.0 <= record["class_entropy_bits"] <= math.log2(10)
        assert record["recognisable"] * 1000 == pytest.approx(round(record["recognisable"] * 1000), abs=1e-6)


def test_cli_is_seeded(cli_default):
    assert _holes_cli("--seed", "0") == cli_default
    other = _holes_cli("--seed", "1", "--n", "1000")
    assert other != cli_default and set(other) == set(cli_default)


@pytest.fixture(scope="module")
def mnist_2d():
    entries = {e["name"]: e for e in vae_core.list_models()}
    ae, vae = (vae_core.load_model(entries[n]["path"]) for n in ("mnist-ae-2d", "mnist-vae-2d"))
    return ae, vae, load_classifier(find_classifier("mnist")), load_gallery("mnist")


def test_the_default_endpoints_are_a_pair_whose_ae_path_crosses_a_hole(mnist_2d):
    ae, vae, judge, gallery = mnist_2d
    pair = default_pair(ae, vae, judge, gallery.images, gallery.labels)
    assert (pair.class_a, pair.class_b) == DEFAULT_CLASSES
    assert pair.ae_holes >= 1 and pair.ae_min_confidence < 0.5
    # re-measure the chosen path directly: the AE's crosses a hole, the ends are clear digits
    mu, _ = encode_images(ae, gallery.images[[pair.a, pair.b]])
    _, verdict = path_verdict(ae, judge, interpolate(mu[0], mu[1], 10))
    assert int(verdict.holes.sum()) == pair.ae_holes
    assert verdict.labels[0] == 2 and verdict.labels[-1] == 9 and not verdict.holes[[0, -1]].any()


def test_another_pair_list_holds_only_pairs_whose_ae_path_crosses_a_hole(mnist_2d):
    ae, vae, judge, gallery = mnist_2d
    pairs = hole_pairs(ae, vae, judge, gallery.images, gallery.labels, per_class=1)
    assert pairs and all(p.ae_holes >= 1 for p in pairs)
    assert len({(p.class_a, p.class_b) for p in pairs}) == len(pairs)
    assert [p.rank for p in pairs] == sorted(p.rank for p in pairs)


def test_the_model_card_quotes_the_cli(cli_default):
    card = (ROOT / "models" / "README.md").read_text(encoding="utf-8").split("### Holes, measured")[1]
    for name, record in cli_default.items():
        row = next((line for line in card.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"models/README.md has no holes row for {name}"
        assert f"| {100 * record['recognisable']:.1f} % | {record['class_entropy_bits']:.2f} |" in row, row
