"""The networks: a VAE and a deterministic autoencoder (AE) with the same MLP shape.

Encoder: 784 -> hidden[0] -> ... -> hidden[-1] -> (mu, log_var) for the VAE, or -> mu for the AE.
Decoder: latent_dim -> hidden[-1] -> ... -> hidden[0] -> 784 Bernoulli logits.

Both expose one interface so the app treats them alike; the AE is the sigma = 0 case:
    posterior(x)     -> (mu, sigma), sigma None for the AE          (what the losses take)
    encode(x)        -> (mu, sigma), each float (N, latent_dim); sigma = 0 for the AE
    decode_logits(z) -> float (N, 1, 28, 28) pre-sigmoid logits
    decode(z)        -> float (N, 1, 28, 28) Bernoulli means, pixels in [0, 1]

The VAE follows Kingma & Welling (2014), appendix C.2 (MLP encoder/decoder, Gaussian q(z|x),
Bernoulli p(x|z)); the decoder is a plain MLP so the browser can run it (see export).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..checks import check_tensor
from ..constants import IMAGE_SHAPE, NUM_PIXELS
from ..data.registry import DATASET_NAMES
from ..maths.reparam import sigma_from_log_var

__all__ = [
    "ModelConfig",
    "LatentVariableModel",
    "VAE",
    "AE",
    "build_model",
    "require_vae",
    "ACTIVATIONS",
    "KINDS",
    "DATASETS",
    "IMAGE_SHAPE",
]

KINDS = ("vae", "ae")
DATASETS = DATASET_NAMES
"""The dataset names a config may give (vae_core.data.registry)."""
ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "elu": nn.ELU, "tanh": nn.Tanh}
"""The activations an MLP may use, by the name a config and the browser spec give them."""


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
        if isinstance(self.latent_dim, bool) or not isinstance(self.latent_dim, int) or self.latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive integer, got {self.latent_dim!r}")
        if not isinstance(self.hidden, (list, tuple)) or not all(
            isinstance(h, int) and not isinstance(h, bool) for h in self.hidden
        ):
            raise ValueError(f"hidden must be a list of integers, got {self.hidden!r}")
        self.hidden = [int(h) for h in self.hidden]
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise ValueError(f"hidden sizes must be positive integers, got {self.hidden!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {DATASETS}, got {self.dataset!r}")

    @property
    def encoder_outputs(self) -> int:
        """Width of the encoder's last layer: (mu, log_var) for the VAE, mu for the AE."""
        return 2 * self.latent_dim if self.kind == "vae" else self.latent_dim

    def layer_sizes(self) -> dict[str, list[int]]:
        """{"encoder": [784, *hidden, outputs], "decoder": [latent_dim, *reversed(hidden), 784]}."""
        return {
            "encoder": [NUM_PIXELS, *self.hidden, self.encoder_outputs],
            "decoder": [self.latent_dim, *reversed(self.hidden), NUM_PIXELS],
        }

    def to_dict(self) -> dict:
        return asdict(self)


def _mlp(sizes: list[int], activation: str, generator: torch.Generator | None) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if generator is None:
            linear = nn.Linear(n_in, n_out)
        else:
            # nn.Linear's own initialisation (kaiming-uniform weights, a = sqrt(5); uniform
            # biases in ±1/sqrt(fan_in)), drawn from the given generator; skip_init keeps the
            # constructor from drawing from the global RNG first.
            linear = nn.utils.skip_init(nn.Linear, n_in, n_out)
            nn.init.kaiming_uniform_(linear.weight, a=math.sqrt(5), generator=generator)
            bound = 1.0 / math.sqrt(n_in)
            nn.init.uniform_(linear.bias, -bound, bound, generator=generator)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


