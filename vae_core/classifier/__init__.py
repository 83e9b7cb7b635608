"""A classifier of 28 x 28 images that judges what a decoded image shows, and how surely.

network.py     ClassifierConfig, Classifier (a small CNN), build_classifier
judge.py       judge(classifier, images) -> Verdict (probs, labels, confidence); thresholds
checkpoint.py  save_classifier / load_classifier (safetensors, no code executed), find_classifier
train.py       train_classifier (cross-entropy, Adam, affine warps), accuracy
__main__.py    ``python -m vae_core.classifier train|evaluate``
"""

from .checkpoint import classifiers_dir, find_classifier, load_classifier, read_classifier_metadata, save_classifier
from .judge import HOLE, RECOGNISABLE, Verdict, judge
from .network import Classifier, ClassifierConfig, build_classifier
from .train import ClassifierTrainConfig, accuracy, train_classifier

__all__ = [
    "Classifier",
    "ClassifierConfig",
    "ClassifierTrainConfig",
    "HOLE",
    "RECOGNISABLE",
    "Verdict",
    "accuracy",
    "build_classifier",
    "classifiers_dir",
    "find_classifier",
    "judge",
    "load_classifier",
    "read_classifier_metadata",
    "save_classifier",
    "train_classifier",
]
