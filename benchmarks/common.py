"""Shared by the benchmarks: held-out reviews to run on (never written to disk by us) and one-core pinning."""
from __future__ import annotations

import os
import random
from pathlib import Path

from model.paths import SHARED_DATASETS


def pin_to_one_core() -> None:
    """Measure 'on one core' honestly: this process and its BLAS threads on CPU 0 only."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def held_out_reviews(n: int, *, datasets: Path = SHARED_DATASETS, seed: int = 0) -> list[str]:
    """A random sample of the test split of the base corpora (the model never trained on these)."""
    from training.datasets import load_base
    sentiment, _ = load_base(datasets)
    test = sentiment.split()["test"].texts
    return random.Random(seed).sample(test, min(n, len(test)))
