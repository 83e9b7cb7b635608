"""Checks the command lines make before they work: paths they read and write, and sizes.

Every CLI (``python -m vae_core.train | evaluate | download | holes | classifier`` and
``python -m vae_core.training.ship``) parses its arguments with CliParser and the argparse types
below, so a bad argument is refused while parsing, before any data is loaded or any step is
trained: one line ``error: <the problem>`` on stderr and exit code 2.

Limits (named once; the CLIs' --help quotes them):
- MAX_LATENT_DIM = 64: the app's links (ui/link_codec.py, MAX_LATENT) carry at most 64 latent numbers;
- MAX_EPOCHS = 10,000 passes (ten times the longest shipped run, 1,000 epochs);
- MAX_BATCH_SIZE = 60,000 images: the largest training split (MNIST and Fashion-MNIST, 60,000);
- MAX_IMAGES = 1,000,000 images for a --limit on the training images;
- MAX_STEPS = 1,000,000,000 optimizer steps for --max-steps;
- MAX_SAMPLES_PER_IMAGE = 1,000 draws of z per image (10 M decodes over a 10,000-image test split);
- MAX_EVERY = 10,000: "every n-th test image" strides (a 10,000-image split has one such image);
- MAX_SEED = 2**63 - 1: seeds are 0 <= seed < 2**63 (torch.Generator.manual_seed takes 64 bits);
- MAX_LR = 10.0, MAX_BETA = 1,000.0, MAX_AUGMENT = 5.0 (warps up to 50 degrees, 10 pixels and 50%
  scale; at 10 the scale could reach 0), MAX_GRAD_NORM = 1e6, MAX_TOLERANCE_NATS = 1,000.0.
The network sizes (hidden widths and layers, convolution channels, parameter counts) are those a
checkpoint may declare: vae_core.models.checkpoint.LIMITS and vae_core.classifier.checkpoint.LIMITS.

A leaf of the core: it imports nothing from vae_core (nor streamlit, nor ui), so every layer may use it.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

__all__ = [
    "MAX_LATENT_DIM",
    "MAX_EPOCHS",
    "MAX_BATCH_SIZE",
    "MAX_IMAGES",
    "MAX_STEPS",
    "MAX_SAMPLES_PER_IMAGE",
    "MAX_EVERY",
    "MAX_SEED",
    "MAX_LR",
    "MAX_BETA",
    "MAX_AUGMENT",
    "MAX_GRAD_NORM",
    "MAX_TOLERANCE_NATS",
    "CliParser",
    "check_range",
    "check_output_path",
    "check_output_dir",
    "check_input_file",
    "check_input_dir",
    "missing_folders",
    "bounded_int",
    "bounded_float",
    "output_file",
    "output_dir",
    "input_file",
    "input_dir",
]

MAX_LATENT_DIM = 64
MAX_EPOCHS = 10_000
MAX_BATCH_SIZE = 60_000
MAX_IMAGES = 1_000_000
MAX_STEPS = 1_000_000_000
MAX_SAMPLES_PER_IMAGE = 1_000
MAX_EVERY = 10_000
MAX_SEED = 2**63 - 1
MAX_LR = 10.0
MAX_BETA = 1_000.0
MAX_AUGMENT = 5.0
MAX_GRAD_NORM = 1e6
MAX_TOLERANCE_NATS = 1_000.0

_PROBE_PREFIX = ".vae-write-check-"


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals are one line, ``error: <message> (see <prog> --help)``, exit 2.

    argparse's own style prints the usage (a dozen lines for the training CLI) and then
    ``<prog>: error: ...``; here the one line that names the problem is all there is on stderr.
    Subparsers made by add_subparsers are CliParsers too.
    """

    def error(self, message: str) -> NoReturn:
        """Print ``error: message`` and a pointer to --help on stderr and exit with status 2."""
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _bounds(low: float, high: float, low_open: bool) -> str:
    return f"({low:,}, {high:,}]" if low_open else f"[{low:,}, {high:,}]"


def _within(value: float, low: float, high: float, low_open: bool) -> bool:
    return (low < value if low_open else low <= value) and value <= high


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def check_range(name: str, value: object, low: float, high: float, low_open: bool = False) -> int | float:
    """Return value if it is a finite real number in [low, high] ((low, high] with low_open).

    Args:
        name: what the value is, for the message (e.g. "latent_dim").
        value: an int or a float (bool is refused).
        low, high: the bounds; low_open excludes low itself (e.g. a learning rate > 0).
    Raises:
        ValueError: not a number, NaN or infinite, or outside the bounds; the message names name,
            the bounds and the value.
    """
    bounds = _bounds(low, high, low_open)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number in {bounds}, got {value!r}")
    if not math.isfinite(value) or not _within(value, low, high, low_open):
        raise ValueError(f"{name} must be in {bounds}, got {value:,}")
    return value


