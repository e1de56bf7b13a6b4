"""Does retraining with a 2,000-row shop export keep held-out sentiment accuracy? (issue target: -0.5 pt at most)

    python benchmarks/retrain_export.py [--rows 2000]

Builds a shop-style export in a temporary folder (Chinese headers 评价内容 / 评价等级 / 纠纷类型) from reviews of the
train split of the hand-labelled dispute set, so no held-out review is touched; retrains with the base
corpora merged, without activating; and compares the new and the shipped model on the same test split.
Also reports the full retrain time.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.paths import ARTIFACT_DIR, SHARED_DATASETS  # noqa: E402
from model.text import normalise  # noqa: E402
from training import workflow  # noqa: E402
from training.datasets import DISPUTE_FILE, load_dispute_set, split_of  # noqa: E402
from training.datasets import LabelledSet  # noqa: E402
from training.exports import read_export  # noqa: E402
from training.progress import Progress  # noqa: E402

ZH = {"product": "产品", "logistics": "物流", "service": "服务"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    disputes = load_dispute_set(SHARED_DATASETS / DISPUTE_FILE)
    train_rows = [i for i, t in enumerate(disputes.texts) if split_of(normalise(t)) == "train"]
    chosen = random.Random(0).sample(train_rows, args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "shop-export.csv"
        with open(export, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["订单编号", "评价内容", "评价等级", "纠纷类型"])
            for n, i in enumerate(chosen):
                w.writerow([f"T{n:06d}", disputes.texts[i], "好评" if disputes.sentiments[i] == "positive" else "差评",
                            "、".join(ZH[d] for d in disputes.disputes[i] or ())])
        data = read_export(export)
        print(data.report.to_text(max_skipped=3))
        t = time.perf_counter()
        result = workflow.run(datasets_dir=SHARED_DATASETS, exports=LabelledSet.from_reviews(data.rows, source="export"),
                              model_dir=Path(tmp) / "models", version="with-export", activate=False,
                              progress=Progress(quiet=True))
        seconds = time.perf_counter() - t
    # workflow compared against the model active in its own (empty) folder; compare with the shipped one here:
    from model import artifact
    from training.evaluate import evaluate, headline
    from training.workflow import gather
    sentiment, disputes_all, _ = gather(datasets_dir=SHARED_DATASETS, exports=None, progress=Progress(quiet=True))
    shipped = headline(evaluate(artifact.load(directory=ARTIFACT_DIR).classifier, sentiment.split()["test"], disputes_all.split()["test"]))
    new = result.manifest["metrics"]["headline"]
    print(f"retrain with the export merged: {seconds:.0f}s")
    for key in ("sentiment_accuracy", "dispute_macro_f1", "primary_accuracy"):
        print(f"  {key}: shipped {shipped[key]:.4f} -> with export {new[key]:.4f} ({100 * (new[key] - shipped[key]):+.2f} pt)")


if __name__ == "__main__":
    main()
