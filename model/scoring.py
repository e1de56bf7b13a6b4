"""Scoring: normalised text + tokens -> TF-IDF features -> the four logistic-regression probabilities.

At save time the trained scikit-learn pipeline (see `model/features.py`) is reduced to its fitted numbers:
each vectorizer's vocabulary and idf, and the stacked weights of the four models. Serving needs only
these and numpy/scipy, not scikit-learn: a worker starts about a second sooner and ~80 MB smaller, and
one review is scored without sklearn's per-call input checks (~2 ms of overhead around ~50 us of sums).
The arithmetic is sklearn's own: n-grams made the way its analyzers make them, sublinear TF x IDF, L2 norm
per block, sigmoid(w.x + b). `tests/test_classifier.py` checks both give the same probabilities.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from operator import is_not

import numpy as np
import scipy.sparse as sp

BATCH_FROM = 16
"""From this many reviews on, one sparse matrix product beats scoring review by review."""

_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\S+")
_known = partial(is_not, None)  # vocabulary.get gives None for an n-gram the model never saw (0 is a real index)


@dataclass
class Block:
    """The fitted state of one TfidfVectorizer: which input column, how it cuts n-grams, vocabulary, idf."""

    column: int
    analyzer: str  # "word" (over space-joined tokens) or "char"
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int

    def ngrams(self, text: str) -> list[str]:
        low, high = self.ngram_range
        text = text.lower()
        if self.analyzer == "char":
            text = _WHITE_SPACES.sub(" ", text)
            return [text[i:i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]
        tokens = _TOKEN.findall(text)
        return [" ".join(tokens[i:i + n]) for n in range(low, min(high, len(tokens)) + 1)
                for i in range(len(tokens) - n + 1)]

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and sublinear term frequencies (1 + log count) of the known n-grams of one text."""
        found = Counter(filter(_known, map(self.vocabulary.get, self.ngrams(text))))
        idx = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
        tf = 1.0 + np.log(np.fromiter(found.values(), dtype=np.float64, count=len(found)))
        return idx, tf


class LinearScorer:
    def __init__(self, blocks: list[Block], weights: np.ndarray, intercepts: np.ndarray) -> None:
        self.blocks = blocks
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (n_features, n_models)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)

    @classmethod
    def from_sklearn(cls, vectorizer, models: list) -> "LinearScorer":
        """From a fitted ColumnTransformer of TfidfVectorizers and binary LogisticRegressions (training side)."""
        blocks, offset = [], 0
        for _, vec, column in vectorizer.transformers_:
            if not (vec.sublinear_tf and vec.use_idf and vec.norm == "l2" and vec.lowercase and vec.analyzer in ("word", "char")):
                raise ValueError("LinearScorer reproduces sublinear, idf-weighted, l2-normed word/char TF-IDF only")
            blocks.append(Block(column, vec.analyzer, tuple(vec.ngram_range), dict(vec.vocabulary_),
                                vec.idf_.astype(np.float64), offset))
            offset += len(vec.vocabulary_)
        weights = np.column_stack([m.coef_.ravel() for m in models])
        return cls(blocks, weights, np.array([float(m.intercept_[0]) for m in models]))

    def to_state(self) -> dict:
        """Plain arrays for the model file (vocabularies as arrays: a big dict unpickles 8x slower)."""
        return {
            "blocks": [{"column": b.column, "analyzer": b.analyzer, "ngram_range": b.ngram_range, "idf": b.idf,
                        "terms": np.array(sorted(b.vocabulary, key=b.vocabulary.get))} for b in self.blocks],
            "weights": self.weights.astype(np.float32),
            "intercepts": self.intercepts,
        }

    @classmethod
    def from_state(cls, state: dict) -> "LinearScorer":
        blocks, offset = [], 0
        for b in state["blocks"]:
            terms = b["terms"].tolist()
            blocks.append(Block(b["column"], b["analyzer"], tuple(b["ngram_range"]),
                                {t: i for i, t in enumerate(terms)}, np.asarray(b["idf"], dtype=np.float64), offset))
            offset += len(terms)
        return cls(blocks, state["weights"], state["intercepts"])

    def probabilities(self, columns: tuple[str, str]) -> np.ndarray:
        """P(label) for each model, for one review given as its input columns (normalised text, tokens)."""
        logits = self.intercepts.copy()
        for block in self.blocks:
            cols, tf = block.counts(columns[block.column])
            if len(cols):
                v = tf * block.idf[cols]
                logits += (v / math.sqrt(float(v @ v))) @ self.weights[cols + block.offset]
        return 1.0 / (1.0 + np.exp(-logits))

    def probabilities_many(self, rows: list[tuple[str, str]]) -> np.ndarray:
        """(n, n_models) for many reviews: one sparse matrix per block, then one product."""
        if len(rows) < BATCH_FROM:
            return np.array([self.probabilities(r) for r in rows]).reshape(len(rows), -1)
        logits = np.tile(self.intercepts, (len(rows), 1))
        for block in self.blocks:
            counted = [block.counts(row[block.column]) for row in rows]
            cols = np.concatenate([c for c, _ in counted])
            indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in counted])])
            data = np.concatenate([tf for _, tf in counted]) * block.idf[cols]
            x = sp.csr_matrix((data, cols, indptr), shape=(len(rows), len(block.vocabulary)))
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            x = sp.diags(1.0 / norms) @ x
            logits += x @ self.weights[block.offset:block.offset + len(block.vocabulary)]
        return 1.0 / (1.0 + np.exp(-logits))
