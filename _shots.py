import sys
from pathlib import Path
from playwright.sync_api import sync_playwright, expect
from e2e_harness import CHROMIUM, CHROMIUM_ARGS, REPO, StreamlitServer, expect_rerun, open_app, wait_for_app_idle

out = Path("/tmp/tourshots")
sizes = {"desktop": (1440, 900), "phone": (390, 844)}
want = [int(s) for s in sys.argv[1].split(",")]
which = sys.argv[2].split(",") if len(sys.argv) > 2 else ["desktop", "phone"]
reveal = "reveal" in sys.argv
server = StreamlitServer(REPO / "app.py")
try:
    server.wait_healthy()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for size in which:
            w, h = sizes[size]
            page = b.new_context(viewport={"width": w, "height": h}).new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            open_app(page, f"{server.url}/tour")
            for k in range(max(want) + 1):
                if k in want:
                    pad = page.locator('[data-testid="latent-pad"]')
                    if pad.count():
                        expect(pad.first).to_have_attribute("data-ready", "true", timeout=30000)
                    if reveal:
                        btn = page.locator('[data-testid="stMain"] button').filter(has_text="Show").or_(page.locator('[data-testid="stMain"] button').filter(has_text="Draw 200")).or_(page.locator('[data-testid="stMain"] button').filter(has_text="Set ε")).or_(page.locator('[data-testid="stMain"] button').filter(has_text="Zoom")).or_(page.locator('[data-testid="stMain"] button').filter(has_text="Run backward"))
                        if btn.count():
                            with expect_rerun(page):
                                btn.first.click()
                            page.wait_for_timeout(800)
                    page.wait_for_timeout(500)
                    page.set_viewport_size({"width": w, "height": 3000}); page.wait_for_timeout(700)
                    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=str(out / f"{size}-{k+1}{'-r' if reveal else ''}.png"))
                    page.set_viewport_size({"width": w, "height": h})
                if k < max(want):
                    with expect_rerun(page):
                        page.get_by_role("button", name="Next").click()
                    expect(page.get_by_text(f"Step {k + 2} of 10:")).to_be_visible()
            print(size, "errors", errors, "exceptions", page.locator('[data-testid="stException"]').count())
        b.close()
finally:
    server.stop()
