"""Widgets that are views of the Explorer's state object: the kept-widget mechanism.

The sidebar's choices and the Model radio are fields of `ExplorerView.choices` (ui.view_state.Choices),
stored under the one session key `keys.EXPLORER`. Streamlit ties a widget's state to the page that
drew it (widget ids include the page), so on the Maths lab and back a plain widget would fall back
to its default; a kept widget instead is handed its field's value before it is drawn, and writes its
value back to the field on every change. Code that changes a choice (a link, a click on a chart,
"Random image", the Train page) changes the field with `choose`; the widget follows on the next run.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from ui import keys
from ui.resources import get_gallery
from ui.view_state import SOURCES, Choices, ExplorerView

FIELDS = frozenset(f.name for f in fields(Choices))


def explorer_view() -> ExplorerView:
    """The Explorer's state object (made on first use)."""
    view = st.session_state.get(keys.EXPLORER)
    if not isinstance(view, ExplorerView):
        view = st.session_state[keys.EXPLORER] = ExplorerView()
    return view


def choices() -> Choices:
    """The sidebar's and the Model radio's choices."""
    return explorer_view().choices


def choose(**values) -> None:
    """Change some choices (Choices' field names) from code: a callback, or before the widgets are
    drawn. A new dataset forgets the gallery row (ExplorerView.choose)."""
    st.session_state[keys.EXPLORER] = explorer_view().choose(**values)


def _remember(key: str, name: str) -> None:
    """on_change of a kept widget: its new value into its field."""
    choose(**{name: st.session_state[key]})


def kept(widget, label: str, options, *, key: str, field: str, default=None, **kwargs):
    """widget(label, options, key=key, **kwargs) as a view of the choice `field`.

    Before the widget is drawn it is handed the field's value when that is one of `options` (a
    latent size chosen for MNIST is kept for Fashion-MNIST where it exists), else `default` (when
    one of the options) or its first option. Its value is written back to the field on every change
    and after every run, so the field always holds what the widget shows.

    Raises:
        ValueError: `field` is not a field of Choices.
    """
    if field not in FIELDS:
        raise ValueError(f"{field!r} is not one of the choices ({', '.join(sorted(FIELDS))})")
    options = list(options)
    value = getattr(choices(), field)
    if value in options:
        st.session_state[key] = value
    elif key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default if default in options else options[0]
    value = widget(label, options, key=key, on_change=_remember, args=(key, field), **kwargs)
    if getattr(choices(), field) != value:
        choose(**{field: value})
    return value


def kept_switch(where, label: str, *, key: str, field: str, **kwargs) -> bool:
    """where.toggle(label, key=key, **kwargs) as a view of the boolean choice `field` (see kept)."""
    if field not in FIELDS:
        raise ValueError(f"{field!r} is not one of the choices ({', '.join(sorted(FIELDS))})")
    st.session_state[key] = bool(getattr(choices(), field))
    value = where.toggle(label, key=key, on_change=_remember, args=(key, field), **kwargs)
    if getattr(choices(), field) != value:
        choose(**{field: value})
    return value


def show_gallery_row(row: int) -> None:
    """Make gallery row `row` the input: the gallery as the source and that row (the class and
    index widgets follow it). Call it from a callback or before the sidebar is drawn (a click on
    a scatter point or a grid cell uses it)."""
    choose(source=SOURCES[0], row=int(row))


def row_parts(dataset: str, row: int) -> tuple[int, int]:
    """(class, index within the class) of gallery row `row`: the inverse of
    ui.resources.gallery_index."""
    labels = get_gallery(dataset).labels
    label = int(labels[row])
    return label, int((labels[:row] == label).sum())
