"""The views' state: the Explorer's and the Tour's, each one typed, validated object under one key.

What the Explorer shows is one `ExplorerView` under the plain session key `keys.EXPLORER` (so it
survives a visit to another page): the sidebar's and the Model radio's `Choices` (dataset, latent
size, β, model kind, input source, gallery row, drawing), one `Pipeline` per model kind (μ, σ and
ε of q(z|x) = N(μ, σ²), the cloud of K draws ε_k, the z-plane's zoom, and where μ and σ were last
fitted from), Samples K and the "True posterior" toggle. The widgets are views of it (their keys
are set from it before they are drawn, and their callbacks write it back), and the link codec
(ui.link_codec) writes and reads exactly these objects.

Every change goes through `Pipeline.changed` (or `refit`), which validates the object as a whole:
vectors of latent_dim numbers, clamped to the sliders' ranges and quantised to the steps the app
stores (μ 0.001, σ 0.0001, ε 0.01, as the link codec writes them), and a cloud whose shape follows
K and the latent size (a new latent size draws it afresh: it once stayed (50, 2) next to a 16-D
model). The Tour's `TourView` (under `keys.TOUR`) holds its step, what was revealed, and each
step's pipeline (`TourPad`). No Streamlit here: plain objects, tested as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import torch

from vae_core.constants import EPS_LIMIT

__all__ = ["DECIMALS", "LINKED", "SOURCES", "Bounds", "Choices", "ExplorerView", "Pipeline", "TourPad", "TourView"]

DECIMALS = {"mu": 3, "sigma": 4, "eps": 2, "zoom": 4}
"""Decimal places a vector keeps, here and in a link (ui.link_codec): the steps the app stores
them at (μ to 0.001, σ to 0.0001, ε to the ε slider's 0.01; the zoom to 0.0001 of a latent unit).
A link's value is rounded when read, so a link written from a stored view reads back exactly."""

LINKED = "link"
"""`Pipeline.source` of a pipeline read from a link: the page checks it against its model (length,
the sliders' ranges) on its next run, and from then on it is the model's pipeline for that input."""

SOURCES = ("Gallery", "Upload a picture", "Draw")
"""Where the input x comes from (the sidebar's Source radio)."""


@dataclass(frozen=True)
class Bounds:
    """The sliders' ranges for one model: |μ_j| ≤ mu_range, 0 ≤ σ_j ≤ sigma_max, |ε_j| ≤ eps_limit."""

    mu_range: float
    sigma_max: float
    eps_limit: float = EPS_LIMIT


def _vector(name: str, values: Sequence[float], size: int, low: float, high: float, notes: list[str]) -> tuple:
    """values as a tuple of `size` floats in [low, high] at the stored step; each clamped value named."""
    out = []
    if len(values) != size:
        raise ValueError(f"{name} must have {size} values (the latent size), got {len(values)}")
    for j, v in enumerate(values):
        v = float(v)
        if not math.isfinite(v):
            raise ValueError(f"{name}{j + 1} must be a finite number, got {v}")
        clamped = min(high, max(low, v))
        if clamped != v:
            notes.append(f"{name}{j + 1} = {v:g} set to {clamped:g} (the range is {low:g} to {high:g})")
        out.append(round(clamped, DECIMALS[name]) + 0.0)
    return tuple(out)


@dataclass(frozen=True)
class Pipeline:
    """One model kind's pipeline on the Explorer.

    Attributes:
        latent_dim: the model's latent size d.
        mu, sigma, eps: d floats each (latent units); sigma all 0 for a plain AE.
        cloud: K draws ε_k ~ N(0, I), each d floats (K = 0: empty).
        window: the z-plane's zoom (centre x, centre y, half-width), or None for the default fit.
        source: "model path|input id" that mu and sigma were fitted from.
        refits: counts the jumps of μ and σ (Encoder, Prior, a new input, a link): the z-plane
            fits itself afresh when it changes.
        A LINKED pipeline (read from a link) may leave μ, σ or ε empty: the link did not say, and
        the model's own value (the encoder's μ(x), σ(x); ε = 0) is used.
    Raises:
        ValueError (on construction): a vector or cloud row whose length is not latent_dim.
    """

    latent_dim: int
    mu: tuple[float, ...]
    sigma: tuple[float, ...]
    eps: tuple[float, ...]
    cloud: tuple[tuple[float, ...], ...] = ()
    window: tuple[float, float, float] | None = None
    source: str = ""
    refits: int = 0

    def __post_init__(self) -> None:
        d = self.latent_dim
        for name in ("mu", "sigma", "eps"):
            size = len(getattr(self, name))
            if size != d and not (size == 0 and self.source == LINKED):  # a link may leave one out
                raise ValueError(f"{name} must have {d} values, got {size}")
        if any(len(row) != d for row in self.cloud):
            raise ValueError(f"every cloud row must have {d} values")

    @property
    def z(self) -> tuple[float, ...]:
        """z = μ + σ ⊙ ε (Kingma & Welling 2014, eq. 10), d floats."""
        return tuple(m + s * e for m, s, e in zip(self.mu, self.sigma, self.eps, strict=True))

    @classmethod
    def fitted(
        cls, mu: Sequence[float], sigma: Sequence[float], bounds: Bounds, source: str, refits: int = 0
    ) -> Pipeline:
        """The encoder's q for a new input or model: μ(x), σ(x) within the bounds, ε = 0."""
        d = len(mu)
        notes: list[str] = []
        return cls(
            d,
            _vector("mu", mu, d, -bounds.mu_range, bounds.mu_range, notes),
            _vector("sigma", sigma, d, 0.0, bounds.sigma_max, notes),
            (0.0,) * d,
            source=source,
            refits=refits,
        )

    def changed(
        self,
        bounds: Bounds,
        mu: Sequence[float] | None = None,
        sigma: Sequence[float] | None = None,
        eps: Sequence[float] | None = None,
        notes: list[str] | None = None,
    ) -> Pipeline:
        """This pipeline with new μ, σ or ε (None keeps the old), clamped and quantised; a value
        that had to be clamped is named in `notes` (if given). Raises ValueError for a vector of
        the wrong length or a value that is not a finite number."""
        notes = [] if notes is None else notes
        d = self.latent_dim
        return replace(
            self,
            mu=self.mu if mu is None else _vector("mu", mu, d, -bounds.mu_range, bounds.mu_range, notes),
            sigma=self.sigma if sigma is None else _vector("sigma", sigma, d, 0.0, bounds.sigma_max, notes),
            eps=self.eps if eps is None else _vector("eps", eps, d, -bounds.eps_limit, bounds.eps_limit, notes),
        )

    def refit(self, bounds: Bounds, mu: Sequence[float], sigma: Sequence[float], eps: Sequence[float]) -> Pipeline:
        """μ, σ and ε jump together (Encoder, Prior, a link): the z-plane fits itself afresh."""
        return replace(self.changed(bounds, mu, sigma, eps), refits=self.refits + 1, window=None)

    def with_cloud(self, k: int, generator: torch.Generator, fresh: bool = False) -> Pipeline:
        """The cloud for K = k: kept when it already has k rows of latent_dim values (unless
        fresh), else k new draws ε_k ~ N(0, I) from `generator` (float64 rounded to 4 places)."""
        if not fresh and len(self.cloud) == k:
            return self
        draws = torch.randn(k, self.latent_dim, generator=generator, dtype=torch.float64)
        return replace(self, cloud=tuple(tuple(round(float(v), 4) for v in row) for row in draws))


@dataclass(frozen=True)
class Choices:
    """The sidebar's and the Model radio's choices; None: not chosen yet (the widget's default).

    Attributes:
        dataset: the models' dataset ("mnist", "fashion-mnist").
        latent_dim: the models' latent size d.
        beta: the VAE's β, where a β family is shipped.
        model: the Explorer's model kind, "vae" or "ae".
        source: where x comes from, one of SOURCES.
        row: the gallery row shown as x when the source is the gallery (the class and index
            widgets are views of it).
        drawing: the drawing as vae_core.data.drawing.encode_drawing's text ("" = none).
        presentation: presentation mode (every page): larger type, one section at a time.
    """

    dataset: str | None = None
    latent_dim: int | None = None
    beta: float | None = None
    model: str | None = None
    source: str = SOURCES[0]
    row: int | None = None
    drawing: str = ""
    presentation: bool = False


@dataclass(frozen=True)
class ExplorerView:
    """The Explorer's state: the sidebar's and the Model radio's `choices`, one Pipeline per model
    kind, Samples K and the posterior toggle. The widgets are views of it (ui.kept)."""

    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    k: int = 0
    posterior: bool = False
    choices: Choices = Choices()

    def with_pipeline(self, kind: str, pipeline: Pipeline) -> ExplorerView:
        return replace(self, pipelines={**self.pipelines, kind: pipeline})

    def choose(self, **values) -> ExplorerView:
        """This view with some choices changed (Choices' field names). A new dataset forgets the
        gallery row: a class picked for MNIST is not carried over as a number to Fashion-MNIST."""
        if "dataset" in values and values["dataset"] != self.choices.dataset and "row" not in values:
            values["row"] = None
        return replace(self, choices=replace(self.choices, **values))

    def shared(self) -> ExplorerView:
        """What a link carries of this view (ui.link_codec.write_link): the choices, K, the posterior
        toggle and the pipeline of the chosen model kind (μ, σ, ε and the zoom, marked LINKED; its
        cloud of draws, where it was fitted from and the other kind's pipeline stay behind), and of
        the input only what its source uses. An upload cannot travel, so neither can its pipeline."""
        kind = self.choices.model or "vae"
        pipeline = self.pipelines.get(kind)
        pipelines = {}
        if pipeline is not None and self.choices.source != SOURCES[1]:
            pipelines[kind] = replace(pipeline, cloud=(), source=LINKED, refits=0)
        source = self.choices.source
        choices = replace(  # (presentation mode travels too)
            self.choices,
            row=self.choices.row if source == SOURCES[0] else None,
            drawing=self.choices.drawing if source == SOURCES[2] else "",
        )
        return replace(self, pipelines=pipelines, choices=choices)


@dataclass
class TourPad:
    """A tour step's pipeline: μ, σ, ε (2 floats each; σ = 0 on the AE's step), the cloud of draws
    (rows of 2, or None), which fit the z-plane opens on ("q" or "prior"), and `views`, counting
    the times a Reveal asked the plane to fit itself afresh. `linked`: read from a link; the step
    takes μ and ε from it (each where it has 2 numbers) into its own starting state on first use,
    and keeps its own σ, cloud and view."""

    mu: list[float]
    sigma: list[float]
    eps: list[float]
    cloud: list[list[float]] | None = None
    view: str = "prior"
    views: int = 0
    linked: bool = False


@dataclass
class TourView:
    """The tour as one object: the current step (0-based), the steps whose answer is revealed (by
    step key), and each visited step's pipeline (by step key)."""

    step: int = 0
    revealed: set[str] = field(default_factory=set)
    pads: dict[str, TourPad] = field(default_factory=dict)

    def validated(self, steps: int) -> TourView:
        """This view with its step clamped to [0, steps) (0 if it is not a whole number)."""
        step = self.step if isinstance(self.step, int) and not isinstance(self.step, bool) else 0
        self.step = min(max(step, 0), steps - 1)
        return self

    def enter(self, step: int, step_key: str) -> None:
        """Make `step` current and start it afresh: its pipeline and its Reveal are forgotten, so
        each visit starts in the state the step's text describes."""
        self.step = step
        self.revealed.discard(step_key)
        self.pads.pop(step_key, None)
