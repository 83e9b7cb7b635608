"""Sections 2 and 3 of the explorer: the latent spaces with an interpolation, and decoded grids,
the plain autoencoder next to the VAE, with the holes measured by a classifier (vae_core.holes).

Section 2 (here): the holes measure of 1,000 random codes per model; endpoints chosen by the
measure (a 2 → 9 pair whose AE path crosses a hole) with a button for another such pair;
linear or spherical paths; both scatters zoomed to a square window around the path, every gallery
code drawn and those near the path highlighted, clickable (a point becomes the input); each strip
with its holes marked and the classifier's confidence per frame; the animation as a GIF.
Section 3 lives in latent_grids.py.
"""

from __future__ import annotations

from functools import partial

import streamlit as st
import torch

from ui.resources import encode_input, gallery_codes, gallery_index, get_gallery, load_or_explain, per_class
from ui.selection import Selection
from ui.views import below_fold
from ui.views.chart_picks import chart_key, pick_point, rerun_if_picked
from ui.views.judged import get_classifier, holes_report, judged_path, measured_default, measured_pairs
from ui.views.latent_grids import grid_section
from ui.views.planes import projection
from vae_core.classifier import HOLE, RECOGNISABLE
from vae_core.holes import DEFAULT_CLASSES, DEFAULT_STEPS, RARE, max_entropy_bits
from vae_core.maths.latent import INTERPOLATIONS
from vae_core.viz.animation import StripFrames, interpolation_gif, strip_png
from vae_core.viz.images import to_png
from vae_core.viz.latent_space_figures import class_spread_bars, confidence_curve, path_scatter

__all__ = ["interpolation_section", "grid_section", "path_widget_keys", "PATHS_TITLE", "MODELS"]

MODELS = (("ae", "Plain autoencoder (AE)"), ("vae", "VAE"))
METHOD_NAMES = {"linear": "straight line (linear)", "slerp": "great circle (slerp)"}
SCATTER_HEIGHT, CONFIDENCE_HEIGHT, BARS_HEIGHT = 520, 230, 300
"""The section's chart heights in pixels (their placeholders keep the same room)."""


def noun(dataset: str) -> str:
    """What one image of the dataset is called in a sentence."""
    return "digit" if dataset == "mnist" else "garment"


