"""Time the drafter and the checker per review (the API needs ≥ 800 drafts/s on 2 cores).

    python benchmarks/draft_speed.py [count]

Reviews are built from fragments we wrote; labels are set by hand, so this measures drafting and checking
only, not the classifier.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.checking import check_reply  # noqa: E402
from model.drafting import draft_reply  # noqa: E402
from model.labels import DisputeScore, Prediction  # noqa: E402
from model.privacy import mask_personal_data  # noqa: E402
from model.settings import ShopSettings  # noqa: E402

FRAGMENTS = {
    None: ["质量很好", "包装很用心", "物流很快", "颜色好看", "会回购", "性价比高，推荐给朋友"],
    "product": ["用了两天就坏了", "颜色和图片差很多", "尺码偏小一号", "有股怪味", "少了一个配件"],
    "logistics": ["快递太慢了，等了一周", "盒子都压扁了", "发货拖了五天", "送到的时候饭都凉了"],
    "service": ["客服半天不回复", "客服态度很差", "退货申请一直被拒", "说好的赠品没给"],
}


def cases(count: int) -> list[tuple[str, Prediction]]:
    rng = random.Random(1)
    out = []
    for _ in range(count):
        kinds = rng.sample(["product", "logistics", "service"], rng.choice([0, 1, 1, 2]))
        bits = rng.sample(FRAGMENTS[None], rng.choice([0, 1, 2])) + [rng.choice(FRAGMENTS[k]) for k in kinds]
        review = "，".join(bits) or "一般"
        sentiment = "positive" if not kinds else "negative"
        out.append((review, Prediction(sentiment, 0.9, tuple(DisputeScore(k, 0.9) for k in kinds),
                                       kinds[0] if kinds else None)))
    return out


def per_call_microseconds(work, items) -> float:
    start = time.perf_counter()
    for item in items:
        work(*item)
    return (time.perf_counter() - start) / len(items) * 1e6


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    settings = ShopSettings()
    items = cases(count)
    draft_reply(*items[0], settings)  # load phrasings and converters once, as a server does at start
    mask = per_call_microseconds(lambda review, _: mask_personal_data(review), items)
    draft = per_call_microseconds(lambda review, p: draft_reply(review, p, settings), items)
    both = per_call_microseconds(lambda review, p: check_reply(review, draft_reply(review, p, settings).text,
                                                               settings, p), items)
    five = per_call_microseconds(lambda review, p: draft_reply(review, p, settings, alternatives=5), items)
    print(f"{count} reviews, one core")
    print(f"mask_personal_data     {mask:7.1f} µs/review")
    print(f"draft_reply            {draft:7.1f} µs/review")
    print(f"draft_reply + check    {both:7.1f} µs/review  (~{1e6 / both:,.0f} reviews/s per core)")
    print(f"draft_reply, 5 drafts  {five:7.1f} µs/review")


if __name__ == "__main__":
    main()
