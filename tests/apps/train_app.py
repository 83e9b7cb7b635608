"""A minimal Streamlit script for AppTest: the Train page alone (ui/train_page.py), as app.py runs it."""

import torch

from ui import train_page

torch.set_num_threads(1)
train_page.render()
