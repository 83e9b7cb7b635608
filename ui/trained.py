"""Models the learner trained on the Train page: a session's own folder, and opening one in the Explorer.

Checkpoints are written to a temporary folder per browser session (never to the shipped models/),
removed when the session's state is discarded. "Open in the Explorer" copies the run's checkpoint
to a name of its own (the app caches models by path, so a file that changes later must not reuse
a path) and remembers its list_models()-style entry; the sidebar (ui/state.py) then shows it in
place of the shipped model of the same kind, dataset and latent size, until the learner goes back.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
import weakref
from pathlib import Path

import streamlit as st

from vae_core.models.checkpoint import scan_models

__all__ = ["session_folder", "open_in_explorer", "swap_in", "OPENED_KEY"]

OPENED_KEY = "_trained_opened"
"""Session key: the list_models()-style entry of the trained model shown in the Explorer."""
_FOLDER_KEY = "_trained_folder"


class _Folder:
    """A temporary folder that is deleted when this object is (with the session's state)."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="vae-explorer-trained-"))
        weakref.finalize(self, shutil.rmtree, str(self.path), True)


def session_folder() -> Path:
    """This session's folder for trained checkpoints (made on first use)."""
    if _FOLDER_KEY not in st.session_state:
        st.session_state[_FOLDER_KEY] = _Folder()
    return st.session_state[_FOLDER_KEY].path


def open_in_explorer(checkpoint: Path, label: str) -> dict:
    """Copy checkpoint to a name of its own in the session folder and make it the Explorer's model.

    Returns the entry (name, path, kind, dataset, latent_dim, beta, …). Raises ValueError if the
    copy cannot be read back as a checkpoint.
    """
    opened = session_folder() / "opened"
    opened.mkdir(exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label).strip("-")
    target = opened / f"{safe}-{uuid.uuid4().hex[:8]}.safetensors"
    shutil.copyfile(checkpoint, target)
    entries, problems = scan_models(opened)
    entry = next((e for e in entries if e["path"] == str(target)), None)
    if entry is None:
        raise ValueError(f"the trained checkpoint could not be read back: {'; '.join(problems)}")
    entry["name"] = f"your {label}"
    st.session_state[OPENED_KEY] = entry
    return entry


def swap_in(dataset: str, vae: dict | None, ae: dict | None) -> tuple[dict | None, dict | None]:
    """The sidebar's (vae, ae) with the opened trained model in place of the shipped one of its kind,
    if it matches the chosen dataset and latent size; draws a note and a way back in the sidebar."""
    entry = st.session_state.get(OPENED_KEY)
    if entry is None or not Path(entry["path"]).is_file():
        return vae, ae
    latent_dim = (vae or ae or {}).get("latent_dim")
    if entry["dataset"] != dataset or entry["latent_dim"] != latent_dim:
        return vae, ae
    st.sidebar.info(
        f"Showing **{entry['name']}**, trained on the Train page, instead of the shipped {entry['kind'].upper()}."
    )
    st.sidebar.button(
        "Back to the shipped model",
        key="trained_back",
        on_click=st.session_state.pop,
        args=(OPENED_KEY, None),
    )
    return (entry, ae) if entry["kind"] == "vae" else (vae, entry)
