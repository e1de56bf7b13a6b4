"""Golden outputs of the drafter, the checker and the masker, to prove a speed-up changed nothing; and timing.

    python benchmarks/golden_replies.py record  [/tmp/golden_before.json]   # write the golden file
    python benchmarks/golden_replies.py compare [/tmp/golden_before.json]   # print every difference
    python benchmarks/golden_replies.py time    [reviews] [passes]          # µs/review on held-out reviews

Reviews are built from fragments we wrote here (never from the datasets); the golden file goes to /tmp,
never into the repository. `time` reads held-out reviews at run time only and keeps nothing but numbers.
"""
from __future__ import annotations

import json
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.checking import check_reply  # noqa: E402
from model.drafting import detect_liked, draft_reply  # noqa: E402
from model.labels import DisputeScore, Prediction  # noqa: E402
from model.privacy import contains_personal_data, mask_personal_data  # noqa: E402
from model.settings import ShopSettings  # noqa: E402
from model.text import clean, normalise, to_traditional  # noqa: E402

GOLDEN = Path("/tmp/golden_before.json")
PREDICTIONS_CACHE = Path("/tmp/golden_replies_predictions.pkl")

PRAISE = ["质量很好", "包装很用心，很严实", "物流很快，第二天就到了", "颜色好看，款式大方", "会回购的", "性价比高，推荐给朋友",
          "做工精致，手感舒服", "客服态度热情，很耐心", "味道好吃，很新鲜", "尺码正好", "房间干净，位置方便", "东西好用",
          "宝贝收到了，非常满意", "老板人很nice", "价格实惠，划算", "五星好评！", "品质靠谱，用料扎实", "送餐速度挺快"]
PRODUCT = ["用了两天就坏了", "颜色和图片差很多", "尺码偏小一号", "有股怪味", "少了一个配件", "质量不好，线头很多",
           "收到是二手的，有划痕", "菜品不新鲜，吃完肚子疼", "房间有霉味，设施老旧", "做工一般，不值这个价"]
LOGISTICS = ["快递太慢了，等了一周", "盒子都压扁了", "发货拖了五天", "送到的时候饭都凉了", "物流信息一直不更新",
             "快递员态度差，直接扔门口", "包裹破了，东西洒了一地", "配送超时一个小时"]
SERVICE = ["客服半天不回复", "客服态度很差", "退货申请一直被拒", "说好的赠品没给", "前台服务冷淡", "问了三遍都没人理"]
NEUTRAL = ["一般般吧", "还行", "收到了", "就那样", "和描述差不多"]
PERSONAL = ["手机13800138000打不通", "电话 138 0013 8000 一直没人接", "订单号：123456789012345678 还没发货",
            "快递单号SF1234567890123到现在没动", "加微信 abc_12345 详聊", "有问题发邮件 buyer.test@example.com",
            "收件人：张三，东西坏了", "寄到北京市朝阳区建国路88号3栋502室的", "ＱＱ：１２３４５６７８", "身份证110101199003071234也被拍进照片了",
            "座机010-62345678转123", "收貨地址：台北市大安區忠孝東路四段100號5樓", "vx:Zhang_san88", "单号 7654321 查不到",
            "联系人欧阳娜娜", "JD0012345678901 显示已签收", "手机尾号138****8000", "地址写错了是我自己的问题",
            "用了2年了，价格199元，XL码偏大", "房间在12楼，视野很好", "2023年11月23日下单，25号才到"]
FOREIGN = ["good", "Great product, fast shipping!", "👍👍👍", "😡😡", "ok", "Terrible. Broke after 2 days.", "不错👍",
           "１２３４５", "\u200b好评\u200b", "  很好  ", "A+++"]

SETTINGS = [
    ShopSettings(),
    ShopSettings(shop_name="换新数码", remedies=["repair", "coupon"]),
    ShopSettings(shop_name="小鹿家居", sign_off="小鹿家居售后 阿May", contact_channel="客服热线 400-820-1234",
                 remedies=["return", "exchange", "resend", "partial_refund", "repair", "coupon", "usage_guidance"]),
    ShopSettings(shop_name="老街味道", contact_channel="店铺消息{channel}", remedies=["resend", "partial_refund", "coupon"]),
    ShopSettings(shop_name="臺灣好物館", sign_off="好物館團隊", contact_channel="私訊小編", remedies=["exchange", "return"]),
    ShopSettings(shop_name="退货无忧店", contact_channel="微信公众号客服", remedies=["usage_guidance", "exchange", "resend"]),
]

