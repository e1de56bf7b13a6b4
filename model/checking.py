"""Check a reply (drafted or edited by an agent) against reply guidelines R1–R14.

The checker recognises an agent's own wording through the keyword families in `model.reply_vocab`, the
same ones the drafter's phrasings are validated against. The shop's own text (name, sign-off, channel) is
set aside before the word checks: it is the shop's choice, not the agent's, so "换新数码" as a shop name is
not an exchange offer and a shop hotline is not a buyer's phone number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from model.labels import Prediction
from model.privacy import PLACEHOLDERS, mask_personal_data
from model.reply_vocab import (ABSOLUTE, APOLOGY, ASKS_FOR_PERSONAL_DATA, BLAME, CHANGE, COMPLAINT_LENGTH,
                               DISPUTE_FAMILIES, DISPUTE_NAMES_ZH, INDUCEMENT, OFF_PLATFORM, PRIVATE, PUSH_TO_COURIER,
                               THANKS, UNVERIFIABLE, length_limits, remedies_named, reply_kind, search_family,
                               visible_length)
from model.settings import ShopSettings
from model.text import clean, detect_script, is_blank, normalise, to_traditional

__all__ = ["Violation", "check_reply", "REMEDY_NAMES_ZH"]

REMEDY_NAMES_ZH = {"return": "退货退款", "exchange": "换货", "resend": "补发", "partial_refund": "部分退款",
                   "repair": "维修", "coupon": "优惠券", "usage_guidance": "使用指导"}
_DATA_NAMES_ZH = {kind: placeholder.strip("[]") for kind, placeholder in PLACEHOLDERS.items()}
_NUMERIC_DATA = {"phone", "id_card", "order_number", "tracking_number", "qq"}
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    """Short Chinese advice an agent can act on; the rule id is in `rule`."""


@lru_cache(maxsize=256)
def _shop_texts(*texts: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shop's own wording in both scripts, as written and normalised; longest first so names inside
    a sign-off go with it."""
    written = {clean(t) for t in texts} | {clean(to_traditional(t)) for t in texts}
    return (tuple(sorted(written, key=len, reverse=True)),
            tuple(sorted({normalise(t) for t in written}, key=len, reverse=True)))


def _without(text: str, pieces: tuple[str, ...]) -> str:
    for piece in pieces:
        text = text.replace(piece, "|")
    return text


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = search_family(pattern, text)
    return m.group(0) if m else None


def _echoed_data(review: str, normalised_reply: str) -> set[str]:
    """Types of the review's personal data that reappear in the reply; the values stay in this function."""
    redactions = mask_personal_data(review).redactions
    if not redactions:
        return set()
    reply_alnum = _NOT_ALNUM.sub("", normalised_reply)
    echoed = set()
    for r in redactions:
        value = normalise(review[r.start:r.end])
        if r.type in _NUMERIC_DATA:
            digits = _NOT_ALNUM.sub("", value)
            if len(digits) >= 5 and digits in reply_alnum:
                echoed.add(r.type)
        elif len(value) >= 2 and value in normalised_reply:
            echoed.add(r.type)
    return echoed


def _wording_violations(body: str) -> list[Violation]:
    out = []
    if word := _first(BLAME, body):
        out.append(Violation("R3", f"含指责、争辩或讽刺的说法「{word}」：请改用平和、礼貌的语气"))
    if word := _first(PUSH_TO_COURIER, body):
        out.append(Violation("R5", f"不要把买家推给快递（「{word}」）：物流问题由店铺主动联系快递跟进"))
    if word := _first(ABSOLUTE, body):
        out.append(Violation("R8", f"含绝对化承诺「{word}」：请改成店铺能兑现的说法"))
    if word := _first(INDUCEMENT, body):
        out.append(Violation("R13", f"含诱导改评、删评或返现的说法「{word}」：平台规则禁止，请删除"))
    if word := _first(UNVERIFIABLE, body):
        out.append(Violation("R13", f"含无法核实的宣传「{word}」：请只写能证实的内容"))
    return out


