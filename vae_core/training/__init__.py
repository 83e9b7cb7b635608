"""The jobs: training (with its TrainConfig) and evaluation on a test split."""

from .config import TrainConfig
from .evaluate import evaluate_model
from .train import train

__all__ = ["TrainConfig", "evaluate_model", "train"]
