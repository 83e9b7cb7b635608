"""Draw a digit, and transparent uploads, in the real app (`streamlit run app.py`) in Chromium.

Covers: a stroke drawn with the mouse on the sidebar's canvas becomes the input: the sidebar's
μ(x) and the pipeline's μ are the VAE's μ of that drawing (computed here with the same core
functions from the text the canvas holds); undo removes the last stroke and clear empties the
canvas (back to the gallery image); the drawing survives a visit to the Maths lab; an RGBA PNG,
a black digit on a transparent background, uploaded through the sidebar, is read through its
alpha channel as that digit (μ equal to the same digit uploaded white on black).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

pytest.importorskip("playwright")

import torch  # noqa: E402
from draw_helpers import choose_draw as _choose_draw  # noqa: E402
from draw_helpers import drawing_code as _code  # noqa: E402
from draw_helpers import stroke as _stroke  # noqa: E402
from draw_helpers import strokes as _strokes  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

import vae_core  # noqa: E402
from e2e_harness import REPO, expect_rerun, open_app  # noqa: E402
from vae_core.classifier import find_classifier, judge, load_classifier  # noqa: E402
from vae_core.data.drawing import decode_drawing, image_from_drawing  # noqa: E402
from vae_core.data.galleries import load_gallery  # noqa: E402
from vae_core.data.preprocess import image_from_upload  # noqa: E402

EXCEPTION = '[data-testid="stException"]'
SIDEBAR = '[data-testid="stSidebar"]'
READOUT = ".st-key-draw_readout"
PAD = "pg_vae_pad"
VAE = REPO / "models" / "mnist-vae-2d.safetensors"  # the sidebar's default: MNIST, 2-D, β = 1
ONE = [(0.5, 0.15), (0.5, 0.35), (0.5, 0.55), (0.5, 0.75), (0.5, 0.88)]
BAR = [(0.3, 0.2), (0.75, 0.2), (0.45, 0.85)]  # with ONE: a seven over a one


@pytest.fixture(scope="module")
def app_url(streamlit_app):
    return streamlit_app("app.py")


@pytest.fixture(scope="module")
def vae():
    return vae_core.load_model(str(VAE))


def _vae_mu(model, x: torch.Tensor) -> list[float]:
    with torch.no_grad():
        return model.encode(x)[0][0].tolist()


def _pipeline_mu(page: Page) -> list[float]:
    expect(page.locator(f'[data-testid="latent-pad"][data-pad-key="{PAD}"]')).to_have_attribute("data-ready", "true")
    return page.evaluate("k => window.__latentPad.stats(k).mu", PAD)


def _readout_mu(page: Page) -> list[float]:
    text = page.locator(READOUT).inner_text()
    match = re.search(r"μ\(x\) = \(([^)]*)\)", text)
    assert match, text
    return [float(v.replace("−", "-")) for v in match.group(1).split(",")]


def test_drawing_a_stroke_changes_mu(page: Page, app_url, vae):
    open_app(page, app_url)
    gallery_mu = _pipeline_mu(page)
    _choose_draw(page)
    expect(page.get_by_text("Draw a digit on the black square")).to_be_visible()
    expect(page.locator(READOUT)).to_have_count(0)
    assert _pipeline_mu(page) == gallery_mu  # nothing drawn yet: still the gallery image

    _stroke(page, ONE)
    expect(page.locator(READOUT)).to_contain_text("1 stroke")
    expect(page.get_by_text("Draw a digit on the black square")).to_have_count(0)
    code = _code(page)
    assert len(decode_drawing(code)) == 1
    expected = _vae_mu(vae, image_from_drawing(decode_drawing(code)))
    assert _readout_mu(page) == pytest.approx(expected, abs=0.006)  # two decimals on screen
    page.wait_for_function("([k, m]) => window.__latentPad.stats(k).mu.join() !== m.join()", arg=[PAD, gallery_mu])
    assert _pipeline_mu(page) == pytest.approx(expected, abs=1e-3)  # the page follows the drawing
    assert max(abs(a - b) for a, b in zip(_pipeline_mu(page), gallery_mu, strict=True)) > 0.05

    _stroke(page, BAR)  # a second stroke: a new input, a new μ
    expect(page.locator(READOUT)).to_contain_text("2 strokes")
    second = _vae_mu(vae, image_from_drawing(decode_drawing(_code(page))))
    assert _readout_mu(page) == pytest.approx(second, abs=0.006)
    assert max(abs(a - b) for a, b in zip(second, expected, strict=True)) > 0.05
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_undo_removes_the_last_stroke_and_clear_empties_the_canvas(page: Page, app_url):
    open_app(page, app_url)
    gallery_mu = _pipeline_mu(page)
    _choose_draw(page)
    expect(page.get_by_test_id("draw-pad-undo")).to_be_disabled()
    _stroke(page, ONE)
    one_code, one_mu = _code(page), _readout_mu(page)
    _stroke(page, BAR)
    assert _strokes(page) == 2 and _code(page).startswith(one_code + ".")

    with expect_rerun(page):
        page.get_by_test_id("draw-pad-undo").click()
    assert _strokes(page) == 1 and _code(page) == one_code
    expect(page.locator(READOUT)).to_contain_text("1 stroke")
    assert _readout_mu(page) == one_mu

    with expect_rerun(page):
        page.get_by_test_id("draw-pad-clear").click()
    assert _strokes(page) == 0 and _code(page) == ""
    expect(page.get_by_test_id("draw-pad-clear")).to_be_disabled()
    expect(page.locator(READOUT)).to_have_count(0)
    expect(page.get_by_text("Draw a digit on the black square")).to_be_visible()
    page.wait_for_function("([k, m]) => window.__latentPad.stats(k).mu.join() === m.join()", arg=[PAD, gallery_mu])
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_drawing_survives_a_visit_to_the_maths_lab(page: Page, app_url):
    open_app(page, app_url)
    _choose_draw(page)
    _stroke(page, ONE)
    code, mu = _code(page), _readout_mu(page)
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Maths lab").click()
    expect(page.get_by_text("Input x: your drawing", exact=False)).to_be_visible()
    with expect_rerun(page):
        page.locator(".st-key-nav").get_by_text("Explorer").click()
    page.wait_for_function("c => window.__drawPad && window.__drawPad.code() === c", arg=code)
    assert _readout_mu(page) == mu
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _png(array: np.ndarray, mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode=mode).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(page: Page, name: str, data: bytes) -> None:
    with expect_rerun(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": name, "mimeType": "image/png", "buffer": data}]
        )
    shown = re.escape(name).replace("\\.", "\u2060?\\.")  # the name is outside text: a word joiner before "."
    expect(page.get_by_text(re.compile(f"{shown} as a 28×28 input"))).to_be_visible()


def test_a_transparent_png_is_read_as_its_digit(page: Page, app_url, vae):
    gallery = load_gallery("mnist")
    row = int(torch.nonzero(gallery.labels == 7)[3])
    ink = np.uint8(np.rint(gallery.images[row, 0].numpy() * 255))
    ink = np.asarray(Image.fromarray(ink).resize((112, 112), Image.Resampling.BILINEAR))  # a bigger picture
    white_on_black = _png(ink, "L")
    rgba = np.zeros((112, 112, 4), dtype=np.uint8)  # black everywhere; the digit is only in alpha
    rgba[..., 3] = ink
    transparent = _png(rgba, "RGBA")
    x = image_from_upload(transparent)
    assert torch.equal(x, image_from_upload(white_on_black))
    assert judge(load_classifier(find_classifier("mnist")), x).labels.tolist() == [7]
    expected = _vae_mu(vae, x)

    open_app(page, app_url)
    gallery_mu = _pipeline_mu(page)
    with expect_rerun(page):
        page.locator(SIDEBAR).get_by_text("Upload a picture", exact=True).click()
    _upload(page, "seven-transparent.png", transparent)
    expect(page.get_by_text("Could not use this upload")).to_have_count(0)
    page.wait_for_function("([k, m]) => window.__latentPad.stats(k).mu.join() !== m.join()", arg=[PAD, gallery_mu])
    transparent_mu = _pipeline_mu(page)
    assert transparent_mu == pytest.approx(expected, abs=1e-3)
    shown = page.locator('[data-testid="pipeline-x"]').get_attribute("src")

    _upload(page, "seven-white-on-black.png", white_on_black)
    assert _pipeline_mu(page) == transparent_mu
    assert page.locator('[data-testid="pipeline-x"]').get_attribute("src") == shown  # the same 28 x 28 x
    expect(page.locator(EXCEPTION)).to_have_count(0)
