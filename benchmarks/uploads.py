"""Hostile uploads: three learners upload a 13,000 x 13,000-pixel PNG (~30 kB) at once.

    python benchmarks/uploads.py --json
    python benchmarks/uploads.py --url http://127.0.0.1:8501 --json   # an app already running

Starts `streamlit run app.py` on a free localhost port (or uses --url), opens three browser
contexts in Debian's Chromium, switches each to "Upload a picture" and hands all three the file at
the same moment, then waits for each page to show the refusal. Prints KEYS: "uploads",
"file_bytes", "refused", "seconds_p50", "seconds_max", "server_rss_mb_before",
"server_rss_mb_after", "server_rss_growth_mb" (seconds from handing over the file to the refusal
on screen; RSS of the server process, null for a --url whose process cannot be seen), plus
commit, dirty, cores and the load average (benchmarks/_meta.py).
Target (hostile-inputs issue): each refused in < 1 s, RSS growth <= 50 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _meta import add_common_arguments, emit, run_meta
from _server import app_server, rounded
from playwright.sync_api import sync_playwright

from e2e_harness import CHROMIUM, CHROMIUM_ARGS, expect_rerun, huge_png, open_app

SIDE = 13_000
KEYS = (
    "uploads",
    "file_bytes",
    "refused",
    "seconds_p50",
    "seconds_max",
    "server_rss_mb_before",
    "server_rss_mb_after",
    "server_rss_growth_mb",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args(argv)
    if args.tiny:
        args.uploads = 1
    meta = run_meta()
    data = huge_png(SIDE, SIDE)
    with app_server(args.url) as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            pages = []
            for _ in range(args.uploads):
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                open_app(page, server.url)
                with expect_rerun(page):
                    page.get_by_text("Upload a picture", exact=True).click()
                pages.append(page)
            rss_before = server.rss_mb()
            started = time.perf_counter()
            # Playwright's sync API is one thread: hand all files over first, then wait for each.
            for page in pages:
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                    files=[{"name": "bomb.png", "mimeType": "image/png", "buffer": data}]
                )
            seconds = []
            for page in pages:
                page.get_by_text("the limit is 16,777,216 pixels").first.wait_for(timeout=60_000)
                seconds.append(time.perf_counter() - started)
            rss_after = server.rss_mb()
            browser.close()
    result = {
        "uploads": args.uploads,
        "file_bytes": len(data),
        "refused": len(seconds),
        "seconds_p50": round(statistics.median(seconds), 3),
        "seconds_max": round(max(seconds), 3),
        "server_rss_mb_before": rounded(rss_before),
        "server_rss_mb_after": rounded(rss_after),
        "server_rss_growth_mb": None if rss_before is None or rss_after is None else round(rss_after - rss_before, 1),
    }
    emit(result, meta, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
