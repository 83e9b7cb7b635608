"""The holes measures of every shipped model, as the CLI prints them (``python -m vae_core.holes``)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..classifier import find_classifier, load_classifier
from ..data.galleries import load_gallery
from ..inference.codes import encode_images
from ..models.checkpoint import list_models, load_model
from .measure import N_CODES, HolesReport, random_code_report
from .paths import N_PAIRS, PathHolesReport, path_holes_report

__all__ = ["ModelHoles", "report_all"]


@dataclass
class ModelHoles:
    """One model's two measures: its random codes (HolesReport) and its paths (PathHolesReport)."""

    codes: HolesReport
    paths: PathHolesReport

    def as_json(self) -> dict:
        """The CLI's record: HolesReport.as_json() and PathHolesReport.as_json() in one object."""
        return {**self.codes.as_json(), **self.paths.as_json()}


def report_all(
    n: int = N_CODES, seed: int = 0, models_dir=None, n_pairs: int = N_PAIRS
) -> tuple[dict[str, ModelHoles], list[str]]:
    """({model name: ModelHoles}, [sentences about models skipped]) for every model list_models()
    finds (default models/), each judged by the classifier of its dataset (find_classifier).

    An AE's random codes are drawn from a Gaussian fitted to its codes of its dataset's gallery
    (vae_core.data.galleries); a VAE's from N(0, I). Paths run between n_pairs random pairs of
    that gallery (the same pairs for every model of a dataset). Every draw uses a
    torch.Generator seeded with seed.
    """
    reports, skipped = {}, []
    classifiers, galleries = {}, {}
    for entry in list_models(models_dir):
        dataset = entry["dataset"]
        if dataset not in classifiers:
            path = find_classifier(dataset)
            classifiers[dataset] = load_classifier(path) if path is not None else None
        if classifiers[dataset] is None:
            skipped.append(f"{entry['name']}: no {dataset} classifier in models/classifiers/")
            continue
        if dataset not in galleries:
            galleries[dataset] = load_gallery(dataset)
        gallery, classifier = galleries[dataset], classifiers[dataset]
        model = load_model(entry["path"])
        codes = encode_images(model, gallery.images)[0] if model.kind == "ae" else None
        with torch.no_grad():
            reports[entry["name"]] = ModelHoles(
                random_code_report(model, classifier, codes, n=n, seed=seed),
                path_holes_report(model, classifier, gallery.images, gallery.labels, n_pairs, seed),
            )
    return reports, skipped
