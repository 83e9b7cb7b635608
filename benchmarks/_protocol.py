"""Streamlit's WebSocket protocol as a browser speaks it, for the benchmarks that need no browser.

    with Client(server.ws_url, server.origin) as client:
        reply = client.run()                         # the page "/" shows, first run
        reply = client.send(some_back_msg)           # any BackMsg that starts a run

A Client sends BackMsg protobufs on /_stcore/stream and reads ForwardMsgs until the run ends
(script_finished, other than "finished early for a rerun"). It keeps the app's pages from the
navigation message; each ForwardMsg's new element goes to `_note` (subclasses look for their
widgets there). A Reply holds the run's wall time, the exceptions it showed (exception elements,
"page not found", a compile error) and the size of the largest ForwardMsg received.
Used by load.py (learners moving sliders), training.py and messages.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

RUN_TIMEOUT_S = 60.0
FAILED_RUNS = (ForwardMsg.FINISHED_WITH_COMPILE_ERROR,)


@dataclass
class Reply:
    """What the server sent for one run."""

    seconds: float
    exceptions: list[str] = field(default_factory=list)
    largest_message_bytes: int = 0


def rerun_message(page_script_hash: str, fragment_id: str = "") -> BackMsg:
    """A BackMsg asking for a rerun of a page (and only a fragment of it, if fragment_id)."""
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_script_hash = page_script_hash
    if fragment_id:
        msg.rerun_script.fragment_id = fragment_id
    return msg


class Client:
    """One WebSocket session of the app, as a browser tab holds it."""

    reply_type = Reply

    def __init__(self, ws_url: str, origin: str) -> None:
        """ws_url: the app's ws(s)://.../_stcore/stream; origin: the page's http(s)://host:port."""
        self.url, self.origin = ws_url, origin
        self.pages: dict[str, str] = {}  # url path -> page_script_hash, from the navigation message
        self.default_page = ""  # the page_script_hash of the page "/" shows
        self.exceptions: list[str] = []
        self.ws = None

    def __enter__(self):
        self._connection = connect(
            self.url, subprotocols=["streamlit"], origin=self.origin, max_size=None, open_timeout=30
        )
        self.ws = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def page_hash(self, page: str | None = None) -> str:
        """The page_script_hash of a page (its URL path; None: the page "/" shows)."""
        if page is None:
            return self.default_page
        if page not in self.pages:
            raise RuntimeError(f"no page {page!r} in the app's navigation: {sorted(self.pages)}")
        return self.pages[page]

    def run(self, page: str | None = None) -> Reply:
        """One rerun of a page (its URL path; None: the page "/" shows); waits for it to finish."""
        return self.send(rerun_message(self.page_hash(page)))

    def send(self, msg: BackMsg) -> Reply:
        """Send one BackMsg that starts a run and read the replies until that run has finished."""
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        reply = self.reply_type(0.0)
        while True:
            raw = self.ws.recv(timeout=RUN_TIMEOUT_S)
            reply.largest_message_bytes = max(reply.largest_message_bytes, len(raw))
            fm = ForwardMsg.FromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                self.default_page = next(
                    (p.page_script_hash for p in fm.navigation.app_pages if p.is_default), self.default_page
                )
            elif kind == "page_not_found":
                reply.exceptions.append(f"page not found: {fm.page_not_found.page_name!r}")
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self._note(fm.delta.new_element, fm.delta.fragment_id, reply)
            elif kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                if fm.script_finished in FAILED_RUNS:
                    reply.exceptions.append("the script did not compile")
                reply.seconds = time.perf_counter() - started
                self.exceptions += reply.exceptions
                return reply

    def _note(self, element, fragment_id: str, reply: Reply) -> None:
        """One new element of the run (subclasses extend this; call it for the exceptions)."""
        if element.WhichOneof("type") == "exception":
            reply.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
