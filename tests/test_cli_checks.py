"""vae_core.cli_checks itself: the shared checks every command line runs before it works (a leaf
module: no Streamlit, no torch); the command lines' own refusals are in test_cli_refusals.py."""

from __future__ import annotations

import argparse
import ast
import os
from pathlib import Path

import pytest

from vae_core import cli_checks
from vae_core.cli_checks import (
    MAX_LATENT_DIM,
    CliParser,
    bounded_float,
    bounded_int,
    check_input_dir,
    check_input_file,
    check_output_dir,
    check_output_path,
    check_range,
    missing_folders,
)
from vae_core.training.config import TrainConfig

needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a /proc file system")


def _entries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_cli_checks_is_a_leaf_without_streamlit_or_ui():
    tree = ast.parse(Path(cli_checks.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else node.module.split(".")[0])
    assert imported.isdisjoint({"streamlit", "ui", "vae_core", ".", "torch"}), imported


def test_the_latent_limit_is_what_the_app_links_carry():
    from ui.link_codec import MAX_LATENT

    assert MAX_LATENT_DIM == MAX_LATENT


def test_check_output_path_appends_the_suffix_and_creates_nothing(tmp_path):
    assert check_output_path(tmp_path / "m", ".safetensors") == tmp_path / "m.safetensors"
    assert check_output_path(tmp_path / "m.safetensors", ".safetensors") == tmp_path / "m.safetensors"
    assert check_output_path(tmp_path / "a" / "b" / "m") == tmp_path / "a" / "b" / "m"
    (tmp_path / "old.safetensors").write_bytes(b"x")
    assert check_output_path(tmp_path / "old", ".safetensors") == tmp_path / "old.safetensors"
    assert _entries(tmp_path) == ["old.safetensors"]  # the probes left nothing behind


def test_check_output_path_refusals(tmp_path):
    (tmp_path / "X.safetensors").mkdir()
    with pytest.raises(ValueError, match="X.safetensors is a folder"):
        check_output_path(tmp_path / "X", ".safetensors")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ValueError, match="not a regular file"):
        check_output_path(tmp_path / "pipe")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match="a-file is not a folder"):
        check_output_path(tmp_path / "a-file" / "deeper" / "m")
    for bad in ("", "  ", f"{tmp_path}/", ".", ".."):
        with pytest.raises(ValueError, match="empty|names a folder"):
            check_output_path(bad, ".safetensors")
    with pytest.raises(ValueError, match="longer than"):
        check_output_path(tmp_path / ("n" * 300))
    with pytest.raises(ValueError, match="longer than"):
        check_output_path(tmp_path / ("d" * 300) / "m")
    assert _entries(tmp_path) == ["X.safetensors", "a-file", "pipe"]


@needs_proc
def test_check_output_path_and_dir_refuse_proc():
    with pytest.raises(ValueError, match="/proc does not accept new files"):
        check_output_path("/proc/vae-cli-refusal-test", ".safetensors")
    with pytest.raises(ValueError, match="/proc does not accept new files"):
        check_output_dir("/proc/vae-cli-refusal-test/data")


def test_check_output_dir(tmp_path):
    assert check_output_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert check_output_dir(tmp_path) == tmp_path
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match="a-file is a file, not a folder"):
        check_output_dir(tmp_path / "a-file")
    with pytest.raises(ValueError, match="a-file is not a folder"):
        check_output_dir(tmp_path / "a-file" / "d")
    with pytest.raises(ValueError, match="empty"):
        check_output_dir("")
    assert _entries(tmp_path) == ["a-file"]


def test_check_input_file_and_dir(tmp_path):
    (tmp_path / "f").write_text("x")
    os.mkfifo(tmp_path / "pipe")
    assert check_input_file(tmp_path / "f") == tmp_path / "f"
    with pytest.raises(FileNotFoundError, match="model file not found"):
        check_input_file(tmp_path / "none", "model file")
    with pytest.raises(ValueError, match="is a folder, not a model file"):
        check_input_file(tmp_path, "model file")
    with pytest.raises(ValueError, match="not a regular file"):
        check_input_file(tmp_path / "pipe", "model file")
    with pytest.raises(ValueError, match="not a regular file"):
        check_input_file("/dev/null")
    assert check_input_dir(tmp_path) == tmp_path
    with pytest.raises(FileNotFoundError, match="data folder not found"):
        check_input_dir(tmp_path / "none", "data folder")
    with pytest.raises(ValueError, match="is a file, not a data folder"):
        check_input_dir(tmp_path / "f", "data folder")


def test_missing_folders(tmp_path):
    assert missing_folders(tmp_path) == []
    assert missing_folders(tmp_path / "a" / "b") == [tmp_path / "a" / "b", tmp_path / "a"]


def test_bounded_types_and_check_range():
    latent = bounded_int(1, 64)
    assert latent("64") == 64 and latent(" 3 ") == 3
    for bad in ("0", "65", "100000000", "1.5", "two", "9" * 5000):
        with pytest.raises(argparse.ArgumentTypeError, match=r"must be an integer in \[1, 64\]"):
            latent(bad)
    lr = bounded_float(0.0, 10.0, low_open=True)
    assert lr("1e-3") == 0.001
    for bad in ("0", "-1", "11", "nan", "inf", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"must be a number in \(0.0, 10.0\]"):
            lr(bad)
    assert check_range("beta", 4, 0, 1000) == 4
    for bad in (True, "4", float("nan"), float("inf"), -1, 1001):
        with pytest.raises(ValueError, match="beta must be"):
            check_range("beta", bad, 0, 1000)


def test_cli_parser_refuses_in_one_line(capsys):
    parser = CliParser(prog="prog")
    parser.add_argument("--n", type=bounded_int(1, 10), default=1)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--n", "11"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: argument --n: must be an integer in [1, 10], got 11 (see prog --help)"]


def test_train_config_checks_its_limits():
    TrainConfig(latent_dim=MAX_LATENT_DIM, hidden=[16])
    with pytest.raises(ValueError, match="latent_dim must be in"):
        TrainConfig(latent_dim=MAX_LATENT_DIM + 1)
    with pytest.raises(ValueError, match="beta must be"):
        TrainConfig(beta=float("inf"))
    with pytest.raises(ValueError, match="9 layers"):
        TrainConfig(hidden=[8] * 9)
    with pytest.raises(ValueError, match="parameters"):
        TrainConfig(hidden=[4096] * 4)
    with pytest.raises(ValueError, match="epochs must be in"):
        TrainConfig(epochs=0)
