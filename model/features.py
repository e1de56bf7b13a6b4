"""Features: normalised text + its tokens -> one sparse TF-IDF matrix shared by every label.

Word n-grams (jieba tokens) catch phrases such as "不 好用"; character n-grams catch words jieba splits
oddly and new slang. The pipeline holds only stock scikit-learn parts, so the saved file needs none of
our code to describe it, and both models (sentiment, disputes) read the same matrix: vectorise once.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

from model.tokens import tokenize_joined

TEXT, TOKENS = 0, 1


def build_vectorizer(*, max_words: int = 120_000, max_chars: int = 60_000, min_df: int = 2) -> ColumnTransformer:
    words = TfidfVectorizer(token_pattern=r"(?u)\S+", ngram_range=(1, 2), min_df=min_df,
                            max_features=max_words, sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=min_df,
                            max_features=max_chars, sublinear_tf=True, dtype=np.float32)
    return ColumnTransformer([("words", words, TOKENS), ("chars", chars, TEXT)], sparse_threshold=1.0)


def feature_rows(normalised_texts: Sequence[str]) -> np.ndarray:
    """The (n, 2) object array the vectorizer reads: [normalised text, space-joined tokens]."""
    rows = np.empty((len(normalised_texts), 2), dtype=object)
    rows[:, TEXT] = list(normalised_texts)
    rows[:, TOKENS] = tokenize_joined(normalised_texts)
    return rows


def slim(vectorizer: ColumnTransformer) -> ColumnTransformer:
    """Drop `stop_words_` (every pruned n-gram): only needed for introspection, and it would triple the file."""
    for _, step, _ in vectorizer.transformers_:
        if hasattr(step, "stop_words_"):
            del step.stop_words_
    return vectorizer
