"""The smallest Streamlit slider -> image app: the baseline the explorer's slider is compared to.

One slider and one 168 x 168 PNG that depends on it; nothing else. benchmarks/latency.py times a
keyboard change of the slider to the new image in the DOM on this app and on app.py, and
reports both, so the figure for app.py can be read as a ratio on a noisy machine.
"""

import io

import numpy as np
import streamlit as st
from PIL import Image

value = st.slider("probe", -4.0, 4.0, 0.0, step=0.01, key="probe")
ramp = np.clip(np.add.outer(np.linspace(-1, 1, 28), np.linspace(-1, 1, 28)) * value, -1, 1)
image = Image.fromarray(np.uint8((ramp + 1) * 127.5)).resize((168, 168), Image.Resampling.NEAREST)
buffer = io.BytesIO()
image.save(buffer, format="PNG")
st.image(buffer.getvalue(), caption="decoded p(x|z): probe", width=168, output_format="PNG")
