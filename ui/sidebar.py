"""The sidebar: dataset, latent size and β; the input x from the gallery, an upload or a drawing."""

from __future__ import annotations

import hashlib
from functools import partial

import numpy as np
import streamlit as st
import torch

import vae_core
from ui import keys
from ui.components.draw_pad import DRAWING_KEY, drawn_input
from ui.components.fold_sidebar import fold_sidebar
from ui.kept import choices, choose, kept, kept_switch, row_parts
from ui.resources import TRAIN_HINT, encode_input, gallery_index, get_gallery, get_model, per_class, session_generator
from ui.selection import Selection
from ui.text import escape_markdown
from ui.trained import swap_in
from ui.view_state import SOURCES
from vae_core.data.galleries import CLASS_NAMES
from vae_core.data.preprocess import image_from_upload
from vae_core.data.registry import DATASET_TITLES
from vae_core.viz.images import to_png

PRESENTATION_CSS = """<style>
/* Presentation mode: a projector at 1280x720 to 1920x1080, read from the back of a room. Streamlit
   sizes its text in rem, so a larger root scales every label, caption and widget (14 px -> 19 px). */
html { font-size: 22px !important; }
.st-key-fold_sidebar { display: none; }  /* the component that folds the sidebar: no room, no gap */
/* A projector's short screen (1280 x 720): Streamlit's header bar, the space under it and the gaps
   between elements are sized in rem and would grow by half with the root; they keep about their
   usual pixels, so the pipeline row and its formula line stay on the first screen. */
@media (max-height: 820px) {
  [data-testid="stHeader"] { height: 2.75rem !important; min-height: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 3rem !important; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem !important; }
}
</style>"""
"""The style presentation mode adds to every page. The charts size their own text before Plotly lays
them out (ui.views.charts), and the pipeline pad its own."""

_PRESENTING = "_presenting"
"""Whether the last run was in presentation mode."""
_FOLDS = "_presentation_folds"
"""How many times presentation mode was turned on in this session: the sidebar folds once for each."""
UPLOAD_ALT = "the input x: your uploaded picture, framed as a 28×28 digit"


def pick_models(entries: list[dict]) -> tuple[str, dict | None, dict | None]:
    """Sidebar: dataset, latent size and (where a family exists) β; returns (dataset, VAE entry,
    AE entry) of that dataset and latent size, either None if not shipped."""
    datasets = sorted({e["dataset"] for e in entries}, key=lambda d: (d != "mnist", d))
    dataset = kept(
        st.sidebar.selectbox,
        "Dataset",
        datasets,
        format_func=lambda d: DATASET_TITLES.get(d, d),
        key="model_dataset",
        field="dataset",
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
        field="latent_dim",
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
            field="beta",
            help="−ELBO_β = reconstruction + β·KL (Higgins et al. 2017). β → 0 approaches a plain "
            "autoencoder (holes); a large β packs the codes onto the prior (blur).",
        )
        vae = vaes[betas.index(beta)]
    elif vaes:
        vae = vaes[0]
    if choices().beta != (vae["beta"] if vae else None):
        choose(beta=vae["beta"] if vae else None)
    return dataset, vae, (aes[0] if aes else None)


@st.cache_data(max_entries=32, show_spinner="Reading the picture…")
def _decode_upload(digest: str, _data: bytes) -> np.ndarray:
    """The upload as a float32 (1, 1, 28, 28) array, decoded once per content (keyed by its
    SHA-256 digest; the bytes themselves are not hashed again). Raises ValueError as
    image_from_upload, and the refusal is not cached."""
    return image_from_upload(_data, "the upload").numpy()


def _randomise(dataset: str) -> None:
    """Random image: a random class, then a random image of it (this session's generator)."""
    g = session_generator()
    label = int(torch.randint(10, (), generator=g))
    choose(row=gallery_index(label, int(torch.randint(per_class(dataset), (), generator=g)), dataset))


