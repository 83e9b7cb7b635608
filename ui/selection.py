"""The sidebar's choice (models and input x) that every page is handed."""

from __future__ import annotations

from dataclasses import dataclass

import torch

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