BAD_REPLIES = [
    "这是您自己的问题，不是我们的责任，看清楚再买。",
    "亲，我们保证绝对不会再出现这种问题，百分之百满意！谢谢。",
    "好的",
    "谢谢",
    "非常抱歉给您带来不便，请您自行联系快递公司处理，感谢您的反馈。",
    "感谢您的评价！给个五星好评返现5元哦，追加评价还有红包。",
    "抱歉，请提供一下您的手机号和地址，或者加我微信 shop_888 沟通。",
    "非常抱歉！我们全网最低价，假一赔十，可以给您退货、换货或维修，请私信我们，以后会改进。谢谢您！",
    "非常抱歉給您帶來不便，我們會為您換貨或退款，請私信客服，今後會加強品控，感謝您的反饋。",
]


def prediction(rng: random.Random, kinds: list[str]) -> Prediction:
    sentiment = rng.choice(["positive", "negative"]) if rng.random() < 0.3 else ("negative" if kinds else "positive")
    disputes = tuple(DisputeScore(k, round(rng.uniform(0.5, 1.0), 3)) for k in kinds)
    primary = kinds[0] if kinds and rng.random() < 0.9 else None
    return Prediction(sentiment, 0.8, disputes, primary)


def review_text(rng: random.Random) -> tuple[str, list[str]]:
    kinds = rng.sample(["product", "logistics", "service"], rng.choice([0, 0, 1, 1, 1, 2, 3]))
    families = {"product": PRODUCT, "logistics": LOGISTICS, "service": SERVICE}
    bits = rng.sample(PRAISE, rng.choice([0, 1, 1, 2, 3])) + [rng.choice(families[k]) for k in kinds]
    if rng.random() < 0.35:
        bits.insert(rng.randrange(len(bits) + 1), rng.choice(PERSONAL))
    if rng.random() < 0.1:
        bits.append(rng.choice(NEUTRAL))
    if rng.random() < 0.08:
        bits = [rng.choice(FOREIGN)] + (bits if rng.random() < 0.5 else [])
    rng.shuffle(bits)
    text = rng.choice(["，", "。", "！", " ", ""]).join(bits) or rng.choice(NEUTRAL)
    if rng.random() < 0.25:
        text = to_traditional(text)
    return text, kinds


def cases(count: int = 3600) -> list[tuple[str, Prediction, int | None, int]]:
    rng = random.Random(20261123)
    out = []
    for _ in range(count):
        text, kinds = review_text(rng)
        pred = prediction(rng, kinds)
        rating = rng.choice([None, None, 1, 2, 3, 4, 5])
        out.append((text, pred, rating, rng.randrange(len(SETTINGS))))
    return out


def _violations(found) -> list[list[str]]:
    return [[v.rule, v.message] for v in found]


def _redactions(found) -> list[list]:
    return [[r.type, r.start, r.end] for r in found]


def record_one(review: str, pred: Prediction, rating: int | None, settings: ShopSettings) -> dict:
    draft = draft_reply(review, pred, settings, rating=rating, alternatives=3)
    masked = mask_personal_data(review)
    bad = BAD_REPLIES + [review, f"非常抱歉，您的信息{review}我们已记录，会为您退货或换货，请私信，以后改进，谢谢。",
                         to_traditional(draft.text), draft.text.replace("\n", "")[:40]]
    return {
        "review": review, "rating": rating,
        "draft": {"text": draft.text, "alternatives": draft.alternatives, "redactions": _redactions(draft.redactions),
                  "script": draft.script, "kind": draft.kind},
        "single": draft_reply(review, pred, settings, rating=rating).text,
        "mask": [masked.text, _redactions(masked.redactions)], "contains": contains_personal_data(review),
        "liked": detect_liked(normalise(review)),
        "check_draft": _violations(check_reply(review, draft.text, settings, pred, rating=rating)),
        "check_alternatives": [_violations(check_reply(review, a, settings, pred, rating=rating))
                               for a in draft.alternatives],
        "check_bad": [_violations(check_reply(review, b, settings, pred, rating=rating)) for b in bad],
    }


def generate() -> list[dict]:
    out = []
    for review, pred, rating, s in cases():
        row = record_one(review, pred, rating, SETTINGS[s])
        row["settings"] = s
        out.append(row)
    for s, settings in enumerate(SETTINGS):  # the shop's own text inside a reply
        for review in ["东西坏了，客服也不理人", "質量很好，物流很快"]:
            pred = Prediction("negative", 0.9, (DisputeScore("product", 0.9),), "product")
            reply = (f"非常抱歉！{settings.shop_name}会为您换货或维修，请通过{settings.contact_channel}联系我们，"
                     f"今后会加强质检，感谢反馈。{settings.sign_off}")
            found = check_reply(review, reply, settings, pred)
            out.append({"settings": s, "review": review, "shop_text": _violations(found)})
    return out + generate_privacy()