class LatentVariableModel(nn.Module):
    """Common base: an MLP encoder and an MLP decoder over 28x28 images.

    Attributes: config (ModelConfig), kind, latent_dim, dataset, and, for a loaded checkpoint,
    name, path and metadata (read_metadata's dict); "untrained", None and {} otherwise.
    """

    def __init__(
        self,
        config: ModelConfig,
        generator: torch.Generator | None = None,
        name: str = "untrained",
        path: str | None = None,
        metadata: dict | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.kind = config.kind
        self.latent_dim = config.latent_dim
        self.dataset = config.dataset
        self.name = name
        self.path = path
        self.metadata = metadata or {}
        sizes = config.layer_sizes()
        self.encoder = _mlp(sizes["encoder"], config.activation, generator)
        self.decoder = _mlp(sizes["decoder"], config.activation, generator)

    def _weights_dtype(self) -> torch.dtype:
        return self.decoder[0].weight.dtype

    def _check_images(self, x: torch.Tensor) -> torch.Tensor:
        check_tensor("x (images with pixels in [0, 1])", x, (None, *IMAGE_SHAPE))
        return x.to(self._weights_dtype()).reshape(x.shape[0], NUM_PIXELS)

    def _check_latents(self, z: torch.Tensor) -> torch.Tensor:
        return check_tensor("z", z, (None, self.latent_dim)).to(self._weights_dtype())

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(mu, sigma) of q(z|x), float32 (N, latent_dim) each; sigma is None for the AE.

        Raises: TypeError / ValueError as encode.
        """
        raise NotImplementedError

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode images to the posterior's mean and standard deviation.

        Args:
            x: float (N, 1, 28, 28), pixels in [0, 1] (float64/float16 are cast to float32).
        Returns:
            (mu, sigma): float32 (N, latent_dim) each; sigma is all zeros for the AE.
        Raises:
            TypeError: x is not a floating-point tensor.
            ValueError: x is not of shape (N, 1, 28, 28), or holds NaN or infinite pixels.
        """
        mu, sigma = self.posterior(x)
        return mu, (torch.zeros_like(mu) if sigma is None else sigma)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder logits: z float (N, latent_dim) -> float32 (N, 1, 28, 28) pre-sigmoid.

        Raises:
            TypeError: z not a floating-point tensor. ValueError: wrong shape, NaN/inf in z, or
            z so large that the decoder overflows (non-finite logits).
        """
        z = self._check_latents(z)
        logits = self.decoder(z).reshape(z.shape[0], *IMAGE_SHAPE)
        if not bool(torch.isfinite(logits).all()):
            raise ValueError(
                f"z is too large to decode (max |z| = {float(z.abs().max()):.3g}): "
                "the decoder's output overflowed to NaN or infinity"
            )
        return logits

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli means: z float (N, latent_dim) -> float32 (N, 1, 28, 28), pixels in [0, 1].

        Raises: as decode_logits.
        """
        return torch.sigmoid(self.decode_logits(z))


class VAE(LatentVariableModel):
    """Variational autoencoder: encoder -> (mu, log_var), z = mu + sigma * eps, decoder."""

    def __init__(self, config: ModelConfig, **kwargs) -> None:
        if config.kind != "vae":
            raise ValueError(f"a VAE needs a config of kind 'vae', got {config.kind!r}")
        super().__init__(config, **kwargs)

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, log_var = self.encoder(self._check_images(x)).chunk(2, dim=1)
        return mu, sigma_from_log_var(log_var)


class AE(LatentVariableModel):
    """Deterministic autoencoder: encoder -> z = mu, no noise (the sigma = 0 case)."""

    def __init__(self, config: ModelConfig, **kwargs) -> None:
        if config.kind != "ae":
            raise ValueError(f"an AE needs a config of kind 'ae', got {config.kind!r}")
        super().__init__(config, **kwargs)

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        return self.encoder(self._check_images(x)), None


def build_model(config: ModelConfig, generator: torch.Generator | None = None, **kwargs) -> LatentVariableModel:
    """A freshly initialised VAE or AE for the config (kind "vae" or "ae").

    generator: draws the initial weights (PyTorch's default nn.Linear scheme) so that two calls
    with equally seeded generators build identical models without touching the global RNG;
    None uses PyTorch's global generator. kwargs: name, path, metadata (see LatentVariableModel).
    """
    cls = VAE if config.kind == "vae" else AE
    return cls(config, generator=generator, **kwargs)


def require_vae(model: object) -> None:
    """Raise unless model is a VAE (isinstance), i.e. has a posterior q(z|x) = N(mu, diag sigma^2).

    The one input check that must know the model classes, so it lives here, beside them, and not
    in vae_core.checks (which imports nothing from the core).

    Raises:
        TypeError: a plain autoencoder (sigma = 0: no posterior density, so no ELBO, IWAE bound or
            reparameterized gradient), or not a model of this project.
    """
    if isinstance(model, VAE):
        return
    if isinstance(model, AE):
        raise TypeError(
            "this is a plain autoencoder (kind 'ae'): it has no posterior q(z|x) to "
            "sample (sigma = 0, no density), so the ELBO, the IWAE bound and the "
            "gradient-flow view need a VAE (kind 'vae')"
        )
    raise TypeError(f"expected a VAE (vae_core.models.VAE), got {type(model).__name__}")
