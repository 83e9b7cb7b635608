"""The link's query string (ui/link_codec.py): written and read back, and bad text refused by name."""

import pytest

from ui.link_codec import MAX_DRAWING_CHARS, Link, link_params, parse_link


def test_a_link_round_trips_through_its_query_parameters():
    link = Link(
        page="explorer",
        dataset="fashion-mnist",
        latent=2,
        beta=0.5,
        model="vae",
        input=1234,
        mu=(0.412, -1.03),
        sigma=(0.0612, 0.058),
        eps=(1.0, -0.25),
        zoom=(0.41, -1.03, 0.2),
        step=3,
    )
    params = link_params(link)
    assert params["mu"] == "0.412,-1.03" and params["zoom"] == "0.41,-1.03,0.2" and params["beta"] == "0.5"
    back, problems = parse_link(params)
    assert problems == [] and back == link


def test_a_drawn_input_carries_its_drawing_or_an_empty_canvas():
    back, problems = parse_link({"input": "drawn", "drawing": "AbC-_9"})
    assert problems == [] and back.input == "drawn" and back.drawing == "AbC-_9"
    back, problems = parse_link({"input": "drawn"})  # "Draw" chosen, nothing drawn yet
    assert problems == [] and back.input == "drawn" and back.drawing is None


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"mu": "one,two"}, "mu must be numbers"),
        ({"sigma": "0.1,-0.2"}, "sigma must be ≥ 0"),
        ({"eps": "nan,0"}, "eps must be finite"),
        ({"zoom": "0,0,-1"}, "zoom's half-width must be positive"),
        ({"zoom": "0,0"}, "zoom must be 3 numbers"),
        ({"model": "gan"}, "model must be 'vae' or 'ae'"),
        ({"page": "admin"}, "page must be one of"),
        ({"input": "-3"}, "input must be a gallery row"),
        ({"step": "9999999"}, "step must be a whole number"),
        ({"beta": "0"}, "beta must be positive"),
        ({"dataset": "../etc"}, "is not a dataset name"),
        ({"drawing": "<script>"}, "drawing: stroke 0 of the drawing has a character '<'"),
        ({"input": "²"}, "input must be a gallery row"),
        ({"latent": "١٢"}, "latent must be a whole number"),
        ({"mu": "1," * 600 + "1"}, "mu is 1,201 characters long"),
        ({"mu": "1e5,0"}, "mu must lie within ±10000"),
        ({"mu": ",".join(["0"] * 65)}, "at most 64"),
        ({"drawing": "a" * (MAX_DRAWING_CHARS + 1)}, f"drawing is {MAX_DRAWING_CHARS + 1:,} characters long"),
    ],
)
def test_a_bad_parameter_is_dropped_with_a_message_naming_it(params, named):
    link, problems = parse_link(params)
    assert link == Link() and len(problems) == 1 and named in problems[0]


def test_unknown_parameters_are_ignored_and_good_ones_kept_beside_bad_ones():
    link, problems = parse_link({"utm_source": "x", "mu": "0.5,1", "sigma": "oops"})
    assert link == Link(mu=(0.5, 1.0)) and len(problems) == 1 and "sigma" in problems[0]


@pytest.mark.parametrize("points", [2001, 2016, 2031])
def test_a_drawing_over_the_rasterisers_point_limit_is_refused_by_the_link(points):
    """2,001-2,031 points fitted the old 4,063-character check but not the rasteriser's 2,000
    points, and the session broke on every later run."""
    from vae_core.data.drawing import MAX_POINTS, rasterise

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    half = points // 2  # two strokes; no point repeats the one before it
    text = ".".join("".join(alphabet[i % 64] + alphabet[(i * 7) % 64] for i in range(n)) for n in (half, points - half))
    assert len(text) <= MAX_DRAWING_CHARS  # the length check alone let it through
    link, problems = parse_link({"input": "drawn", "drawing": text})
    assert link.drawing is None and any(f"{points:,} points; the limit is {MAX_POINTS:,}" in p for p in problems)
    with pytest.raises(ValueError, match="more than"):
        rasterise([[(float(i % 2), float(i % 2)) for i in range(points)]])


# --- properties: every valid view survives its link exactly; any query string gives a valid view ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ui.components.latent_pad.payloads import CLOUD_SIZES  # noqa: E402
from ui.link_codec import DECIMALS, MAX_ABS, MAX_LATENT, MODELS, PAGES  # noqa: E402
from vae_core.data.drawing import encode_drawing  # noqa: E402


def _vector(name: str, size: int, low: float = -MAX_ABS):
    places = DECIMALS[name]
    steps = st.integers(round(low * 10**places), round(MAX_ABS * 10**places))
    return st.lists(steps.map(lambda n: round(n / 10**places, places) + 0.0), min_size=size, max_size=size).map(tuple)


STROKES = st.lists(
    st.lists(st.tuples(st.integers(0, 63), st.integers(0, 63)).map(lambda p: (p[0] / 63, p[1] / 63)), min_size=1),
    min_size=1,
    max_size=4,
)


@st.composite
def links(draw) -> Link:
    """Every Link a view can be: each field absent or on the grid the codec stores it at."""
    d = draw(st.integers(1, MAX_LATENT))
    maybe = lambda strategy: st.none() | strategy  # noqa: E731
    source = draw(st.sampled_from(["row", "drawn", "upload", None]))
    drawing = encode_drawing(draw(STROKES)) if source == "drawn" else None
    return Link(
        page=draw(maybe(st.sampled_from(PAGES))),
        dataset=draw(maybe(st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True))),
        latent=draw(maybe(st.integers(0, 999_999))),
        beta=draw(maybe(st.floats(1e-6, MAX_ABS, allow_nan=False))),
        model=draw(maybe(st.sampled_from(MODELS))),
        input={"row": draw(st.integers(0, 999_999)), "drawn": "drawn", "upload": "upload", None: None}[source],
        drawing=drawing,
        mu=draw(maybe(_vector("mu", d))),
        sigma=draw(maybe(_vector("sigma", d, low=0.0))),
        eps=draw(maybe(_vector("eps", d))),
        zoom=draw(maybe(_vector("zoom", 3).filter(lambda z: z[2] > 0))),
        step=draw(maybe(st.integers(0, 999_999))),
        k=draw(maybe(st.sampled_from(CLOUD_SIZES))),
        posterior=draw(maybe(st.booleans())),
        revealed=draw(maybe(st.booleans())),
    )


@pytest.mark.slow  # 300 examples: about 2 s
@settings(max_examples=300, deadline=None)
@given(links())
def test_every_view_reads_back_from_its_link_exactly(link):
    assert parse_link(link_params(link)) == (link, [])


NAMES = st.sampled_from(["page", "dataset", "latent", "beta", "model", "input", "drawing", "mu", "sigma", "eps"])
NAMES |= st.sampled_from(["zoom", "step", "k", "posterior", "revealed", "utm_source"])
VALUES = st.text(max_size=40) | st.lists(st.floats() | st.integers(), max_size=5).map(lambda v: ",".join(map(str, v)))


@pytest.mark.slow  # 300 examples: about 2 s
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=8))
def test_any_query_string_gives_a_valid_view_and_names_what_it_ignored(params):
    link, problems = parse_link(params)
    assert parse_link(link_params(link)) == (link, [])  # what was kept is a valid view
    kept = set(link_params(link))
    for name in set(params) - kept - {"utm_source"}:
        assert any(name in p for p in problems), (name, problems)  # each dropped parameter is named
    assert len(problems) <= len(params)
