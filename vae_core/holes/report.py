"""The holes measure of every shipped model, as the CLI prints it (``python -m vae_core.holes``)."""

from __future__ import annotations

import torch

from ..classifier import find_classifier, load_classifier
from ..data.galleries import load_gallery
from ..inference.codes import encode_images
from ..models.checkpoint import list_models, load_model
from .measure import N_CODES, HolesReport, random_code_report

__all__ = ["report_all"]


def report_all(n: int = N_CODES, seed: int = 0, models_dir=None) -> tuple[dict[str, HolesReport], list[str]]:
    """({model name: HolesReport}, [sentences about models skipped]) for every model list_models()
    finds (default models/), each judged by the classifier of its dataset (find_classifier).

    An AE's codes are drawn from a Gaussian fitted to its codes of its dataset's gallery
    (vae_core.data.galleries); a VAE's from N(0, I). Every model uses torch.Generator seeded
    with seed.
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
        model = load_model(entry["path"])
        codes = None
        if model.kind == "ae":
            if dataset not in galleries:
                galleries[dataset] = load_gallery(dataset).images
            codes, _ = encode_images(model, galleries[dataset])
        with torch.no_grad():
            reports[entry["name"]] = random_code_report(model, classifiers[dataset], codes, n=n, seed=seed)
    return reports, skipped
