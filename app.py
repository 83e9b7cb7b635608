"""VAE Latent Explorer: `streamlit run app.py`.

The app only arranges pages; the pages (ui/) call the PyTorch core (vae_core/).
"""

import streamlit as st
import torch

from ui import explorer, maths_lab, tour, train_page
from ui.state import load_or_explain, sidebar

# The server decodes one 28x28 image per slider move: intra-op threads only add wake-ups.
torch.set_num_threads(1)

st.set_page_config(page_title="VAE Latent Explorer", page_icon=":material/explore:", layout="wide")


def explorer_page() -> None:
    selection = sidebar()
    if selection is not None:
        explorer.render(selection)


def maths_page() -> None:
    selection = sidebar()
    if selection is None:
        return
    model_entry = selection.vae or selection.ae
    model = load_or_explain(model_entry, "VAE")
    if model is not None:
        maths_lab.render(model, selection.x, selection.caption)


def tour_page() -> None:
    tour.render(finish_page=explorer_nav)


explorer_nav = st.Page(explorer_page, title="Explorer", icon=":material/explore:", url_path="explorer", default=True)
page = st.navigation(
    [
        st.Page(tour_page, title="Tour", icon=":material/school:", url_path="tour"),
        explorer_nav,
        st.Page(maths_page, title="Maths lab", icon=":material/functions:", url_path="maths"),
        st.Page(train_page.render, title="Train", icon=":material/model_training:", url_path="train"),
    ]
)
page.run()
