"""Widgets whose values survive a visit to another page: the kept-widget mechanism.

Streamlit ties a widget's state to the page that drew it (widget ids include the page), so on the
Maths lab and back the sidebar would fall back to its defaults. A kept widget's value is copied
aside under a plain session key on every change and handed back before the widget is drawn.
"""

from __future__ import annotations

import streamlit as st

_NO_DEFAULT = object()


def _store(key: str) -> str:
    return f"_kept_{key}"


def is_kept(key: str) -> bool:
    """Whether a kept widget's value has been copied aside (it has been drawn this session)."""
    return _store(key) in st.session_state


def remember(key: str) -> None:
    """on_change of a kept widget: copy its new value aside (see kept)."""
    st.session_state[_store(key)] = st.session_state[key]


def set_kept(key: str, value) -> None:
    """Set a kept widget's value from code (a callback, or before the widget is drawn)."""
    st.session_state[key] = value
    st.session_state[_store(key)] = value


def restore(key: str, default=_NO_DEFAULT) -> None:
    """Before a kept widget is drawn: hand it the value copied aside, or `default` the first time."""
    if _store(key) in st.session_state:
        st.session_state[key] = st.session_state[_store(key)]
    elif default is not _NO_DEFAULT and key not in st.session_state:
        st.session_state[key] = default


def kept(widget, label: str, *options, key: str, default=_NO_DEFAULT, **kwargs):
    """widget(label, *options, key=key, **kwargs), whose value survives a visit to another page.

    Streamlit ties a widget's state to the page that drew it (widget ids include the page), so on
    the Maths lab and back the sidebar would fall back to its defaults (a chosen 7 became a 2,
    then a 0). The value is copied aside under a plain session key on every change (remember)
    and handed back to the widget before it is drawn (restore); code that sets a kept widget
    uses set_kept. `default` seeds a widget that has never been drawn.
    """
    restore(key, default)
    value = widget(label, *options, key=key, on_change=remember, args=(key,), **kwargs)
    st.session_state[_store(key)] = value
    return value
