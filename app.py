"""VAE Latent Explorer: `streamlit run app.py`.

The app only arranges pages; the pages (ui/) call the PyTorch core (vae_core/).
"""

import streamlit as st
import torch

from ui import links
from ui.pages import explorer, maths_lab, tour, train
from ui.resources import app_icon, load_or_explain
from ui.sidebar import presentation_switch, sidebar
from ui.views import below_fold

# The server decodes one 28x28 image per slider move: intra-op threads only add wake-ups.
torch.set_num_threads(1)

st.set_page_config(page_title="VAE Latent Explorer", page_icon=app_icon(), layout="wide")


def shared_sidebar():
    """The sidebar's models and input, and the "copy link" button."""
    selection = sidebar()
    links.copy_link_button()
    links.show_problems()
    return selection


def explorer_page() -> None:
    selection = shared_sidebar()
    if selection is not None:
        explorer.render(selection)


def maths_page() -> None:
    selection = shared_sidebar()
    if selection is None:
        return
    model_entry = selection.vae or selection.ae
    model = load_or_explain(model_entry, "VAE")
    if model is not None:
        maths_lab.render(model, selection.x, selection.caption)


def tour_page() -> None:
    tour.render(finish_page=PAGES["explorer"])
    links.copy_link_button()
    links.show_problems()


PAGES = {
    "tour": st.Page(tour_page, title="Tour", icon=":material/school:", url_path="tour"),
    "explorer": st.Page(explorer_page, title="Explorer", icon=":material/explore:", url_path="explorer"),
    "maths": st.Page(maths_page, title="Maths lab", icon=":material/functions:", url_path="maths"),
    "train": st.Page(train.render, title="Train", icon=":material/model_training:", url_path="train"),
}
# The address "/" opens the Explorer too. Streamlit serves its default page at "/" only and greets
# the default's own path with a blocking "Page not found", so the default is this second page of
# the Explorer, left out of the menu (drawn here, not by st.navigation, to leave it out).
HOME = st.Page(explorer_page, title="Explorer", icon=":material/explore:", url_path="home", default=True)
page = st.navigation([HOME, *PAGES.values()], position="hidden")
path = next((name for name, p in PAGES.items() if p is page), "explorer")
links.open_link(path, PAGES, step_keys=tour.STEP_KEYS)  # before any widget is drawn from the state
below_fold.page_opened(path)
with st.sidebar.container(key="nav"):
    for name, entry in PAGES.items():  # each link lands on its page's own address (ui/links.py)
        st.page_link(entry, query_params=links.page_params(name, step_keys=tour.STEP_KEYS))
    presentation_switch()
    st.divider()
page.run()
links.share(path, step_keys=tour.STEP_KEYS)  # the URL reopens the page as it is now
