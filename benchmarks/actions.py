"""Every action a learner takes, timed in a real browser from the input to the app settled.

    python benchmarks/actions.py --json                    # --reps 5: five timed repetitions each
    python benchmarks/actions.py --url http://127.0.0.1:8501 --json   # an app already running

Starts `streamlit run app.py` (or uses --url) and the one-slider probe app, benchmarks/probe_app.py
(or uses --probe-url), on free localhost ports (benchmarks/latency.py's app_and_probe) and drives
Debian's Chromium (1440 x 900) with Playwright. Each action is timed on the page's own clock:

    from   the first input event of the action (pointerdown, pointerup, keydown, input or change,
           caught on window in the capture phase, armed just before the input is sent)
    to     the app settled: the harness's ScriptRunTracker has seen the run the input caused end
           (ScriptFinished on the app's websocket), then the first animation frame at which the
           app is connected, its script not running, no element is a skeleton or stale
           (data-stale="true"), every image is loaded, every Plotly chart is drawn and every
           latent pad is ready (its decoder loaded); e2e_harness.wait_for_app_idle confirms it.

The actions (NAMES; each <name>_ms_p50, <name>_ms_p95 and <name>_ms_ratio_to_probe, the p50 over
probe_settle_ms_p50):

    beta_step            the sidebar's β slider one step (ArrowRight / ArrowLeft, alternating)
    vae_ae_switch        the Explorer's Model radio: VAE <-> Plain autoencoder (AE)
    latent_size_change   the sidebar's Latent size radio: 2-D <-> 16-D
    random_image         the sidebar's "Random image" button
    posterior_on         the "True posterior p(z|x)" toggle switched on (each repetition on a new
                         random image, chosen untimed with the posterior off: an uncached map)
    posterior_new_input  "Random image" with the posterior shown (its map computed for the new x)
    dataset_change       the sidebar's Dataset select: the option clicked (the list opened untimed),
                         MNIST digits <-> Fashion-MNIST clothes
    page_switch          the sidebar's page links Explorer <-> Maths lab (after one untimed round
                         trip, so the Maths lab's first visit is not in it)
    samples_k            the Samples K slider one step (ArrowRight / ArrowLeft, alternating)
    resample             the "Resample ε" button
    upload               a new PNG (a different stroke each time) into the sidebar's uploader
                         ("Upload a picture" chosen untimed)
    draw_stroke          the pen lifted after a stroke on the sidebar's drawing canvas (benchmarks/
                         drawing.py's figure; "Draw" chosen untimed)
    tour_next            the tour's Next, over every step (each repetition a new tab at /tour)
    tour_reveal          the tour's Reveal button, over every step that has one (before its Next)
    maths_first_visit    the "Maths lab" link in a new tab, its session's first visit (the tab
                         opened on the Explorer and given a random image, untimed: a new input,
                         while the seed's views may come from the server's cache, as for a class)
    maths_seed_change    the Maths lab's seed + button (seeds 1, 2, ...: uncached)
    train_first_point    Train page: Play -> the first point on the −ELBO race chart (the page
                         keeps polling while it trains, so this one is not "settled" but drawn;
                         the first point comes a quarter of an epoch in)
    train_pause          Pause while training -> settled with the status "paused" and the
                         checkpoint's download shown (the run stops within one optimizer step,
                         adds a point there and saves first)

Between actions the probe app's slider (PageUp / PageDown) is timed --reps times the same way,
so probe_settle_ms_p50 (and _p95) sees the same machine load as the actions. Also chromium,
reps and tour_steps (steps walked), plus commit, dirty, cores and the load average (_meta.py).

--only NAME ...: time only the actions named (the others' keys stay, null), e.g.
`--only train_first_point train_pause`. --tiny: 1 repetition of each action and 2 tour steps; its
figures mean nothing. Medians of few repetitions on a shared machine: read the ratios to the probe.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
from collections.abc import Callable

from _meta import emit, run_meta
from _server import add_server_arguments, app_and_probe, percentile
from _timing import new_tab, timed, untimed
from drawing import FIGURE, draw_stroke
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

NAMES = (
    "beta_step",
    "vae_ae_switch",
    "latent_size_change",
    "random_image",
    "posterior_on",
    "posterior_new_input",
    "dataset_change",
    "page_switch",
    "samples_k",
    "resample",
    "upload",
    "draw_stroke",
    "tour_next",
    "tour_reveal",
    "maths_first_visit",
    "maths_seed_change",
    "train_first_point",
    "train_pause",
)
KEYS = (
    *(f"{name}_ms_{q}" for name in NAMES for q in ("p50", "p95")),
    "probe_settle_ms_p50",
    "probe_settle_ms_p95",
    *(f"{name}_ms_ratio_to_probe" for name in NAMES),
    "reps",
    "tour_steps",
    "chromium",
)
SIDEBAR = '[data-testid="stSidebar"]'


def _slider(page: Page, label: str):
    return page.locator(f'input[type="range"][aria-label="{label}"]')


def _key_step(page: Page, label: str, i: int) -> Callable[[], None]:
    def act() -> None:
        _slider(page, label).focus()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")

    return act


def _click(locator) -> Callable[[], None]:
    return lambda: locator.click()


def _alternating(page: Page, reps: int, first, second) -> list[float]:
    """Time first, second, first, ... (reps in all); end where it began (untimed if need be)."""
    out = [timed(page, _click((first, second)[i % 2])) for i in range(reps)]
    if reps % 2:
        untimed(page, _click(second))
    return out


def digit_png(i: int) -> bytes:
    """A dark stroke on white, turned a little more each time: a different upload per repetition."""
    picture = Image.new("L", (112, 112), 255)
    angle = math.radians(10 * i)
    dx, dy = 40 * math.sin(angle), 40 * math.cos(angle)
    ImageDraw.Draw(picture).line([(56 - dx, 56 - dy), (56 + dx, 56 + dy)], fill=0, width=12)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def explorer_actions(
    page: Page, reps: int, probe: Callable[[], None], only: frozenset[str] = frozenset(NAMES)
) -> dict[str, list[float]]:
    """The Explorer's and the sidebar's actions named in `only`, one tab, in turn; the probe after each."""
    t: dict[str, list[float]] = {}
    sidebar = page.locator(SIDEBAR)
    random_image = sidebar.get_by_role("button", name="Random image")
    heat = page.locator(".st-key-pg_heat label").first

    if "beta_step" in only:
        t["beta_step"] = [timed(page, _key_step(page, "β, the KL weight of the VAE", i)) for i in range(reps)]
        if reps % 2:
            untimed(page, _key_step(page, "β, the KL weight of the VAE", 1))
        probe()
    model = page.locator(".st-key-pg_model")
    if "vae_ae_switch" in only:
        t["vae_ae_switch"] = _alternating(
            page, reps, model.get_by_text("Plain autoencoder (AE)", exact=True), model.get_by_text("VAE", exact=True)
        )
        probe()
    if "latent_size_change" in only:
        t["latent_size_change"] = _alternating(
            page, reps, sidebar.get_by_text("16-D", exact=True), sidebar.get_by_text("2-D", exact=True)
        )
        probe()
    if "random_image" in only:
        t["random_image"] = [timed(page, _click(random_image)) for _ in range(reps)]
        probe()
    if "samples_k" in only:
        t["samples_k"] = [timed(page, _key_step(page, "Samples K", i)) for i in range(reps)]
        if reps % 2:
            untimed(page, _key_step(page, "Samples K", 1))
        probe()
    if "resample" in only:
        t["resample"] = [
            timed(page, _click(page.locator(".st-key-pg_vae_resample").get_by_role("button", name="Resample ε")))
            for _ in range(reps)
        ]
        probe()
    if "posterior_on" in only:
        t["posterior_on"] = []
        for _ in range(reps):
            untimed(page, _click(random_image))  # a new x: its posterior map is not cached yet
            t["posterior_on"].append(timed(page, _click(heat)))
            untimed(page, _click(heat))
        probe()
    if "posterior_new_input" in only:
        untimed(page, _click(heat))
        t["posterior_new_input"] = [timed(page, _click(random_image)) for _ in range(reps)]
        untimed(page, _click(heat))
        probe()
    if "dataset_change" in only:
        dataset = page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset")
        t["dataset_change"] = []
        for i in range(reps + reps % 2):
            dataset.click()
            option = page.get_by_role("option", name=("Fashion-MNIST clothes", "MNIST digits")[i % 2], exact=True)
            if i < reps:
                t["dataset_change"].append(timed(page, _click(option)))
            else:
                untimed(page, _click(option))
        probe()
    if "page_switch" in only:
        nav = page.locator(".st-key-nav")
        maths, explorer = nav.get_by_text("Maths lab"), nav.get_by_text("Explorer")
        untimed(page, _click(maths))  # the session's first visit is maths_first_visit's
        untimed(page, _click(explorer))
        t["page_switch"] = _alternating(page, reps, maths, explorer)
        probe()
    if "upload" in only:
        untimed(page, _click(sidebar.get_by_text("Upload a picture", exact=True)))
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        t["upload"] = [
            timed(
                page,
                lambda i=i: uploader.set_input_files(
                    files=[{"name": f"digit-{i}.png", "mimeType": "image/png", "buffer": digit_png(i)}]
                ),
            )
            for i in range(reps)
        ]
        probe()
    if "draw_stroke" in only:
        untimed(page, _click(sidebar.get_by_text("Draw", exact=True)))
        page.wait_for_function("() => window.__drawPad && window.__drawPad.keys().length > 0")
        t["draw_stroke"] = []
        for i in range(reps):
            if i and i % len(FIGURE) == 0:
                untimed(page, _click(page.locator('[data-testid="draw-pad-clear"]')))
            draw_stroke(page, FIGURE[i % len(FIGURE)])
            t["draw_stroke"].append(timed(page, page.mouse.up))
        untimed(page, _click(sidebar.get_by_text("Gallery", exact=True)))
        probe()
    return t


def tour_actions(browser: Browser, url: str, reps: int, steps: int | None, probe) -> tuple[dict, int]:
    """Next and Reveal over the tour's steps (all, or the first `steps`), a new tab per repetition."""
    t: dict[str, list[float]] = {"tour_next": [], "tour_reveal": []}
    walked = 0
    for _ in range(reps):
        page = new_tab(browser, f"{url}/tour")
        text = page.locator('[data-testid="stProgress"]').inner_text()
        total = int(text.split(" of ", 1)[1].split(":", 1)[0])
        walked = total if steps is None else min(steps, total)
        for k in range(walked):
            reveal = page.locator('[class*="st-key-tour_reveal_"] button')
            if reveal.count():
                t["tour_reveal"].append(timed(page, _click(reveal.first)))
            if k < walked - 1:
                t["tour_next"].append(timed(page, _click(page.locator(".st-key-tour_next button"))))
        page.close()
        probe()
    return t, walked


