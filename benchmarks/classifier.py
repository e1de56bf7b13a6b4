"""Classifier speed on one core: batch throughput and single-review latency, in process.

    python benchmarks/classifier.py [--reviews 3000] [--model-dir DIR]

Reviews are a random sample of the held-out test split. The jieba piece memo starts empty, so the
first pass is 'cold'; a second pass over *other* reviews shows the steady state of a long-running process.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import held_out_reviews, pin_to_one_core  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=3000, help="per pass (the test split has about 6,800)")
    ap.add_argument("--model-dir", type=Path, help="folder of model versions (default: the shipped one)")
    args = ap.parse_args()
    pin_to_one_core()
    from model import artifact
    loaded = artifact.load(directory=args.model_dir or artifact.ARTIFACT_DIR)
    print(f"model {loaded.version}: file verified and loaded in {loaded.load_seconds:.2f}s")
    texts = held_out_reviews(100_000)
    batch, other = texts[:args.reviews], texts[args.reviews:2 * args.reviews]
    singles = texts[2 * args.reviews:][:2000] or texts[:2000]
    t = time.perf_counter()
    loaded.classifier.predict(["预热"])
    print(f"first prediction (jieba start-up): {time.perf_counter() - t:.2f}s")
    print(f"mean review length: {statistics.mean(map(len, batch)):.0f} characters")
    for name, sample in (("cold", batch), ("warm", other)):
        t = time.perf_counter()
        for i in range(0, len(sample), 1000):
            loaded.classifier.predict(sample[i:i + 1000])
        dt = time.perf_counter() - t
        print(f"batch ({name}, chunks of 1000): {len(sample) / dt:,.0f} reviews/s on one core")
    latencies = []
    for text in singles[:2000]:
        t = time.perf_counter()
        loaded.classifier.predict_one(text)
        latencies.append(time.perf_counter() - t)
    latencies.sort()
    print(f"single review: median {1000 * statistics.median(latencies):.2f} ms, "
          f"p90 {1000 * latencies[int(0.9 * len(latencies))]:.2f} ms, p99 {1000 * latencies[int(0.99 * len(latencies))]:.2f} ms "
          f"over {len(latencies)} reviews")


if __name__ == "__main__":
    main()
