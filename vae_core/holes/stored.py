"""Measures that depend only on a shipped model, computed when it is shipped and stored beside it.

The Explorer's latent-space section and the tour's step 10 show, for every model, the holes
measure of 1,000 random codes (measure.random_code_report, seed 0) and of random paths between
gallery digits (paths.path_holes_report, seed 0) and, for every plain autoencoder and VAE of one
dataset and latent size, the default interpolation endpoints (endpoints.default_pair). Computed on
first use they cost 2-3 s each of a cold server's CPU per model, the first time a learner opens a
model; stored beside the model they cost a file read.

``models/<name>.measures.json`` (plain JSON, no pickle) holds::

    {"version": 1, "model_sha256": "...", "classifier_sha256": "...", "gallery_rows": 5000,
     "holes_report": {HolesReport fields}, "path_holes": {PathHolesReport fields},
     "default_pairs": {"<AE file name>": {"ae_sha256": "...", "pair": {PairScore fields} | null}}}

A record is used only when its version, the model's and the classifier's SHA-256 (and the AE's,
for a pair) and the gallery's size match what is on disk now, so a retrained model, classifier or
gallery cannot keep stale numbers: `read_measures` then returns None and the caller computes them
afresh. ``python -m vae_core.holes.stored [folder]`` (and the ship command) writes the records of
every model in a folder; tests/test_stored_measures.py checks the shipped ones against a fresh
computation.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import torch

from ..classifier import find_classifier, load_classifier
from ..data.galleries import load_gallery
from ..inference.codes import encode_images
from ..models.checkpoint import SUFFIX, load_model, models_dir, scan_models
from .endpoints import default_pair
from .measure import random_code_report
from .paths import path_holes_report

__all__ = [
    "VERSION",
    "MEASURES_SUFFIX",
    "measures_path",
    "file_sha256",
    "read_measures",
    "stored_pair",
    "compute_measures",
    "write_folder",
    "main",
]

VERSION = 2
"""Bumped whenever what a record holds, or how it is computed, changes: older records are ignored."""
MEASURES_SUFFIX = ".measures.json"
MAX_RECORD_BYTES = 1 << 20
"""A record larger than this is not read (the shipped ones are under 2 KB)."""


def measures_path(model_path: str | Path) -> Path:
    """models/<name>.safetensors -> models/<name>.measures.json."""
    path = Path(model_path)
    return path.with_name(path.name.removesuffix(SUFFIX) + MEASURES_SUFFIX)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex (a shipped model of 1-4 MB: a few milliseconds)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _classifier_sha256(dataset: str) -> str | None:
    path = find_classifier(dataset)
    return _sha256_of(str(path), path.stat().st_mtime_ns, path.stat().st_size) if path is not None else None


@functools.lru_cache(maxsize=32)
def _sha256_of(path: str, mtime_ns: int, size: int) -> str:
    """file_sha256, once per version of a file (its modification time and size are in the key)."""
    return file_sha256(path)


@functools.lru_cache(maxsize=8)
def _gallery_rows(dataset: str) -> int:
    return len(load_gallery(dataset).labels)


def read_measures(model_path: str | Path, dataset: str, gallery_rows: int | None = None) -> dict | None:
    """The stored record of the model at model_path, if it is current: its version, the model's
    and the dataset's classifier's SHA-256 and the gallery's size (`gallery_rows`, when the
    caller has the gallery loaded; else read here) match; else None (no file, an unreadable or
    stale one). Never raises for a bad record file."""
    path = measures_path(model_path)
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return None
    try:
        current = (
            record.get("model_sha256") == file_sha256(model_path)
            and record.get("classifier_sha256") == _classifier_sha256(dataset)
            and record.get("gallery_rows") == (_gallery_rows(dataset) if gallery_rows is None else gallery_rows)
        )
    except (OSError, ValueError):
        return None
    return record if current else None


def stored_pair(vae_record: dict | None, ae_path: str | Path) -> tuple[bool, dict | None]:
    """(found, pair): the default endpoints stored in a VAE's record for the AE at ae_path, if
    the AE file is the one they were measured with; pair is a PairScore dict or None (no pair
    of the default classes is recognised)."""
    if not vae_record:
        return False, None
    entry = (vae_record.get("default_pairs") or {}).get(Path(ae_path).name)
    if not isinstance(entry, dict) or entry.get("ae_sha256") != file_sha256(ae_path):
        return False, None
    return True, entry.get("pair")


@torch.no_grad()
def compute_measures(entry: dict, partners: list[dict]) -> dict | None:
    """The record of one scan_models entry: its holes report and, for a VAE, the default pair
    with every AE in `partners` (same dataset and latent size). None without a classifier."""
    dataset = entry["dataset"]
    classifier_path = find_classifier(dataset)
    if classifier_path is None:
        return None
    classifier = load_classifier(classifier_path)
    gallery = load_gallery(dataset)
    model = load_model(entry["path"])
    codes = encode_images(model, gallery.images)[0] if model.kind == "ae" else None
    record = {
        "version": VERSION,
        "model_sha256": file_sha256(entry["path"]),
        "classifier_sha256": file_sha256(classifier_path),
        "gallery_rows": len(gallery.labels),
        "holes_report": asdict(random_code_report(model, classifier, codes, seed=0)),
        "path_holes": asdict(path_holes_report(model, classifier, gallery.images, gallery.labels, seed=0)),
        "default_pairs": {},
    }
    if model.kind == "vae":
        for ae_entry in partners:
            ae = load_model(ae_entry["path"])
            pair = default_pair(ae, model, classifier, gallery.images, gallery.labels)
            record["default_pairs"][Path(ae_entry["path"]).name] = {
                "ae_sha256": file_sha256(ae_entry["path"]),
                "pair": asdict(pair) if pair is not None else None,
            }
    return record


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0o600 would hide it from a server run by another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder(folder: str | Path | None = None) -> list[Path]:
    """Compute and write the record of every model in folder (default models_dir()); returns
    the files written. Raises FileNotFoundError as the gallery or classifier loaders."""
    entries, _ = scan_models(folder)
    written = []
    for entry in entries:
        partners = [
            e
            for e in entries
            if e["kind"] == "ae" and e["dataset"] == entry["dataset"] and e["latent_dim"] == entry["latent_dim"]
        ]
        record = compute_measures(entry, partners)
        if record is not None:
            path = measures_path(entry["path"])
            _write_atomically(path, json.dumps(record, indent=1, sort_keys=True) + "\n")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m vae_core.holes.stored [folder]``: (re)write every model's measures file."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else models_dir()
    if not folder.is_dir():
        print(f"error: {folder} is not a folder of models", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    for path in write_folder(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
