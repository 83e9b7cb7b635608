"""Shared fixtures: tiny models built in the test, and the shipped checkpoints."""

from __future__ import annotations

import pytest
import torch

import vae_core
from vae_core.models import ModelConfig, build_model


@pytest.fixture
def tiny_vae():
    torch.manual_seed(0)
    return build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[32])).eval()


@pytest.fixture
def tiny_ae():
    torch.manual_seed(0)
    return build_model(ModelConfig(kind="ae", latent_dim=2, hidden=[32])).eval()


@pytest.fixture(scope="session")
def shipped():
    """{kind: list_models() entry} of the shipped 2-D MNIST models."""
    entries = {e["name"]: e for e in vae_core.list_models()}
    return {"vae": entries["mnist-vae-2d"], "ae": entries["mnist-ae-2d"]}
