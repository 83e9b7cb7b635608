"""The command lines refuse bad paths and sizes before they work (vae_core.cli_checks).

Each refusal: exit code 2, exactly one stderr line starting with ``error:`` that names the
problem, no traceback, no tqdm bar (nothing trained) and no file written. The downloads run
against a server on 127.0.0.1 or a closed 127.0.0.1 port, never a real host.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest

from vae_core.cli_checks import (
    MAX_LATENT_DIM,
)
from vae_core.download import download_dataset

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "mnist-vae-2d.safetensors"
HAS_PROC = Path("/proc/self").is_dir()
needs_proc = pytest.mark.skipif(not HAS_PROC, reason="needs a /proc file system")
# small settings so that the code before the fix fails fast rather than after a long run
TINY = ["--epochs", "1", "--hidden", "16"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _refused(res: subprocess.CompletedProcess, *names: str) -> str:
    """Assert one clean refusal naming every one of names; return its error line."""
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.stderr[-2000:]
    for name in names:
        assert name in errors[0], errors[0]
    assert "epoch/s" not in res.stderr  # no tqdm training bar: nothing was trained
    return errors[0]


def _entries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- python -m vae_core.train ---------------------------------------------------------------


@pytest.mark.slow
def test_train_refuses_an_output_that_is_a_folder(tmp_path):
    (tmp_path / "X.safetensors").mkdir()
    res = _run("vae_core.train", *TINY, "--out", str(tmp_path / "X"))
    _refused(res, "--out", "X.safetensors", "is a folder")
    assert _entries(tmp_path) == ["X.safetensors"]


@pytest.mark.slow
@needs_proc
def test_train_refuses_an_output_under_proc(tmp_path):
    res = _run("vae_core.train", *TINY, "--out", "/proc/vae-cli-refusal-test")
    _refused(res, "--out", "/proc")
    assert not os.path.lexists("/proc/vae-cli-refusal-test.safetensors")


@pytest.mark.slow
def test_train_refuses_an_output_that_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.safetensors")
    res = _run("vae_core.train", *TINY, "--out", str(tmp_path / "pipe"))
    _refused(res, "--out", "not a regular file")
    assert _entries(tmp_path) == ["pipe.safetensors"]
    assert not (tmp_path / "pipe.safetensors").is_file()  # still the FIFO


@pytest.mark.slow
def test_train_refuses_an_output_under_a_file(tmp_path):
    (tmp_path / "a-file").write_text("x")
    res = _run("vae_core.train", *TINY, "--out", str(tmp_path / "a-file" / "model"))
    _refused(res, "--out", "a-file", "not a folder")


@pytest.mark.slow
def test_train_refuses_a_huge_latent_dim(tmp_path):
    # the default hidden sizes: before the fix this asked torch for 204,800,000,000 bytes after 19 s
    res = _run("vae_core.train", "--latent-dim", "100000000", "--out", str(tmp_path / "m"))
    _refused(res, "--latent-dim", f"[1, {MAX_LATENT_DIM}]", "100,000,000")
    assert _entries(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flag", "value"),
    [("--epochs", "0"), ("--epochs", "100000000"), ("--batch-size", "1000000"), ("--seed", "1" + "0" * 25)],
)
def test_train_refuses_sizes_out_of_limits(tmp_path, flag, value):
    res = _run("vae_core.train", *TINY, flag, value, "--out", str(tmp_path / "m"))
    _refused(res, flag)
    assert _entries(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize(("flag", "value"), [("--beta", "inf"), ("--lr", "nan"), ("--augment", "50")])
def test_train_refuses_numbers_that_would_wreck_training(tmp_path, flag, value):
    res = _run("vae_core.train", *TINY, flag, value, "--out", str(tmp_path / "m"))
    _refused(res, flag)
    assert _entries(tmp_path) == []


@pytest.mark.slow
def test_train_refuses_a_network_a_checkpoint_could_not_hold(tmp_path):
    res = _run(
        "vae_core.train", "--epochs", "1", "--hidden", "4096", "4096", "4096", "4096", "--out", str(tmp_path / "m")
    )
    _refused(res, "parameters", "50,000,000")
    res = _run("vae_core.train", "--epochs", "1", "--hidden", *["8"] * 9, "--out", str(tmp_path / "m"))
    _refused(res, "hidden", "9 layers")
    assert _entries(tmp_path) == []


@pytest.mark.slow
def test_train_checks_the_evaluation_folder_before_training(tmp_path):
    res = _run("vae_core.train", *TINY, "--eval-data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "m"))
    _refused(res, "--eval-data-dir", "not found")
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _run("vae_core.train", *TINY, "--eval-data-dir", str(empty), "--out", str(tmp_path / "m"))
    _refused(res, "t10k-images")  # the folder exists but holds no test split: named before training
    assert _entries(tmp_path) == ["empty"]


# --- python -m vae_core.evaluate ---------------------------------------------------------------


@pytest.mark.slow
def test_evaluate_names_a_folder_and_a_special_file(tmp_path):
    (tmp_path / "X.safetensors").mkdir()
    res = _run("vae_core.evaluate", str(tmp_path / "X.safetensors"), "--data-dir", str(tmp_path))
    line = _refused(res, "X.safetensors", "is a folder")
    assert "not found" not in line
    os.mkfifo(tmp_path / "pipe.safetensors")
    res = _run("vae_core.evaluate", str(tmp_path / "pipe.safetensors"), "--data-dir", str(tmp_path))
    line = _refused(res, "pipe.safetensors", "not a regular file")
    assert "not found" not in line
    res = _run("vae_core.evaluate", str(tmp_path / "none.safetensors"), "--data-dir", str(tmp_path))
    _refused(res, "none.safetensors", "not found")


@pytest.mark.slow
def test_evaluate_refuses_sizes_and_a_data_file(tmp_path):
    res = _run("vae_core.evaluate", str(MODEL), "--data-dir", str(tmp_path), "--samples", "100000000")
    _refused(res, "--samples", "100,000,000")
    (tmp_path / "a-file").write_text("x")
    res = _run("vae_core.evaluate", str(MODEL), "--data-dir", str(tmp_path / "a-file"))
    _refused(res, "--data-dir", "a-file", "not a data folder")


# --- python -m vae_core.training.ship, holes, classifier ------------------------------------------


@pytest.mark.slow
def test_ship_refuses_its_output_and_sizes_before_measuring(tmp_path):
    (tmp_path / "X.safetensors").mkdir()
    base = ["vae_core.training.ship", str(MODEL), "--data-dir", str(tmp_path)]
    _refused(_run(*base, "--out", str(tmp_path / "X")), "--out", "is a folder")
    _refused(_run(*base, "--out", str(tmp_path / "s"), "--iwae-every", "0"), "--iwae-every")
    _refused(_run(*base, "--out", str(tmp_path / "s"), "--iwae-k", "1000000"), "--iwae-k")
    assert _entries(tmp_path) == ["X.safetensors"]


@pytest.mark.slow
def test_holes_refuses_sizes_before_loading_models():
    _refused(_run("vae_core.holes", "--json", "--n", "100000000"), "--n", "100,000,000")
    _refused(_run("vae_core.holes", "--json", "--seed", "1" + "0" * 25), "--seed")


@pytest.mark.slow
def test_classifier_refuses_outputs_inputs_and_sizes(tmp_path):
    (tmp_path / "X.safetensors").mkdir()
    train = ["vae_core.classifier", "train", "--epochs", "1"]
    _refused(_run(*train, "--out", str(tmp_path / "X")), "--out", "is a folder")
    _refused(_run(*train, "--epochs", "100000000", "--out", str(tmp_path / "c")), "--epochs")
    res = _run(*train, "--channels", "256", "256", "256", "--hidden", "4096", "--out", str(tmp_path / "c"))
    _refused(res, "parameters")
    res = _run(*train, "--eval-data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "c"))
    _refused(res, "--eval-data-dir", "not found")
    res = _run("vae_core.classifier", "evaluate", str(tmp_path / "X.safetensors"), "--data-dir", str(tmp_path))
    _refused(res, "X.safetensors", "is a folder")
    assert _entries(tmp_path) == ["X.safetensors"]


# --- python -m vae_core.download ---------------------------------------------------------------


def _closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/'www' on 127.0.0.1; a path starting /garbage gets a reply that is not HTTP."""
    www = tmp_path / "www"
    www.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/garbage/"):
                self.wfile.write(b"this is not HTTP\r\n\r\n")
                self.close_connection = True
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", www
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.slow
def test_download_cli_leaves_no_folder_when_the_server_is_unreachable(tmp_path):
    dest = tmp_path / "a" / "b" / "mnist"
    res = _run("vae_core.download", "--dest", str(dest), "--base-url", f"http://127.0.0.1:{_closed_port()}/")
    _refused(res, "could not download")
    assert _entries(tmp_path) == []


