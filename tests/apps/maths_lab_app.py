"""A minimal Streamlit script for AppTest: a tiny random VAE (fixed seed) and one input x.

The query parameter kind=ae swaps in a tiny random plain autoencoder. No shipped weights.
"""

import streamlit as st
import torch

from ui.pages import maths_lab
from vae_core.models import ModelConfig, build_model


@st.cache_resource
def tiny_model(kind: str):
    torch.manual_seed(0)
    return build_model(ModelConfig(kind=kind, latent_dim=2, hidden=[32])).eval()


@st.cache_resource
def tiny_input() -> torch.Tensor:
    generator = torch.Generator().manual_seed(1)
    return (torch.rand(1, 1, 28, 28, generator=generator) > 0.8).float()


maths_lab.render(tiny_model(st.query_params.get("kind", "vae")), tiny_input(), 3)