def _listing(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


PATHS_TITLE = "2 · Latent space and interpolation"
PATH_WIDGETS = ("interp_steps", "interp_method", "interp_zoom")
"""Section 2's widgets with a value, other than the endpoints' (path_widget_keys)."""


def _keys(dataset: str) -> dict[str, str]:
    return {
        "a_class": f"interp_a_{dataset}_digit",
        "a_index": f"interp_a_{dataset}_index",
        "b_class": f"interp_b_{dataset}_digit",
        "b_index": f"interp_b_{dataset}_index",
        "pair": f"_interp_pair_{dataset}",
        "position": f"_interp_pair_position_{dataset}",
        "models": f"_interp_pair_models_{dataset}",
    }


def path_widget_keys(dataset: str) -> tuple[str, ...]:
    """The keys of section 2's widgets that hold a value (its buttons hold none): kept while the
    section waits below the first screen (ui.views.below_fold.section)."""
    keys = _keys(dataset)
    return (keys["a_class"], keys["a_index"], keys["b_class"], keys["b_index"], *PATH_WIDGETS)


def _within_class(dataset: str, row: int) -> tuple[int, int]:
    labels = get_gallery(dataset).labels
    label = int(labels[row])
    return label, int((labels[:row] == label).sum())


def _show_pair(dataset: str, pair: dict) -> None:
    """Put a measured pair into the endpoint widgets (before they are drawn, or in a callback)."""
    keys = _keys(dataset)
    st.session_state[keys["a_class"]], st.session_state[keys["a_index"]] = _within_class(dataset, pair["a"])
    st.session_state[keys["b_class"]], st.session_state[keys["b_index"]] = _within_class(dataset, pair["b"])
    st.session_state[keys["pair"]] = pair


def _another_pair(dataset: str, ae_path: str, vae_path: str) -> None:
    """Button callback: the next pair (by the measure) whose AE path crosses a hole."""
    pairs = measured_pairs(ae_path, vae_path)
    if not pairs:
        st.session_state[_keys(dataset)["pair"]] = {"none": True}
        return
    key = _keys(dataset)["position"]
    position = (st.session_state.get(key, -1) + 1) % len(pairs)
    st.session_state[key] = position
    _show_pair(dataset, {**pairs[position], "models": (ae_path, vae_path)})


def _endpoint(label: str, prefix: str, selection: Selection) -> int:
    c1, c2 = st.columns(2)
    names = selection.class_names
    digit = c1.selectbox(f"{label}: class", list(range(10)), format_func=names.__getitem__, key=f"{prefix}_digit")
    count = per_class(selection.dataset)
    index = c2.number_input(
        f"{label}: index", 0, count - 1, key=f"{prefix}_index", help=f"Which image of the class ({count} per class)."
    )
    return gallery_index(digit, int(index), selection.dataset)


def _holes_summary(selection: Selection, reports: dict[str, dict]) -> None:
    """The measure of 1,000 random codes of each model, in words and as bars."""
    names = selection.class_names
    thing = noun(selection.dataset)
    ae, vae = reports.get("ae"), reports.get("vae")
    parts = []
    for kind, report in (("AE", ae), ("VAE", vae)):
        if report is not None:
            parts.append(f"**{100 * report['recognisable']:.1f} %** of the {kind}'s")
    sentence = " and ".join(parts)
    st.markdown(
        f"**Holes, measured.** Of {(ae or vae)['n']:,} random codes, {sentence} decode to a recognisable "
        f"{thing} (a classifier trained on real images gives one class a probability ≥ {RECOGNISABLE})."
    )
    lines = []
    for kind, report in (("AE", ae), ("VAE", vae)):
        if report is None:
            continue
        n = sum(report["counts"])
        rare = [names[k] for k, c in enumerate(report["counts"]) if c < RARE * n]
        lines.append(
            f"- The {kind}'s decodes spread over the classes with an entropy of "
            f"**{report['class_entropy_bits']:.2f} bits** (an even spread is {max_entropy_bits():.2f}); "
            f"rare among them (under {RARE:.0%}): **{_listing(rare)}**."
        )
    if ae is not None and vae is not None:
        more = "AE" if ae["recognisable"] > vae["recognisable"] else "VAE"
        wider = "AE" if ae["class_entropy_bits"] > vae["class_entropy_bits"] else "VAE"
        lines.append(
            f"- Read together: the **{more}** decodes more random codes to a confident {thing}; the "
            f"**{wider}**'s decodes cover the classes more evenly. "
            + (
                "Every class has codes in both spaces (see the scatters); where random codes rarely decode "
                "to a class, that class's region is small next to the space around it."
                if wider == "VAE"
                else ""
            )
        )
    st.markdown("\n".join(lines))
    counts = {
        f"{kind} ({r['recognisable']:.0%} recognisable)": r["counts"]
        for kind, r in (("AE", ae), ("VAE", vae))
        if r is not None
    }
    below_fold.chart(
        lambda: class_spread_bars(counts, names, f"What {(ae or vae)['n']:,} random codes of each model decode to"),
        key="holes_spread",
        height=BARS_HEIGHT,
        config={"displayModeBar": False},
    )
    st.caption(
        "Where the random codes come from: the VAE's prior N(0, I). The AE has no prior, so a Gaussian "
        f"fitted to its {len(get_gallery(selection.dataset).labels):,} gallery codes (their mean and "
        "covariance) stands in for one. Both draw the same ε (seed 0); `python -m vae_core.holes` "
        "prints the same numbers."
    )


def _default_endpoints(selection: Selection) -> dict | None:
    """Seed the endpoint widgets with the measured default pair of the chosen AE and VAE: the
    first time, and again whenever the models change (another latent size or β measures another
    pair). Returns the measured pair (or None), marked with the models it was measured on."""
    keys = _keys(selection.dataset)
    models = (selection.ae or {}).get("path"), (selection.vae or {}).get("path")
    measured = None
    if None not in models:
        measured = measured_default(*models)
        measured = None if measured is None else {**measured, "models": models}
    if keys["a_class"] not in st.session_state or st.session_state.get(keys["models"]) != models:
        st.session_state[keys["models"]] = models
        st.session_state.pop(keys["position"], None)
        if measured is not None:
            _show_pair(selection.dataset, measured)
        else:
            st.session_state.pop(keys["pair"], None)
            st.session_state[keys["a_class"]], st.session_state[keys["b_class"]] = DEFAULT_CLASSES
            st.session_state[keys["a_index"]] = st.session_state[keys["b_index"]] = 0
    return measured


def _pair_statement(selection: Selection, pair: dict | None, rows: tuple[int, int]) -> None:
    """Say why these endpoints were chosen, if the measure chose them."""
    names = selection.class_names
    if pair is None:
        return
    if pair.get("none"):
        st.info("No pair of classes tried has an AE path that crosses a hole (every frame ≥ 0.5).")
        return
    models = (selection.ae or {}).get("path"), (selection.vae or {}).get("path")
    if (pair["a"], pair["b"]) != rows or tuple(pair.get("models", ())) != models:
        return
    route = f"{names[pair['class_a']]} → {names[pair['class_b']]}"
    if pair["ae_holes"]:
        st.markdown(
            f"**Endpoints chosen by the measure:** gallery #{pair['a']} → #{pair['b']} ({route}), two images both "
            f"models reconstruct as themselves, whose straight AE path has the weakest frame of the pairs tried "
            f"(p = {pair['ae_min_confidence']:.2f} < {HOLE}: a hole); the VAE's weakest frame on its own path "
            f"is p = {pair['vae_min_confidence']:.2f}. The button picks another pair of classes whose AE path "
            "crosses a hole."
        )
    else:
        st.markdown(
            f"**The measure found no {route} pair whose AE path crosses a hole** (its weakest frame is "
            f"p = {pair['ae_min_confidence']:.2f} ≥ {HOLE}). The button looks for another pair of classes."
        )


def _input_words(selection: Selection) -> str:
    """The input in words, e.g. "gallery image #1000, a 2" (not the sidebar's caption verbatim, so
    that a page search for the sidebar's caption finds only the sidebar)."""
    if selection.caption.startswith("gallery #"):
        return "gallery image #" + selection.caption.removeprefix("gallery #").replace(": a ", ", a ", 1)
    return selection.caption


def _frames_sentence(confidence: list[float] | None) -> str:
    if confidence is None:
        return "No classifier for this dataset: the frames are not judged."
    holes = [i + 1 for i, c in enumerate(confidence) if c < HOLE]
    weakest = min(confidence)
    if holes:
        frames = ", ".join(str(i) for i in holes)
        return (
            f"**{len(holes)} of {len(confidence)} frames {'is a hole' if len(holes) == 1 else 'are holes'}** "
            f"(frame {frames}: the classifier's "
            f"confidence is below {HOLE}, red bar); weakest p = {weakest:.2f}."
        )
    return f"**No hole**: every frame has confidence ≥ {HOLE} (weakest p = {weakest:.2f})."


@st.fragment
def interpolation_section(selection: Selection, choice: tuple = ("dims", 0, 1)) -> None:
    """Holes measured; both latent spaces with a path between two inputs; strips, confidence
    curves and the GIF."""
    rerun_if_picked()
    dataset = selection.dataset
    st.subheader(PATHS_TITLE)
    st.markdown(
        "Each dot is one gallery image's code (μ), coloured and shaped by class; **click a dot** to make that "
        "image the input x. The black line is a path between two codes, A and B; below it, its decoded images. "
        "The codes nearest the path are drawn larger and outlined: the images the path passes. "
        "Nothing asks a plain AE to fill the space between its clusters, so a path can cross codes that "
        "decode to no clear image (a *hole*); the VAE's KL term packs its codes around N(0, I). A "
        f"{noun(dataset)} classifier trained on real images judges every decoded image (models/classifiers/)."
    )
    classifier = get_classifier(dataset)
    if classifier is None:
        st.info(
            f"No {dataset} classifier in models/classifiers/, so nothing is measured. Train one with "
            f"`python -m vae_core.classifier train --dataset {dataset} --out models/classifiers/{dataset}-classifier` "
            "(see models/README.md)."
        )
    reports = {}
    if classifier is not None:
        for kind, _ in MODELS:
            entry = getattr(selection, kind)
            if entry is not None and (report := holes_report(entry["path"])) is not None:
                reports[kind] = report
    if reports:
        _holes_summary(selection, reports)

    measured = _default_endpoints(selection)
    keys = _keys(dataset)
    c1, c2, c3 = st.columns([1, 1, 0.9])
    with c1:
        row_a = _endpoint("From A", f"interp_a_{dataset}", selection)
    with c2:
        row_b = _endpoint("To B", f"interp_b_{dataset}", selection)
    with c3:
        steps = st.slider("Frames", 3, 24, DEFAULT_STEPS, key=PATH_WIDGETS[0])
    c4, c5, c6 = st.columns([1.3, 1, 0.9])
    method = c4.radio(
        "Path",
        INTERPOLATIONS,
        format_func=METHOD_NAMES.get,
        horizontal=True,
        key=PATH_WIDGETS[1],
        help="Linear: z_t = (1 − t) z_A + t z_B. Slerp (White 2016, 'Sampling generative networks'): the "
        "great circle between them, which under a Gaussian prior stays where codes are likely (the straight "
        "line's middle is shorter than either end). For the AE the circle turns about the mean of its codes.",
    )
    zoom = c5.toggle("Zoom to the path", value=True, key=PATH_WIDGETS[2])
    if selection.ae is not None and selection.vae is not None and classifier is not None:
        c6.button(
            "Another pair with a hole",
            icon=":material/shuffle:",
            key="interp_another",
            on_click=_another_pair,
            args=(dataset, selection.ae["path"], selection.vae["path"]),
            help="Endpoints of two other classes whose AE path crosses a hole, by the measure.",
        )
    _pair_statement(selection, st.session_state.get(keys["pair"], measured), (row_a, row_b))

    thumb, note = st.columns([0.1, 0.9], vertical_alignment="center")
    thumb.image(to_png(selection.x[0], 3), output_format="PNG", alt=f"the input x: {_input_words(selection)}")
    note.caption(
        f"Input x now: {_input_words(selection)}. Click a dot on either scatter to make that gallery image the input "
        "(the sidebar and the playground follow); hovering a dot names its gallery number and class."
    )
    labels = get_gallery(dataset).labels.numpy()
    names = selection.class_names
    strips: list[StripFrames] = []
    verdicts = {}
    columns = st.columns(2, gap="large")
    for column, (kind, title) in zip(columns, MODELS, strict=True):
        entry = getattr(selection, kind)
        with column:
            model = load_or_explain(entry, title)
            if model is None:
                continue
            data = judged_path(entry["path"], row_a, row_b, steps, method)
            plane = projection(entry["path"], choice)
            codes = plane.to_plane(torch.from_numpy(gallery_codes(entry["path"])[0])).numpy()
            line = plane.to_plane(torch.from_numpy(data["line"])).numpy()
            confidence = data["confidence"]
            key = chart_key(f"interp_{kind}_scatter")
            below_fold.chart(
                partial(
                    path_scatter,
                    codes,
                    labels,
                    f"{kind.upper()}: codes μ of {len(labels):,} gallery images",
                    line,
                    confidence,
                    class_names=names,
                    axis_labels=plane.labels,
                    zoom=zoom,
                    current=plane.to_plane(torch.tensor([encode_input(model, selection.x)[0]]))[0].tolist(),
                ),
                key=key,
                height=SCATTER_HEIGHT,
                on_select=pick_point(key, dataset),
                selection_mode="points",
                width="stretch",
            )
            frames = torch.from_numpy(data["frames"])
            holes = [c < HOLE for c in confidence] if confidence is not None else [False] * steps
            marked = [str(i + 1) for i, hole in enumerate(holes) if hole]
            st.image(
                strip_png(frames, holes),
                caption=f"{title}: decoded path, A → B ({METHOD_NAMES[method]})",
                alt=f"{title}: {len(holes)} decoded frames from A to B"
                + (f"; frames {', '.join(marked)} are holes (a red bar)" if marked else "; none is a hole"),
                width="stretch",
                output_format="PNG",
            )
            if confidence is not None:
                frame_names = [names[k] for k in data["labels"]]
                below_fold.chart(
                    partial(
                        confidence_curve,
                        confidence,
                        data["labels"],
                        names,
                        f"{title}: classifier's confidence per frame",
                    ),
                    key=f"interp_{kind}_confidence",
                    height=CONFIDENCE_HEIGHT,
                    config={"displayModeBar": False},
                )
                strips.append(StripFrames(title, frames, confidence, frame_names))
                verdicts[kind] = sum(holes)
            st.markdown(_frames_sentence(confidence))
    if len(verdicts) == 2:
        ae_holes, vae_holes = verdicts["ae"], verdicts["vae"]
        word = {0: "no hole", 1: "1 hole"}
        st.markdown(
            f"On this path the AE crosses **{word.get(ae_holes, f'{ae_holes} holes')}** and the VAE "
            f"**{word.get(vae_holes, f'{vae_holes} holes')}**."
        )
    if strips:
        caption = f"{names[int(labels[row_a])]} -> {names[int(labels[row_b])]}, {method}"
        st.download_button(
            "Download the interpolation as a GIF",
            data=lambda: interpolation_gif(strips, caption=caption),
            file_name=f"interpolation-{row_a}-{row_b}-{method}-{steps}.gif",
            mime="image/gif",
            icon=":material/download:",
            on_click="ignore",
            key="interp_gif",
        )
