"""Links that reopen the same view: the URL's query string follows the view, and opens it.

How it works (ui/link_codec.py writes and reads the state objects as text):
- `open_link` runs on a session's first script run, and again whenever the browser's Back or
  Forward button brings back an earlier address of the tab (Streamlit marks that run a history
  navigation): ui.link_codec.read_link turns the
  query parameters into the Explorer's state object (ExplorerView: the sidebar's choices, K, the
  posterior toggle, and a pipeline marked LINKED) and the tour's (TourView); what the codec cannot
  check alone (a dataset or latent size with no shipped model, a β not in the family, a gallery row
  past the end) is checked here against the shipped models and galleries. The objects go into the
  session under their keys; the widgets are views of them, and the playground checks a LINKED
  pipeline against its model on its first run. A link to another page than the one opened
  switches to it (on Back or Forward the address's path names the page, and it is kept).
  Streamlit pushes a history entry for every change of the query string, so Back undoes the last
  change of the view (a click, a drag, a tour step) and Forward redoes it.
- After every run, and after every rerun of the playground's fragment, `share(page)` writes the
  page's state objects back with ui.link_codec.write_link, and the query string is rewritten when
  it differs: the URL follows a slider or a drag too. The menu's page links carry their page's
  `page_params`, so a page switch lands on the new page's own address (one history entry, not the
  new path with the old page's query and then its own; and a link opened in a new tab keeps the view).
- Parameters a link gets wrong are dropped, and the page says which (`show_problems`, in every
  run of the next NOTE_SECONDS: a run that follows at once must not take the note away).
"""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import vae_core
from ui import keys
from ui.components.copy_link import copy_link_button  # noqa: F401 - re-exported for app.py
from ui.kept import explorer_view
from ui.link_codec import SHOWS_CHOICES, read_link, write_link
from ui.resources import get_gallery
from ui.text import escape_markdown
from ui.view_state import SOURCES, Choices, ExplorerView, TourView

APPLIED = "_link_applied"
PROBLEMS = "_link_problems"
MAX_PROBLEMS = 12
"""Most ignored parts of a link named one by one (a link has fewer parameters than this)."""
NOTE_SECONDS = 30.0
"""How long a note about the link that opened the session stays: every run in that time shows it,
so a run that follows at once (a component's first message, the learner's first click) does not
take it away before it is read."""
MAX_PROBLEM_CHARS = 300
"""Longest message about one ignored part (each quotes at most part of the link's text)."""
UPLOAD_STAYED = (
    "input: this link was made with an uploaded picture, which stays on the computer it was uploaded "
    "from; showing a gallery image, with its own μ and σ, instead (upload the picture again to see it)"
)


def _checked_models(c: Choices, entries: list[dict], problems: list[str]) -> Choices:
    """The link's dataset, latent size and β where shipped models have them; the others dropped
    (None: the sidebar's default) and named."""
    datasets = {e["dataset"] for e in entries}
    if c.dataset is not None and c.dataset not in datasets:
        problems.append(f"dataset {c.dataset!r} has no shipped models")
        c = replace(c, dataset=None)
    dataset = c.dataset or ("mnist" if "mnist" in datasets or not datasets else sorted(datasets)[0])
    in_dataset = [e for e in entries if e["dataset"] == dataset]
    if c.latent_dim is not None and not any(e["latent_dim"] == c.latent_dim for e in in_dataset):
        problems.append(f"latent={c.latent_dim}: no {dataset} model has that latent size")
        c = replace(c, latent_dim=None)
    latent = c.latent_dim or min((e["latent_dim"] for e in in_dataset), default=None)
    if c.beta is not None:
        betas = sorted({e["beta"] for e in in_dataset if e["kind"] == "vae" and e["latent_dim"] == latent})
        if c.beta not in betas:
            if len(betas) > 1:
                problems.append(f"beta={c.beta:g}: the shipped βs are {', '.join(f'{b:g}' for b in betas)}")
            c = replace(c, beta=None)
    if c.row is not None:
        rows = len(get_gallery(dataset).labels)
        if c.row >= rows:
            problems.append(f"input={c.row}: the {dataset} gallery has rows 0 to {rows - 1}")
            c = replace(c, row=None)
    if c.source == SOURCES[1]:
        problems.append(UPLOAD_STAYED)
    return c


