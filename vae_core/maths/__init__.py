"""The mathematics the app teaches, each formula written plainly with its source, with no model.

reparam (z = mu + sigma * eps), losses (the ELBO, the one place it is computed), estimators
(pathwise and score-function gradients), cost_functions (their closed forms), variance, lotus,
inverse_cdf, marginal (the 2-D quadrature rule), projection, latent (interpolation, grid axes).

Nothing here imports vae_core.models: what needs a model (encoding, decoded grids, the ELBO and
IWAE bounds of one input, exact log p(x), the gradient-flow view) is in vae_core.inference.
"""
