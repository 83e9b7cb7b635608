"""vae_core.holes.paths and share_difference: hole frames on paths between random pairs of codes.

A tiny random VAE and a tiny random classifier stand in for the shipped ones: the test recomputes
the measure by hand (encode, interpolate, judge the interior frames) and checks the report.
"""

from __future__ import annotations

import math

import pytest
import torch

from vae_core.classifier import HOLE, ClassifierConfig, build_classifier, judge
from vae_core.holes import HolesReport, path_holes_report, random_pairs, share_difference
from vae_core.maths.latent import interpolate


@pytest.fixture
def gallery():
    g = torch.Generator().manual_seed(7)
    return torch.rand(60, 1, 28, 28, generator=g), torch.arange(60) % 3


@pytest.fixture
def classifier():
    return build_classifier(ClassifierConfig(channels=[4], hidden=8), generator=torch.Generator().manual_seed(0))


def test_random_pairs_are_seeded_and_join_different_classes(gallery):
    _, labels = gallery
    pairs = random_pairs(labels, 50, torch.Generator().manual_seed(1))
    assert len(pairs) == 50 and all(labels[a] != labels[b] for a, b in pairs)
    assert pairs == random_pairs(labels, 50, torch.Generator().manual_seed(1))
    assert pairs != random_pairs(labels, 50, torch.Generator().manual_seed(2))
    with pytest.raises(ValueError, match="two classes"):
        random_pairs(torch.zeros(10, dtype=torch.long), 5, torch.Generator())
    with pytest.raises(ValueError, match="n_pairs"):
        random_pairs(labels, 0, torch.Generator())


def test_the_report_counts_the_interior_frames_below_hole(tiny_vae, classifier, gallery):
    images, labels = gallery
    state = torch.random.get_rng_state()
    report = path_holes_report(tiny_vae, classifier, images, labels, n_pairs=12, seed=3, steps=6)
    assert torch.equal(torch.random.get_rng_state(), state)  # only its own generator
    holes = []
    with torch.no_grad():
        for a, b in random_pairs(labels, 12, torch.Generator().manual_seed(3)):
            mu = tiny_vae.encode(images[[a, b]])[0]
            frames = tiny_vae.decode(interpolate(mu[0], mu[1], 6)[1:-1])
            holes.append((judge(classifier, frames).confidence < HOLE).tolist())
    assert report.hole_frames == pytest.approx(sum(map(sum, holes)) / (12 * 4), abs=1e-4)
    assert report.paths_with_a_hole == pytest.approx(sum(any(h) for h in holes) / 12, abs=1e-4)
    assert (report.pairs, report.steps) == (12, 6)
    assert set(report.as_json()) == {"path_hole_frames", "paths_with_a_hole", "pairs"}


def test_a_classifier_of_another_dataset_is_refused(tiny_vae, gallery):
    images, labels = gallery
    other = build_classifier(ClassifierConfig(dataset="fashion-mnist", channels=[4], hidden=8))
    with pytest.raises(ValueError, match="judges fashion-mnist"):
        path_holes_report(tiny_vae, other, images, labels, n_pairs=2)


def test_share_difference_and_its_standard_error():
    diff, se = share_difference(0.12, 200, 0.315, 200)
    assert diff == pytest.approx(-0.195)
    assert se == pytest.approx(math.sqrt(0.12 * 0.88 / 200 + 0.315 * 0.685 / 200))
    assert share_difference(0.5, 10, 0.5, 10) == (0.0, pytest.approx(math.sqrt(0.05)))
    with pytest.raises(ValueError, match="share"):
        share_difference(1.2, 10, 0.5, 10)
    with pytest.raises(ValueError, match="trials"):
        share_difference(0.5, 0, 0.5, 10)


def test_classes_reached_counts_the_classes_over_the_rare_share():
    report = HolesReport(0.5, 2.0, 1000, [500, 300, 180, 19, 1, 0, 0, 0, 0, 0], "x")
    assert report.classes_reached == 3  # 19 of 1,000 is under 2 %
    assert report.as_json()["classes_reached"] == 3
