"""Download full MNIST or Fashion-MNIST (60k/10k IDX files), MD5-checked and written atomically.

    python -m vae_core.download --dataset mnist --dest ~/data/mnist
    python -m vae_core.train --model vae --data-dir ~/data/mnist --out models/my-vae

Mirrors, file names and checksums are in vae_core.data.registry (the published MD5s, as listed
by torchvision's MNIST and FashionMNIST datasets). Each file is streamed to a temporary file
beside its destination, its MD5 compared, and only then renamed into place (os.replace), so an
interrupted or corrupted download never leaves a file that looks complete. Files already present
with the right MD5 are not fetched again.

Before anything is fetched, --dest is checked (vae_core.cli_checks.check_output_dir: not a file,
and new files can be made there or in the nearest existing folder above it) and so is --base-url
(a URL urllib can open). If the download fails, the folders it created are removed again, unless
they already hold files that were fetched and verified (a second run keeps those and fetches the
rest).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import stat
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

from ..cli_checks import CliParser, check_output_dir, missing_folders
from .registry import REGISTRY

__all__ = ["DATASETS", "download_dataset", "md5sum", "main"]

DATASETS: dict[str, dict] = {
    name: {"base_url": spec.download_url, "files": dict(spec.download_files)} for name, spec in REGISTRY.items()
}
"""{name: {"base_url": mirror, "files": {file name: MD5}}}, read from vae_core.data.registry."""

URL_SCHEMES = ("http", "https", "ftp", "file")
"""The schemes of a --base-url (those urllib.request opens)."""


def md5sum(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex MD5 of a file, read in chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, destination: Path, expected_md5: str, timeout: float, progress: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=destination.name, disable=not progress) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
        if digest.hexdigest() != expected_md5:
            raise ValueError(
                f"{url}: MD5 {digest.hexdigest()} does not match the published "
                f"{expected_md5}; the download is corrupt and was discarded"
            )
        os.replace(tmp, destination)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # HTTPException: a truncated body (IncompleteRead) or a malformed answer, not an OSError
        raise ConnectionError(f"could not download {url}: {str(exc) or type(exc).__name__}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def download_dataset(
    name: str,
    dest: str | Path,
    base_url: str | None = None,
    files: dict[str, str] | None = None,
    timeout: float = 60.0,
    progress: bool = True,
) -> list[Path]:
    """Fetch every file of dataset `name` ("mnist" or "fashion-mnist") into dest.

    Args:
        base_url: overrides the dataset's mirror ("/" is added if it does not end with one).
        files: overrides the {file name: MD5} table (tests use their own files).
    Returns:
        the paths of all files, fetched or already present.
    Raises:
        ValueError: unknown dataset, a base_url urllib cannot open, dest is a file or new files
            cannot be made there (vae_core.cli_checks.check_output_dir), something other than a
            regular file is in a file's place, or a file's MD5 does not match.
        ConnectionError: the server could not be reached or answered with an error.
    On failure no partial file is left (each is written to a temporary file and renamed only once
    its MD5 matches), and the folders this call created are removed again if they are empty.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}")
    spec = DATASETS[name]
    base_url = base_url or spec["base_url"]
    scheme = urllib.parse.urlsplit(base_url).scheme
    if scheme not in URL_SCHEMES:
        schemes = ", ".join(f"{s}://" for s in URL_SCHEMES)
        raise ValueError(f"the base URL {base_url!r} must start with one of {schemes}")
    if not base_url.endswith("/"):
        base_url += "/"
    files = files or spec["files"]
    try:
        dest = check_output_dir(dest)
    except ValueError as exc:
        raise ValueError(f"--dest: {exc}") from None
    for filename in files:
        path = dest / filename
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue  # nothing there (or a dangling link, which os.replace replaces)
        except OSError as exc:
            raise ValueError(f"cannot look at {path}: {exc.strerror or exc}") from None
        if not stat.S_ISREG(mode):
            raise ValueError(f"{path} is in the way: it is not a regular file, so {filename} cannot be written there")
    created = missing_folders(dest)
    try:
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create the folder {dest}: {exc.strerror or exc}") from None
        paths = []
        for filename, expected in files.items():
            path = dest / filename
            if not (path.is_file() and md5sum(path) == expected):
                _fetch(base_url + filename, path, expected, timeout, progress)
            paths.append(path)
    except BaseException:
        _remove_empty(created)
        raise
    return paths


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders, deepest first, stopping at the first that is not empty or not there."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def main(argv: list[str] | None = None) -> int:
    """The CLI: check --dest and --base-url, then download. Returns 0, or 2 after one ``error:``
    line on stderr."""
    parser = CliParser(
        prog="python -m vae_core.download", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="mnist")
    parser.add_argument("--dest", required=True, help="folder to write the IDX .gz files to (created if missing)")
    parser.add_argument("--base-url", default=None, help="a mirror to use instead of the default")
    args = parser.parse_args(argv)
    try:
        paths = download_dataset(args.dataset, args.dest, args.base_url)
    except (ValueError, ConnectionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
