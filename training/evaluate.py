"""Measuring a classifier on the held-out test split: numbers a person can compare between versions."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from model.classifier import ReviewClassifier
from model.labels import DISPUTE_TYPES
from training.datasets import LabelledSet

BATCH = 2000


def _predict(classifier: ReviewClassifier, texts: list[str]):
    out = []
    for i in range(0, len(texts), BATCH):
        out.extend(classifier.predict(texts[i:i + BATCH]))
    return out


def _prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp = int((y & pred).sum()); fp = int((~y & pred).sum()); fn = int((y & ~pred).sum()); tn = int((~y & ~pred).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": int(y.sum()),
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn}}


def evaluate(classifier: ReviewClassifier, sentiment_test: LabelledSet, dispute_test: LabelledSet) -> dict:
    report: dict = {"sentiment": {}, "disputes": {}}
    if len(sentiment_test):
        preds = _predict(classifier, sentiment_test.texts)
        y = np.array([s == "positive" for s in sentiment_test.sentiments])
        p = np.array([x.sentiment == "positive" for x in preds])
        sources = np.array(sentiment_test.sources)
        report["sentiment"] = {
            "n": int(len(y)),
            "accuracy": round(float((y == p).mean()), 4),
            "accuracy_per_corpus": {s: {"accuracy": round(float((y[sources == s] == p[sources == s]).mean()), 4),
                                        "n": int((sources == s).sum())} for s in sorted(set(sentiment_test.sources))},
            "per_label": {"positive": _prf(y, p), "negative": _prf(~y, ~p)},
            "confusion": {"rows_true_cols_pred": ["negative", "positive"],
                          "matrix": [[int((~y & ~p).sum()), int((~y & p).sum())], [int((y & ~p).sum()), int((y & p).sum())]]},
        }
    if len(dispute_test):
        preds = _predict(classifier, dispute_test.texts)
        per_label = {}
        for kind in DISPUTE_TYPES:
            y = np.array([kind in (d or ()) for d in dispute_test.disputes])
            p = np.array([kind in x.dispute_types for x in preds])
            per_label[kind] = _prf(y, p)
        gold_primary = [g or "none" for g in dispute_test.primaries]
        pred_primary = [x.primary_dispute or "none" for x in preds]
        with_primary = [i for i, g in enumerate(gold_primary) if g != "none"]
        names = [*DISPUTE_TYPES, "none"]
        report["disputes"] = {
            "n": len(preds),
            "per_label": per_label,
            "macro_f1": round(float(np.mean([per_label[k]["f1"] for k in DISPUTE_TYPES])), 4),
            "exact_set_accuracy": round(float(np.mean([set(x.dispute_types) == set(d or ()) for x, d in zip(preds, dispute_test.disputes)])), 4),
            "primary_accuracy": round(float(np.mean([pred_primary[i] == gold_primary[i] for i in with_primary])), 4) if with_primary else None,
            "primary_confusion": {"labels": names, "matrix": [[sum(1 for g, q in zip(gold_primary, pred_primary) if g == a and q == b)
                                                              for b in names] for a in names]},
        }
        sentiment_y = np.array([s == "positive" for s in dispute_test.sentiments if s])
        sentiment_p = np.array([x.sentiment == "positive" for x, s in zip(preds, dispute_test.sentiments) if s])
        if len(sentiment_y):
            report["disputes"]["sentiment_accuracy_hand_labels"] = round(float((sentiment_y == sentiment_p).mean()), 4)
    return report


def headline(report: dict) -> dict:
    """The few numbers the gate compares and /v1/model shows."""
    s, d = report.get("sentiment", {}), report.get("disputes", {})
    return {"sentiment_accuracy": s.get("accuracy"), "dispute_macro_f1": d.get("macro_f1"),
            "primary_accuracy": d.get("primary_accuracy"),
            **{f"{k}_f1": d.get("per_label", {}).get(k, {}).get("f1") for k in DISPUTE_TYPES}}


def to_markdown(report: dict, *, title: str = "Evaluation report") -> str:
    lines = [f"# {title}", ""]
    if "model_version" in report:
        lines += [f"Model version `{report['model_version']}`; held-out test split (never trained on).", ""]
    s = report.get("sentiment") or {}
    if s:
        lines += ["## Sentiment", "", f"Accuracy **{s['accuracy']:.2%}** on {s['n']:,} reviews.", "",
                  "| corpus | n | accuracy |", "|---|---:|---:|"]
        lines += [f"| {name} | {v['n']:,} | {v['accuracy']:.2%} |" for name, v in s["accuracy_per_corpus"].items()]
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']:,} |" for k, v in s["per_label"].items()]
        m = s["confusion"]["matrix"]
        lines += ["", "Confusion (rows true, columns predicted): ", "", "| | negative | positive |", "|---|---:|---:|",
                  f"| negative | {m[0][0]:,} | {m[0][1]:,} |", f"| positive | {m[1][0]:,} | {m[1][1]:,} |", ""]
    d = report.get("disputes") or {}
    if d:
        lines += ["## Dispute types", "", f"Macro-F1 **{d['macro_f1']:.3f}** on {d['n']:,} hand-labelled reviews; "
                  f"primary accuracy {d['primary_accuracy']:.2%}; exact label set {d['exact_set_accuracy']:.2%}.", ""]
        if d.get("sentiment_accuracy_hand_labels") is not None:
            lines += [f"Sentiment agrees with these reviews' hand labels (our taxonomy, not the corpora's star-based "
                      f"labels) on {d['sentiment_accuracy_hand_labels']:.2%}.", ""]
        lines += ["| type | precision | recall | F1 | support | tp | fp | fn |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']:,} | "
                  f"{v['confusion']['tp']} | {v['confusion']['fp']} | {v['confusion']['fn']} |" for k, v in d["per_label"].items()]
        pc = d["primary_confusion"]
        lines += ["", "Primary dispute confusion (rows true, columns predicted):", "",
                  "| | " + " | ".join(pc["labels"]) + " |", "|---|" + "---:|" * len(pc["labels"])]
        lines += [f"| {a} | " + " | ".join(str(x) for x in row) + " |" for a, row in zip(pc["labels"], pc["matrix"])]
        lines.append("")
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path, *, stem: str = "evaluation") -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path.write_text(to_markdown(report), encoding="utf-8")
    return json_path, md_path
