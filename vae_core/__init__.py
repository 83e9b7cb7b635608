"""vae_core: the PyTorch core of the VAE Latent Explorer (no Streamlit here).

Public interface:
    reparameterize(mu, sigma, eps) -> z          z = mu + sigma * eps
    list_models() -> list[dict]                  the shipped checkpoints in models/
    load_model(path) -> VAE | AE                 eval-mode module with encode/decode
"""
from .checkpoint import CheckpointError, list_models, load_model
from .reparam import reparameterize

__all__ = ["reparameterize", "list_models", "load_model", "CheckpointError"]
