"""Links that reopen the same view: the URL's query string follows the view, and opens it.

How it works (ui/link_codec.py reads and writes the text):
- `open_link` runs once per session, on its first script run: it reads st.query_params and seeds
  the session state the widgets start from (dataset, latent size, β, the input, the model, the
  tour step); μ, σ, ε and the zoom wait in PENDING until the playground has the model they
  belong to (`take_pending`). A link to another page than the one opened switches to it.
- Every full run starts with `begin(page)`; each part of the page then calls `share(...)` with
  what it shows (the sidebar's selection, the playground's μ, σ, ε and zoom, the tour's step) and
  the query string is rewritten when it differs. A fragment rerun shares again, so the URL
  follows a slider or a drag too.
- Parameters a link gets wrong are dropped, and the page says which (`show_problems`).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import vae_core
from ui import keys
from ui.components.copy_link import copy_link_button  # noqa: F401 - re-exported for app.py
from ui.kept import set_kept, show_gallery_row
from ui.link_codec import Link, link_params, parse_link
from ui.resources import get_gallery
from ui.selection import Selection
from ui.text import escape_markdown
from ui.view_state import TourView

APPLIED = "_link_applied"
PENDING = "_link_pending"
SHARED = "_link_shared"
PROBLEMS = "_link_problems"
MAX_PROBLEMS = 12
"""Most ignored parts of a link named one by one (a link has fewer parameters than this)."""
MAX_PROBLEM_CHARS = 300
"""Longest message about one ignored part (each quotes at most part of the link's text)."""


def _apply_models(link: Link, entries: list[dict], problems: list[str]) -> tuple[str, int | None]:
    """Seed the sidebar's model widgets from the link; returns (dataset, latent_dim or None)."""
    datasets = {e["dataset"] for e in entries}
    dataset = "mnist" if "mnist" in datasets or not datasets else sorted(datasets)[0]
    if link.dataset is not None:
        if link.dataset in datasets:
            dataset = link.dataset
            set_kept("model_dataset", dataset)
        else:
            problems.append(f"dataset {link.dataset!r} has no shipped models")
    in_dataset = [e for e in entries if e["dataset"] == dataset]
    latent = None
    if link.latent is not None:
        if any(e["latent_dim"] == link.latent for e in in_dataset):
            latent = link.latent
            set_kept(f"model_latent_{dataset}", latent)
        else:
            problems.append(f"latent={link.latent}: no {dataset} model has that latent size")
    if link.beta is not None and latent is not None:
        betas = sorted({e["beta"] for e in in_dataset if e["kind"] == "vae" and e["latent_dim"] == latent})
        if len(betas) > 1 and link.beta in betas:
            set_kept(f"model_beta_{dataset}_{latent}", link.beta)
        elif len(betas) > 1:
            problems.append(f"beta={link.beta:g}: the shipped βs are {', '.join(f'{b:g}' for b in betas)}")
    if link.model is not None:
        set_kept("pg_model", link.model)
    return dataset, latent


def _apply_input(link: Link, dataset: str, problems: list[str]) -> None:
    if link.input == "drawn":  # parse_link has checked the drawing against the rasteriser's limits
        st.session_state[keys.DRAWING] = link.drawing
        set_kept("input_source", "Draw")
    elif link.input == "upload":
        problems.append(
            "input: this link was made with an uploaded picture, which stays on the computer it was "
            "uploaded from; showing a gallery image, with its own μ and σ, instead (upload the picture "
            "again to see it)"
        )
    elif isinstance(link.input, int):
        rows = len(get_gallery(dataset).labels)
        if link.input < rows:
            show_gallery_row(dataset, link.input)
        else:
            problems.append(f"input={link.input}: the {dataset} gallery has rows 0 to {rows - 1}")


def open_link(page: str, pages: dict, tour_steps: int) -> None:
    """On a session's first run, make the session show the view the URL names (once).

    Args:
        page: the url_path of the page being run ("explorer", "maths", "train", "tour").
        pages: url_path -> st.Page, to switch to the page the link names.
        tour_steps: how many steps the tour has (a link's step must lie in 1..tour_steps).
    """
    if st.session_state.get(APPLIED):
        return
    st.session_state[APPLIED] = True
    if not st.query_params:
        return
    link, problems = parse_link(st.query_params.to_dict())
    if link.input == "upload":  # μ, σ, ε and the zoom were the upload's: they would not fit another x
        link = replace(link, mu=None, sigma=None, eps=None, zoom=None)
    entries, _ = vae_core.models.checkpoint.scan_models()
    dataset, _ = _apply_models(link, entries, problems)
    _apply_input(link, dataset, problems)
    if link.step is not None:
        if 1 <= link.step <= tour_steps:
            st.session_state[keys.TOUR] = TourView(step=link.step - 1)  # links count steps from 1
        else:
            problems.append(f"step={link.step}: the tour has steps 1 to {tour_steps}")
    if any(v is not None for v in (link.mu, link.sigma, link.eps, link.zoom, link.revealed, link.k, link.posterior)):
        st.session_state[PENDING] = link
    st.session_state[PROBLEMS] = problems
    if link.page is not None and link.page != page and link.page in pages:
        st.switch_page(pages[link.page], query_params=st.query_params.to_dict())


def show_problems() -> None:
    """Say (once) which parts of the link that opened this session were ignored, and why."""
    problems = st.session_state.pop(PROBLEMS, None)
    if problems:  # they quote the link's own text: escaped, so a link cannot put Markdown on the page
        text = "; ".join(escape_markdown(p, MAX_PROBLEM_CHARS) for p in problems[:MAX_PROBLEMS])
        more = len(problems) - MAX_PROBLEMS
        st.warning(
            "Parts of the link were ignored: " + text + (f"; and {more} more" if more > 0 else "") + ".",
            icon=":material/link_off:",
        )


def take_pending(kind: str, latent_dim: int) -> Link | None:
    """The link's μ, σ, ε, zoom, K, posterior toggle and revealed flag, once, for the pipeline of
    this model kind ("vae" or "ae") and latent size (the Explorer's, or the tour step's); None when
    there are none (or they were for another kind). Vectors of the wrong length are dropped with a
    message."""
    link = st.session_state.get(PENDING)
    if link is None or (link.model or kind) != kind:
        return None
    del st.session_state[PENDING]
    bad = [n for n in ("mu", "sigma", "eps") if getattr(link, n) is not None and len(getattr(link, n)) != latent_dim]
    if bad:
        st.warning(f"The link's {', '.join(bad)} did not have {latent_dim} numbers (the model's latent size): ignored.")
        return Link(zoom=link.zoom, revealed=link.revealed, k=link.k, posterior=link.posterior)
    return link


def begin(page: str) -> None:
    """At the start of a full run of `page`: the URL will describe this page afresh."""
    st.session_state[SHARED] = {"page": page}


def share(**values) -> None:
    """Record what this part of the page shows (Link's fields; None leaves a field out) and
    rewrite the query string if it changed."""
    shared = st.session_state.setdefault(SHARED, {})
    shared.update(values)
    params = link_params(Link(**{k: v for k, v in shared.items() if v is not None}))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def share_selection(selection: Selection) -> None:
    """Share the sidebar's choice: dataset, latent size, β and the input (an upload cannot travel
    in a link: the link then names no input)."""
    entry = selection.vae or selection.ae
    row: int | str | None = None
    drawing = None
    if "-gallery-" in selection.input_id:
        row = int(selection.input_id.rsplit("-", 1)[1])
    elif selection.input_id.startswith("upload-"):
        row = "upload"  # the picture cannot travel: the link says so, and its opener is told
    elif selection.input_id.startswith("drawn-") and st.session_state.get(keys.DRAWING):
        row, drawing = "drawn", st.session_state[keys.DRAWING]
    share(
        dataset=selection.dataset,
        latent=int(entry["latent_dim"]) if entry else None,
        beta=float(entry["beta"]) if selection.vae else None,
        input=row,
        drawing=drawing,
    )
