"""Shared fixtures: the shipped model, a tiny model trained from our own sentences, an app client."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("REVIEW_REPLY_CACHE", str(Path(__file__).resolve().parent.parent / ".cache"))

from model import artifact  # noqa: E402
from tests.samples import write_tiny_datasets  # noqa: E402


@pytest.fixture(scope="session")
def shipped_model():
    """The model the service ships with, loaded (and hash-checked) exactly as the service does."""
    return artifact.load()


@pytest.fixture(scope="session")
def tiny_datasets(tmp_path_factory) -> Path:
    return write_tiny_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_datasets, tmp_path_factory) -> Path:
    """A model folder with one active version trained on the tiny corpus (seconds, not minutes).

    Its sentiment network reads 200 of the ~1,500 features, as the shipped one reads 40k of 180k, so
    scoring meets features the network does not read."""
    from training import workflow
    from training.progress import Progress
    from training.train import TrainConfig
    out = tmp_path_factory.mktemp("models")
    workflow.run(datasets_dir=tiny_datasets, model_dir=out, version="tiny-1", config=TrainConfig(min_df=1, sentiment_hidden_features=200),
                 progress=Progress(quiet=True))
    return out
