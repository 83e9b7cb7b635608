"""The class palette (vae_core.constants.DIGIT_COLOURS) is safe for colour-blind readers.

Colour vision deficiency is simulated with colorspacious (Machado, Oliveira and Fernandes 2009,
"sRGB1+CVD" at severity 100: protanopia, deuteranopia, tritanopia); colour differences are
CIEDE2000 (Sharma, Wu and Dalal 2005), written out below and checked against that paper's
published test pairs. Every two class colours must differ by ΔE00 >= 8 under each simulation and
in normal vision, and each must stand out from the charts' white and the dark theme's background.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

colorspacious = pytest.importorskip("colorspacious")

from vae_core.constants import DIGIT_COLOURS, DIGIT_SYMBOLS  # noqa: E402
from vae_core.viz.figures import latent_scatter  # noqa: E402
from vae_core.viz.latent_space_figures import path_scatter  # noqa: E402

MIN_DELTA_E = 8.0
VISIONS = (None, "protanomaly", "deuteranomaly", "tritanomaly")
"""Normal vision, then colorspacious' names for the three deficiencies (at severity 100: the
full dichromacies protanopia, deuteranopia and tritanopia)."""
MIN_CONTRAST = 2.0
BACKGROUNDS = {"white (charts)": "#ffffff", "Streamlit's dark theme": "#171614"}


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference ΔE00 of CIELAB colours float (..., 3) -> float (...).

    Sharma, Wu and Dalal (2005), "The CIEDE2000 Color-Difference Formula: Implementation Notes,
    Supplementary Test Data, and Mathematical Observations", Color Res. Appl. 30(1), eqs. (1)-(22),
    with kL = kC = kH = 1; hue angles in degrees.
    """
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2  # (2)-(3)
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))  # (4)
    a1p, a2p = (1 + g) * a1, (1 + g) * a2  # (5)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)  # (6)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)  # (7)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    d_l, d_c = L2 - L1, c2p - c1p  # (8), (9)
    dh = h2p - h1p  # (10)
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)  # (11)
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2  # (12), (13)
    h_sum = h1p + h2p  # (14)
    h_bar = np.where(
        c1p * c2p == 0,
        h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )  # (15)
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))  # (16)
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))  # (17)
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)  # (18)
    s_c = 1 + 0.045 * cp_bar  # (19)
    s_h = 1 + 0.015 * cp_bar * t  # (20)
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c  # (21)
    return np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))  # (22)


# Sharma et al. (2005), Table 1: the 34 test pairs (L*, a*, b* of each colour) and their ΔE00.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def _srgb(colours) -> np.ndarray:
    """'#rrggbb' strings -> float (N, 3) sRGB in [0, 1]."""
    return np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colours])


def _lab(colours, cvd: str | None) -> np.ndarray:
    """CIELAB (D65) of the colours as seen with the deficiency `cvd` (None: normal vision)."""
    rgb = _srgb(colours)
    if cvd is not None:
        cvd_space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, cvd_space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CIELab")


def _luminance(colours) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours."""
    rgb = _srgb(colours)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def test_ciede2000_reproduces_sharmas_published_test_pairs():
    lab1 = np.array([p[0] for p in SHARMA_PAIRS])
    lab2 = np.array([p[1] for p in SHARMA_PAIRS])
    published = np.array([p[2] for p in SHARMA_PAIRS])
    np.testing.assert_allclose(ciede2000(lab1, lab2), published, atol=5e-5)
    np.testing.assert_allclose(ciede2000(lab2, lab1), published, atol=5e-5)  # symmetric


@pytest.mark.parametrize("cvd", VISIONS, ids=["normal", "protanopia", "deuteranopia", "tritanopia"])
def test_every_two_class_colours_differ_by_at_least_8_delta_e00(cvd):
    lab = _lab(DIGIT_COLOURS, cvd)
    pairs = list(itertools.combinations(range(len(DIGIT_COLOURS)), 2))
    differences = ciede2000(lab[[i for i, _ in pairs]], lab[[j for _, j in pairs]])
    worst = int(np.argmin(differences))
    assert differences[worst] >= MIN_DELTA_E, (
        f"classes {pairs[worst]} ({DIGIT_COLOURS[pairs[worst][0]]}, {DIGIT_COLOURS[pairs[worst][1]]}) differ by "
        f"ΔE00 = {differences[worst]:.2f} < {MIN_DELTA_E} under {cvd or 'normal vision'}"
    )


def test_the_simulation_is_strong_enough_to_fail_a_palette_known_to_confuse():
    """The check has teeth: Plotly's default category10 (the old palette) confuses red-green
    readers: orange and green meet under protanopia."""
    category10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
    lab = _lab(category10, "protanomaly")
    assert ciede2000(lab[1], lab[2]) < MIN_DELTA_E


@pytest.mark.parametrize("background", BACKGROUNDS, ids=list(BACKGROUNDS))
def test_class_colours_stand_out_from_the_background(background):
    colours = _luminance(DIGIT_COLOURS)
    back = float(_luminance([BACKGROUNDS[background]])[0])
    contrast = (np.maximum(colours, back) + 0.05) / (np.minimum(colours, back) + 0.05)
    assert contrast.min() >= MIN_CONTRAST, dict(zip(DIGIT_COLOURS, np.round(contrast, 2), strict=True))


def test_ten_distinct_colours_and_symbols():
    assert len(DIGIT_COLOURS) == len(set(c.lower() for c in DIGIT_COLOURS)) == 10
    assert len(DIGIT_SYMBOLS) == len(set(DIGIT_SYMBOLS)) == 10


def test_scatters_give_each_class_its_symbol_as_well_as_its_colour():
    """Where colour carries the class, the marker's shape carries it too (and the legend names it)."""
    rng = np.random.default_rng(0)
    codes, labels = rng.normal(size=(200, 2)), np.arange(200) % 10
    names = [f"class {k}" for k in range(10)]
    figures = {
        "latent_scatter": latent_scatter(codes, labels, "t", class_names=names),
        "path_scatter": path_scatter(codes, labels, "t", np.zeros((5, 2)), class_names=names, zoom=False),
    }
    for name, fig in figures.items():
        by_class = {t.name: t for t in fig.data if t.name in names}
        assert len(by_class) == 10, name
        for k in range(10):
            trace = by_class[names[k]]
            assert trace.marker.color == DIGIT_COLOURS[k] and trace.marker.symbol == DIGIT_SYMBOLS[k], (name, k)
            assert trace.showlegend is not False, (name, k)
