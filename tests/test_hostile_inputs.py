"""Regression tests for the faults found by probing the app and the core as an attacker would.

Each test reproduces one fault of the "Hostile inputs" issue; the large inputs are built
cheaply (a PNG header that claims 13,000 x 13,000 pixels over a few kB of compressed rows, a
700-byte checkpoint asking for a huge network) and every test is bounded in time and memory.
"""

import gzip
import io
import json
import struct
import time
import tracemalloc

import numpy as np
import pytest
import torch
from PIL import Image

import vae_core
from e2e_harness import huge_png
from vae_core.data import read_idx_images
from vae_core.data.datasets import MAX_IDX_BYTES
from vae_core.data.preprocess import MAX_UPLOAD_PIXELS, image_from_upload
from vae_core.download import main as download_main
from vae_core.maths.reparam import reparameterize
from vae_core.models.checkpoint import CheckpointError, save_checkpoint

# --- 1. upload memory -------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own notice
def test_a_13000_squared_png_is_refused_from_its_header_fast_and_small():
    data = huge_png(13_000, 13_000)
    assert len(data) < 100_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"13,000 x 13,000 pixels; the limit is 16,777,216"):
        image_from_upload(data, "bomb.png")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1.0, seconds
    assert peak < 5 * 2**20, f"peak {peak / 2**20:.1f} MiB"  # the 169 MP were never decoded


def test_a_picture_at_the_limit_is_still_read():
    side = int(MAX_UPLOAD_PIXELS**0.5)
    pil = Image.new("L", (side, side), 255)
    pil.paste(0, (side // 3, side // 4, 2 * side // 3, 3 * side // 4))  # a dark bar on white
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    x = image_from_upload(buffer.getvalue(), "big.png")
    assert x.shape == (1, 1, 28, 28) and x.max() > 0.9


def test_black_digit_on_a_transparent_background_is_read_through_alpha():
    rgba = np.zeros((64, 64, 4), np.uint8)  # fully transparent black
    rgba[10:54, 28:36] = (0, 0, 0, 255)  # an opaque black stroke: a "1"
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    x = image_from_upload(buffer.getvalue(), "one.png")
    assert x.max() > 0.9 and x[0, 0, 14, 14] > 0.9  # the stroke is ink, centred
    assert x[0, 0, 14, 4] == 0.0  # the transparent background is not


# --- 3. checkpoints whose config or weights would cost memory or run code ----------------------------


def _checkpoint_with_config(path, config: dict) -> None:
    from safetensors.torch import save_file

    meta = {"format": "vae-latent-explorer/1", "config": json.dumps(config)}
    save_file({"decoder.0.bias": torch.zeros(1)}, str(path), metadata=meta)


@pytest.mark.parametrize("hidden", [[30_000, 30_000], [200_000, 200_000]])
def test_a_huge_config_is_refused_before_anything_is_allocated(tmp_path, hidden):
    path = tmp_path / "huge.safetensors"
    _checkpoint_with_config(path, {"kind": "vae", "latent_dim": 2, "hidden": hidden})
    assert path.stat().st_size < 1000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(CheckpointError, match=r"huge.safetensors: hidden .* over the limits"):
        vae_core.load_model(path)
    assert time.perf_counter() - started < 1.0
    assert tracemalloc.get_traced_memory()[1] < 5 * 2**20
    tracemalloc.stop()


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool, torch.float16, torch.float64])
def test_weights_of_the_wrong_dtype_are_refused_naming_key_and_dtypes(tmp_path, tiny_vae, dtype):
    from safetensors.torch import load_file, save_file

    path = save_checkpoint(tiny_vae, tmp_path / "m")
    with open(path, "rb") as f:
        meta = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))["__metadata__"]
    tensors = {k: v.to(dtype) for k, v in load_file(path).items()}
    save_file(tensors, path, metadata=meta)
    name = str(dtype).removeprefix("torch.")
    with pytest.raises(
        CheckpointError, match=rf"m.safetensors: weight '\w+\.0\.\w+' has dtype {name}, expected float32"
    ):
        vae_core.load_model(path)


