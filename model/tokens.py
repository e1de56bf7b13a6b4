"""Jieba tokenisation with our e-commerce dictionary: normalised text -> space-joined tokens.

We own a private `jieba.Tokenizer` (never the global one), build it once per process under a lock and keep
its prefix-dict cache in our writable cache folder. HMM discovery of unknown words is off: it halves speed
and the char n-gram features already cover new words.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

import jieba

from model.paths import DATA_DIR, cache_dir

DOMAIN_DICT = DATA_DIR / "domain_dict.txt"

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)  # its start-up chatter goes to stderr of every CLI call otherwise
                tok = jieba.Tokenizer()
                tok.tmp_dir = str(cache_dir())
                tok.cache_file = "jieba.review-reply.cache"
                tok.initialize()
                tok.load_userdict(str(DOMAIN_DICT))
                _tokenizer = tok
    return _tokenizer


_BLOCKS = jieba.re_han_default
"""jieba's own first split (runs of Han/alnum vs the rest); each piece is segmented independently by jieba."""


@lru_cache(maxsize=20_000)
def _cut_block(block: str) -> tuple[str, ...]:
    return tuple(w for w in tokenizer().lcut(block, HMM=False) if not w.isspace())


def tokenize(normalised_text: str) -> list[str]:
    """Words of an already normalised review, whitespace dropped.

    Same output as `lcut(text, HMM=False)`, cut piece by piece with the pieces memoised: reviews repeat
    short clauses ("质量很好", "物流很快") so often that about half the pieces are already known.
    """
    return [w for block in _BLOCKS.split(normalised_text) if block for w in _cut_block(block)]


def tokenize_joined(texts: Iterable[str]) -> list[str]:
    """Space-joined tokens, the form the saved pipeline reads (no custom callables inside it)."""
    return [" ".join(tokenize(t)) for t in texts]
