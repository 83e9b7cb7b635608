"""Data-parallel training across processes: `torchrun --nproc_per_node=N -m vae_core.train …`.

torchrun (torch.distributed.run) starts N copies of the same command and sets RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR and MASTER_PORT; `init_from_env` joins them into one process group (gloo
on CPU, NCCL when CUDA is available) and the training loop wraps its objective in
`torch.nn.parallel.DistributedDataParallel`, which averages the gradients of the N processes
after each backward pass (Li et al. 2020, "PyTorch Distributed: Experiences on Accelerating Data
Parallel Training", VLDB).

Exactness: every process draws the *whole* global batch's order, warps and ε from the same seeded
generator and keeps its slice (`shard`), so the random stream is the single process's; each
process's loss is its slice's sum scaled so that DDP's average is the global batch mean. With the
same global batch and seed, N processes follow one process's trajectory up to floating-point
reduction order (tests/test_distributed.py checks 1e-4).
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

__all__ = ["World", "init_from_env", "shard", "all_reduce_sum", "wrap", "close"]


@dataclass(frozen=True)
class World:
    """This process's place in the group: rank in [0, size), and the device it trains on."""

    rank: int
    size: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        """Rank 0 prints, shows progress and writes the checkpoint."""
        return self.rank == 0


SINGLE = World(0, 1, torch.device("cpu"))
"""The world of a plain `python -m vae_core.train` run."""


def init_from_env() -> World:
    """Join the process group torchrun described in the environment; SINGLE without torchrun.

    Backend: "nccl" with one GPU per process (cuda:LOCAL_RANK) when CUDA is available, "gloo"
    on CPU otherwise. Raises RuntimeError (from torch.distributed) if the rendezvous fails.
    """
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return SINGLE
    if torch.cuda.is_available():
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl")
        device = torch.device("cuda", local_rank)
    else:
        dist.init_process_group("gloo")
        device = torch.device("cpu")
    return World(dist.get_rank(), dist.get_world_size(), device)


def shard(batch_size: int, world: World) -> slice:
    """This process's rows of a global batch of batch_size: contiguous chunks as torch.tensor_split
    makes them (the first batch_size % size processes get one row more)."""
    base, extra = divmod(batch_size, world.size)
    start = world.rank * base + min(world.rank, extra)
    return slice(start, start + base + (1 if world.rank < extra else 0))


def all_reduce_sum(value: torch.Tensor, world: World) -> torch.Tensor:
    """The sum of value over all processes (value itself in a single process)."""
    if world.size == 1:
        return value
    total = value.detach().clone().to(world.device)
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    return total


def wrap(module: torch.nn.Module, world: World) -> torch.nn.Module:
    """module wrapped in DistributedDataParallel (on world.device), or module itself if single."""
    if world.size == 1:
        return module
    from torch.nn.parallel import DistributedDataParallel

    ids = [world.device.index] if world.device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=ids)


def close(world: World) -> None:
    """Leave the process group (after a barrier, so no process exits while others still reduce).

    DistributedDataParallel wrappers sit in reference cycles, so without a collection they are
    freed at interpreter exit, after the group is gone; a CI run once ended with rank 1 aborting
    there ("terminate called without an active exception"). Collect them while the group lives."""
    if world.size > 1 and dist.is_initialized():
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()
