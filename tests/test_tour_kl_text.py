"""Tour step 10's text is written from its numbers: swap the numbers and the sentences follow.

Synthetic facts (no models): each comparison names a winner only beyond two standard errors,
the table shows every number, and the closing tally agrees with the sentences. The shipped
models' own numbers are checked against vae_core in tests/test_tour.py.
"""

from __future__ import annotations

import pytest

from ui.pages.tour import texts


def _model(paths: float, recognisable: float, reached: int = 10, rare=(), frames: float = 0.02) -> dict:
    return {
        "paths_with_a_hole": paths,
        "hole_frames": frames,
        "recognisable": recognisable,
        "entropy": 3.1,
        "classes_reached": reached,
        "rare": list(rare),
        "counts": [100] * 10,
        "n": 1000,
        "pairs": 200,
        "source": "a Gaussian fitted to the AE's 5,000 gallery codes (their mean and covariance)",
    }


def _facts(measures: dict) -> dict:
    return {
        "a": 1001,
        "b": 4520,
        "ae_holes": 1,
        "vae_holes": 0,
        "ae_weakest_p": 0.32,
        "vae_weakest_p": 0.66,
        "measures": measures,
        "counts": {"ae": [100] * 10, "vae": [100] * 10},
        "n": 1000,
    }


def test_a_winner_is_named_only_beyond_two_standard_errors():
    assert texts.compare(0.12, 0.315, 200)[0] == "VAE"  # the VAE's share is larger, 4.9 SE
    assert texts.compare(0.145, 0.095, 200)[0] is None  # 1.5 SE: within the noise
    assert texts.compare(0.845, 0.709, 1000)[0] == "AE"
    larger, z = texts.compare(0.5, 0.5, 1000)
    assert larger is None and z == 0.0


def test_the_sentences_follow_the_numbers_not_the_lesson():
    facts = _facts(
        {
            "2-D": {"ae": _model(0.12, 0.845, 6, (4, 6, 7, 9)), "vae": _model(0.315, 0.709)},
            "16-D": {"ae": _model(0.145, 0.493), "vae": _model(0.095, 0.622)},
        }
    )
    body = texts.kl_body(facts)
    assert "| 2-D AE | 2-D VAE | 16-D AE | 16-D VAE |" in body
    assert "| 12.0 % | 31.5 % | 14.5 % | 9.5 % |" in body and "| 84.5 % | 70.9 % | 49.3 % | 62.2 % |" in body
    assert "| 6 | 10 | 10 | 10 |" in body
    assert "At 2-D the **AE** meets fewer holes (12.0 % of the AE's paths against 31.5 % of the VAE's" in body
    assert "At 16-D the two meet holes about as often" in body
    assert "At 2-D the **AE**'s decode to a confident digit more often" in body
    assert "rare among the AE's: 4, 6, 7, 9" in body
    assert "At 16-D the **VAE**'s decode to a confident digit more often" in body
    assert "an AE has no prior, so its come from a Gaussian fitted to the AE's 5,000 gallery codes" in body
    assert "the **AE** does better on 2-D paths, 2-D confident codes;" in body
    assert "the **VAE** does better on 2-D classes reached, 16-D confident codes;" in body
    assert "neither on 16-D paths, 16-D classes reached" in body
    answer = texts.kl_answer(facts)
    assert "picked to show a hole" in answer and "12.0 % of the 2-D AE's and 31.5 % of the 2-D VAE's" in answer

    swapped = _facts({"2-D": {"ae": _model(0.315, 0.709), "vae": _model(0.12, 0.845, 6, (1,))}})
    body = texts.kl_body(swapped)
    assert "At 2-D the **VAE** meets fewer holes" in body and "16-D" not in body
    assert "At 2-D the **VAE**'s decode to a confident digit more often" in body
    assert "the **VAE** does better on 2-D paths, 2-D confident codes" in body
    assert "the **AE** does better on 2-D classes reached" in body


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_shares_at_the_ends_do_not_divide_by_zero(share):
    larger, z = texts.compare(share, share, 200)
    assert larger is None and z == 0.0
