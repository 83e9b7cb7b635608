"""The maths applied to a model: the layer above vae_core.models and below the views.

vae_core.maths knows no model (formulas on tensors and callables); what needs a model's encoder
or decoder, or must know that it is a VAE (vae_core.models.require_vae), is here:

    codes          encode_images (gallery -> (mu, sigma)), latent_grid (decode a plane of codes)
    likelihood     log p(x|z) of one image for many codes (the bounds', the quadrature's, the heat-map's)
    bounds         the ELBO and the IWAE bound L_k of one input (Kingma & Welling 2014; Burda et al. 2016)
    iwae_curve     L_k for many k from one set of draws, with standard errors, and what they allow one to say
    marginal       exact log p(x) (with the quadrature's error) and the true posterior p(z|x) of a 2-D VAE
    gradient_flow  what a backward pass reaches through z = mu + sigma * eps vs .sample()
"""
