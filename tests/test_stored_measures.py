"""Measures stored beside the shipped models (vae_core.holes.stored): each is current for the file
it belongs to, a changed model, classifier or record is not used, the numbers are what a fresh
computation gives, and the Explorer reads them instead of computing."""

import json
import shutil
from pathlib import Path

import pytest

import vae_core
from vae_core.holes.stored import VERSION, compute_measures, measures_path, read_measures, stored_pair

pytestmark = pytest.mark.slow  # every record is checked against the galleries (a few seconds to load)

ENTRIES = {e["name"]: e for e in vae_core.models.checkpoint.scan_models()[0]}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_shipped_model_has_a_current_record(name):
    entry = ENTRIES[name]
    record = read_measures(entry["path"], entry["dataset"])
    assert record is not None, f"{measures_path(entry['path'])} is missing or stale: python -m vae_core.holes.stored"
    assert record["version"] == VERSION and 0.0 <= record["holes_report"]["recognisable"] <= 1.0
    assert 0.0 <= record["path_holes"]["paths_with_a_hole"] <= 1.0
    if entry["kind"] == "vae":
        aes = [e for e in ENTRIES.values() if e["kind"] == "ae" and e["dataset"] == entry["dataset"]]
        aes = [e for e in aes if e["latent_dim"] == entry["latent_dim"]]
        assert aes and all(stored_pair(record, e["path"])[0] for e in aes)


def _copy(tmp_path: Path, name: str) -> Path:
    entry = ENTRIES[name]
    model = tmp_path / Path(entry["path"]).name
    shutil.copy(entry["path"], model)
    shutil.copy(measures_path(entry["path"]), measures_path(model))
    return model


def test_a_retrained_model_does_not_keep_the_stored_numbers(tmp_path):
    model = _copy(tmp_path, "mnist-vae-2d")
    assert read_measures(model, "mnist") is not None  # a copy of the same bytes: the same record
    data = bytearray(model.read_bytes())
    data[-1] ^= 1  # one bit of the weights
    model.write_bytes(bytes(data))
    assert read_measures(model, "mnist") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: {**r, "version": VERSION + 1},
        lambda r: {**r, "classifier_sha256": "0" * 64},
        lambda r: {**r, "gallery_rows": 12},
        lambda r: [r],
    ],
)
def test_a_stale_or_foreign_record_is_not_used(tmp_path, damage):
    model = _copy(tmp_path, "mnist-vae-2d")
    path = measures_path(model)
    path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    assert read_measures(model, "mnist") is None


def test_an_unreadable_record_is_not_used_and_raises_nothing(tmp_path):
    model = _copy(tmp_path, "mnist-vae-2d")
    measures_path(model).write_bytes(b"\xff{not json")
    assert read_measures(model, "mnist") is None
    measures_path(model).unlink()
    assert read_measures(model, "mnist") is None


def test_a_pair_is_used_only_with_the_ae_it_was_measured_with(tmp_path):
    record = read_measures(ENTRIES["mnist-vae-2d"]["path"], "mnist")
    ae = _copy(tmp_path, "mnist-ae-2d")
    assert stored_pair(record, ae)[0]
    ae.write_bytes(ae.read_bytes() + b"\0")
    assert stored_pair(record, ae) == (False, None)


def _close(a, b) -> bool:
    """Equal records, floats to 1e-5 (a classifier's confidence moves in the 7th digit with the
    thread count), everything else exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-5
    return a == b


def test_the_stored_numbers_are_what_a_fresh_computation_gives():
    vae, ae = ENTRIES["mnist-vae-2d"], ENTRIES["mnist-ae-2d"]
    for entry in (vae, ae):
        fresh = compute_measures(entry, [ae] if entry is vae else [])
        assert _close(fresh, read_measures(entry["path"], entry["dataset"])), entry["name"]


def test_the_explorer_reads_the_stored_numbers_instead_of_computing(monkeypatch):
    from ui.views import judged

    def refuse(*args, **kwargs):
        raise AssertionError("computed although a current record is stored")

    monkeypatch.setattr(judged, "random_code_report", refuse)
    monkeypatch.setattr(judged, "default_pair", refuse)
    judged.holes_report.clear()
    judged.measured_default.clear()
    vae, ae = ENTRIES["mnist-vae-2d"]["path"], ENTRIES["mnist-ae-2d"]["path"]
    assert judged.holes_report(vae) == read_measures(vae, "mnist")["holes_report"]
    assert judged.measured_default(ae, vae) == stored_pair(read_measures(vae, "mnist"), ae)[1]
