"""Latency of the explorer in a real browser: slider -> image, and the in-browser latent pad.

    python benchmarks/latency.py --json

Starts `streamlit run app.py` (and the minimal probe app, benchmarks/probe_app.py, as a
baseline) on free localhost ports, drives Debian's Chromium with Playwright and prints:

    slider_to_image_ms_p50 / _p95   keyboard change of the VAE's μ1 slider (PageUp/PageDown,
                                    alternating) -> the new decoded PNG loaded in the DOM; the
                                    page's own clock from keydown to the image's decode()
    baseline_slider_to_image_ms_p50 the same on the one-slider probe app, and the ratio
    pad_fps                         animation frames run per second during a scripted 3 s drag
                                    on the latent pad
    pad_decode_fps                  of those, frames that decoded and drew a new image
    pad_decode_ms_p50 / _p90        one JavaScript decode of a random z (window.__latentPad.bench)
    pad16_*                         the same four with the 16-D VAE (mnist-vae-16d) on the pad

Medians and ratios, not single runs: the machine is shared and noisy. Targets (issue 3):
pad_fps >= 60 (the display's rate), pad_decode_ms_p50 <= 4, slider_to_image_ms_p50 <= 100;
(issue "More models") pad16_fps >= 60.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

from playwright.sync_api import Page, sync_playwright

from e2e_harness import CHROMIUM, CHROMIUM_ARGS, REPO, StreamlitServer, expect_rerun, open_app

# Times keydown -> the new image decoded, both on the page's performance.now() clock.
OBSERVER_JS = """caption => {
  if (window.__sliderBench) return;          // installed once per page
  const state = window.__sliderBench = {t0: null, t1: null, src: null};
  const current = () => {
    for (const el of document.querySelectorAll('[data-testid="stImage"]'))
      if (el.innerText.includes(caption)) return el.querySelector('img');
    return null;
  };
  state.src = current() && current().src;
  document.addEventListener('keydown', () => { state.t0 = performance.now(); state.t1 = null; }, true);
  new MutationObserver(() => {
    const img = current();
    if (!img || img.src === state.src || state.t1 !== null || state.t0 === null) return;
    const src = img.src;
    img.decode().then(() => {
      if (state.t1 === null && current() && current().src === src) {
        state.t1 = performance.now(); state.src = src;
      }
    }).catch(() => {});
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def slider_latencies(page: Page, label: str, caption: str, samples: int, warmup: int = 3) -> list[float]:
    """ms from keydown on the slider to the new image with that caption decoded, per change."""
    page.evaluate(OBSERVER_JS, caption)
    slider = page.locator(f'input[type="range"][aria-label="{label}"]')
    slider.focus()
    out = []
    for i in range(samples + warmup):
        with expect_rerun(page):
            page.keyboard.press("PageUp" if i % 2 == 0 else "PageDown")
        page.wait_for_function("window.__sliderBench.t1 !== null", timeout=60_000)
        if i >= warmup:
            out.append(page.evaluate("window.__sliderBench.t1 - window.__sliderBench.t0"))
    return out


def pad_figures(page: Page, key: str, seconds: float) -> dict:
    """Decode timings and the frame rate of a scripted drag on the pad with this key."""
    page.wait_for_function("k => window.__latentPad && window.__latentPad.stats(k).ready", arg=key)
    bench = page.evaluate("k => window.__latentPad.bench(1000, k)", key)
    start = page.evaluate("k => window.__latentPad.stats(k).z", key)

    def point(zi: float, zj: float) -> tuple[float, float]:
        p = page.evaluate("([k, a, b]) => window.__latentPad.clientPoint(a, b, k)", [key, zi, zj])
        return p["x"], p["y"]

    page.mouse.move(*point(start[0], start[1]))
    page.mouse.down()
    began = time.perf_counter()
    moves = 0
    while (elapsed := time.perf_counter() - began) < seconds:
        angle = 2 * math.pi * elapsed / 1.5  # a circle of radius 1.5 every 1.5 s
        page.mouse.move(*point(1.5 * math.cos(angle), 1.5 * math.sin(angle)))
        moves += 1
    with expect_rerun(page):
        page.mouse.up()
    stats = page.evaluate("k => window.__latentPad.stats(k)", key)
    return {
        "pad_fps": round(stats["dragFps"], 1),
        "pad_decode_fps": round(stats["dragDecodeFps"], 1),
        "pad_decode_ms_p50": round(bench["p50"], 3),
        "pad_decode_ms_p90": round(bench["p90"], 3),
        "pad_drag_mouse_moves_per_s": round(moves / seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--samples", type=int, default=40, help="slider changes to time (>= 30)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="app and probe are timed in this many alternating rounds, so both see the same machine load",
    )
    parser.add_argument("--drag-seconds", type=float, default=3.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-slider probe app")
    args = parser.parse_args(argv)

    servers = {"app": StreamlitServer(REPO / "app.py")}
    if not args.no_baseline:
        servers["probe"] = StreamlitServer(REPO / "benchmarks" / "probe_app.py")
    result: dict = {}
    try:
        for server in servers.values():
            server.wait_healthy()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            open_app(page, servers["app"].url)
            probe = None
            if "probe" in servers:
                probe = browser.new_page(viewport={"width": 1000, "height": 800})
                open_app(probe, servers["probe"].url)
            chunk = max(1, math.ceil(args.samples / args.rounds))
            times, base = [], []
            for round_ in range(args.rounds):
                warmup = 3 if round_ == 0 else 0
                times += slider_latencies(page, "μ1", "decoded p(x|z)", chunk, warmup)
                if probe is not None:
                    base += slider_latencies(probe, "probe", "decoded p(x|z)", chunk, warmup)
            result.update(
                slider_to_image_ms_p50=round(statistics.median(times), 1),
                slider_to_image_ms_p95=round(percentile(times, 0.95), 1),
                slider_samples=len(times),
            )
            if base:
                result.update(
                    baseline_slider_to_image_ms_p50=round(statistics.median(base), 1),
                    slider_vs_baseline_ratio=round(statistics.median(times) / statistics.median(base), 2),
                )
            result.update(pad_figures(page, "pg_vae_pad", args.drag_seconds))
            # The same drag with the 16-D decoder (mnist-vae-16d), when it ships.
            if page.get_by_text("16-D", exact=True).count():
                with expect_rerun(page):
                    page.get_by_text("16-D", exact=True).first.click()
                page.wait_for_function("() => window.__latentPad.stats('pg_vae_pad').z.length === 16")
                pad16 = pad_figures(page, "pg_vae_pad", args.drag_seconds)
                result.update({key.replace("pad_", "pad16_", 1): value for key, value in pad16.items()})
            result["chromium"] = browser.version
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    result["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:34s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