def test_float16_storage_is_declared_and_loads_as_float32(tmp_path, tiny_vae):
    path = save_checkpoint(tiny_vae, tmp_path / "half", weights_dtype="float16")
    model = vae_core.load_model(path)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    for key, value in tiny_vae.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value.half().float())


def test_a_pickle_refusal_says_why_and_never_suggests_weights_only_false(tmp_path):
    evil = tmp_path / "evil.pt"
    torch.save({"config": {}, "state_dict": {}, "x": Image.new("L", (1, 1))}, evil)
    with pytest.raises(CheckpointError) as info:
        vae_core.load_model(evil)
    message = str(info.value)
    assert "evil.pt" in message and "refused for safety" in message
    assert "weights_only=False" not in message and "weights_only" not in message


# --- 5. smaller faults -----------------------------------------------------------------------------


def test_nan_sigma_is_refused_by_reparameterize():
    with pytest.raises(ValueError, match="sigma contains NaN"):
        reparameterize(torch.zeros(2), torch.tensor([1.0, float("nan")]), torch.zeros(2))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16])
def test_encode_and_decode_accept_other_float_dtypes(tiny_vae, dtype):
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    mu, sigma = tiny_vae.encode(x.to(dtype))
    torch.testing.assert_close(mu, tiny_vae.encode(x)[0], atol=2e-2, rtol=0)  # float16 input rounds
    assert mu.dtype == torch.float32 and tiny_vae.decode(mu.to(dtype)).dtype == torch.float32


def test_decoding_an_enormous_z_raises_instead_of_returning_nan(shipped):
    model = vae_core.load_model(shipped["vae"]["path"])
    with pytest.raises(ValueError, match="too large to decode"):
        model.decode(torch.full((1, 2), 1e38))
    assert torch.isfinite(model.decode(torch.full((1, 2), 1e3))).all()  # far out, but finite


def test_idx_with_negative_dimensions_names_the_file(tmp_path):
    path = tmp_path / "neg-images-idx3-ubyte"
    path.write_bytes(struct.pack(">iiii", 2051, -1, 28, 28))
    with pytest.raises(ValueError, match=r"neg-images-idx3-ubyte: the header gives negative dimensions"):
        read_idx_images(path)


def test_a_gzip_bomb_stops_at_the_cap(tmp_path):
    path = tmp_path / "bomb-images-idx3-ubyte.gz"
    chunk = b"\x00" * (1 << 20)
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">iiii", 2051, 60_000, 28, 28))
        for _ in range(MAX_IDX_BYTES // len(chunk) + 2):  # decompresses past the cap
            f.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(ValueError, match="bomb-images-idx3-ubyte.gz: decompresses to more than"):
        read_idx_images(path)


def test_download_cli_errors_are_one_line_not_a_traceback(tmp_path, capsys):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert download_main(["--dest", str(a_file), "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --dest") and "is a file" in err and "Traceback" not in err
    # a base URL without its trailing slash is completed, and the (refused) connection is an error
    assert download_main(["--dest", str(tmp_path / "d"), "--base-url", "http://127.0.0.1:9/x"]) == 2
    err = capsys.readouterr().err
    assert "http://127.0.0.1:9/x/train-images-idx3-ubyte.gz" in err and "Traceback" not in err


def test_an_upload_name_cannot_inject_markdown():
    from ui.text import escape_markdown

    text = "![i](http://attacker.example/x.png) :material/home: <b> www.x.example a@b.example &#58;"
    shown = escape_markdown(text, 200)
    assert "![" not in shown and "](" not in shown and "<b>" not in shown
    assert "http://" not in shown and "www." not in shown and "a@" not in shown  # no autolink can form
    assert shown.replace("\\", "").replace("\u2060", "") == text
