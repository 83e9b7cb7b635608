"""The mathematics the app teaches, each formula written plainly with its source.

reparam (z = mu + sigma * eps), losses (the ELBO, the one place it is computed), bounds (ELBO
and IWAE for one input), estimators (pathwise and score-function gradients), cost_functions
(their closed forms), variance, lotus, gradient_flow, inverse_cdf, latent (interpolation, grids).
"""
