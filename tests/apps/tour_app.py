"""The tour page alone, for AppTest (tests/test_tour.py): the shipped models, no navigation."""

import streamlit as st
import torch

from ui.pages import tour

torch.set_num_threads(1)
st.set_page_config(page_title="Tour", layout="wide")
tour.render()
