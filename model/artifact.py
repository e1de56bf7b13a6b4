"""Model files: one versioned joblib file per model, a JSON manifest beside it, and an ACTIVE pointer.

joblib runs pickle, so only files whose sha256 matches their manifest are opened. Every write goes through
`model.atomic`, so a crash at any moment leaves the previous file (and the previous ACTIVE pointer) intact.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import joblib

from model.atomic import atomic_write_bytes, atomic_writer
from model.classifier import ReviewClassifier
from model.errors import ModelFileError
from model.paths import ARTIFACT_DIR

ACTIVE_FILE = "ACTIVE"
FORMAT = "review-reply-model/3"
"""What `save` writes; bumped whenever the file layout changes. A file of a format not in READABLE_FORMATS
is refused, not half-read."""
READABLE_FORMATS = frozenset({"review-reply-model/2", FORMAT})
"""Formats this code reads: /2 files (no sentiment hidden layer) still load, so a shop's retrained model survives an upgrade."""
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")


def model_path(version: str, directory: Path = ARTIFACT_DIR) -> Path:
    return Path(directory) / f"review-reply-{version}.joblib"


def manifest_path(version: str, directory: Path = ARTIFACT_DIR) -> Path:
    return Path(directory) / f"review-reply-{version}.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_version() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def refuse_existing(version: str, directory: Path = ARTIFACT_DIR) -> None:
    """A saved version is never overwritten, so what is active stays what was gated."""
    if model_path(version, directory).exists() or manifest_path(version, directory).exists():
        raise ValueError(f"model version {version!r} already exists in {directory}: pick another --version "
                         "(a saved version is never overwritten, so what is active stays what was gated)")


def save(classifier: ReviewClassifier, *, version: str, directory: Path = ARTIFACT_DIR, metadata: dict | None = None) -> dict:
    """Write the model file, then its manifest (version, time, sha256, size, metadata). Returns the manifest."""
    if not _VERSION.match(version):
        raise ValueError(f"version {version!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    refuse_existing(version, directory)
    import sklearn  # the training side only: serving never imports scikit-learn (see model/scoring.py)
    target = model_path(version, directory)
    with atomic_writer(target) as fh:
        joblib.dump({"format": FORMAT, "state": classifier.to_state()}, fh, compress=("zlib", 3))
    digest, size = sha256_of(target), target.stat().st_size
    manifest = {
        "format": FORMAT,
        "version": version,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "file": target.name,
        "sha256": digest,
        "bytes": size,
        "sklearn": sklearn.__version__,
        **(metadata or {}),
    }
    atomic_write_bytes(manifest_path(version, directory), json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return manifest


def read_manifest(version: str, directory: Path = ARTIFACT_DIR) -> dict:
    path = manifest_path(version, directory)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"no manifest for model version {version!r} in {directory}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"manifest {path} is not valid JSON: {exc}") from None
    if manifest.get("format") not in READABLE_FORMATS or "sha256" not in manifest:
        raise ModelFileError(f"{path} is not a review-reply model manifest")
    return manifest


def active_version(directory: Path = ARTIFACT_DIR) -> str:
    try:
        version = (Path(directory) / ACTIVE_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ModelFileError(f"no active model in {directory} (missing {ACTIVE_FILE}); run `review-reply train`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{Path(directory) / ACTIVE_FILE} cannot be read: {exc}") from None
    if not _VERSION.match(version):
        raise ModelFileError(f"{Path(directory) / ACTIVE_FILE} does not name a model version")
    return version


def activate(version: str, directory: Path = ARTIFACT_DIR) -> None:
    """Point ACTIVE at `version` after checking the file loads: a broken model is never made active."""
    load(version, directory)
    atomic_write_bytes(Path(directory) / ACTIVE_FILE, (version + "\n").encode())


def versions(directory: Path = ARTIFACT_DIR) -> list[str]:
    return sorted(p.name[len("review-reply-"):-len(".json")] for p in Path(directory).glob("review-reply-*.json"))


class LoadedModel:
    """A classifier together with the manifest it was verified against."""

    def __init__(self, classifier: ReviewClassifier, manifest: dict, seconds: float):
        self.classifier = classifier
        self.manifest = manifest
        self.load_seconds = seconds

    @property
    def version(self) -> str:
        return self.manifest["version"]


def load(version: str | None = None, directory: Path = ARTIFACT_DIR) -> LoadedModel:
    """Load `version` (default: the active one) after checking its sha256 against the manifest."""
    started = time.perf_counter()
    directory = Path(directory)
    version = version or active_version(directory)
    manifest = read_manifest(version, directory)
    path = directory / manifest.get("file", model_path(version, directory).name)
    if path.resolve().parent != directory.resolve():
        raise ModelFileError(f"manifest for {version!r} points outside {directory}")
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing")
    if sha256_of(path) != manifest["sha256"]:
        raise ModelFileError(f"model file {path} does not match the sha256 in its manifest: refusing to load it "
                             "(it was changed or damaged after training; retrain or restore it)")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # a file with the right hash that still fails is not ours to open further
        raise ModelFileError(f"model file {path} could not be read: {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS:
        raise ModelFileError(f"{path} is not a review-reply model file")
    try:
        classifier = ReviewClassifier.from_state(payload["state"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path} holds a model this code cannot use: {exc}") from None
    return LoadedModel(classifier, manifest, time.perf_counter() - started)
