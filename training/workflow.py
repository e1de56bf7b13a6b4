"""The retraining run end to end: gather data -> split -> fit -> evaluate -> save -> gate -> activate.

The gate compares the new model with the active one on the same held-out test split; the new one
becomes active only if it is not worse beyond `tolerance` on sentiment accuracy or dispute macro-F1.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from model import artifact
from model.atomic import atomic_write_bytes
from model.errors import ModelFileError
from model.paths import DATA_DIR
from model.privacy import mask_personal_data
from model.text import normalise
from training.datasets import LabelledSet, base_files, fingerprint, load_base
from training.evaluate import evaluate, headline, to_markdown, write_report
from training.progress import Progress
from training.train import TrainConfig, fit

READ_LABELS_DIR = DATA_DIR / "labels"
GATED_METRICS = ("sentiment_accuracy", "dispute_macro_f1")


@dataclass
class TrainResult:
    version: str
    manifest: dict
    report: dict
    activated: bool
    gate: dict = field(default_factory=dict)
    report_paths: tuple[Path, Path] | None = None


def read_label_files(directory: Path = READ_LABELS_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


def read_labels(directory: Path = READ_LABELS_DIR) -> dict[str, dict]:
    """Dispute labels we made by reading corpus reviews, keyed by sha1 of the normalised text (no text kept)."""
    labels = {}
    for path in read_label_files(directory):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labels[row["key"]] = row
    return labels


def attach_read_labels(sentiment: LabelledSet, labels: dict[str, dict]) -> LabelledSet:
    """The corpus reviews whose key has a read label, as extra dispute-labelled rows."""
    out = LabelledSet()
    for text in sentiment.texts:
        row = labels.get(hashlib.sha1(normalise(text).encode("utf-8")).hexdigest())
        if row:
            out.add(text, source="read_labels", sentiment=row.get("sentiment"),
                    disputes=tuple(row.get("disputes") or ()), primary=row.get("primary"))
    return out


def gather(*, datasets_dir: Path | None, exports: LabelledSet | None, progress: Progress) -> tuple[LabelledSet, LabelledSet, dict]:
    """(sentiment set, dispute set, data fingerprints) from the base corpora and/or shop exports."""
    sentiment, disputes, prints = LabelledSet(), LabelledSet(), {}
    if datasets_dir is not None:
        with progress.step(f"reading base corpora from {datasets_dir}"):
            sentiment, disputes = load_base(datasets_dir)
            extra = attach_read_labels(sentiment, read_labels())
            disputes = disputes.extend(extra).deduplicated()
            prints = fingerprint([*base_files(datasets_dir), *read_label_files()])
            progress.say(f"base: {len(sentiment):,} sentiment reviews, {len(disputes):,} dispute-labelled ({len(extra):,} read labels)")
    if exports is not None and len(exports):
        # Buyers' phone numbers and addresses must not become vocabulary in a saved model file.
        masked = replace(exports, texts=[mask_personal_data(t).text for t in exports.texts])
        # Export rows first so a shop's own label wins over a corpus label for the same review.
        sentiment = masked.with_sentiment().extend(sentiment).deduplicated()
        disputes = masked.with_disputes().extend(disputes).deduplicated()
    return sentiment, disputes, prints


def gate(new_report: dict, old_report: dict | None, tolerance: float) -> dict:
    if old_report is None:
        return {"passed": True, "reason": "no active model to compare with"}
    new, old = headline(new_report), headline(old_report)
    worse = {m: {"new": new[m], "active": old[m]} for m in GATED_METRICS
             if new[m] is not None and old[m] is not None and new[m] < old[m] - tolerance}
    return {"passed": not worse, "tolerance": tolerance, "new": {m: new[m] for m in GATED_METRICS},
            "active": {m: old[m] for m in GATED_METRICS}, "worse": worse}


def model_card(manifest: dict, report: dict) -> str:
    h = manifest["metrics"]["headline"]
    return "\n".join([
        f"# Model card: review-reply {manifest['version']}", "",
        f"Created {manifest['created']}; scikit-learn {manifest['sklearn']}; file `{manifest['file']}` "
        f"({manifest['bytes'] / 1e6:.1f} MB, sha256 `{manifest['sha256'][:16]}…`).", "",
        "## What it does",
        "Reads one Chinese shop review and gives its sentiment (positive/negative) and its dispute types "
        "(product, logistics, service; several may apply) with scores in [0, 1]; a score of 0.5 or more means "
        "the label is assigned (thresholds chosen on the validation split).", "",
        "## Data", *[f"- `{k}`: sha256 `{v[:16]}…`" for k, v in manifest.get("data", {}).items()],
        f"- rows: {json.dumps(manifest.get('rows', {}))}", "",
        "## Headline metrics (held-out test split, never trained on)",
        *[f"- {k}: {v}" for k, v in h.items()], "",
        "## Limits",
        "- Trained on product, food-delivery and hotel reviews; other trades may score lower.",
        "- Text without Chinese gets scores near 0.5 (the model has not learnt from it).",
        "- Sentiment labels of the public corpora carry some noise (about 5% by their own check).", "",
        to_markdown(report, title="Full evaluation"),
    ])


def run(*, datasets_dir: Path | None, exports: LabelledSet | None = None, model_dir: Path = artifact.ARTIFACT_DIR,
        version: str | None = None, config: TrainConfig | None = None, tolerance: float = 0.005,
        force: bool = False, activate: bool = True, report_dir: Path | None = None,
        progress: Progress | None = None) -> TrainResult:
    progress = progress or Progress()
    version = version or artifact.new_version()
    artifact.refuse_existing(version, model_dir)  # before a minute of training, not after
    sentiment, disputes, prints = gather(datasets_dir=datasets_dir, exports=exports, progress=progress)
    s_split, d_split = sentiment.split(), disputes.split()
    classifier = fit(s_split["train"], d_split["train"], s_split["valid"], d_split["valid"], config=config, progress=progress)
    with progress.step(f"evaluating on the held-out split ({len(s_split['test']):,} + {len(d_split['test']):,} reviews)"):
        report = evaluate(classifier, s_split["test"], d_split["test"])
    old_report = None
    try:
        active = artifact.load(directory=model_dir)
        with progress.step(f"evaluating the active model {active.version} on the same split"):
            old_report = evaluate(active.classifier, s_split["test"], d_split["test"])
    except ModelFileError as exc:
        progress.say(f"no usable active model to compare with ({exc})")
    verdict = gate(report, old_report, tolerance)
    report["model_version"] = version
    metadata = {
        "data": prints,
        "rows": {name: {k: len(v) for k, v in split.items()} for name, split in (("sentiment", s_split), ("disputes", d_split))},
        "config": (config or TrainConfig()).as_dict(),
        "thresholds": {"sentiment": classifier.sentiment_threshold, **classifier.dispute_thresholds},
        "metrics": {"headline": headline(report), "report": report},
        "gate": verdict,
    }
    with progress.step(f"saving model {version} to {model_dir}"):
        manifest = artifact.save(classifier, version=version, directory=model_dir, metadata=metadata)
        atomic_write_bytes(Path(model_dir) / f"review-reply-{version}.md", model_card(manifest, report).encode())
    paths = write_report(report, report_dir, stem=f"evaluation-{version}") if report_dir else None
    activated = False
    if activate and (verdict["passed"] or force):
        artifact.activate(version, model_dir)
        activated = True
        if not verdict["passed"]:
            progress.say(f"--force: activated {version} although the gate refused it: {verdict['worse']}")
    return TrainResult(version, manifest, report, activated, verdict, paths)
