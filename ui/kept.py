"""Widgets whose values survive a visit to another page: the kept-widget mechanism.

Streamlit ties a widget's state to the page that drew it (widget ids include the page), so on the
Maths lab and back the sidebar would fall back to its defaults. A kept widget's value is stored in
the Explorer's state object (`ExplorerView.choices`, under the one session key `keys.EXPLORER`) on
every change and handed back before the widget is drawn: the widget is a view of that object.
"""

from __future__ import annotations

import streamlit as st

from ui import keys
from ui.resources import get_gallery
from ui.view_state import ExplorerView

_NO_DEFAULT = object()


def _choices() -> dict:
    """The sidebar's and the Model radio's choices, by widget key, in the Explorer's state object."""
    view = st.session_state.get(keys.EXPLORER)
    if not isinstance(view, ExplorerView):
        view = st.session_state[keys.EXPLORER] = ExplorerView()
    return view.choices


def is_kept(key: str) -> bool:
    """Whether a kept widget's value is in the state object (it has been drawn this session)."""
    return key in _choices()


def remember(key: str) -> None:
    """on_change of a kept widget: its new value into the state object (see kept)."""
    _choices()[key] = st.session_state[key]


def set_kept(key: str, value) -> None:
    """Set a kept widget's value from code (a callback, or before the widget is drawn)."""
    st.session_state[key] = value
    _choices()[key] = value


def restore(key: str, default=_NO_DEFAULT) -> None:
    """Before a kept widget is drawn: hand it the value from the state object, or `default` the
    first time."""
    choices = _choices()
    if key in choices:
        st.session_state[key] = choices[key]
    elif default is not _NO_DEFAULT and key not in st.session_state:
        st.session_state[key] = default


def kept(widget, label: str, *options, key: str, default=_NO_DEFAULT, **kwargs):
    """widget(label, *options, key=key, **kwargs), whose value survives a visit to another page.

    Streamlit ties a widget's state to the page that drew it (widget ids include the page), so on
    the Maths lab and back the sidebar would fall back to its defaults (a chosen 7 became a 2,
    then a 0). The value is stored in the Explorer's state object on every change (remember) and
    handed back to the widget before it is drawn (restore); code that sets a kept widget uses
    set_kept. `default` seeds a widget that has never been drawn.
    """
    restore(key, default)
    value = widget(label, *options, key=key, on_change=remember, args=(key,), **kwargs)
    _choices()[key] = value
    return value


def show_gallery_row(dataset: str, row: int) -> None:
    """Make gallery row `row` the sidebar's input (the inverse of gallery_index): the gallery as
    the source, the row's class, and its index within that class. Call it from a callback or
    before the sidebar is drawn (a click on a scatter point or a grid cell uses it)."""
    labels = get_gallery(dataset).labels
    label = int(labels[row])
    set_kept("input_source", "Gallery")
    set_kept(f"input_digit_{dataset}", label)
    set_kept(f"input_index_{dataset}", int((labels[:row] == label).sum()))
