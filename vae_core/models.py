"""The networks: a VAE and a deterministic autoencoder (AE) with the same MLP shape.

Encoder: 784 -> hidden[0] -> ... -> hidden[-1] -> (mu, log_var) for the VAE, or -> mu for the AE.
Decoder: latent_dim -> hidden[-1] -> ... -> hidden[0] -> 784 Bernoulli logits.

Both expose one interface so the app treats them alike; the AE is the sigma = 0 case:
    encode(x)        -> (mu, sigma), each float (N, latent_dim)
    decode_logits(z) -> float (N, 1, 28, 28) pre-sigmoid logits
    decode(z)        -> float (N, 1, 28, 28) Bernoulli means, pixels in [0, 1]

The VAE follows Kingma & Welling (2014), appendix C.2 (MLP encoder/decoder, Gaussian q(z|x),
Bernoulli p(x|z)); the decoder is a plain MLP so the browser can run it (see export).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from .reparam import reparameterize, sigma_from_log_var

__all__ = ["ModelConfig", "LatentVariableModel", "VAE", "AE", "build_model", "IMAGE_SHAPE"]

IMAGE_SHAPE = (1, 28, 28)
NUM_PIXELS = 28 * 28
KINDS = ("vae", "ae")
ACTIVATIONS = {"relu": nn.ReLU, "elu": nn.ELU, "tanh": nn.Tanh}


@dataclass
class ModelConfig:
    """Everything needed to rebuild a model; stored in every checkpoint."""

    kind: str = "vae"
    latent_dim: int = 2
    hidden: list[int] = field(default_factory=lambda: [512, 256])
    activation: str = "elu"
    dataset: str = "mnist"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"model kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.latent_dim, int) or self.latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive integer, got {self.latent_dim!r}")
        self.hidden = [int(h) for h in self.hidden]
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise ValueError(f"hidden sizes must be positive integers, got {self.hidden!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")

    def to_dict(self) -> dict:
        return asdict(self)


def _mlp(sizes: list[int], activation: str) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


class LatentVariableModel(nn.Module):
    """Common base: an MLP encoder and an MLP decoder over 28x28 images."""

    def __init__(self, config: ModelConfig, encoder_outputs: int) -> None:
        super().__init__()
        self.config = config
        self.kind = config.kind
        self.latent_dim = config.latent_dim
        self.dataset = config.dataset
        self.encoder = _mlp([NUM_PIXELS, *config.hidden, encoder_outputs], config.activation)
        self.decoder = _mlp([config.latent_dim, *reversed(config.hidden), NUM_PIXELS], config.activation)

    def _check_images(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
            raise TypeError("x must be a float tensor of shape (N, 1, 28, 28) with pixels in [0, 1]")
        if x.dim() != 4 or tuple(x.shape[1:]) != IMAGE_SHAPE:
            raise ValueError(f"x must have shape (N, 1, 28, 28), got {tuple(x.shape)}")
        if not bool(torch.isfinite(x).all()):
            raise ValueError("x contains NaN or infinite pixels")
        return x.reshape(x.shape[0], NUM_PIXELS)

    def _check_latents(self, z: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or not torch.is_floating_point(z):
            raise TypeError(f"z must be a float tensor of shape (N, {self.latent_dim})")
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (N, {self.latent_dim}), got {tuple(z.shape)}")
        if not bool(torch.isfinite(z).all()):
            raise ValueError("z contains NaN or infinite values")
        return z

    def encode_params(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(mu, log_var) of q(z|x); log_var is None for the AE. Shapes (N, latent_dim)."""
        raise NotImplementedError

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode images to the posterior's mean and standard deviation.

        Args:
            x: float32 (N, 1, 28, 28), pixels in [0, 1].
        Returns:
            (mu, sigma): float32 (N, latent_dim) each; sigma is all zeros for the AE.
        Raises:
            TypeError / ValueError: x is not a finite float tensor of that shape.
        """
        mu, log_var = self.encode_params(x)
        sigma = torch.zeros_like(mu) if log_var is None else sigma_from_log_var(log_var)
        return mu, sigma

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder logits: z float (N, latent_dim) -> float (N, 1, 28, 28) pre-sigmoid."""
        z = self._check_latents(z)
        return self.decoder(z).reshape(z.shape[0], *IMAGE_SHAPE)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli means: z float (N, latent_dim) -> float (N, 1, 28, 28), pixels in [0, 1]."""
        return torch.sigmoid(self.decode_logits(z))

    def forward(
        self, x: torch.Tensor, eps: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One pass for training: (logits of x given z, mu, log_var); z = mu + sigma * eps.

        eps defaults to fresh standard normal noise for the VAE; the AE ignores it (sigma = 0).
        """
        mu, log_var = self.encode_params(x)
        if log_var is None:
            z = mu
        else:
            if eps is None:
                eps = torch.randn_like(mu)
            z = reparameterize(mu, sigma_from_log_var(log_var), eps)
        return self.decode_logits(z), mu, log_var


class VAE(LatentVariableModel):
    """Variational autoencoder: encoder -> (mu, log_var), z = mu + sigma * eps, decoder."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config, encoder_outputs=2 * config.latent_dim)

    def encode_params(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(self._check_images(x))
        mu, log_var = h.chunk(2, dim=1)
        return mu, log_var


class AE(LatentVariableModel):
    """Deterministic autoencoder: encoder -> z = mu, no noise (the sigma = 0 case)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config, encoder_outputs=config.latent_dim)

    def encode_params(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        return self.encoder(self._check_images(x)), None


def build_model(config: ModelConfig) -> LatentVariableModel:
    """A freshly initialised VAE or AE for the config (kind "vae" or "ae")."""
    return VAE(config) if config.kind == "vae" else AE(config)