PRIVACY_PIECES = ["微信", "wx", "VX", "Wechat", "v信", "薇信", "qq", "QQ", "扣扣", "企鹅号", "电话", "TEL", "phone", "手机号",
                  "座机", "联系方式", "@", "a.b", "example.com", "buyer.x@example.com", "@qq.com", "Ab9", "订单号", "单号",
                  "快递单号", "运单号", "身份证", "收件人",
                  "收货人：", "姓名", "地址：", "住址", "北京市", "朝阳区", "建国路", "88号", "3栋", "502室", "一楼", "二单元",
                  "sf", "JD", "YT", "EA", "CN", "1", "13", "138", "0013", "8000", "0755", "62345678", "110101", "19900307",
                  "1234", "123X", "****", "-", " ", "\u200b", "：", "是", "为", "#", "+86", "(010)", "转", "１３８", "００１３",
                  "張三", "訂單號", "電話", "，", "好评", "东西不错", "Tom Lee", "abc_12345", "x", "ı", "K", "ſ"]


def privacy_cases(count: int = 3000) -> list[str]:
    """Random strings of the pieces personal-data rules look for, to pin down every rule's edge."""
    rng = random.Random(7)
    return ["".join(rng.choice(PRIVACY_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def generate_privacy() -> list[dict]:
    out = []
    for text in privacy_cases():
        masked = mask_personal_data(text)
        out.append({"privacy": text, "mask": [masked.text, _redactions(masked.redactions)],
                    "contains": contains_personal_data(text)})
    return out


def compare(path: Path) -> int:
    before = json.loads(path.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(generate(), ensure_ascii=False))
    differences = 0
    if len(before) != len(now):
        print(f"row count differs: {len(before)} before, {len(now)} now")
        differences += 1
    for i, (a, b) in enumerate(zip(before, now)):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                differences += 1
                if differences <= 20:
                    print(f"row {i} [{key}]\n  before: {a.get(key)!r}\n  now:    {b.get(key)!r}")
    print(f"{len(now)} rows compared, {differences} differences")
    return differences


# --- timing on held-out reviews --------------------------------------------------------------------------

def held_out_with_predictions(n: int) -> tuple[list[str], list[Prediction]]:
    """Held-out reviews and the shipped classifier's predictions, computed once and kept in /tmp only."""
    if PREDICTIONS_CACHE.exists():
        reviews, predictions = pickle.loads(PREDICTIONS_CACHE.read_bytes())
        if len(reviews) >= n:
            return reviews[:n], predictions[:n]
    from benchmarks.common import held_out_reviews
    from model import artifact
    reviews = [r for r in held_out_reviews(n) if clean(r)]
    predictions = artifact.load().classifier.predict(reviews)
    PREDICTIONS_CACHE.write_bytes(pickle.dumps((reviews, predictions)))
    return reviews, predictions


def time_passes(n: int, passes: int) -> None:
    """Per review, as analyse_many does: the batch's clean/normalise are warm (the classifier read them),
    then draft, then check; more distinct reviews than the memos hold, so each review is new to them."""
    from benchmarks.common import pin_to_one_core
    pin_to_one_core()
    reviews, predictions = held_out_with_predictions(n)
    settings = ShopSettings()
    warm = Prediction("positive", 0.9)  # load phrasings and both converters once, as a server does at start
    check_reply("预热", draft_reply("预热", warm, settings).text, settings, warm)
    rows = []
    for _ in range(passes):
        draft_total = check_total = 0.0
        for start in range(0, len(reviews), 500):
            batch = range(start, min(start + 500, len(reviews)))
            for i in batch:
                normalise(clean(reviews[i]))
            for i in batch:
                t0 = time.perf_counter()
                draft = draft_reply(reviews[i], predictions[i], settings)
                t1 = time.perf_counter()
                check_reply(reviews[i], draft.text, settings, predictions[i])
                t2 = time.perf_counter()
                draft_total += t1 - t0
                check_total += t2 - t1
        rows.append((draft_total / len(reviews) * 1e6, check_total / len(reviews) * 1e6))
        print(f"draft {rows[-1][0]:6.1f}  check {rows[-1][1]:6.1f}  both {sum(rows[-1]):6.1f} µs/review")
    print(f"median of {passes}: draft {statistics.median(r[0] for r in rows):6.1f}  "
          f"check {statistics.median(r[1] for r in rows):6.1f}  both {statistics.median(sum(r) for r in rows):6.1f} "
          f"µs/review over {len(reviews)} held-out reviews")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "compare"
    if command == "record":
        path = Path(sys.argv[2]) if len(sys.argv) > 2 else GOLDEN
        rows = generate()
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        print(f"{len(rows)} rows written to {path}")
    elif command == "compare":
        sys.exit(1 if compare(Path(sys.argv[2]) if len(sys.argv) > 2 else GOLDEN) else 0)
    elif command == "time":
        time_passes(int(sys.argv[2]) if len(sys.argv) > 2 else 6000, int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