def _privacy_violations(review: str, reply_text: str, plain_body: str, body: str,
                        settings: ShopSettings) -> list[Violation]:
    out = []
    echoed = _echoed_data(review, reply_text)
    if echoed:
        names = "、".join(_DATA_NAMES_ZH[t] for t in sorted(echoed))
        out.append(Violation("R9", f"回复重复了买家的个人信息（{names}）：公开回复中请删除"))
    other = {r.type for r in mask_personal_data(plain_body).redactions} - echoed
    if other:
        names = "、".join(_DATA_NAMES_ZH[t] for t in sorted(other))
        out.append(Violation("R9", f"回复中含有个人信息（{names}）：公开回复不能出现电话、地址、单号等"))
    if search_family(ASKS_FOR_PERSONAL_DATA, body):
        out.append(Violation("R9", f"不要在公开回复里索要个人信息：请邀请买家通过{settings.contact_channel}私下沟通"))
    if OFF_PLATFORM.search(body):
        out.append(Violation("R9", f"不要引导买家到站外（私人微信/QQ）：请使用店铺自己的渠道{settings.contact_channel}"))
    return out


def _complaint_violations(text: str, body: str, offered: set[str], settings: ShopSettings,
                          prediction: Prediction) -> list[Violation]:
    out = []
    if not APOLOGY.search(body):
        out.append(Violation("R4", "缺少道歉：请为给买家带来的不便真诚致歉"))
    primary = next(iter(prediction.disputes_primary_first), None)
    if primary and not DISPUTE_FAMILIES[primary].search(body):
        out.append(Violation("R6", f"没有回应主要问题（{DISPUTE_NAMES_ZH[primary]}）：请针对这一问题说明原因和处理"))
    if len(offered & set(settings.remedies)) < 2:
        out.append(Violation("R7", "可选的补救方式不足两种：请从店铺允许的方式中至少提供两种"))
    if normalise(settings.contact_channel) not in text and not PRIVATE.search(body):
        out.append(Violation("R9", f"缺少私下沟通的邀请：请邀请买家通过{settings.contact_channel}联系"))
    if not CHANGE.search(body):
        out.append(Violation("R11", "没有说明改进措施：请写出店铺会怎样避免类似问题再发生"))
    return out


def check_reply(review: str, reply: str, settings: ShopSettings, prediction: Prediction, *,
                rating: int | None = None) -> list[Violation]:
    """The rules `reply` breaks for `review`, ordered by rule; an empty list means it passed.

    `rating` (1–5) changes what the review needs: 1–2 stars always needs a complaint reply."""
    if is_blank(reply):
        return [Violation("R2", "回复为空：差评和带有抱怨的评价都需要认真回复")]
    kind = reply_kind(prediction, rating)
    shop_written, shop_normalised = _shop_texts(settings.shop_name, settings.sign_off, settings.contact_channel)
    text = normalise(reply)
    body = _without(text, shop_normalised)
    plain_body = _without(clean(reply), shop_written)
    violations = _wording_violations(body) + _privacy_violations(review, text, plain_body, body, settings)

    offered = remedies_named(body)
    outside = offered - set(settings.remedies)
    if outside:
        names = "、".join(REMEDY_NAMES_ZH[r] for r in sorted(outside))
        violations.append(Violation("R8", f"提供了店铺设置之外的补救方式（{names}）：只承诺店铺政策允许的方式"))
    if kind != "praise":
        violations += _complaint_violations(text, body, offered, settings, prediction)
    if not THANKS.search(body):
        violations.append(Violation("R12", "缺少感谢：请感谢买家的评价或反馈"))

    low, high = length_limits(kind)
    if kind == "praise" and APOLOGY.search(body):
        high = COMPLAINT_LENGTH[1]  # the agent chose to answer it as a complaint: allow the complaint length
    length = visible_length(reply)
    if length < low:
        violations.append(Violation("R10", f"回复过短（{length}字）：{'差评' if kind != 'praise' else '好评'}回复至少{low}字，"
                                           "请写出原因和处理"))
    elif length > high:
        violations.append(Violation("R10", f"回复过长（{length}字）：请精简到{high}字以内"))

    review_script = detect_script(review)
    if detect_script(plain_body) != review_script:
        wanted = "繁体" if review_script == "traditional" else "简体"
        violations.append(Violation("R14", f"文字与买家不一致：买家用{wanted}，回复也请用{wanted}"))
    return sorted(violations, key=lambda v: int(v.rule[1:]))
