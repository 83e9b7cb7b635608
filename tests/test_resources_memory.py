"""The server's start-up heap is frozen once per process, when the first model loads
(ui/resources.freeze_startup_heap): later full collections skip those objects."""

from __future__ import annotations

import gc

import pytest

from ui import resources


@pytest.fixture
def fresh_process_caches():
    """get_model and freeze_startup_heap as in a process that has loaded no model yet; the test
    process's heap unfrozen again afterwards."""
    gc.unfreeze()
    resources.get_model.clear()
    resources.freeze_startup_heap.clear()
    yield
    gc.unfreeze()
    resources.get_model.clear()
    resources.freeze_startup_heap.clear()


def _frozen(obj) -> bool:
    """Whether the collector tracks obj in its permanent generation (gc.get_objects() lists the
    other three)."""
    return gc.is_tracked(obj) and not any(o is obj for o in gc.get_objects())


def test_the_first_model_load_freezes_the_start_up_heap_once(shipped, fresh_process_caches):
    before = [[] for _ in range(1000)]  # objects the collector tracks, made before the first load
    assert gc.get_freeze_count() == 0 and not _frozen(before)
    model = resources.get_model(shipped["vae"]["path"])
    assert gc.get_freeze_count() > 10_000  # every module imported so far (torch's alone: over 100,000)
    assert _frozen(before)
    after = [[] for _ in range(1000)]
    resources.get_model(shipped["ae"]["path"])  # another model loads: the heap is not frozen again
    resources.freeze_startup_heap()  # cached: no second collection, no second freeze
    assert not _frozen(after)
    assert resources.get_model(shipped["vae"]["path"]) is model
