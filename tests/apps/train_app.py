"""A minimal Streamlit script for AppTest: the Train page alone (ui/pages/train), as app.py runs it."""

import torch

from ui.pages import train as train_page

torch.set_num_threads(1)
train_page.render()
