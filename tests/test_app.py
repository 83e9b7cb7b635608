"""The app through Streamlit's AppTest (no browser, no JavaScript): runs, and its widgets act."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.views.below_fold import IN_VIEW_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # torch import and the first encoding of the gallery on a loaded 2-core machine


def _images(at, caption_part):
    return [
        url for img in at.get("image") for url, cap in zip(img.value, img.captions, strict=True) if caption_part in cap
    ]


def _sidebar_gallery_images(at) -> list[str]:
    """Captions of the sidebar's input images that name a gallery row ("gallery #1000: a 2")."""
    return [
        cap
        for img in at.sidebar.get("image")
        for url, cap in zip(img.value, img.captions, strict=True)
        if url and re.fullmatch(r"gallery #\d+: a .+", cap)
    ]


def _reconstruction(at) -> float:
    """The playground's -log p(x|z) in nats, from the line under the pipeline."""
    for m in at.markdown:
        found = re.search(r"-\\log p\(x\\mid z\) = ([0-9.]+)\$ nats", m.value)
        if found:
            return float(found.group(1))
    raise AssertionError("no -log p(x|z) line under the pipeline")


@pytest.fixture
def app():
    """The app as a learner who has scrolled down to sections 2-3 sees it (they are drawn while the
    learner is near them; AppTest runs no JavaScript, so the sentinel's flag is set here)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[IN_VIEW_KEY] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_app_runs_and_shows_decoded_images(app):
    assert not app.error
    captions = _sidebar_gallery_images(app)  # the input, shown in the sidebar: a gallery 2 by default
    assert len(captions) == 1 and captions[0].endswith(": a 2"), captions
    assert len(_images(app, "decoded path")) == 2  # AE and VAE strips
    grids = [c.value for c in app.caption if "x15 grid, " in c.value]  # the grids' captions (the Plotly
    assert len(grids) == 2 and any("Φ⁻¹" in c for c in grids)  # figures wait for a scroll: ui/views/below_fold.py


def test_sections_2_and_3_wait_in_placeholders_above_them_and_keep_their_settings():
    """Above sections 2-3 they are placeholders (no strips, no grids); drawn when the learner is
    near, with a value set in them kept across a scroll back up."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not _images(at, "decoded path") and not [c for c in at.caption if "x15 grid, " in c.value]
    assert {"2 · Latent space and interpolation", "3 · Latent grids"} <= {h.value for h in at.subheader}
    at.session_state[IN_VIEW_KEY] = True
    at.run()
    assert len(_images(at, "decoded path")) == 2
    at.slider(key="grid_n").set_value(9).run()
    at.session_state[IN_VIEW_KEY] = False  # scrolled back up
    at.run()
    assert not [c for c in at.caption if "x9 grid, " in c.value]
    at.session_state[IN_VIEW_KEY] = True
    at.run()
    assert not at.exception and at.slider(key="grid_n").value == 9
    assert len([c for c in at.caption if "x9 grid, " in c.value]) == 2


def test_vae_eps_slider_changes_the_reconstruction(app):
    before = _reconstruction(app)
    app.slider(key="pg_vae_sigma_0").set_value(1.0)
    app.slider(key="pg_vae_eps_0").set_value(2.5).run()
    assert not app.exception
    assert _reconstruction(app) != before
    # and back to eps = 0 gives z = mu again, whatever sigma is
    app.button(key="pg_vae_zero").click().run()
    app.slider(key="pg_vae_sigma_0").set_value(1.0).run()
    assert app.slider(key="pg_vae_eps_0").value == 0.0
    assert _reconstruction(app) == before


def test_eps_sliders_have_a_fixed_range_of_plus_minus_4(app):
    eps = app.slider(key="pg_vae_eps_0")
    assert (eps.min, eps.max) == (-4.0, 4.0)


def test_changing_input_resets_sliders_to_encoder(app):
    mu0 = app.slider(key="pg_vae_mu_0").value
    app.selectbox(key="input_digit_mnist").set_value(7).run()
    assert not app.exception
    assert app.slider(key="pg_vae_mu_0").value != mu0


def test_interpolation_endpoints_change_strips(app):
    before = _images(app, "decoded path")
    app.selectbox(key="interp_b_mnist_digit").set_value(4).run()
    assert not app.exception
    after = _images(app, "decoded path")
    assert len(after) == 2 and set(after).isdisjoint(before)


def test_missing_and_corrupt_models_give_a_clear_message(tmp_path, monkeypatch):
    (tmp_path / "broken.safetensors").write_bytes(b"\x00" * 64)
    monkeypatch.setenv("VAE_EXPLORER_MODELS_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("No usable model files" in e.value and "python -m vae_core.train" in e.value for e in at.error)
    assert any("broken.safetensors" in w.value for w in at.warning)


def test_upload_mode_without_a_file_falls_back_to_gallery(app):
    app.radio(key="input_source").set_value("Upload a picture").run()
    assert not app.exception
    # AppTest cannot drive st.file_uploader; the upload path itself is covered in
    # test_latent_images_figures (image_from_upload); here the gallery image stays the input.
    assert len(_sidebar_gallery_images(app)) == 1 and len(_images(app, "decoded path")) == 2


@pytest.mark.parametrize(
    ("dataset", "latent", "beta"),
    [("mnist", 2, 0.1), ("mnist", 2, 4.0), ("mnist", 16, None), ("fashion-mnist", 2, None)],
)
def test_every_shipped_model_can_be_chosen_and_explored(app, dataset, latent, beta):
    app.selectbox(key="model_dataset").set_value(dataset).run()
    app.radio(key=f"model_latent_{dataset}").set_value(latent).run()
    if beta is not None:
        app.select_slider(key=f"model_beta_{dataset}_{latent}").set_value(beta).run()
    assert not app.exception, [e.message for e in app.exception]
    if latent > 2:  # 48 sliders: drawn only when asked for
        assert not [s for s in app.slider if s.key.startswith("pg_vae_")]
        app.toggle(key=f"pg_vae_sliders_{latent}").set_value(True).run()
    keys = {s.key for s in app.slider}
    for what in ("mu", "sigma", "eps"):  # a slider for every latent dim, and none beyond
        assert {k for k in keys if k.startswith(f"pg_vae_{what}_")} == {f"pg_vae_{what}_{j}" for j in range(latent)}
    assert app.slider(key=f"pg_vae_sigma_{latent - 1}").value > 0  # the encoder's sigma(x) ...
    assert app.slider(key=f"pg_vae_eps_{latent - 1}").value == 0.0  # ... and z = mu(x) to start
    assert _reconstruction(app) > 0 and _images(app, "decoded path")
    grids = [c.value for c in app.caption if "x15 grid, " in c.value]  # the grids are Plotly figures with captions
    assert len(grids) == 2
    if latent > 2:
        assert any("PC1" in c for c in grids)  # the default plane is PCA
    if dataset == "fashion-mnist":
        assert app.selectbox(key="input_digit_fashion-mnist").options[9] == "Ankle boot"
