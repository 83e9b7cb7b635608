"""Operations on the latent space that need no model: interpolate (linearly or by slerp), the axes
of a grid, a decoded grid's container (LatentGrid), distances to real images.

Encoding a gallery and decoding a grid need a model: they are in vae_core.inference.codes.
Latent grids follow Kingma & Welling (2014), figure 4: "linearly spaced coordinates on the unit
square were transformed through the inverse CDF of the Gaussian to produce values of the latent
variables z", so each grid cell carries equal prior mass. A deterministic AE has no prior, so its
grid spans the box its own codes occupy (linear spacing).

Spherical interpolation (slerp) follows White (2016), "Sampling Generative Networks", sec. 2.1:
under a Gaussian prior in d dimensions almost all mass sits near the sphere of radius sqrt(d),
and the midpoint of a straight line between two likely codes is shorter than either, so it
lies where codes are unlikely; slerp follows the great circle instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_count, check_tensor

MAX_STEPS = 1_000
"""Most points on one interpolation or grid axis (each one is a decoded image)."""

__all__ = [
    "interpolate",
    "slerp",
    "interpolation_path",
    "INTERPOLATIONS",
    "LatentGrid",
    "code_box",
    "inverse_cdf_axis",
    "linear_axis",
    "nearest_distance",
]


def interpolate(z_start: torch.Tensor, z_end: torch.Tensor, steps: int) -> torch.Tensor:
    """Points on the straight line from z_start to z_end, both ends included.

    Args:
        z_start, z_end: float (latent_dim,).
        steps: number of points in [2, MAX_STEPS = 1,000].
    Returns:
        float (steps, latent_dim): z_t = (1 - t) z_start + t z_end, t = 0, 1/(steps-1), ..., 1.
    Raises:
        TypeError: z_start, z_end not float tensors, steps not an integer.
        ValueError: steps outside [2, 1,000], or shapes differ.
    """
    check_count("steps", steps, 2, MAX_STEPS)
    check_tensor("z_start", z_start, (None,))
    check_tensor("z_end", z_end, (z_start.shape[0],))
    t = torch.linspace(0.0, 1.0, steps, dtype=z_start.dtype).unsqueeze(1)
    return (1 - t) * z_start + t * z_end


def slerp(z_start: torch.Tensor, z_end: torch.Tensor, steps: int, center: torch.Tensor | None = None) -> torch.Tensor:
    """Points on the spherical path from z_start to z_end (about center), both ends included.

    White (2016), "Sampling Generative Networks", sec. 2.1 (Shoemake 1985's slerp):
        slerp(q0, q1; t) = sin((1 - t) Ω) / sin Ω · q0 + sin(t Ω) / sin Ω · q1,
        cos Ω = q0 · q1 / (|q0| |q1|),
    with q0 = z_start - center, q1 = z_end - center. The angle moves uniformly in t, and the
    norm of the result runs from |q0| to |q1| (constant when they are equal). When q0 and q1
    are parallel or anti-parallel (sin Ω < 1e-6) or one is zero the great circle is undefined,
    and the straight line is returned, as White's reference code does.

    Args:
        z_start, z_end: float (latent_dim,).
        steps: number of points in [2, MAX_STEPS = 1,000].
        center: float (latent_dim,), the centre of the sphere (default 0, the prior's mean).
    Returns:
        float (steps, latent_dim), row k at t = k / (steps - 1).
    Raises:
        TypeError / ValueError: as interpolate, or center of another shape.
    """
    line = interpolate(z_start, z_end, steps)  # checks the arguments; also the fallback
    center = torch.zeros_like(z_start) if center is None else check_tensor("center", center, (z_start.shape[0],))
    q0, q1 = (z_start - center).double(), (z_end - center).double()
    n0, n1 = q0.norm(), q1.norm()
    if n0 < 1e-12 or n1 < 1e-12:
        return line
    omega = torch.arccos(torch.clamp(q0 @ q1 / (n0 * n1), -1.0, 1.0))
    if torch.sin(omega) < 1e-6:
        return line
    t = torch.linspace(0.0, 1.0, steps, dtype=torch.float64).unsqueeze(1)
    path = (torch.sin((1 - t) * omega) * q0 + torch.sin(t * omega) * q1) / torch.sin(omega)
    return (path + center.double()).to(z_start.dtype)


INTERPOLATIONS = ("linear", "slerp")
"""The interpolation_path methods: a straight line, or White's spherical path."""


def interpolation_path(
    z_start: torch.Tensor, z_end: torch.Tensor, steps: int, method: str = "linear", center: torch.Tensor | None = None
) -> torch.Tensor:
    """float (steps, latent_dim): interpolate (method "linear") or slerp about center ("slerp").

    Raises ValueError for another method, and whatever interpolate / slerp raise.
    """
    if method == "linear":
        return interpolate(z_start, z_end, steps)
    if method == "slerp":
        return slerp(z_start, z_end, steps, center)
    raise ValueError(f"method must be one of {INTERPOLATIONS}, got {method!r}")


def inverse_cdf_axis(n: int, u_low: float = 0.05, u_high: float = 0.95) -> torch.Tensor:
    """n values z = Phi^{-1}(u) for u linearly spaced on [u_low, u_high] (Kingma & Welling fig. 4)."""
    check_count("n", n, 2, MAX_STEPS)
    if not 0.0 < u_low < u_high < 1.0:
        raise ValueError(f"need 0 < u_low < u_high < 1, got {u_low}, {u_high}")
    u = torch.linspace(u_low, u_high, n, dtype=torch.float64)
    return torch.distributions.Normal(0.0, 1.0).icdf(u).float()


def linear_axis(n: int, low: float, high: float) -> torch.Tensor:
    """n values linearly spaced on [low, high]."""
    check_count("n", n, 2, MAX_STEPS)
    if not low < high:
        raise ValueError(f"need low < high, got {low}, {high}")
    return torch.linspace(low, high, n)


def code_box(codes: torch.Tensor, lower: float = 0.01, upper: float = 0.99) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-dimension (low, high) quantiles of codes float (N, latent_dim): the box the data fills."""
    return torch.quantile(codes, lower, dim=0), torch.quantile(codes, upper, dim=0)


@dataclass
class LatentGrid:
    """images: float (n, n, 28, 28) in [0, 1], row 0 at the top (highest z_y); axes: the z values."""

    images: torch.Tensor
    x_axis: torch.Tensor
    y_axis: torch.Tensor
    spacing: str
    axis_labels: tuple[str, str] = ("z₁", "z₂")

    def describe(self) -> str:
        """One sentence: the grid's size, each axis's range and step, and the spacing rule."""
        a, b = self.axis_labels

        def steps(axis: torch.Tensor) -> str:
            d = axis[1:] - axis[:-1]
            low, high = float(d.min()), float(d.max())
            return f"step {low:.2f}" if abs(high - low) < 0.005 else f"steps {low:.2f}–{high:.2f}"

        return (
            f"{len(self.x_axis)}x{len(self.y_axis)} grid, {a} in [{self.x_axis[0]:.2f}, {self.x_axis[-1]:.2f}] "
            f"({steps(self.x_axis)}), {b} in [{self.y_axis[0]:.2f}, {self.y_axis[-1]:.2f}] "
            f"({steps(self.y_axis)}), {self.spacing}"
        )


@torch.no_grad()
def nearest_distance(images: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """For each image, the root-mean-square pixel distance to its nearest reference image.

    images: float (N, 1, 28, 28) in [0, 1]; reference: float (M, 1, 28, 28) in [0, 1], e.g. the
    gallery of real digits. Returns float (N,) in pixel units ([0, 1]). A decoded frame that lies
    in a hole of the latent space looks like no real digit and sits far from all of them.
    """
    a, b = images.flatten(1), reference.flatten(1)
    return torch.cdist(a, b).min(dim=1).values / (a.shape[1] ** 0.5)
