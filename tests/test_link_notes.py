"""What a link got wrong stays on the page for a while (AppTest, the real app): a run that follows
at once (a component's first message, the learner's first click) must not take the note away
before it is read, and it goes once ui.links.NOTE_SECONDS have passed."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import links

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
CLAMPED = "The link's values lay outside the sliders' ranges"
IGNORED = "Parts of the link were ignored"


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_link_notes_outlast_the_next_run_and_then_go(monkeypatch):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"mu": "500,0", "sigma": "50,0.05", "beta": "7"})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for _ in range(2):  # the first run, and one that follows at once
        shown = _warnings(at)
        assert any(CLAMPED in w and "mu1 = 500 set to" in w for w in shown), shown
        assert any(IGNORED in w and "beta=7" in w for w in shown), shown
        at.run()
        assert not at.exception
    later = links.time.monotonic() + links.NOTE_SECONDS + 1
    monkeypatch.setattr(links.time, "monotonic", lambda: later)
    at.run()
    assert not any(CLAMPED in w or IGNORED in w for w in _warnings(at)), _warnings(at)
