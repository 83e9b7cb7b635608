"""A process-wide cap on training runs that train at once, with a first-come queue."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

__all__ = ["TrainingSlots", "SLOTS"]


class TrainingSlots:
    """At most `capacity` runs train at once; the others wait first come, first served.

    Thread-safe. Owners are any hashable objects (LiveRun instances).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self._cond = threading.Condition()
        self._holders: set = set()
        self._waiting: deque = deque()

    def enqueue(self, owner) -> None:
        """Put owner at the back of the queue now (no-op if it is queued or holds a slot).

        Called by the thread that asks for training, so the queue keeps the order in which
        runs were asked for, not the order in which their worker threads happen to start.
        """
        with self._cond:
            if owner not in self._waiting and owner not in self._holders:
                self._waiting.append(owner)

    def acquire(self, owner, stop: Callable[[], bool], poll_s: float = 0.05) -> bool:
        """Block until owner holds a slot (True) or stop() is True (False, out of the queue).

        Joins the back of the queue unless enqueue() already put owner in it.
        """
        with self._cond:
            if owner not in self._waiting:
                self._waiting.append(owner)
            try:
                while not stop():
                    if self._waiting[0] is owner and len(self._holders) < self.capacity:
                        self._holders.add(owner)
                        return True
                    self._cond.wait(poll_s)
                return False
            finally:
                if owner in self._waiting:
                    self._waiting.remove(owner)
                self._cond.notify_all()

    def release(self, owner) -> None:
        """Give owner's slot back and leave the queue (no-op where it is in neither)."""
        with self._cond:
            self._holders.discard(owner)
            if owner in self._waiting:
                self._waiting.remove(owner)
            self._cond.notify_all()

    def position(self, owner) -> int | None:
        """0 while owner trains, k >= 1 while it is k-th in the queue, None otherwise."""
        with self._cond:
            if owner in self._holders:
                return 0
            return self._waiting.index(owner) + 1 if owner in self._waiting else None

    @property
    def busy(self) -> int:
        """How many slots are held now."""
        with self._cond:
            return len(self._holders)


SLOTS = TrainingSlots(int(os.environ.get("VAE_EXPLORER_TRAINING_SLOTS", "1")))
"""The server's cap: one training run at a time by default (two cores: one trains, one serves)."""