@pytest.mark.slow
def test_download_cli_leaves_no_folder_and_no_partial_file_after_a_bad_download(server, tmp_path):
    base_url, www = server
    (www / "train-images-idx3-ubyte.gz").write_bytes(b"not the published file" * 100)
    dest = tmp_path / "data" / "mnist"
    res = _run("vae_core.download", "--dest", str(dest), "--base-url", base_url)
    _refused(res, "train-images-idx3-ubyte.gz", "MD5")
    assert not (tmp_path / "data").exists()
    res = _run("vae_core.download", "--dest", str(dest), "--base-url", base_url + "garbage/")
    _refused(res, "could not download")  # before the fix: http.client.BadStatusLine's traceback
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_download_cli_refuses_a_bad_destination_or_url(tmp_path):
    (tmp_path / "a-file").write_text("x")
    closed = f"http://127.0.0.1:{_closed_port()}/"
    _refused(_run("vae_core.download", "--dest", str(tmp_path / "a-file"), "--base-url", closed), "--dest", "is a file")
    res = _run("vae_core.download", "--dest", str(tmp_path / "a-file" / "d"), "--base-url", closed)
    _refused(res, "--dest", "a-file", "not a folder")
    res = _run("vae_core.download", "--dest", str(tmp_path / "d"), "--base-url", "127.0.0.1:8000/mnist")
    _refused(res, "base URL", "http://")
    assert _entries(tmp_path) == ["a-file"]
    if HAS_PROC:
        _refused(_run("vae_core.download", "--dest", "/proc/vae-cli-refusal-test", "--base-url", closed), "/proc")
        assert not os.path.lexists("/proc/vae-cli-refusal-test")


