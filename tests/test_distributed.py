"""`torchrun --nproc_per_node=2 -m vae_core.train …` on CPU follows the single-process run.

Two gloo processes with the same global batch and seed must give the losses and weights of one
process to 1e-4 after a few steps (floating-point reduction order is the only difference), and
the checkpoint's training record must say world_size = 2.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import torch

import vae_core
from vae_core.models import build_model

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--hidden", "64", "--epochs", "1", "--max-steps", "4", "--batch-size", "50", "--augment", "0", "--seed", "3",
    "--lr", "3e-3",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str]) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}  # this checkout's vae_core
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-4000:]


def test_two_processes_match_one_with_the_same_global_batch_and_seed(tmp_path):
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    _run([sys.executable, "-m", "vae_core.train", *ARGS, "--out", str(single)])
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nnodes=1", "--nproc_per_node=2"]
    torchrun += ["--master_addr=127.0.0.1", f"--master_port={_free_port()}"]
    _run([*torchrun, "-m", "vae_core.train", *ARGS, "--out", str(ddp)])

    one = vae_core.load_model(f"{single}.safetensors")
    two = vae_core.load_model(f"{ddp}.safetensors")
    record = two.metadata["training"]
    assert record["world_size"] == 2 and one.metadata["training"]["world_size"] == 1
    assert record["command"].startswith("torchrun --nproc_per_node=2 -m vae_core.train")
    assert abs(record["final_train_loss"] - one.metadata["training"]["final_train_loss"]) < 1e-4
    first = one.state_dict()
    for key, value in two.state_dict().items():
        torch.testing.assert_close(value, first[key], atol=1e-4, rtol=0)
    # The comparison means something: four steps moved the weights far more than 1e-4.
    fresh = build_model(one.config, generator=torch.Generator().manual_seed(3))
    moved = max(float((fresh.state_dict()[k] - v).abs().max()) for k, v in first.items())
    assert moved > 1e-3


def test_each_process_takes_its_own_slice_of_the_global_batch():
    from vae_core.training.distributed import World, shard

    for batch, size in [(50, 2), (8, 3), (1, 2), (128, 4)]:
        slices = [shard(batch, World(rank, size, torch.device("cpu"))) for rank in range(size)]
        rows = [i for s in slices for i in range(batch)[s]]
        assert rows == list(range(batch))  # a partition, in order, no row twice
        assert max(s.stop - s.start for s in slices) - min(s.stop - s.start for s in slices) <= 1
