"""The built wheel holds every frontend file of every browser component (CI installs with -e .,
which reads them from the source tree and would never notice one missing from package data)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_contains_every_frontend_file(tmp_path):
    frontend = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "ui" / "components").glob("*/frontend/**/*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert len(frontend) >= 10, frontend  # the pad, the canvas, the copy-link button, the sentinel
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    for name in ("ui", "vae_core"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "e2e_harness.py"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in frontend if f not in names]
    assert not missing, missing
    assert "vae_core/data/galleries/fashion-mnist.npz" in names
