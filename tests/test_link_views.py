"""The link codec on the views' state objects (ui.link_codec.write_link / read_link): every state a
link carries reads back exactly, links made before the state objects still open, and any query
string gives valid state objects plus messages naming what was ignored."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.components.latent_pad.payloads import CLOUD_SIZES
from ui.link_codec import DECIMALS, MAX_ABS, MAX_LATENT, MODELS, read_link, write_link
from ui.view_state import LINKED, SOURCES, Choices, ExplorerView, Pipeline, TourPad, TourView
from vae_core.data.drawing import encode_drawing

KEYS = tuple(f"step{i}" for i in range(11))


def _numbers(name: str, size: int, low: float = -MAX_ABS):
    places = DECIMALS[name]
    steps = st.integers(round(low * 10**places), round(MAX_ABS * 10**places))
    return st.lists(steps.map(lambda n: round(n / 10**places, places) + 0.0), min_size=size, max_size=size)


DRAWINGS = st.lists(
    st.lists(st.tuples(st.integers(0, 63), st.integers(0, 63)).map(lambda p: (p[0] / 63, p[1] / 63)), min_size=1),
    min_size=1,
    max_size=3,
).map(encode_drawing)


@st.composite
def pipelines(draw, source: str = LINKED) -> Pipeline:
    d = draw(st.integers(1, MAX_LATENT))
    window = draw(st.none() | _numbers("zoom", 3).filter(lambda z: z[2] > 0).map(tuple))
    vectors = [
        tuple(draw(_numbers("mu", d))),
        tuple(draw(_numbers("sigma", d, low=0.0))),
        tuple(draw(_numbers("eps", d))),
    ]
    said = draw(st.lists(st.booleans(), min_size=3, max_size=3).filter(any))  # a link may leave a vector out
    return Pipeline(
        d, *(v if keep else () for v, keep in zip(vectors, said, strict=True)), window=window, source=source
    )


@st.composite
def explorer_views(draw) -> ExplorerView:
    """Every Explorer state a link carries: what ExplorerView.shared() keeps."""
    source = draw(st.sampled_from(SOURCES))
    choices = Choices(
        dataset=draw(st.none() | st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True)),
        latent_dim=draw(st.none() | st.integers(0, 999_999)),
        beta=draw(st.none() | st.floats(1e-6, MAX_ABS)),
        model=draw(st.none() | st.sampled_from(MODELS)),
        source=source,
        row=draw(st.none() | st.integers(0, 999_999)) if source == SOURCES[0] else None,
        drawing=draw(st.just("") | DRAWINGS) if source == SOURCES[2] else "",
        presentation=draw(st.booleans()),
    )
    view = ExplorerView(k=draw(st.sampled_from(CLOUD_SIZES)), posterior=draw(st.booleans()), choices=choices)
    if source != SOURCES[1] and draw(st.booleans()):
        view = view.with_pipeline(choices.model or "vae", draw(pipelines()))
    return view


@pytest.mark.slow  # 300 examples: about 2 s
@settings(max_examples=300, deadline=None)
@given(explorer_views())
def test_every_explorer_state_reads_back_from_its_link_exactly(view):
    assert view.shared() == view
    assert read_link(write_link("explorer", view), KEYS) == ("explorer", view, None, [])


@st.composite
def tour_views(draw) -> TourView:
    step = draw(st.integers(0, len(KEYS) - 1))
    view = TourView(step=step, revealed={KEYS[step]} if draw(st.booleans()) else set())
    if draw(st.booleans()):
        pad = TourPad(
            draw(_numbers("mu", 2)), draw(_numbers("sigma", 2, low=0.0)), draw(_numbers("eps", 2)), linked=True
        )
        view.pads[KEYS[step]] = pad
    return view


@settings(max_examples=100, deadline=None)
@given(tour_views(), st.booleans())
def test_every_tour_state_reads_back_from_its_link_exactly(view, presenting):
    explorer = ExplorerView(choices=Choices(presentation=presenting))  # presentation mode: on every page
    params = write_link("tour", explorer, tour=view, step_keys=KEYS)
    assert read_link(params, KEYS) == ("tour", explorer, view, [])


def test_a_live_view_travels_as_its_shared_part():
    """The cloud of draws, where μ and σ were fitted from and the other kind's pipeline stay behind;
    an uploaded picture cannot travel, and neither can its μ, σ and ε."""
    live = replace(
        Pipeline(2, (0.5, -1.0), (0.05, 0.06), (1.0, 0.0), cloud=((0.1, 0.2),), source="m.safetensors|x", refits=3),
        window=(0.5, -1.0, 0.2),
    )
    view = ExplorerView(k=1, choices=Choices(dataset="mnist", model="vae", row=7)).with_pipeline("vae", live)
    view = view.with_pipeline("ae", Pipeline(16, (0.0,) * 16, (0.0,) * 16, (0.0,) * 16))
    _, back, _, problems = read_link(write_link("explorer", view), KEYS)
    assert problems == [] and back == view.shared()
    assert back.pipelines == {
        "vae": Pipeline(2, (0.5, -1.0), (0.05, 0.06), (1.0, 0.0), window=(0.5, -1.0, 0.2), source=LINKED)
    }
    upload = view.choose(source=SOURCES[1])
    params = write_link("explorer", upload)
    assert params["input"] == "upload" and not {"mu", "sigma", "eps", "zoom"} & set(params)
    assert read_link(params, KEYS)[1].choices.source == SOURCES[1]


def test_the_maths_lab_link_carries_the_choices_and_the_train_link_only_its_page():
    view = ExplorerView(k=50, choices=Choices(dataset="mnist", latent_dim=2, beta=1.0, model="vae", row=3))
    view = view.with_pipeline("vae", Pipeline(2, (0.0, 0.0), (1.0, 1.0), (0.0, 0.0)))
    assert write_link("maths", view) == {
        "page": "maths",
        "dataset": "mnist",
        "latent": "2",
        "beta": "1",
        "model": "vae",
        "input": "3",
    }
    assert write_link("train", view) == {"page": "train"}


OLD_LINKS = [  # written by the app before the state objects: they still open the same view
    (
        "page=explorer&dataset=mnist&latent=2&beta=1&model=vae&input=1234&mu=0.412,-1.03&sigma=0.061,0.058"
        "&eps=1,0&zoom=0.41,-1.03,0.2&k=50&posterior=1",
        ExplorerView(
            {"vae": Pipeline(2, (0.412, -1.03), (0.061, 0.058), (1.0, 0.0), window=(0.41, -1.03, 0.2), source=LINKED)},
            k=50,
            posterior=True,
            choices=Choices("mnist", 2, 1.0, "vae", SOURCES[0], 1234),
        ),
        None,
    ),
    (  # the plain AE's link said only μ
        "page=explorer&dataset=mnist&latent=2&beta=1&model=ae&input=5&mu=-12.5,40",
        ExplorerView(
            {"ae": Pipeline(2, (-12.5, 40.0), (), (), source=LINKED)}, choices=Choices("mnist", 2, 1.0, "ae", row=5)
        ),
        None,
    ),
    (
        "page=explorer&dataset=mnist&latent=2&beta=1&input=drawn&drawing=AbC-_9",
        ExplorerView(choices=Choices("mnist", 2, 1.0, None, SOURCES[2], None, "AbC-_9")),
        None,
    ),
    (
        "page=tour&step=7&eps=1.24,0.62&revealed=1",
        ExplorerView(),
        TourView(6, {KEYS[6]}, {KEYS[6]: TourPad([], [], [1.24, 0.62], linked=True)}),
    ),
    (
        "page=tour&step=2&mu=3.5,-2&model=ae",
        ExplorerView(),
        TourView(1, set(), {KEYS[1]: TourPad([3.5, -2.0], [], [], linked=True)}),
    ),
]


@pytest.mark.parametrize(("query", "explorer", "tour"), OLD_LINKS)
def test_links_made_before_the_state_objects_still_open(query, explorer, tour):
    params = dict(part.split("=", 1) for part in query.split("&"))
    page, view, tour_view, problems = read_link(params, KEYS)
    assert problems == [] and page == params["page"] and view == explorer and tour_view == tour


def test_a_link_may_leave_a_vector_out_but_not_give_two_lengths():
    _, view, _, problems = read_link({"mu": "0.5,1", "eps": "0,0"}, KEYS)  # σ: the encoder's
    assert problems == [] and view.pipelines["vae"] == Pipeline(2, (0.5, 1.0), (), (0.0, 0.0), source=LINKED)
    _, view, _, problems = read_link({"mu": "0.5,1", "eps": "0,0,0"}, KEYS)
    assert view.pipelines == {} and problems == ["mu, eps: these must have as many numbers each (the latent size)"]
    _, _, tour, problems = read_link({"page": "tour", "step": "12"}, KEYS)
    assert tour == TourView() and problems == ["step=12: the tour has steps 1 to 11"]


NAMES = st.sampled_from(["page", "dataset", "latent", "beta", "model", "input", "drawing", "mu", "sigma", "eps"])
NAMES |= st.sampled_from(["zoom", "step", "k", "posterior", "revealed", "present", "utm_source"])
VALUES = st.text(max_size=40) | st.lists(st.floats() | st.integers(), max_size=5).map(lambda v: ",".join(map(str, v)))


@pytest.mark.slow  # 300 examples: about 2 s
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=8))
def test_any_query_string_gives_valid_state_objects(params):
    page, view, tour, problems = read_link(params, KEYS)
    assert isinstance(view, ExplorerView) and (tour is None or 0 <= tour.step < len(KEYS))
    for kind, pipeline in view.pipelines.items():
        assert kind in MODELS and pipeline.source == LINKED
        assert all(len(v) in (0, pipeline.latent_dim) for v in (pipeline.mu, pipeline.sigma, pipeline.eps))
    page = page or ("explorer" if tour is None else "tour")
    again = read_link(write_link(page, view, tour, KEYS), KEYS)  # what was kept is a valid state
    assert again[1] == view.shared() and again[2] == tour
    assert len(problems) <= len(params) + 1
