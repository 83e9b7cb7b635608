"""The guided tour: every number a step quotes is true of the shipped models, and every step
renders, reveals and navigates without an exception (AppTest, no browser).

The numbers are recomputed here from vae_core directly (not through the UI's cached helpers),
by other routes where one exists (quadrature by log_marginal_likelihood, a fresh Monte Carlo
ELBO with another seed, hand-written gradients and estimator variances), and each must appear,
formatted, in the text the step shows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from streamlit.testing.v1 import AppTest

import vae_core
from ui.keys import TOUR
from ui.pages.tour import facts as tour_facts
from ui.pages.tour.steps import STEP_COUNT, STEPS, TITLES, rare_classes, vector
from ui.pages.tour.views import VIEWS
from ui.view_state import TourView
from vae_core.classifier import HOLE, RECOGNISABLE, classifiers_dir, find_classifier, judge, load_classifier
from vae_core.data.galleries import load_gallery
from vae_core.holes import DEFAULT_STEPS, N_PAIRS, default_pair, path_holes_report, random_code_report
from vae_core.inference.bounds import elbo_terms
from vae_core.inference.codes import encode_images, latent_grid
from vae_core.maths.latent import interpolate, inverse_cdf_axis

APP = str(Path(__file__).resolve().parent / "apps" / "tour_app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def ctx():
    context = tour_facts.tour_context()
    assert context is not None, "models/ must ship the 2-D MNIST VAE (β = 1) and AE"
    return context


@pytest.fixture(scope="module")
def shipped(ctx):
    """The models, the input and the classifier, loaded afresh (not through ui.resources' caches)."""
    gallery = load_gallery("mnist")
    classifier = load_classifier(find_classifier("mnist", str(classifiers_dir())))
    return {
        "vae": vae_core.load_model(ctx.vae_path),
        "ae": vae_core.load_model(ctx.ae_path),
        "gallery": gallery,
        "classifier": classifier,
        "x": gallery.images[ctx.row : ctx.row + 1],
    }


def _text(step_key: str, ctx) -> tuple[dict, str]:
    """(facts, body + answer) of the step with this key."""
    step = next(s for s in STEPS if s.key == step_key)
    facts = step.facts(ctx)
    assert facts is not None
    return facts, step.body(facts) + "\n" + step.answer(facts)


def test_eight_to_twelve_steps_each_with_a_view():
    assert 8 <= STEP_COUNT <= 12
    assert len(TITLES) == STEP_COUNT == len({s.key for s in STEPS})
    assert {s.key for s in STEPS} == set(VIEWS)
    assert TITLES[0] == "An autoencoder" and TITLES[-1] == "Generate from the prior"


def test_the_input_is_the_first_2_of_the_gallery(ctx, shipped):
    labels = shipped["gallery"].labels
    assert ctx.row == int(torch.nonzero(labels == 2).flatten()[0])
    assert torch.equal(torch.from_numpy(ctx.x), shipped["x"])


def test_autoencoder_step_quotes_the_code_and_its_reconstruction_error(ctx, shipped):
    ae, x = shipped["ae"], shipped["x"]
    with torch.no_grad():
        code = ae.encode(x)[0]
        error = float(F.binary_cross_entropy_with_logits(ae.decode_logits(code), x, reduction="sum"))
    facts, text = _text("autoencoder", ctx)
    assert facts["code"] == pytest.approx(code[0].tolist(), abs=1e-6)
    assert vector(code[0]) in text
    assert f"{error:.1f} nats" in text
    # The hole it jumps to: the classifier's confidence there is what the answer says, below HOLE.
    with torch.no_grad():
        verdict = judge(shipped["classifier"], ae.decode(torch.tensor([facts["hole_z"]])))
    p = float(verdict.confidence[0])
    assert p < HOLE and f"p = {p:.2f}" in text and vector(facts["hole_z"]) in text


def _path_confidence(shipped, kind: str, a: int, b: int) -> list[float]:
    model, images = shipped[kind], shipped["gallery"].images
    with torch.no_grad():
        mu = model.encode(images[[a, b]])[0]
        frames = model.decode(interpolate(mu[0], mu[1], DEFAULT_STEPS))
    return judge(shipped["classifier"], frames).confidence.tolist()


def test_holes_step_quotes_the_measured_path_and_the_random_code_share(ctx, shipped):
    gallery = shipped["gallery"]
    pair = default_pair(shipped["ae"], shipped["vae"], shipped["classifier"], gallery.images, gallery.labels)
    facts, text = _text("holes", ctx)
    assert (facts["a"], facts["b"]) == (pair.a, pair.b)
    assert (int(gallery.labels[pair.a]), int(gallery.labels[pair.b])) == (2, 9)
    assert f"#{pair.a} (a 2) → #{pair.b} (a 9)" in text
    confidence = _path_confidence(shipped, "ae", pair.a, pair.b)
    holes = [i + 1 for i, c in enumerate(confidence) if c < HOLE]
    assert holes and facts["holes"] == holes
    weakest = min(confidence)
    assert f"frame {confidence.index(weakest) + 1}, gets **p = {weakest:.2f}**" in text
    codes = encode_images(shipped["ae"], gallery.images)[0]
    report = random_code_report(shipped["ae"], shipped["classifier"], codes, seed=0)
    assert f"{100 * report.recognisable:.1f} % of 1,000 random AE codes" in text


def test_latent_variable_and_elbo_steps_quote_log_px_elbo_kl_and_the_gap(ctx, shipped):
    vae, x = shipped["vae"], shipped["x"]
    log_px = float(vae_core.log_marginal_likelihood(vae, x)[0])
    facts, text = _text("lvm", ctx)
    assert facts["log_px"] == pytest.approx(log_px, abs=0.02)  # the quadrature is accurate to 0.01 nats
    assert f"{facts['log_px']:.2f} nats" in text and math.isclose(round(facts["log_px"], 2), log_px, abs_tol=0.03)
    report = random_code_report(vae, shipped["classifier"], None, seed=0)
    assert f"**{100 * report.recognisable:.1f} %**" in text

    facts, text = _text("elbo", ctx)
    with torch.no_grad():
        mu, sigma = vae.encode(x)
    kl = float(0.5 * (mu.double() ** 2 + sigma.double() ** 2 - 1 - torch.log(sigma.double() ** 2)).sum())
    fresh = elbo_terms(vae, x, 20_000, torch.Generator().manual_seed(12345))
    assert facts["kl"] == pytest.approx(kl, abs=1e-9) and f"= {kl:.2f}$ nats" in text
    assert abs(facts["elbo"] - fresh.elbo) < 4 * math.hypot(facts["elbo_se"], fresh.elbo_se)
    assert facts["elbo"] < log_px  # a lower bound
    assert f"ELBO = {facts['elbo']:.2f} ± {facts['elbo_se']:.2f} nats" in text
    assert f"log p(x) = {facts['log_px']:.2f} nats" in text
    gap = log_px - fresh.elbo
    assert facts["gap"] == pytest.approx(gap, abs=4 * math.hypot(facts["elbo_se"], fresh.elbo_se) + 0.02)
    shown = round(facts["log_px"], 2) - round(facts["elbo"], 2)  # the difference of the two numbers on the page
    assert facts["gap"] > 0 and abs(shown - facts["gap"]) <= 0.01
    assert f"{facts['log_px']:.2f} − ({facts['elbo']:.2f}) = {shown:.2f} ± {facts['elbo_se']:.2f} nats" in text


def test_q_and_reparameterization_steps_quote_mu_sigma_and_where_z_lands(ctx, shipped):
    with torch.no_grad():
        mu, sigma = shipped["vae"].encode(shipped["x"])
    mu, sigma = mu[0], sigma[0]
    _, text = _text("q", ctx)
    assert vector(mu) in text and vector(sigma) in text
    assert f"**{1 / float(sigma[0]):.1f}×**" in text and f"**{1 / float(sigma[1]):.1f}×**" in text
    facts, text = _text("reparam", ctx)
    z = mu + sigma * torch.tensor([1.0, 0.0])
    assert facts["z"] == pytest.approx(z.tolist(), abs=1e-6)
    assert f"= {vector(z)}$" in text and vector(mu) in text and vector(sigma) in text
    assert float(z[1]) == float(mu[1])  # ε₂ = 0 leaves z₂ at μ₂


def test_gradient_step_quotes_what_autograd_gives(ctx, shipped):
    vae, x = shipped["vae"], shipped["x"]
    mu, sigma = (t.detach().requires_grad_(True) for t in vae.encode(x))
    z = torch.distributions.Normal(mu, sigma).sample()
    assert not z.requires_grad  # .sample() cuts the graph: mu.grad could only stay None
    z = mu + sigma * torch.tensor([[1.0, 0.0]])
    log_px_z = -F.binary_cross_entropy_with_logits(vae.decode_logits(z), x, reduction="sum")
    log_px_z.backward()
    facts, text = _text("gradient", ctx)
    assert facts["sampled_grad_mu"] is None and "**`mu.grad` is None**" in text
    assert facts["rep_grad_mu"] == pytest.approx(mu.grad[0].tolist(), rel=1e-4, abs=1e-3)
    assert vector(facts["rep_grad_mu"]) in text


def test_monte_carlo_step_quotes_variances_true_of_the_estimators():
    # One-sample estimators of d/dmu E[(z - 1)^2], z = mu + sigma * eps, mu = 0, sigma = 1.
    eps = torch.randn(2_000_000, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    z = 0.0 + 1.0 * eps
    pathwise = 2 * (z - 1.0)
    score = (z - 1.0) ** 2 * eps / 1.0
    facts = tour_facts.mc_facts()
    text = STEPS[[s.key for s in STEPS].index("mc")].body(facts)
    assert float(pathwise.var()) == pytest.approx(facts["pathwise_var_mu"], rel=0.02)
    assert float(score.var()) == pytest.approx(facts["score_var_mu"], rel=0.03)
    assert "Var}\\,\\partial_\\mu = 4$" in text and "d^4 = 30$" in text and facts["ratio"] == 7.5


def test_inverse_cdf_step_quotes_u_and_z_true_of_the_gaussian(ctx, shipped):
    from scipy.stats import norm

    with torch.no_grad():
        mu, sigma = (float(t[0, 0]) for t in shipped["vae"].encode(shipped["x"]))
    facts, text = _text("icdf", ctx)
    u = norm.cdf(1.0)  # scipy as the oracle: the u whose Φ⁻¹ is step 7's ε₁ = 1
    assert facts["u"] == pytest.approx(u, abs=1e-12) and f"Φ(1) = {u:.4f}" in text
    z = norm.ppf(u, loc=mu, scale=sigma)
    reparam = STEPS[[s.key for s in STEPS].index("reparam")]
    assert z == pytest.approx(reparam.facts(ctx)["z"][0], abs=1e-6)  # the z₁ of step 7
    assert f"F^{{-1}}(u) = {z:.4f}$" in text and f"= {mu + sigma * 1.0:.4f}$" in text
    assert f"\\mu_1 = {mu:.3f}$" in text and f"\\sigma_1 = {sigma:.4f}$" in text
    draws = facts["draws"]
    assert len(draws) == tour_facts.ICDF_DRAWS
    standard_error = sigma / math.sqrt(len(draws))
    assert abs(facts["mean"] - mu) < 4 * standard_error  # the draws are N(μ₁, σ₁²)
    assert facts["sd"] == pytest.approx(sigma, rel=0.03)
    assert f"mean {float(draws.mean()):.3f}, standard deviation {float(draws.std()):.4f}" in text


def _shares_z(p1: float, p2: float, n: int) -> float:
    """(p1 - p2) in standard errors of two independent shares of n each, computed here, apart from
    the page's own code, as the oracle of its sentences."""
    return (p1 - p2) / math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)


def test_kl_step_compares_the_models_truthfully(ctx, shipped):
    """Step 10 quotes the holes measures of the 2-D and 16-D pairs, recomputed here from vae_core
    (random paths, random codes, classes reached), and each comparison says what the numbers
    show: a winner only beyond two standard errors, the AE's codes' source named."""
    gallery, classifier = shipped["gallery"], shipped["classifier"]
    facts, text = _text("kl", ctx)
    for kind in ("ae", "vae"):  # the pair picked to show a hole
        confidence = _path_confidence(shipped, kind, facts["a"], facts["b"])
        assert facts[f"{kind}_holes"] == sum(c < HOLE for c in confidence)
        assert f"weakest p = {min(confidence):.2f}" in text
    assert facts["ae_holes"] >= 1 and facts["vae_holes"] == 0  # what the step's question leads to
    assert "picked to show a hole" in text

    mnist = [e for e in vae_core.list_models() if e["dataset"] == "mnist"]
    entries = {(e["kind"], e["latent_dim"], e["beta"]): e["path"] for e in mnist}
    assert set(facts["measures"]) == {"2-D", "16-D"}
    for label, d in (("2-D", 2), ("16-D", 16)):
        models = {kind: vae_core.load_model(entries[(kind, d, beta)]) for kind, beta in (("ae", None), ("vae", 1.0))}
        got = {}
        for kind, model in models.items():
            codes = encode_images(model, gallery.images)[0] if kind == "ae" else None
            report = random_code_report(model, classifier, codes, seed=0)
            paths = path_holes_report(model, classifier, gallery.images, gallery.labels, N_PAIRS, 0)
            m = facts["measures"][label][kind]
            assert m["recognisable"] == report.recognisable and m["classes_reached"] == report.classes_reached
            assert m["paths_with_a_hole"] == paths.paths_with_a_hole and m["hole_frames"] == paths.hole_frames
            for cell in (
                f"{100 * report.recognisable:.1f} %",
                f"{100 * paths.paths_with_a_hole:.1f} %",
                f"{100 * paths.hole_frames:.1f} %",
                f"{report.class_entropy_bits:.2f}",
            ):
                assert f"| {cell} |" in text, (label, kind, cell)
            got[kind] = (report, paths)
        (ae_r, ae_p), (vae_r, vae_p) = got["ae"], got["vae"]
        # paths: a model "meets fewer holes" only beyond 2 standard errors of the two shares
        z = _shares_z(ae_p.paths_with_a_hole, vae_p.paths_with_a_hole, ae_p.pairs)
        if abs(z) <= 2:
            assert f"At {label} the two meet holes about as often" in text
        else:
            assert f"At {label} the **{'AE' if z < 0 else 'VAE'}** meets fewer holes" in text
        assert f"{abs(z):.1f} standard errors apart" in text
        z = _shares_z(ae_r.recognisable, vae_r.recognisable, ae_r.n)
        if abs(z) <= 2:
            assert f"At {label} about as many decode to a confident digit" in text
        else:
            assert f"At {label} the **{'AE' if z > 0 else 'VAE'}**'s decode to a confident digit more often" in text
        rare_ae = [k for k, c in enumerate(ae_r.counts) if c < 0.02 * ae_r.n]
        if label == "2-D":  # the step's chart shows the 2-D pair's counts
            assert rare_classes(facts["counts"]["ae"]) == rare_ae
        if rare_ae:
            assert f"rare among the AE's: {', '.join(str(k) for k in rare_ae)}" in text
    # why the AE's random codes can look better: they come from a Gaussian fitted to its own codes
    assert "an AE has no prior, so its come from a Gaussian fitted to the AE's" in text


def test_generate_step_quotes_the_grids_verdicts(ctx, shipped):
    classifier = shipped["classifier"]
    n = tour_facts.GRID_N
    axis = inverse_cdf_axis(n)
    grid = latent_grid(shipped["vae"], axis, axis, "inverse-cdf")
    verdict = judge(classifier, grid.images.reshape(n * n, 1, 28, 28))
    recognisable = int(verdict.recognisable.sum())
    present = {int(k) for k, ok in zip(verdict.labels, verdict.recognisable, strict=True) if ok}
    missing = [k for k in range(10) if k not in present]
    facts, text = _text("generate", ctx)
    assert facts["vae_recognisable"] == recognisable and f"**{recognisable} of {n * n}**" in text
    assert facts["vae_missing"] == missing
    assert f"VAE's grid: **{', '.join(map(str, missing)) or 'none'}**" in text
    assert facts["ae_missing"], "the AE's grid misses digits (what the step's question leads to)"
    assert RECOGNISABLE == 0.9


# --- the page, through AppTest -----------------------------------------------------------------


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _progress_text(at) -> str:
    return at.get("progress")[0].proto.text


def test_every_step_renders_and_reveals_without_an_exception(app, ctx):
    for k, step in enumerate(STEPS):
        app.session_state[TOUR] = TourView(step=k)
        app.run()
        assert not app.exception, (step.key, [e.message for e in app.exception])
        assert _progress_text(app) == f"Step {k + 1} of {STEP_COUNT}: {step.title}"
        facts = step.facts(ctx)
        assert any(m.value == step.body(facts) for m in app.markdown), step.key
        assert not app.success  # the answer waits for the learner's prediction
        app.button(key=f"tour_reveal_{step.key}").click().run()
        assert not app.exception, (step.key, [e.message for e in app.exception])
        assert [s.value for s in app.success] == [step.answer(facts)]


def test_a_step_is_started_afresh_on_entry(app):
    app.session_state[TOUR] = TourView(step=4)  # (the app is shared by the module: step 6 may be revealed already)
    app.run()
    app.button(key="tour_next").click().run()  # so enter step 6 the learner's way
    app.button(key="tour_reveal_gradient").click().run()
    assert app.success
    app.button(key="tour_next").click().run()
    app.button(key="tour_back").click().run()
    assert not app.success  # back on step 6: the question is open again


@pytest.mark.parametrize(("value", "expected"), [(99, STEP_COUNT - 1), (-3, 0), ("two", 0), (None, 0)])
def test_tour_step_out_of_range_is_clamped(app, value, expected):
    app.session_state[TOUR] = TourView(step=value)
    app.run()
    assert not app.exception
    assert app.session_state[TOUR].step == expected
    assert _progress_text(app).startswith(f"Step {expected + 1} of {STEP_COUNT}:")


def test_the_step_picker_jumps(app):
    app.session_state[TOUR] = TourView(step=0)
    app.run()
    app.selectbox(key="tour_jump").set_value(6).run()
    assert app.session_state[TOUR].step == 6
    assert _progress_text(app) == f"Step 7 of {STEP_COUNT}: {TITLES[6]}"