def maths_actions(browser: Browser, url: str, reps: int, probe) -> dict[str, list[float]]:
    t: dict[str, list[float]] = {"maths_first_visit": []}
    page = None
    for _ in range(reps):
        if page is not None:
            page.close()
        page = new_tab(browser, url)
        untimed(page, _click(page.locator(SIDEBAR).get_by_role("button", name="Random image")))
        t["maths_first_visit"].append(timed(page, _click(page.locator(".st-key-nav").get_by_text("Maths lab"))))
    probe()
    plus = page.locator('.st-key-maths_seed [data-testid="stNumberInputStepUp"]')
    t["maths_seed_change"] = [timed(page, _click(plus)) for _ in range(reps)]
    page.close()
    probe()
    return t


RACE_HAS_POINT = """(() => { const g = document.querySelector('.st-key-tr_race .js-plotly-plot');
  return Boolean(g && g.data && g.data.some(tr => tr.x && tr.x.length > 0)); })()"""
PAUSED = """(() => document.querySelector('.st-key-tr_download') !== null
  && [...document.querySelectorAll('[data-testid="stMarkdown"]')].some(e => /: paused, epoch/.test(e.innerText)))()"""


def train_actions(browser: Browser, url: str, reps: int, probe) -> dict[str, list[float]]:
    t: dict[str, list[float]] = {"train_first_point": [], "train_pause": []}
    page = new_tab(browser, f"{url}/train")
    for _ in range(reps):
        t["train_first_point"].append(
            timed(page, _click(page.get_by_role("button", name="Play")), until=RACE_HAS_POINT)
        )
        t["train_pause"].append(timed(page, _click(page.get_by_role("button", name="Pause")), extra=PAUSED))
        untimed(page, _click(page.get_by_role("button", name="Clear all runs")))
        probe()
    page.close()
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_arguments(parser)
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions of each action (>= 5)")
    parser.add_argument("--tour-steps", type=int, default=None, help="walk only the tour's first N steps")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=NAMES,
        metavar="NAME",
        default=None,
        help="time only these actions (names as in the list above); the others' keys are null",
    )
    args = parser.parse_args(argv)
    only = frozenset(args.only or NAMES)
    if args.tiny:
        args.reps, args.tour_steps = 1, 2
    if args.no_baseline:
        parser.error("actions.py needs the probe app: its figures are ratios to it")
    meta = run_meta()

    result: dict = dict.fromkeys(KEYS)
    with app_and_probe(True, args.url, args.probe_url) as (browser, servers):
        url = servers["app"].url
        probe_page = new_tab(browser, servers["probe"].url)
        probe_times: list[float] = []

        def probe() -> None:
            for i in range(args.reps):
                probe_times.append(timed(probe_page, _key_step(probe_page, "probe", i)))

        page = new_tab(browser, url)  # the first session loads the models into the server's cache
        times = explorer_actions(page, args.reps, probe, only)
        page.close()
        walked = None
        if only & {"tour_next", "tour_reveal"}:
            tour, walked = tour_actions(browser, url, args.reps, args.tour_steps, probe)
            times.update(tour)
        if only & {"maths_first_visit", "maths_seed_change"}:
            times.update(maths_actions(browser, url, args.reps, probe))
        if only & {"train_first_point", "train_pause"}:
            times.update(train_actions(browser, url, args.reps, probe))
        if not probe_times:
            probe()

        base = statistics.median(probe_times)
        result.update(
            probe_settle_ms_p50=round(base, 1),
            probe_settle_ms_p95=round(percentile(probe_times, 0.95), 1),
            reps=args.reps,
            tour_steps=walked,
            chromium=browser.version,
        )
        for name in NAMES:
            if name not in only:
                continue
            values = times[name]
            result[f"{name}_ms_p50"] = round(statistics.median(values), 1)
            result[f"{name}_ms_p95"] = round(percentile(values, 0.95), 1)
            result[f"{name}_ms_ratio_to_probe"] = round(statistics.median(values) / base, 2)
    emit(result, meta, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
