"""Text that came from a user, made safe to show in Streamlit's Markdown."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str, max_length: int = 80) -> str:
    """text with every Markdown and HTML special character backslash-escaped, cut to max_length.

    A file name such as ``![i](http://host/x.png)`` then shows as those characters instead of
    making the browser fetch an image; ``:`` is escaped so ``:material/…:`` icons cannot appear.
    """
    text = str(text).replace("\n", " ").replace("\r", " ")
    if len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
