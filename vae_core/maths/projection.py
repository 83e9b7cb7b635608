"""A 2-D view of a latent space with latent_dim > 2: a plane through the codes, and back.

The plane is an origin o (latent_dim,) and two orthonormal directions B (2, latent_dim):

    to_plane(z)      p = (z - o) B^T                          (N, 2)
    lift(p, base)    z = base + (p - to_plane(base)) B         (N, latent_dim)

lift keeps every coordinate of `base` off the plane (the input's values) and puts the point at
p on it, so to_plane(lift(p, base)) = p exactly (B B^T = I). Two planes are offered:
- two chosen latent dimensions i, j (o = 0, B = (e_i, e_j)): the other coordinates held;
- PCA of a gallery's codes (Pearson 1901; Jolliffe 2002): o their mean, B their first two
  principal directions (right singular vectors of the centred codes), the plane that shows the
  most of their spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_count, check_tensor

__all__ = ["Projection", "axes_projection", "pca_projection"]


@dataclass(frozen=True)
class Projection:
    """origin: float64 (latent_dim,); basis: float64 (2, latent_dim), orthonormal rows; label:
    what the two plane axes are (e.g. ("z₃", "z₇") or ("PC1", "PC2"))."""

    origin: torch.Tensor
    basis: torch.Tensor
    labels: tuple[str, str]

    @property
    def latent_dim(self) -> int:
        return int(self.basis.shape[1])

    @property
    def dims(self) -> tuple[int, int] | None:
        """(i, j) if this is the plane of latent dimensions i and j (origin 0), else None."""
        rows = self.basis
        if bool((self.origin == 0).all()) and all(int((r != 0).sum()) == 1 and float(r.max()) == 1.0 for r in rows):
            return int(rows[0].argmax()), int(rows[1].argmax())
        return None

    def to_plane(self, z: torch.Tensor) -> torch.Tensor:
        """z float (N, latent_dim) -> plane coordinates float64 (N, 2). Raises ValueError (shape)."""
        z = check_tensor("z", z, (None, self.latent_dim), finite=False).double()
        return (z - self.origin) @ self.basis.T

    def lift(self, p: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
        """Plane points p float (N, 2) -> codes float64 (N, latent_dim) that agree with base
        (latent_dim,) off the plane. Raises ValueError (shapes)."""
        p = check_tensor("p", p, (None, 2)).double()
        base = check_tensor("base", base, (self.latent_dim,)).double()
        return base + (p - self.to_plane(base[None])) @ self.basis


def axes_projection(latent_dim: int, i: int, j: int) -> Projection:
    """The plane of latent dimensions i and j (0-based), all others held.

    Raises: TypeError / ValueError for indices that are not two distinct dimensions.
    """
    check_count("latent_dim", latent_dim, 2, 4096)
    check_count("i", i, 0, latent_dim - 1)
    check_count("j", j, 0, latent_dim - 1)
    if i == j:
        raise ValueError(f"pick two different latent dimensions, got {i} twice")
    basis = torch.zeros(2, latent_dim, dtype=torch.float64)
    basis[0, i] = basis[1, j] = 1.0
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    return Projection(
        torch.zeros(latent_dim, dtype=torch.float64),
        basis,
        (f"z{str(i + 1).translate(sub)}", f"z{str(j + 1).translate(sub)}"),
    )


def pca_projection(codes: torch.Tensor) -> Projection:
    """The plane of the first two principal components of codes float (N, latent_dim), N >= 3.

    The sign of each direction is fixed (its largest entry positive) so the view does not flip
    between runs. Raises: TypeError / ValueError for codes of the wrong shape or with NaN.
    """
    codes = check_tensor("codes", codes, (None, None)).double()
    if codes.shape[0] < 3 or codes.shape[1] < 2:
        raise ValueError(f"PCA needs at least 3 codes of dimension >= 2, got {tuple(codes.shape)}")
    origin = codes.mean(dim=0)
    _, _, vh = torch.linalg.svd(codes - origin, full_matrices=False)
    basis = vh[:2].clone()
    signs = torch.sign(basis.gather(1, basis.abs().argmax(dim=1, keepdim=True)))
    return Projection(origin, basis * signs, ("PC1", "PC2"))
