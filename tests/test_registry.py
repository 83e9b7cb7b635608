"""vae_core.data.registry: every fact about a dataset written once, and true of what ships."""

import pytest
import torch

import vae_core.download
from vae_core.classifier.network import ClassifierConfig
from vae_core.data.datasets import SPLIT_PREFIXES
from vae_core.data.galleries import CLASS_NAMES as GALLERY_CLASS_NAMES
from vae_core.data.galleries import gallery_path, load_gallery
from vae_core.data.registry import CLASS_NAMES, DATASET_NAMES, DATASET_TITLES, REGISTRY, dataset_spec
from vae_core.models.networks import DATASETS, ModelConfig


def test_every_name_list_is_the_registry():
    assert DATASET_NAMES == tuple(REGISTRY) == DATASETS == ("mnist", "fashion-mnist")
    assert set(DATASET_TITLES) == set(CLASS_NAMES) == set(vae_core.download.DATASETS) == set(REGISTRY)
    assert GALLERY_CLASS_NAMES is CLASS_NAMES
    for name, spec in REGISTRY.items():
        assert spec.name == name and DATASET_TITLES[name] == spec.title and CLASS_NAMES[name] == spec.class_names
        assert vae_core.download.DATASETS[name] == {"base_url": spec.download_url, "files": dict(spec.download_files)}
        ModelConfig(dataset=name)  # a valid config for every registered dataset
        ClassifierConfig(dataset=name)


def test_unknown_datasets_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        dataset_spec("cifar")
    with pytest.raises(ValueError, match="mnist"):
        ModelConfig(dataset="cifar")


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_the_shipped_gallery_matches_its_entry(name):
    spec = REGISTRY[name]
    path = gallery_path(name)
    assert (path is None) == (spec.gallery_file is None)
    gallery = load_gallery(name)
    counts = torch.bincount(gallery.labels, minlength=spec.num_classes)
    assert len(counts) == spec.num_classes == len(spec.class_names) == 10
    assert counts.tolist() == [spec.gallery_per_class] * spec.num_classes


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_download_names_are_the_files_the_loader_looks_for(name):
    expected = {
        f"{prefix}-{kind}-idx{dims}-ubyte.gz"
        for prefix in SPLIT_PREFIXES.values()
        for kind, dims in (("images", 3), ("labels", 1))
    }
    spec = REGISTRY[name]
    assert set(spec.download_files) == expected and spec.download_url.endswith("/")
    assert all(len(md5) == 32 and int(md5, 16) >= 0 for md5 in spec.download_files.values())
