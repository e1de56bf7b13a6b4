"""Keyword families and rules shared by the drafter and the checker, so the two cannot drift apart.

Every pattern runs on `model.text.normalise`d text (Simplified, half-width, lower-case). The drafter's
phrasings are validated against these same families when they load (see `model.drafting`), and the checker
recognises an agent's own wording through them.
"""
from __future__ import annotations

import re
from typing import Literal

from model.labels import DisputeType, Prediction

Remedy = Literal["return", "exchange", "resend", "partial_refund", "repair", "coupon", "usage_guidance"]
REMEDIES: tuple[Remedy, ...] = ("return", "exchange", "resend", "partial_refund", "repair", "coupon",
                                "usage_guidance")
ReplyKind = Literal["praise", "mixed", "complaint"]
"""praise: thank and welcome back; mixed: praise carrying a complaint; complaint: the full R4–R11 reply."""

COMPLAINT_LENGTH = (80, 350)
PRAISE_LENGTH = (30, 200)
"""Non-whitespace characters (R10): a complaint reply is several sentences, a praise reply stays short."""


def _family(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words))


APOLOGY = _family("抱歉", "歉意", "对不起", "致歉", "道歉", "不好意思")
THANKS = _family("感谢", "谢谢", "多谢", "谢意")
CHANGE = _family("改进", "改善", "加强", "完善", "调整", "优化", "复盘", "加固", "培训", "避免", "减少类似",
                 "不足", "今后", "以后", "接下来")
PRIVATE = _family("私信", "私下", "单独沟通", "一对一", "联系我们", "找我们", "与我们沟通", "和我们沟通", "联系客服",
                  "找客服", "咨询客服", "旺旺")

REMEDY_FAMILIES: dict[Remedy, re.Pattern[str]] = {
    "return": _family("退货", "(?<!部分)(?<!部分的)退款", "全额退", "退回商品"),
    "exchange": _family("换货", "更换", "调换", "换新", "换一件", "换一个", "换一份"),
    "resend": _family("补发", "补寄", "重新发", "重发", "再发一"),
    "partial_refund": _family("部分退款", "退还部分", "退部分", "部分货款", "部分金额", "退差价"),
    "repair": _family("维修", "检修", "返修", "修理", "寄修"),
    "coupon": _family("优惠券", "代金券", "店铺券", "红包"),
    "usage_guidance": _family("使用指导", "使用方法", "使用教程", "使用说明", "操作讲解", "操作指导", "教您使用"),
}
"""How an agent may word each remedy; "部分退款" is a partial refund and not a return."""

DISPUTE_FAMILIES: dict[DisputeType, re.Pattern[str]] = {
    "product": _family("商品", "产品", "货品", "质量", "做工", "质检", "品控", "批次", "宝贝", "实物", "菜品",
                       "房间", "设施"),
    "logistics": _family("物流", "快递", "配送", "运输", "发货", "包裹", "送达", "到货", "送餐", "骑手",
                         "派送", "打包"),
    "service": _family("客服", "服务", "态度", "沟通", "接待", "同事", "工作人员", "员工", "回复"),
}
"""Words showing the reply speaks to a dispute type (R6)."""

DISPUTE_NAMES_ZH: dict[DisputeType, str] = {"product": "商品问题", "logistics": "物流问题", "service": "服务态度"}

BLAME = _family(
    "你自己", "您自己的", "自己的问题", "不是我们的问题", "不是我们的责任", "不关我们", "与我们无关", "跟我们没关系",
    "和我们没关系", "怪你", "怪您", "胡说", "乱说", "造谣", "恶意差评", "职业差评", "差评师", "爱买不买", "不会用",
    "看清楚", "眼瞎", "呵呵", "搞笑", "无语", "有本事", "随便你", "你懂不懂", "早就说了", "要求太高", "玻璃心",
    "事儿多", "难伺候", "碰瓷", "矫情", "别买了", "请勿购买", "穷就", "买不起")
"""Blaming, arguing and sarcasm (R3)."""

