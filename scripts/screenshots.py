"""Screenshots of the app as a learner sees it, at a desktop and a phone size.

    python scripts/screenshots.py --out /tmp/shots [--query "?..."] [--sidebar "Dataset=Fashion-MNIST clothes"]

Starts `streamlit run app.py` on a free localhost port, opens it in Debian's Chromium at
1440 x 900 and 390 x 844, waits until the app is idle, optionally picks sidebar options by their
visible text, and saves a viewport and a full-page PNG of each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e_harness import CHROMIUM, CHROMIUM_ARGS, REPO, StreamlitServer, expect_rerun, open_app, scroll_to_charts

SIZES = {"projector": (1280, 720), "desktop": (1440, 900), "wide": (1920, 1080), "phone": (390, 844)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--page", default="", help="URL path of the page, e.g. maths")
    parser.add_argument("--name", default="explorer")
    parser.add_argument(
        "--click",
        action="append",
        default=[],
        help="text to click, in order (each click must rerun the app)",
    )
    parser.add_argument(
        "--select", action="append", default=[], help="LABEL=OPTION: pick an option of a select box (before clicks)"
    )
    parser.add_argument(
        "--charts",
        action="store_true",
        help="Explorer: scroll down until sections 2-3 draw their charts (they wait for a scroll), shoot there",
    )
    parser.add_argument("--sizes", default="desktop,phone", help=f"comma-separated names of {SIZES}")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(REPO / "app.py")
    try:
        server.wait_healthy()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for size in args.sizes.split(","):
                w, h = SIZES[size]
                page = browser.new_context(viewport={"width": w, "height": h}).new_page()
                open_app(page, f"{server.url}/{args.page}")
                sidebar_opened = False
                if (args.click or args.select) and not page.locator(".st-key-nav").is_visible():
                    page.locator('[data-testid="stExpandSidebarButton"]').click()  # a phone: open it
                    sidebar_opened = True
                for choice in args.select:
                    label, option = choice.split("=", 1)
                    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
                    with expect_rerun(page):
                        page.get_by_role("option", name=option, exact=True).click()
                for text in args.click:
                    with expect_rerun(page):
                        page.get_by_text(text, exact=True).first.click()
                if sidebar_opened:
                    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
                    page.locator(".st-key-nav").wait_for(state="hidden")
                if args.charts:
                    scroll_to_charts(page)
                page.screenshot(path=str(out / f"{args.name}-{size}.png"))
                page.screenshot(path=str(out / f"{args.name}-{size}-full.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
