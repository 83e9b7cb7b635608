"""The sidebar's choice (models and input x) that every page is handed, and choosing a gallery
row as the input from anywhere (a click on a chart point or a grid cell, a link)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ui.kept import set_kept
from ui.resources import get_gallery
from vae_core.data.galleries import CLASS_NAMES


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


def show_gallery_row(dataset: str, row: int) -> None:
    """Make gallery row `row` the sidebar's input (the inverse of gallery_index): the gallery as
    the source, the row's class, and its index within that class. Call it from a callback or
    before the sidebar is drawn (a click on a scatter point or a grid cell uses it)."""
    labels = get_gallery(dataset).labels
    label = int(labels[row])
    set_kept("input_source", "Gallery")
    set_kept(f"input_digit_{dataset}", label)
    set_kept(f"input_index_{dataset}", int((labels[:row] == label).sum()))