def _pick_row(dataset: str) -> None:
    """The class or index widget changed: the gallery row they name into the state."""
    label = st.session_state[f"input_digit_{dataset}"]
    choose(row=gallery_index(int(label), int(st.session_state[f"input_index_{dataset}"]), dataset))


def presentation_switch() -> bool:
    """The sidebar's "Presentation mode" switch, on every page (a choice in the state object, so
    the link keeps it); when on, larger type everywhere (PRESENTATION_CSS) and, on the Explorer,
    one section at a time. Returns whether it is on."""
    on = kept_switch(
        st.sidebar,
        "Presentation mode",
        key="presentation",
        field="presentation",
        help=(
            "For a projector: larger type, one section at a time, and this sidebar folded away "
            "(» at the top left opens it). The browser's full screen (F11) leaves the most room on a "
            "1280 × 720 projector. A copied link keeps it on."
        ),
    )
    # Folded when the switch (or a link) turns it on, so the row has the screen's width: the initial
    # state for a browser that never folded it by hand, the component's « for one that did.
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    if on and not st.session_state.get(_PRESENTING):
        st.session_state[_FOLDS] = st.session_state.get(_FOLDS, 0) + 1
    st.session_state[_PRESENTING] = on
    if on:
        st.html(PRESENTATION_CSS)
        fold_sidebar(st.session_state[_FOLDS])
    return on


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
        field="source",
        label_visibility="collapsed",
    )
    if source == "Draw":
        drawn = drawn_input(*_drawing_encoder(vae or ae))
        if choices().drawing != st.session_state.get(DRAWING_KEY, ""):  # the canvas keeps its own text
            choose(drawing=st.session_state.get(DRAWING_KEY, ""))
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
                st.session_state[keys.UPLOAD] = (digest, name, x.numpy())
                st.sidebar.image(
                    to_png(x[0], 4), caption=f"{name} as a 28×28 input", output_format="PNG", alt=UPLOAD_ALT
                )
                return Selection(vae, ae, x, None, f"upload-{digest[:12]}", name, dataset)
        elif keys.UPLOAD in st.session_state:
            digest, name, array = st.session_state[keys.UPLOAD]
            x = torch.from_numpy(array)
            st.sidebar.image(to_png(x[0], 4), caption=f"{name}, uploaded earlier", output_format="PNG", alt=UPLOAD_ALT)
            st.sidebar.button("Forget this picture", on_click=st.session_state.pop, args=(keys.UPLOAD, None))
            return Selection(vae, ae, x, None, f"upload-{digest[:12]}", name, dataset)
    # Keys per dataset: a class picked for MNIST is not carried over as a number to Fashion-MNIST.
    names = CLASS_NAMES[dataset]
    count = per_class(dataset)
    row = choices().row
    rows = len(get_gallery(dataset).labels)
    # the class and index widgets are views of the row (the first 2 of the gallery by default)
    label, index = row_parts(dataset, row) if row is not None and 0 <= row < rows else (2, 0)
    st.session_state[f"input_digit_{dataset}"] = label
    st.session_state[f"input_index_{dataset}"] = min(index, count - 1)
    col_digit, col_index = st.sidebar.columns(2)
    digit = col_digit.selectbox(
        "Digit" if dataset == "mnist" else "Class",
        list(range(10)),
        format_func=names.__getitem__,
        key=f"input_digit_{dataset}",
        on_change=_pick_row,
        args=(dataset,),
    )
    index = col_index.number_input(
        "Index",
        min_value=0,
        max_value=count - 1,
        step=1,
        key=f"input_index_{dataset}",
        on_change=_pick_row,
        args=(dataset,),
        help=f"Which image of the class: {count} per class in this gallery.",
    )
    st.sidebar.button("Random image", icon=":material/casino:", on_click=_randomise, args=(dataset,), width="stretch")
    row = gallery_index(digit, int(index), dataset)
    if choices().row != row:
        choose(row=row)
    x = get_gallery(dataset).images[row : row + 1]
    caption = f"gallery #{row}: a {names[digit]}"
    st.sidebar.image(to_png(x[0], 5), caption=caption, output_format="PNG", alt=f"the input x: {caption}")
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