PUSH_TO_COURIER = _family(
    "(?:请|麻烦|建议)(?:您)?(?:自行|自己)?(?:去)?(?:联系|找|咨询|问|投诉)(?:一下)?(?:快递|物流|派送员|快递员)",
    "快递的(?:问题|责任)", "物流的(?:问题|责任)", "(?:找|联系)快递(?:公司)?(?:索赔|理赔)")
"""Sending the buyer to the carrier instead of following up ourselves (R5)."""

ABSOLUTE = _family("保证", "绝对", "100%", "百分之百", "百分百", "永不", "永远不会", "肯定不会", "一定不会", "绝不",
                   "决不", "包您", "包你", "万无一失", "再也不会", "从不", "从来不会")
"""Absolute promises a shop cannot be sure to keep (R8)."""

INDUCEMENT = _family(
    "好评返现", "好评返", "返现", "(?:给|打|留|换|改|求|追加|晒图)(?:个|成|为|一个|下)?(?:五星)?好评", "五星好评",
    "好评(?:有礼|送|奖励|可领)", "删(?:除|掉)?(?:这条|一下)?(?:差评|评价|评论)", "删评",
    "(?:修改|撤销|撤回|取消|追加)(?:一下)?(?:差评|评价|评论)", "改评")
"""Inducements to change or delete a review, against platform rules (R13)."""

UNVERIFIABLE = _family("假一赔", "全网最低", "全网最便宜", "全网第一", "最低价", "零差评", "无任何问题")
"""Claims about the goods the shop cannot show to be true (R13)."""

ASKS_FOR_PERSONAL_DATA = _family(
    "(?:提供|留下|发送|发给|发一下|告诉我们|报一下|填写|贴出|公布)(?:一下)?(?:您|你)?的?"
    "(?:手机|电话|联系方式|地址|住址|订单号|单号|姓名|真实姓名|身份证|微信|qq|账号)",
    "(?:手机|电话|联系方式|地址|住址|订单号|单号|姓名|身份证|微信|qq|账号)(?:号码?)?(?:发|留|告诉)(?:给)?(?:我们|客服|这里)")
"""Asking for personal data in the public reply (R9)."""

OFF_PLATFORM = _family("加(?:我|我们|一下)?(?:的)?(?:微信|vx|wx|qq)", "微信群", "qq群", "私人微信", "私人号")
"""Moving the buyer off the shop's own channel (R9)."""

_WORDS_IN_EVERY_MATCH: dict[str, tuple[str, ...]] = {
    PUSH_TO_COURIER.pattern: ("快递", "物流", "派送员"),
    INDUCEMENT.pattern: ("评", "返现"),
    ASKS_FOR_PERSONAL_DATA.pattern: ("手机", "电话", "联系方式", "址", "单号", "姓名", "身份证", "微信", "qq", "账号"),
}
"""For the slowest families: every match contains one of these words, so text without them needs no search.
Keyed by pattern text: hashing a compiled pattern is slower than the test itself."""


def search_family(family: re.Pattern[str], normalised_text: str) -> re.Match[str] | None:
    """`family.search(normalised_text)`, skipped when a quick substring test shows it cannot match."""
    words = _WORDS_IN_EVERY_MATCH.get(family.pattern)
    if words is not None and not any(word in normalised_text for word in words):
        return None
    return family.search(normalised_text)


def reply_kind(prediction: Prediction, rating: int | None = None) -> ReplyKind:
    """Which reply a review needs: a low rating is a complaint whatever the text; 4–5 stars without a dispute is praise."""
    low = rating is not None and rating <= 2
    high = rating is not None and rating >= 4
    if low:
        return "complaint"
    if not prediction.disputes:
        return "praise" if prediction.sentiment == "positive" or high else "complaint"
    return "mixed" if prediction.sentiment == "positive" or high else "complaint"


def length_limits(kind: ReplyKind) -> tuple[int, int]:
    return PRAISE_LENGTH if kind == "praise" else COMPLAINT_LENGTH


def remedies_named(normalised_text: str) -> set[Remedy]:
    """The remedies a reply offers, recognised by keyword family."""
    return {name for name, family in REMEDY_FAMILIES.items() if family.search(normalised_text)}


def visible_length(text: str) -> int:
    """R10 counts non-whitespace characters."""
    return len("".join(text.split()))
