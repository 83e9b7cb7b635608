"""The server's start-up heap is frozen once per process, when the first model loads
(ui/resources.freeze_startup_heap): later full collections skip those objects."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys
from pathlib import Path

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


ARENAS_AFTER_THREADS = """
import ctypes, sys, threading, time
from ui.resources import cap_malloc_arenas

libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]


def arenas():
    out = sys.argv[1].encode()
    handle = libc.fopen(out, b"w")
    libc.malloc_info(0, handle)
    libc.fclose(handle)
    return open(out, encoding="utf-8").read().count("<heap nr=")


before = arenas()
capped = cap_malloc_arenas() if sys.argv[2] == "cap" else None


def work():
    kept = [bytes(5000) for _ in range(100)]  # malloc'd, not Python's small-object allocator
    time.sleep(0.3)
    return kept


threads = [threading.Thread(target=work) for _ in range(24)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(before, arenas(), capped)
"""


@pytest.mark.slow  # two interpreters importing torch and Streamlit, ~5 s
@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_capped_malloc_makes_no_arena_per_new_thread(tmp_path):
    """24 threads that malloc make an arena each (up to 8 per core) unless the cap is set; with it
    they share those already made."""
    counts = {}
    for mode in ("cap", "none"):
        run = subprocess.run(
            [sys.executable, "-c", ARENAS_AFTER_THREADS, str(tmp_path / "info.xml"), mode],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            cwd=Path(resources.__file__).resolve().parent.parent,
        )
        before, after, capped = run.stdout.split()[-3:]
        counts[mode] = (int(before), int(after), capped)
    before, after, capped = counts["cap"]
    assert capped == "True" and after <= max(before, resources.MALLOC_ARENAS)
    before, after, _ = counts["none"]
    assert after > before + 2  # without the cap the threads did make arenas: the test can tell
