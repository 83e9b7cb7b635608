"""What Back or Forward brings back of the Explorer's state (ui.links._brought_back): the parts the
address carries, the rest kept."""

from __future__ import annotations

from ui.links import _brought_back
from ui.view_state import LINKED, Choices, ExplorerView, Pipeline

MINE = Pipeline(2, (0.5, -0.5), (0.1, 0.1), (1.0, 0.0), source="models/vae.pt|gallery-7")
OTHER_KIND = Pipeline(2, (0.2, 0.2), (0.0, 0.0), (0.0, 0.0), source="models/ae.pt|gallery-7")
CURRENT = ExplorerView(
    pipelines={"vae": MINE, "ae": OTHER_KIND},
    k=10,
    posterior=True,
    choices=Choices(dataset="mnist", latent_dim=2, beta=1.0, model="vae", row=7),
)


def test_a_tour_address_keeps_the_explorers_models_input_and_pipelines():
    linked = ExplorerView(choices=Choices(presentation=True))
    back = _brought_back(CURRENT, linked, "tour")
    assert back.choices == Choices(dataset="mnist", latent_dim=2, beta=1.0, model="vae", row=7, presentation=True)
    assert (back.pipelines, back.k, back.posterior) == (CURRENT.pipelines, 10, True)


def test_a_maths_address_brings_back_the_choices_and_keeps_the_pipelines():
    linked = ExplorerView(choices=Choices(dataset="mnist", latent_dim=16, beta=1.0, model="vae", row=3))
    back = _brought_back(CURRENT, linked, "maths")
    assert back.choices == linked.choices
    assert (back.pipelines, back.k, back.posterior) == (CURRENT.pipelines, 10, True)


def test_an_explorer_address_brings_back_its_kinds_pipeline_k_and_posterior():
    theirs = Pipeline(2, (1.0, 1.0), (0.2, 0.2), (0.0, 0.0), source=LINKED)
    linked = ExplorerView(pipelines={"vae": theirs}, k=0, posterior=False, choices=Choices(dataset="mnist", row=1))
    back = _brought_back(CURRENT, linked, "explorer")
    assert back.choices == linked.choices and (back.k, back.posterior) == (0, False)
    assert back.pipelines == {"vae": theirs, "ae": OTHER_KIND}  # the other kind's stays
