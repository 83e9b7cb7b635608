"""Drawn digits (vae_core.data.drawing): the compact text form, its limits, and the image the
models see (the uploads' MNIST framing, recognised by the shipped classifier)."""

from __future__ import annotations

import io
import math

import pytest
import torch
from PIL import Image

from vae_core.classifier import find_classifier, judge, load_classifier
from vae_core.data.drawing import (
    LEVELS,
    MAX_CHARS,
    MAX_POINTS,
    MAX_STROKES,
    decode_drawing,
    encode_drawing,
    image_from_drawing,
    quantise,
    rasterise,
)
from vae_core.data.preprocess import image_from_upload


def _circle(cx, cy, rx, ry, n=48, start=0.0, turn=1.0):
    return [
        (cx + rx * math.sin(start + 2 * math.pi * turn * i / n), cy - ry * math.cos(start + 2 * math.pi * turn * i / n))
        for i in range(n + 1)
    ]


ONE = [[(0.5, 0.15 + 0.7 * i / 40) for i in range(41)]]
ZERO = [_circle(0.5, 0.5, 0.25, 0.35)]
SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]]
FOUR = [[(0.6, 0.15), (0.25, 0.6), (0.8, 0.6)], [(0.6, 0.15), (0.6, 0.9)]]
EIGHT = [_circle(0.5, 0.3, 0.17, 0.15, start=math.pi), _circle(0.5, 0.68, 0.22, 0.2, start=0.0)]
DIGITS = {0: ZERO, 1: ONE, 4: FOUR, 7: SEVEN, 8: EIGHT}


def test_round_trip_is_exact_on_quantised_points():
    for strokes in DIGITS.values():
        code = encode_drawing(strokes)
        assert decode_drawing(code) == quantise(strokes)
        assert encode_drawing(decode_drawing(code)) == code
        assert quantise(quantise(strokes)) == quantise(strokes)
        # every coordinate moved by at most half a step
        for stroke, back in zip(strokes, decode_drawing(code), strict=True):
            assert {(round(x * (LEVELS - 1)), round(y * (LEVELS - 1))) for x, y in stroke} == {
                (round(x * (LEVELS - 1)), round(y * (LEVELS - 1))) for x, y in back
            }
    assert encode_drawing([]) == "" and decode_drawing("") == []


def test_text_is_compact_and_url_safe():
    code = encode_drawing(EIGHT + FOUR)  # four strokes
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert len(code) == 2 * sum(len(s) for s in quantise(EIGHT + FOUR)) + 3
    assert len(code) < 400
    # the corners: value 0 is "A", value 63 is "_", and a single point is a stroke (a dot)
    assert encode_drawing([[(0.0, 1.0)], [(1.0, 0.0)]]) == "A_._A"
    # a pen that did not move to a new step adds nothing
    assert encode_drawing([[(0.5, 0.5), (0.501, 0.502), (0.5, 0.5)]]) == encode_drawing([[(0.5, 0.5)]])


@pytest.mark.parametrize(
    "text, problem",
    [
        ("A" * (MAX_CHARS + 1), "limit"),
        ("AB+C", "outside base64url"),
        ("AB=", "outside base64url"),
        ("ABC", "odd number"),
        ("AB..CD", "stroke 1 of the drawing is empty"),
        (".AB", "stroke 0 of the drawing is empty"),
        ("AB.", "stroke 1 of the drawing is empty"),
        ("ABAB", "repeats a point"),
        (".".join(["AB"] * (MAX_STROKES + 1)), "strokes; the limit"),
        ("AB CD", "outside base64url"),
    ],
)
def test_malformed_text_is_refused_with_the_problem_named(text, problem):
    with pytest.raises(ValueError, match=problem):
        decode_drawing(text)


@pytest.mark.parametrize("value", [None, b"AB", 12, ["AB"]])
def test_decode_wants_text(value):
    with pytest.raises(ValueError, match="must be text"):
        decode_drawing(value)


@pytest.mark.parametrize(
    "strokes, problem",
    [
        ([[(0.5, 1.2)]], "outside"),
        ([[(-0.1, 0.5)]], "outside"),
        ([[(float("nan"), 0.5)]], "outside"),
        ([[("a", 0.5)]], "not a number"),
        ([[]], "stroke 0 must be a non-empty"),
        ([[(0.1, 0.1)], []], "stroke 1 must be a non-empty"),
        ([[(0.1, 0.2, 0.3)]], "expected"),
        ("AB", "must be a list"),
        (None, "must be a list"),
        ([[(0.1, 0.1)]] * (MAX_STROKES + 1), "limit"),
        ([[(i % LEVELS / (LEVELS - 1), i // LEVELS / (LEVELS - 1)) for i in range(MAX_POINTS + 1)]], "more than"),
    ],
)
def test_bad_strokes_are_refused(strokes, problem):
    with pytest.raises(ValueError, match=problem):
        encode_drawing(strokes)


def test_the_limits_fit_the_text_limit():
    strokes = [[(i % LEVELS / (LEVELS - 1), (i // LEVELS) / (LEVELS - 1)) for i in range(MAX_POINTS)]]
    code = encode_drawing(strokes)
    assert len(code) == 2 * MAX_POINTS <= MAX_CHARS
    assert decode_drawing(code) == quantise(strokes)


def test_an_empty_drawing_has_no_image():
    with pytest.raises(ValueError, match="empty"):
        image_from_drawing([])


def test_a_vertical_line_is_a_centred_vertical_bar():
    x = image_from_drawing(ONE)
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    ink = x[0, 0] > 0.5
    rows = torch.nonzero(ink.any(1)).flatten()
    cols = torch.nonzero(ink.any(0)).flatten()
    assert (int(rows.min()), int(rows.max())) == (4, 23)  # 20 rows, centred in 28
    assert 1 <= len(cols) <= 4 and abs(float(cols.float().mean()) - 13.5) <= 1.0  # thin, in the middle
    mass = x[0, 0].sum(0)
    assert abs(float((mass * torch.arange(28)).sum() / mass.sum()) - 13.5) < 0.5  # centred left-right


def test_the_drawing_gets_the_uploads_framing():
    """A PNG of the rasterised strokes, uploaded, gives exactly the drawing's image."""
    for strokes in DIGITS.values():
        buffer = io.BytesIO()
        Image.fromarray(rasterise(strokes)).save(buffer, format="PNG")
        assert torch.equal(image_from_upload(buffer.getvalue()), image_from_drawing(strokes))


def test_drawings_are_deterministic():
    assert torch.equal(image_from_drawing(EIGHT), image_from_drawing(EIGHT))
    assert encode_drawing(EIGHT) == encode_drawing([list(s) for s in EIGHT])
    assert torch.equal(image_from_drawing(EIGHT), image_from_drawing(decode_drawing(encode_drawing(EIGHT))))


def test_drawn_digits_are_recognised_by_the_shipped_classifier():
    classifier = load_classifier(find_classifier("mnist"))
    images = torch.cat([image_from_drawing(s) for s in DIGITS.values()])
    verdict = judge(classifier, images)
    assert verdict.labels.tolist() == list(DIGITS)
    assert float(verdict.confidence.min()) > 0.9
