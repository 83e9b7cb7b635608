"""The app's browser components (st.components.v2) from files under ui/: read once, registered once.

components.v2 accepts asset *paths* only for installed packages that declare an ``asset_dir`` in
pyproject.toml, so each component keeps its HTML, CSS and JavaScript in a folder of its own
(ui/latent_pad_assets/, ui/draw_pad_assets/) and they are passed as inline strings: read at
import and registered then, once per process (registering the same name on every rerun would be
wasteful). No build step: plain files, joined in a given order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

__all__ = ["read_assets", "inline_component", "frontend_component"]


def read_assets(folder: Path, *names: str) -> str:
    """The named files under folder (UTF-8), joined by newlines in the order given."""
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in names)


def inline_component(
    name: str,
    folder: Path,
    *,
    html: str,
    css: Sequence[str],
    js: Sequence[str],
    css_before: str = "",
    js_before: str = "",
):
    """Register the component `name` from the files html, css and js under folder.

    The CSS files are joined after css_before and the JavaScript files after js_before (text a
    component prepares itself, e.g. a vendored library wrapped for the module) into one
    stylesheet and one ES module. Returns Streamlit's mounting command (ComponentRenderer).
    """
    return st.components.v2.component(
        name,
        html=read_assets(folder, html),
        css="\n".join(filter(None, [css_before, read_assets(folder, *css)])),
        js="\n".join(filter(None, [js_before, read_assets(folder, *js)])),
    )


def frontend_component(name: str, package_file: str, stem: str):
    """Register the component `name` whose files are frontend/<stem>.html, .css and .js in the
    folder of package_file (a component package's __init__): the common case of inline_component."""
    folder = Path(package_file).resolve().parent / "frontend"
    return inline_component(name, folder, html=f"{stem}.html", css=[f"{stem}.css"], js=[f"{stem}.js"])
