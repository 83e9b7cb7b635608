"""Text from outside (a link, a file name, a browser message, an exception about them), made safe
for Streamlit's Markdown: the one way such text reaches the page."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-!|~$&])")
_JOINER = "\u2060"
"""WORD JOINER (invisible, zero width), put before every ":", "." and "@": no "https://", "www.",
"host.com/path" or "name@host" in the text is then made a link by the page's autolinking, which
neither a backslash escape nor a character reference stops (both were tried in Chromium)."""
_BREAK = re.compile(r"([:.@])")


def escape_markdown(text: str, max_length: int = 80) -> str:
    """text with every Markdown and HTML special character escaped, cut to max_length characters.

    A file name such as ``![i](http://host/x.png)`` then shows as those characters instead of
    making the browser fetch an image, a bare ``https://host/login`` stays text rather than a link,
    and ``:material/…:`` icons cannot appear. Newlines become spaces.

    Args:
        text: any text (str() is applied). max_length: characters kept, counting a final "…".
    Returns:
        Markdown source that renders as exactly the (cut) text, with invisible word joiners.
    """
    text = str(text).replace("\n", " ").replace("\r", " ")
    if len(text) > max_length:
        text = text[: max_length - 1] + "…"
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _BREAK.sub(_JOINER + r"\1", text)