def history_navigation() -> bool:
    """Whether this run was started by the browser's Back or Forward button (Streamlit's
    ClientState.is_history_navigation): the address is an earlier one of this tab, and names the
    view to go back to."""
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def _brought_back(current: ExplorerView, linked: ExplorerView, page: str) -> ExplorerView:
    """The Explorer's state after Back or Forward to an address of `page`: the parts such an
    address carries (ui.link_codec.write_link) from `linked`, the rest kept from `current` (a tour
    address leaves the models, input and μ, σ, ε as they are; a Maths lab address, K, the posterior
    toggle and the pipelines, which refit themselves when the input differs)."""
    view = current
    if page in SHOWS_CHOICES:
        view = replace(view, choices=linked.choices)
    else:
        view = replace(view, choices=replace(view.choices, presentation=linked.choices.presentation))
    if page == "explorer":
        view = replace(view, k=linked.k, posterior=linked.posterior, pipelines={**view.pipelines, **linked.pipelines})
    return view


def open_link(page: str, pages: dict, step_keys) -> None:
    """On a session's first run, and on every run the browser's Back or Forward starts, make the
    session show the view the URL names.

    Args:
        page: the url_path of the page being run ("explorer", "maths", "train", "tour").
        pages: url_path -> st.Page, to switch to the page the link names.
        step_keys: the tour's step keys in order (a link's step must lie in 1..len(step_keys)).
    """
    back = history_navigation()
    if st.session_state.get(APPLIED) and not back:
        return
    st.session_state[APPLIED] = True
    if not st.query_params:
        return
    link_page, view, tour, problems = read_link(st.query_params.to_dict(), step_keys)
    if back:
        view = _brought_back(explorer_view(), view, link_page or page)
    entries, _ = vae_core.models.checkpoint.scan_models()
    view = replace(view, choices=_checked_models(view.choices, entries, problems))
    if back and view.choices.source == SOURCES[1] and keys.UPLOAD in st.session_state:
        problems = []  # an earlier address of this tab: its uploaded picture is still in the session
    st.session_state[keys.EXPLORER] = view
    if view.choices.source == SOURCES[2]:
        st.session_state[keys.DRAWING] = view.choices.drawing  # the canvas keeps its own copy
    if tour is not None:
        st.session_state[keys.TOUR] = tour
    keep_note(PROBLEMS, problems)
    if not back and link_page is not None and link_page != page and link_page in pages:
        st.switch_page(pages[link_page], query_params=st.query_params.to_dict())


def keep_note(key: str, value) -> None:
    """Keep a note about the opening link (any value) under a session key for NOTE_SECONDS."""
    st.session_state[key] = (value, time.monotonic() + NOTE_SECONDS)


def kept_note(key: str):
    """The note kept under key while its NOTE_SECONDS last, else None (and it is dropped)."""
    entry = st.session_state.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    value, until = entry
    if time.monotonic() > until:
        del st.session_state[key]
        return None
    return value


def show_problems() -> None:
    """Say which parts of the link that opened this session were ignored, and why (in every run
    of the next NOTE_SECONDS)."""
    problems = kept_note(PROBLEMS)
    if problems:  # they quote the link's own text: escaped, so a link cannot put Markdown on the page
        text = "; ".join(escape_markdown(p, MAX_PROBLEM_CHARS) for p in problems[:MAX_PROBLEMS])
        more = len(problems) - MAX_PROBLEMS
        st.warning(
            "Parts of the link were ignored: " + text + (f"; and {more} more" if more > 0 else "") + ".",
            icon=":material/link_off:",
        )


def page_params(page: str, step_keys=()) -> dict:
    """The query parameters of the link that reopens `page` as the session's state objects now
    describe it (ui.link_codec.write_link): name -> text."""
    tour = st.session_state.get(keys.TOUR)
    return write_link(page, explorer_view(), tour if isinstance(tour, TourView) else None, step_keys=tuple(step_keys))


def share(page: str, step_keys=()) -> None:
    """Rewrite the query string, if it differs, to `page_params(page, step_keys)`."""
    params = page_params(page, step_keys)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
