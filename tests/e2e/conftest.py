"""Real-browser test harness: `streamlit run` on a free localhost port, driven by Playwright.

Modelled on Streamlit's own e2e fixtures, without their fixed sleeps: every wait is a poll of a
condition (the server's health endpoint, an element state, a JS predicate) with a timeout.

Fixtures (here):
    streamlit_app(script, env=None) -> url   session-scoped factory; one server per (script, env),
                                             shared by every test asking for the same pair and
                                             killed at the end of the session
    browser                                  session-scoped headless Chromium (/usr/bin/chromium)
    page                                     a fresh context + page per test (1280 x 900); fails
                                             the test on uncaught page exceptions (collected per page)
Helpers (the e2e_harness module at the repository root; ``from e2e_harness import ...``):
    open_app(page, url)                      goto + wait_for_app_idle
    wait_for_app_idle(page)                  connected, script not running, no skeletons
    expect_rerun(page)                       context manager: the action inside must cause a
                                             script run; waits until it has finished (counts
                                             ScriptFinished messages on the app's websocket)

Tests under tests/e2e get the ``e2e`` marker (``pytest -m "not e2e"`` deselects them) and are
skipped with a reason when Chromium or Playwright is missing, unless VAE_E2E_REQUIRED is set
(as .ci/run does): then a missing browser stops the run with an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright

    from e2e_harness import APPS, CHROMIUM, CHROMIUM_ARGS, REPO, ScriptRunTracker, StreamlitServer
except ImportError:  # pragma: no cover - reported as a skip below (no browser path is needed then)
    sync_playwright = None


if sync_playwright is not None:
    # expect()'s own default is 5 s; on a loaded 2-core CI machine a new tab's pipeline can take
    # longer to be ready. A bound, not a sleep: every expect still returns as soon as it holds.
    expect.set_options(timeout=30_000)


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "Playwright (python) is not installed: pip install playwright"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: real-browser test (Playwright + Chromium against `streamlit run`)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    reason = _skip_reason()
    if reason and os.environ.get("VAE_E2E_REQUIRED"):
        # CI sets this: there a missing browser is a broken install, not a reason to skip.
        raise pytest.UsageError(f"browser tests are required (VAE_E2E_REQUIRED) but {reason}")
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def streamlit_app() -> Iterator:
    """Factory: streamlit_app(script, env=None) -> base URL of a running, healthy server.

    ``script`` is a path (relative paths resolve against tests/e2e/apps, then the repo root).
    Servers are shared by every call with the same (script, env) and stopped at session end.
    """
    servers: dict[tuple, StreamlitServer] = {}

    def start(script: str | Path, env: dict[str, str] | None = None) -> str:
        path = Path(script)
        if not path.is_absolute():
            path = APPS / path if (APPS / path).exists() else REPO / path
        cache_key = (str(path), tuple(sorted((env or {}).items())))
        server = servers.get(cache_key)
        if server is None or server.proc.poll() is not None:
            server = StreamlitServer(path, env)
            servers[cache_key] = server
            try:
                server.wait_healthy()
            except Exception:
                server.stop()
                del servers[cache_key]
                raise
        return server.url

    yield start
    for server in servers.values():
        server.stop()


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (1280 x 900); uncaught page exceptions fail the test at teardown."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    pg = context.new_page()
    ScriptRunTracker.of(pg)  # watch the app's websocket from the first frame (expect_rerun)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"uncaught exceptions in the page: {errors}"
