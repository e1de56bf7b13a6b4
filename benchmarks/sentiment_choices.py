"""Two choices behind the sentiment model, measured: which label wins, and whether the network helps.

    python benchmarks/sentiment_choices.py [--seeds 3]     # about 5 minutes

- Labels: where a review has both a corpus label (the buyer's star-based 1/0) and a hand label (our
  taxonomy: a mixed review that praises the goods is positive), which one to train on.
- Model: logistic regression alone, or averaged with the one-hidden-layer network (several seeds); and,
  for scale, a plain TF-IDF (jieba words) + logistic regression with default settings.

Each variant is scored on the corpora's held-out labels (the accuracy `evaluate` reports) and on the hand
labels of the held-out reviews that have one (validation + test, ~1,800). The last lines count, on the
test split, the reviews only one of 'LR' and 'LR + network' gets right (a paired comparison).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import SHARED_DATASETS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3, help="network seeds per label choice")
    args = ap.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from model.features import build_vectorizer, feature_rows
    from model.scoring import blend_sentiment
    from model.text import normalise
    from model.tokens import tokenize
    from training.progress import Progress
    from training.train import TrainConfig, best_threshold, fit_sentiment_network, sentiment_training_set
    from training.workflow import gather

    config = TrainConfig()
    sentiment, disputes, _ = gather(datasets_dir=SHARED_DATASETS, exports=None, progress=Progress(quiet=True))
    s, d = sentiment.split(), disputes.split()
    texts, hand_first = sentiment_training_set(s["train"], d["train"])
    corpus = {}
    for text, label in zip(s["train"].texts, s["train"].sentiments):
        corpus.setdefault(normalise(text), label)
    corpus_first = np.array([corpus.get(t, "positive" if y else "negative") == "positive" for t, y in zip(texts, hand_first)], dtype=int)
    hand = {normalise(t): lab for t, lab in zip(disputes.texts, disputes.sentiments) if lab}

    held = {name: [normalise(t) for t in s[name].texts] for name in ("valid", "test")}
    gold = {name: np.array([lab == "positive" for lab in s[name].sentiments]) for name in held}
    hand_idx = {name: [i for i, t in enumerate(held[name]) if t in hand] for name in held}
    hand_gold = np.concatenate([[hand[held[n][i]] == "positive" for i in hand_idx[n]] for n in held])
    print(f"train {len(texts):,} reviews ({int((hand_first != corpus_first).sum())} where the two labels differ); "
          f"test {len(gold['test']):,}; hand-labelled held-out {len(hand_gold):,}", flush=True)

    vectorizer = build_vectorizer(max_words=config.max_word_features, max_chars=config.max_char_features, min_df=config.min_df)
    x_train = vectorizer.fit_transform(feature_rows(texts))
    x = {name: vectorizer.transform(feature_rows(held[name])) for name in held}

    def score(name: str, p: dict[str, np.ndarray]) -> np.ndarray:
        t = best_threshold(gold["valid"].astype(int), p["valid"], metric="accuracy")
        pred = {n: p[n] >= t for n in held}
        on_hand = np.concatenate([pred[n][hand_idx[n]] for n in held])
        print(f"{name:40s} corpus labels (test) {(pred['test'] == gold['test']).mean():.2%}   "
              f"hand labels (held-out) {(on_hand == hand_gold).mean():.2%}", flush=True)
        return pred["test"] == gold["test"]

    # The "plain TF-IDF + logistic regression": jieba words, default settings, threshold 0.5.
    plain = TfidfVectorizer(token_pattern=r"(?u)\S+")
    words = {name: [" ".join(tokenize(t)) for t in held[name]] for name in held}
    plain_lr = LogisticRegression(max_iter=3000).fit(plain.fit_transform([" ".join(tokenize(t)) for t in texts]), hand_first)
    plain_right = plain_lr.predict(plain.transform(words["test"])) == gold["test"]
    print(f"{'plain TF-IDF + LR (hand label wins)':40s} corpus labels (test) {plain_right.mean():.2%}", flush=True)

    for label_name, y in (("hand label wins", hand_first), ("corpus label wins", corpus_first)):
        lr = LogisticRegression(C=config.sentiment_c, max_iter=3000).fit(x_train, y)
        p_lr = {n: lr.predict_proba(x[n])[:, 1] for n in held}
        right_lr = score(f"{label_name}, LR", p_lr)
        for seed in range(args.seeds):
            net = fit_sentiment_network(x_train, y, config, seed=seed)
            p = {n: blend_sentiment(p_lr[n], net.predict_proba(x[n])[:, 1]) for n in held}
            right = score(f"{label_name}, LR + network (seed {seed})", p)
            print(f"{'':40s} only LR right {int((right_lr & ~right).sum())}, only LR + network right {int((right & ~right_lr).sum())}")


if __name__ == "__main__":
    main()
