"""The pipeline pad's verdict payload (ui/components/latent_pad/payloads.py): what the classifier
says decoder(z) shows, checked before it reaches the browser's spoken description."""

from __future__ import annotations

import math

import pytest

from ui.components.latent_pad.payloads import verdict_payload


def test_a_verdict_passes_as_plain_numbers_and_a_name():
    out = verdict_payload({"z": [0.5, -1.25], "label": "2", "confidence": 0.93}, 2)
    assert out == {"z": [0.5, -1.25], "label": "2", "confidence": 0.93}
    assert verdict_payload(None, 2) is None


@pytest.mark.parametrize(
    "verdict",
    [
        {"z": [0.5], "label": "2", "confidence": 0.9},  # one number for a 2-D latent
        {"z": [0.5, math.nan], "label": "2", "confidence": 0.9},
        {"z": [0.5, 0.1], "label": "", "confidence": 0.9},
        {"z": [0.5, 0.1], "label": "2", "confidence": 1.5},
        {"z": [0.5, 0.1], "label": "2", "confidence": math.nan},
    ],
)
def test_a_malformed_verdict_is_refused(verdict):
    with pytest.raises(ValueError):
        verdict_payload(verdict, 2)