def test_download_removes_only_the_folders_it_created(server, tmp_path):
    base_url, www = server
    (www / "good.gz").write_bytes(b"good" * 1000)
    good = hashlib.md5(b"good" * 1000).hexdigest()
    existing = tmp_path / "existing"
    existing.mkdir()
    dest = existing / "new" / "deeper"
    with pytest.raises(ConnectionError, match="missing.gz"):
        download_dataset("mnist", dest, base_url=base_url, files={"missing.gz": "0" * 32}, progress=False)
    assert _entries(tmp_path) == ["existing", "www", "www/good.gz"]  # "existing" was there before: kept
    # a verified file is kept (a second run resumes), its folder with it; no partial file is left
    with pytest.raises(ConnectionError, match="missing.gz"):
        files = {"good.gz": good, "missing.gz": "0" * 32}
        download_dataset("mnist", dest, base_url=base_url, files=files, progress=False)
    assert _entries(dest) == ["good.gz"]


def test_download_refuses_before_creating_anything(tmp_path):
    with pytest.raises(ValueError, match="base URL"):
        download_dataset("mnist", tmp_path / "d", base_url="htp://127.0.0.1/", files={"x": "0" * 32}, progress=False)
    with pytest.raises(ValueError, match="base URL"):
        download_dataset("mnist", tmp_path / "d", base_url="localhost/mnist/", progress=False)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.gz").mkdir()
    url = f"http://127.0.0.1:{_closed_port()}/"
    with pytest.raises(ValueError, match="x.gz is in the way"):
        download_dataset("mnist", tmp_path / "d", base_url=url, files={"x.gz": "0" * 32}, progress=False)
    assert _entries(tmp_path) == ["d", "d/x.gz"]
