"""Scoring: normalised text + tokens -> TF-IDF features -> the four label probabilities.

Four logistic regressions (sentiment, then one per dispute type) read the whole feature vector. Sentiment
also has a small neural head (one hidden ReLU layer over the 40k most sentiment-bearing features, see
`SentimentNetwork`) whose probability is averaged with its logistic regression's: it catches combinations a
linear model cannot ("不错" + "就是" + a complaint), and the pair errs less than either alone.

At save time the trained scikit-learn pipeline (see `model/features.py`) is reduced to its fitted numbers:
each vectorizer's vocabulary and idf, the stacked weights of the four models, the network's weights. Serving needs only
these and numpy/scipy, not scikit-learn: a worker starts about a second sooner and ~80 MB smaller, and
one review is scored without sklearn's per-call input checks (~2 ms of overhead around ~50 us of sums).
The arithmetic is sklearn's own: n-grams made the way its analyzers make them, sublinear TF x IDF, L2 norm
per block, sigmoid(w.x + b), relu for the hidden layer. `tests/test_classifier.py` checks both give the
same probabilities.
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


def blend_sentiment(linear: np.ndarray, network: np.ndarray) -> np.ndarray:
    """P(positive) from the logistic regression's and the network's: their plain average."""
    return (linear + network) / 2


@dataclass
class SentimentNetwork:
    """The fitted sentiment network as plain arrays: P = sigmoid(relu(x[columns] @ w1 + b1) @ w2 + b2)."""

    columns: np.ndarray  # (k,) feature indices it reads, ascending
    w1: np.ndarray  # (k, h)
    b1: np.ndarray  # (h,)
    w2: np.ndarray  # (h,)
    b2: float

    def __post_init__(self) -> None:
        self.columns = np.asarray(self.columns, dtype=np.int64)
        self.w1 = np.ascontiguousarray(self.w1, dtype=np.float64)
        self.b1, self.w2 = np.asarray(self.b1, dtype=np.float64).ravel(), np.asarray(self.w2, dtype=np.float64).ravel()
        self.b2 = float(self.b2)
        if self.w1.ndim != 2 or self.w1.shape != (len(self.columns), len(self.b1)) or len(self.w2) != len(self.b1):
            raise ValueError("sentiment network: weight shapes do not fit together")
        if len(self.columns) and (self.columns[0] < 0 or np.any(np.diff(self.columns) <= 0)):
            raise ValueError("sentiment network: feature columns must be distinct and ascending")

    @classmethod
    def from_sklearn(cls, pipeline) -> "SentimentNetwork":
        """From a fitted Pipeline(SelectKBest, MLPClassifier with one ReLU hidden layer)."""
        select, mlp = pipeline[0], pipeline[-1]
        if len(mlp.coefs_) != 2 or mlp.activation != "relu" or mlp.out_activation_ != "logistic":
            raise ValueError("SentimentNetwork reproduces a binary MLP with one ReLU hidden layer only")
        return cls(np.flatnonzero(select.get_support()), mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1][0])

    def to_state(self) -> dict:
        # Half the bytes when the weights are float16 values already (training rounds them so); else float32.
        w1 = self.w1.astype(np.float16)
        if not np.array_equal(w1, self.w1):
            w1 = self.w1.astype(np.float32)
        return {"columns": self.columns.astype(np.int32), "w1": w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}

    def probability(self, pre_activation: np.ndarray) -> np.ndarray:
        """P(positive) from x[columns] @ w1, one row per review."""
        hidden = np.maximum(pre_activation + self.b1, 0.0)
        return 1.0 / (1.0 + np.exp(-(hidden @ self.w2 + self.b2)))


class Scorer:
    """Feature blocks, the stacked logistic-regression weights and (optionally) the sentiment network."""

    def __init__(self, blocks: list[Block], weights: np.ndarray, intercepts: np.ndarray,
                 network: SentimentNetwork | None = None) -> None:
        self.blocks = blocks
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (n_features, n_models)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)
        self.network = network
        if network is not None and len(network.columns) and network.columns[-1] >= len(self.weights):
            raise ValueError("sentiment network reads features the vectorizer does not make")
        # Per block: its columns the network reads, their rows of w1 (contiguous, as columns ascend), and for
        # one review's few columns a direct lookup column -> row (-1: not read).
        self._network_inputs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        if network is not None:
            for block in blocks:
                start, end = np.searchsorted(network.columns, [block.offset, block.offset + len(block.vocabulary)])
                inputs = network.columns[start:end] - block.offset
                row_of = np.full(len(block.vocabulary), -1, dtype=np.int32)
                row_of[inputs] = np.arange(len(inputs), dtype=np.int32)
                self._network_inputs.append((inputs, network.w1[start:end], row_of))

    @classmethod
    def from_sklearn(cls, vectorizer, models: list, sentiment_mlp=None) -> "Scorer":
        """From a fitted ColumnTransformer of TfidfVectorizers and binary LogisticRegressions (training side),
        and optionally the sentiment Pipeline(SelectKBest, MLPClassifier) over the same features."""
        blocks, offset = [], 0
        for _, vec, column in vectorizer.transformers_:
            if not (vec.sublinear_tf and vec.use_idf and vec.norm == "l2" and vec.lowercase and vec.analyzer in ("word", "char")):
                raise ValueError("Scorer reproduces sublinear, idf-weighted, l2-normed word/char TF-IDF only")
            blocks.append(Block(column, vec.analyzer, tuple(vec.ngram_range), dict(vec.vocabulary_),
                                vec.idf_.astype(np.float64), offset))
            offset += len(vec.vocabulary_)
        weights = np.column_stack([m.coef_.ravel() for m in models])
        network = SentimentNetwork.from_sklearn(sentiment_mlp) if sentiment_mlp is not None else None
        return cls(blocks, weights, np.array([float(m.intercept_[0]) for m in models]), network)

    def to_state(self) -> dict:
        """Plain arrays for the model file (vocabularies as arrays: a big dict unpickles 8x slower)."""
        return {
            "blocks": [{"column": b.column, "analyzer": b.analyzer, "ngram_range": b.ngram_range, "idf": b.idf,
                        "terms": np.array(sorted(b.vocabulary, key=b.vocabulary.get))} for b in self.blocks],
            "weights": self.weights.astype(np.float32),
            "intercepts": self.intercepts,
            # The key predates the class name; absent in format-2 files, None when trained without a network.
            "sentiment_hidden": self.network.to_state() if self.network is not None else None,
        }

    @classmethod
    def from_state(cls, state: dict) -> "Scorer":
        blocks, offset = [], 0
        for b in state["blocks"]:
            terms = b["terms"].tolist()
            blocks.append(Block(b["column"], b["analyzer"], tuple(b["ngram_range"]),
                                {t: i for i, t in enumerate(terms)}, np.asarray(b["idf"], dtype=np.float64), offset))
            offset += len(terms)
        network = state.get("sentiment_hidden")
        return cls(blocks, state["weights"], state["intercepts"], SentimentNetwork(**network) if network else None)

    def probabilities(self, columns: tuple[str, str]) -> np.ndarray:
        """P(label) for each model, for one review given as its input columns (normalised text, tokens)."""
        logits = self.intercepts.copy()
        network = self.network
        pre = np.zeros(len(network.b1)) if network is not None else None
        for b, block in enumerate(self.blocks):
            cols, tf = block.counts(columns[block.column])
            if len(cols):
                v = tf * block.idf[cols]
                v /= math.sqrt(float(v @ v))
                logits += v @ self.weights[cols + block.offset]
                if network is not None:
                    _, w1, row_of = self._network_inputs[b]
                    rows = row_of[cols]
                    read = rows >= 0
                    pre += v[read] @ w1[rows[read]]
        p = 1.0 / (1.0 + np.exp(-logits))
        if network is not None:
            p[0] = blend_sentiment(p[0], network.probability(pre[None, :])[0])
        return p

    def probabilities_many(self, rows: list[tuple[str, str]]) -> np.ndarray:
        """(n, n_models) for many reviews: one sparse matrix per block, then one product."""
        if len(rows) < BATCH_FROM:
            return np.array([self.probabilities(r) for r in rows]).reshape(len(rows), -1)
        logits = np.tile(self.intercepts, (len(rows), 1))
        network = self.network
        pre = np.zeros((len(rows), len(network.b1))) if network is not None else None
        for b, block in enumerate(self.blocks):
            counted = [block.counts(row[block.column]) for row in rows]
            cols = np.concatenate([c for c, _ in counted])
            indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in counted])])
            data = np.concatenate([tf for _, tf in counted]) * block.idf[cols]
            x = sp.csr_matrix((data, cols, indptr), shape=(len(rows), len(block.vocabulary)))
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            x = sp.diags(1.0 / norms) @ x
            logits += x @ self.weights[block.offset:block.offset + len(block.vocabulary)]
            if network is not None:
                inputs, w1, _ = self._network_inputs[b]
                pre += x[:, inputs] @ w1
        p = 1.0 / (1.0 + np.exp(-logits))
        if network is not None:
            p[:, 0] = blend_sentiment(p[:, 0], network.probability(pre))
        return p
