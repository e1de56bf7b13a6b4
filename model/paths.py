"""Where the project's own files live, found from this file so any working directory works."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
ARTIFACT_DIR = Path(os.environ.get("REVIEW_REPLY_MODEL_DIR", ROOT / "model" / "artifacts"))
SHARED_DATASETS = Path(os.environ.get("REVIEW_REPLY_DATASETS", ROOT.parent / "shared" / "datasets"))


def cache_dir() -> Path:
    """A writable cache folder (jieba's prefix-dict cache); XDG-style, overridable."""
    base = os.environ.get("REVIEW_REPLY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "review-reply"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path
