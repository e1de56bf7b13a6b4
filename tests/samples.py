"""Small reviews written for the tests (never taken from the shared corpora), and a tiny corpus maker."""
from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

PRAISE = ["质量很好，做工精细，很满意", "东西不错，跟描述一样，下次还来", "味道很好吃，分量也足", "房间干净整洁，住得很舒服",
          "衣服穿着合身，颜色也正", "性价比很高，推荐购买", "用了一周，效果不错", "包装精美，送人很有面子"]
PRODUCT = ["质量太差了，用两天就坏了", "做工粗糙，线头很多", "尺码偏小，穿不上", "颜色和图片差别很大，有色差",
           "味道很难吃，一点也不新鲜", "房间有异味，设施也旧", "收到就漏水，根本没法用", "感觉是假货，不像正品"]
LOGISTICS = ["快递太慢了，等了一个星期才到", "物流很慢，发货拖了五天", "送餐太慢，饭都凉了", "包装破了，东西压坏了",
             "到现在都没收到货", "快递一直不更新物流信息"]
SERVICE = ["客服态度很差，问了半天不回复", "客服不理人，退货也不给退", "前台服务员态度恶劣", "答应送的赠品没给，找客服也推卸",
           "要发票一直拖着不开", "售后客服爱理不理"]
FILLER = ["", "真的", "唉，", "这次", "说实话，"]


def reviews():
    """(text, sentiment, disputes) combinations with varied wording."""
    out = []
    for filler, text in itertools.product(FILLER, PRAISE):
        out.append((filler + text, "positive", []))
    for kind, texts in (("product", PRODUCT), ("logistics", LOGISTICS), ("service", SERVICE)):
        for filler, text in itertools.product(FILLER, texts):
            out.append((filler + text + "，很失望", "negative", [kind]))
    for a, b in zip(PRODUCT, itertools.cycle(SERVICE)):
        out.append((a + "，" + b, "negative", ["product", "service"]))
    for a, b in zip(LOGISTICS, PRAISE):
        out.append((b + "，就是" + a, "positive", ["logistics"]))
    return out


def write_tiny_datasets(folder: Path) -> Path:
    """The four files `review-reply train --datasets` expects, filled with our own sentences."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = reviews()
    corpora = {"online_shopping_10_cats": (["cat", "label", "review"], "网购"), "waimai_10k": (["label", "review"], "外卖"),
               "chnsenticorp_htl_all": (["label", "review"], "酒店")}
    for name, (header, prefix) in corpora.items():
        with open(folder / f"{name}.train.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for text, sentiment, _ in rows:
                text = f"{prefix}：{text}"
                label = "1" if sentiment == "positive" else "0"
                w.writerow(["其他", label, text] if "cat" in header else [label, text])
    with open(folder / "disputes.train.jsonl", "w", encoding="utf-8") as fh:
        for n, (text, sentiment, disputes) in enumerate(rows):
            fh.write(json.dumps({"id": n, "source": "tests", "review": text, "sentiment": sentiment,
                                 "disputes": disputes, "primary": disputes[0] if disputes else None}, ensure_ascii=False) + "\n")
    return folder