def _stat(path: Path) -> os.stat_result | None:
    """os.stat(path), or None if nothing is there. Raises ValueError if it cannot be looked at."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise ValueError(f"cannot look at {path}: {exc.strerror or exc}") from None


def missing_folders(folder: str | os.PathLike) -> list[Path]:
    """folder and those of its ancestors that do not exist yet, deepest first: the folders
    ``Path(folder).mkdir(parents=True)`` would create (and a failed writer should remove again).

    Args:
        folder: a folder path, absolute or relative (a relative one stops at ".").
    Returns:
        [] if folder exists; else [folder, its parent, ...] up to, not including, the nearest
        ancestor that exists.
    """
    folder, missing = Path(folder), []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _nearest_existing(folder: Path) -> Path:
    """folder, or its nearest ancestor that exists (the folder new folders would be made in)."""
    missing = missing_folders(folder)
    return missing[-1].parent if missing else folder


def _probe(folder: Path, target: Path, make_folder: bool) -> None:
    """Create and remove a temporary file (or, make_folder, a folder) in folder: the only sure test
    that new entries can be made there (os.access says yes to root on /proc and read-only mounts)."""
    info = _stat(folder)
    if info is None or not stat.S_ISDIR(info.st_mode):
        raise ValueError(f"cannot write {target}: {folder} is not a folder")
    try:
        if make_folder:
            os.rmdir(tempfile.mkdtemp(dir=folder, prefix=_PROBE_PREFIX))
        else:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=_PROBE_PREFIX)
            os.close(fd)
            os.unlink(tmp)
    except OSError as exc:
        reason = exc.strerror or exc
        raise ValueError(
            f"cannot write {target}: the folder {folder} does not accept new files (making one there failed: {reason})"
        ) from None


def _check_lengths(target: Path, new: list[Path], existing: Path) -> None:
    """Refuse names (of the file and the folders still to be made) and a whole path longer than
    the file system under existing allows (ENAMETOOLONG would otherwise come at the end)."""
    limits = {"PC_NAME_MAX": 255, "PC_PATH_MAX": 4096}
    for key in limits:
        try:
            limits[key] = os.pathconf(existing, key)
        except (OSError, ValueError):
            pass
    for entry in new:
        if len(os.fsencode(entry.name)) > limits["PC_NAME_MAX"]:
            raise ValueError(
                f"cannot write {str(target)[:60]}...: the name {entry.name[:40]}... is longer than "
                f"the {limits['PC_NAME_MAX']} bytes a file or folder name may have"
            )
    if len(os.fsencode(os.path.abspath(target))) >= limits["PC_PATH_MAX"]:
        raise ValueError(
            f"cannot write {str(target)[:60]}...: the path is longer than the {limits['PC_PATH_MAX']} bytes allowed"
        )


def _nonempty(path: str | os.PathLike, what: str) -> str:
    text = os.fspath(path)
    if not text or not text.strip():
        raise ValueError(f"the {what} is empty")
    if "\0" in text:
        raise ValueError(f"the {what} {text!r} contains a NUL character")
    return text


def check_output_path(path: str | os.PathLike, suffix: str | None = None) -> Path:
    """The file a CLI will write, checked before any work is done; nothing is written there.

    Args:
        path: where to write. A missing folder on the way is fine (the writers create it).
        suffix: e.g. ".safetensors": appended unless path already ends with it, as
            vae_core.models.checkpoint.save_checkpoint does, so the file checked is the file written.
    Returns:
        the Path that will be written (with suffix).
    Raises:
        ValueError, naming the path: it is empty, ends with a separator or is "." or "..", is an
            existing folder, exists but is not a regular file (a device, pipe or socket), has a
            name longer than the file system allows, lies under a file, or its folder (or, if that
            does not exist yet, the nearest existing folder above it) does not accept new files
            (no permission, a read-only mount, /proc, /sys).
    """
    text = _nonempty(path, "output path")
    if text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise ValueError(f"the output path {text} names a folder: give a file name, e.g. {Path(text) / 'model'}")
    target = Path(text)
    if suffix and target.suffix != suffix:
        target = target.with_name(target.name + suffix)
    folder = target.parent
    existing = _nearest_existing(folder)
    _check_lengths(target, [target, *missing_folders(folder)], existing)
    info = _stat(target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{target} is a folder, not a file: name a file to write, e.g. {target / 'model'}")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{target} exists and is not a regular file (a device, pipe or socket): name another file")
    _probe(existing, target, make_folder=existing != folder)
    return target


def check_output_dir(path: str | os.PathLike) -> Path:
    """A folder a CLI will write files into, checked before any work is done; nothing is created.

    Args:
        path: the folder; it may not exist yet (the writer creates it and the folders above it).
    Returns:
        Path(path).
    Raises:
        ValueError, naming the path: it is empty, exists but is not a folder, lies under a file,
            has a name or length the file system does not allow, or it (or, if it does not exist
            yet, the nearest existing folder above it) does not accept new files (no permission,
            a read-only mount, /proc, /sys).
    """
    folder = Path(_nonempty(path, "output folder"))
    existing = _nearest_existing(folder)
    _check_lengths(folder, missing_folders(folder), existing)
    info = _stat(folder)
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{folder} is a file, not a folder: name a folder to write the files to")
    _probe(existing, folder, make_folder=existing != folder)
    return folder


def check_input_file(path: str | os.PathLike, what: str = "file") -> Path:
    """A file a CLI will read, checked before any work is done.

    Args:
        path: the file. what: what it should be, for the messages (e.g. "model file").
    Returns:
        Path(path).
    Raises:
        FileNotFoundError: nothing is there ("<what> not found: <path>").
        ValueError, naming the path: it is empty, a folder, not a regular file (a device, pipe or
            socket), or cannot be read (no permission).
    """
    text = _nonempty(path, what)
    source = Path(text)
    info = _stat(source)
    if info is None:
        raise FileNotFoundError(f"{what} not found: {source}")
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{source} is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{source} is not a regular file (a device, pipe or socket), so not a {what}")
    if not os.access(source, os.R_OK):
        raise ValueError(f"cannot read {source}: permission denied")
    return source


def check_input_dir(path: str | os.PathLike, what: str = "folder") -> Path:
    """A folder a CLI will read files from, checked before any work is done.

    Args:
        path: the folder. what: what it should be, for the messages (e.g. "data folder").
    Returns:
        Path(path).
    Raises:
        FileNotFoundError: nothing is there ("<what> not found: <path>").
        ValueError, naming the path: it is empty, not a folder, or cannot be listed (no permission).
    """
    text = _nonempty(path, what)
    folder = Path(text)
    info = _stat(folder)
    if info is None:
        raise FileNotFoundError(f"{what} not found: {folder}")
    if not stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{folder} is a file, not a {what}")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ValueError(f"cannot read the {what} {folder}: permission denied")
    return folder


def _argument_type(name: str, check: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type running check(text): its ValueError/OSError becomes argparse's one-line error."""

    def parse(text: str) -> object:
        try:
            return check(text)
        except (ValueError, OSError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = name
    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type=``: the argument as an int in [low, high].

    Args:
        low, high: the inclusive bounds (quote the limit's name in the option's help).
    Returns:
        a function str -> int that raises argparse.ArgumentTypeError ("must be an integer in
        [low, high], got ...") for anything else, so parse_args refuses it with exit code 2.
    """

    def check(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise ValueError(f"must be an integer in {_bounds(low, high, False)}, got {_shown(text)}") from None
        if not _within(value, low, high, False):
            raise ValueError(f"must be an integer in {_bounds(low, high, False)}, got {value:,}")
        return value

    return _argument_type("bounded_int", check)  # type: ignore[return-value]


def bounded_float(low: float, high: float, low_open: bool = False) -> Callable[[str], float]:
    """An argparse ``type=``: the argument as a finite float in [low, high] ((low, high] with low_open).

    Returns:
        a function str -> float that raises argparse.ArgumentTypeError for text that is not a
        number, NaN, infinite or out of bounds, so parse_args refuses it with exit code 2.
    """

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"must be a number in {_bounds(low, high, low_open)}, got {_shown(text)}") from None
        if not math.isfinite(value) or not _within(value, low, high, low_open):
            raise ValueError(f"must be a number in {_bounds(low, high, low_open)}, got {value:g}")
        return value

    return _argument_type("bounded_float", check)  # type: ignore[return-value]


def output_file(suffix: str | None = None) -> Callable[[str], Path]:
    """An argparse ``type=``: check_output_path(text, suffix) (returns the Path that will be written)."""
    return _argument_type("output_file", lambda text: check_output_path(text, suffix))  # type: ignore[return-value]


def output_dir() -> Callable[[str], Path]:
    """An argparse ``type=``: check_output_dir(text) (returns the Path of the folder)."""
    return _argument_type("output_dir", check_output_dir)  # type: ignore[return-value]


def input_file(what: str = "file") -> Callable[[str], Path]:
    """An argparse ``type=``: check_input_file(text, what) (returns the Path)."""
    return _argument_type("input_file", lambda text: check_input_file(text, what))  # type: ignore[return-value]


def input_dir(what: str = "folder") -> Callable[[str], Path]:
    """An argparse ``type=``: check_input_dir(text, what) (returns the Path)."""
    return _argument_type("input_dir", lambda text: check_input_dir(text, what))  # type: ignore[return-value]
