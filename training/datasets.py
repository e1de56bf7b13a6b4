"""Labelled data for training: the shared base corpora, the hand-labelled dispute set, shop exports.

Every review is assigned to train / valid / test by a hash of its normalised text, so the same review
lands in the same split in every file and every run: a review in the test split is never trained on,
even when it appears in two corpora or again in a shop export.
"""
from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from model.artifact import sha256_of
from model.labels import DISPUTE_TYPES
from model.text import normalise

Split = Literal["train", "valid", "test"]
SENTIMENT_CORPORA = ("online_shopping_10_cats", "waimai_10k", "chnsenticorp_htl_all")
DISPUTE_FILE = "disputes.train.jsonl"


def split_of(normalised_text: str) -> Split:
    bucket = int.from_bytes(hashlib.sha1(normalised_text.encode("utf-8")).digest()[:4], "big") % 10
    return "test" if bucket == 0 else "valid" if bucket == 1 else "train"


@dataclass
class LabelledSet:
    """Column-wise labelled reviews (the shape scikit-learn wants). `None` means 'not labelled for this'."""

    texts: list[str] = field(default_factory=list)
    sentiments: list[str | None] = field(default_factory=list)
    disputes: list[tuple[str, ...] | None] = field(default_factory=list)
    primaries: list[str | None] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, *, source: str, sentiment: str | None = None,
            disputes: Iterable[str] | None = None, primary: str | None = None) -> None:
        self.texts.append(text)
        self.sentiments.append(sentiment)
        self.disputes.append(tuple(disputes) if disputes is not None else None)
        self.primaries.append(primary)
        self.sources.append(source)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, keep: Iterable[int]) -> "LabelledSet":
        out = LabelledSet()
        for i in keep:
            out.add(self.texts[i], source=self.sources[i], sentiment=self.sentiments[i],
                    disputes=self.disputes[i], primary=self.primaries[i])
        return out

    def extend(self, other: "LabelledSet") -> "LabelledSet":
        for name in ("texts", "sentiments", "disputes", "primaries", "sources"):
            getattr(self, name).extend(getattr(other, name))
        return self

    def deduplicated(self) -> "LabelledSet":
        """First occurrence of each normalised text wins (base corpora repeat each other)."""
        seen: set[str] = set()
        keep = []
        for i, text in enumerate(self.texts):
            key = normalise(text)
            if key and key not in seen:
                seen.add(key)
                keep.append(i)
        return self.subset(keep)

    def split(self) -> dict[str, "LabelledSet"]:
        parts: dict[str, list[int]] = {"train": [], "valid": [], "test": []}
        for i, text in enumerate(self.texts):
            parts[split_of(normalise(text))].append(i)
        return {name: self.subset(idx) for name, idx in parts.items()}

    def with_sentiment(self) -> "LabelledSet":
        return self.subset(i for i, s in enumerate(self.sentiments) if s is not None)

    def with_disputes(self) -> "LabelledSet":
        return self.subset(i for i, d in enumerate(self.disputes) if d is not None)

    @classmethod
    def from_reviews(cls, reviews: Iterable, *, source: str) -> "LabelledSet":
        """From records with .text, .sentiment, .disputes, .primary (e.g. rows of a shop export)."""
        out = cls()
        for r in reviews:
            out.add(r.text, source=source, sentiment=r.sentiment, disputes=r.disputes, primary=getattr(r, "primary", None))
        return out


def load_sentiment_corpus(path: Path) -> LabelledSet:
    """A base corpus CSV with `label` (1 positive, 0 negative) and `review` columns."""
    out = LabelledSet()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("review") or "").strip()
            if text and row.get("label") in ("0", "1"):
                out.add(text, source=Path(path).name.split(".")[0], sentiment="positive" if row["label"] == "1" else "negative")
    return out


def load_dispute_set(path: Path) -> LabelledSet:
    """The hand-labelled dispute file (JSONL: review, sentiment, disputes, primary)."""
    out = LabelledSet()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            disputes = tuple(d for d in DISPUTE_TYPES if d in row.get("disputes", []))
            out.add(row["review"], source="disputes", sentiment=row.get("sentiment"),
                    disputes=disputes, primary=row.get("primary"))
    return out


def base_files(datasets_dir: Path) -> list[Path]:
    """The shared data files the base model is trained on: the three corpora, then the dispute set."""
    return [Path(datasets_dir) / f"{c}.train.csv" for c in SENTIMENT_CORPORA] + [Path(datasets_dir) / DISPUTE_FILE]


def load_base(datasets_dir: Path) -> tuple[LabelledSet, LabelledSet]:
    """(sentiment corpora, deduplicated; hand-labelled dispute set) from the shared datasets folder."""
    *corpora, dispute_file = files = base_files(datasets_dir)
    missing = [p.name for p in files if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"{datasets_dir} lacks {', '.join(missing)} (pass --datasets DIR)")
    sentiment = LabelledSet()
    for path in corpora:
        sentiment.extend(load_sentiment_corpus(path))
    return sentiment.deduplicated(), load_dispute_set(dispute_file).deduplicated()


def fingerprint(paths: Iterable[Path]) -> dict[str, str]:
    """sha256 of each data file, so a manifest says exactly which data made the model."""
    return {Path(p).name: sha256_of(Path(p)) for p in paths}
