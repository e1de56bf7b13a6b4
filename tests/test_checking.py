"""The reply checker: quiet on a good reply, and each rule firing on a reply that breaks just that rule."""
from __future__ import annotations

import re

import pytest

from model.checking import Violation, check_reply
from model.labels import DisputeScore, Prediction
from model.reply_vocab import remedies_named
from model.settings import ShopSettings
from model.text import normalise, to_traditional

DEFAULT = ShopSettings()
REVIEW = "鞋子穿了一周就开胶了，联系电话13800138000"
PRODUCT = Prediction("negative", 0.9, (DisputeScore("product", 0.9),), "product")
PRAISED = Prediction("positive", 0.9)

APOLOGY = "鞋子开胶给您添了麻烦，我们非常抱歉。"
EXPLAIN = "这批商品我们会请质检同事逐双复查，找出做工上的问题。"
REMEDIES = "您可以选择换货或退货退款，我们会尽快办理。"
PRIVATE = "麻烦您通过旺旺/在线客服联系我们，细节私下沟通。"
CHANGE = "之后我们会加强出库前的检查。"
THANKS = "谢谢您的反馈。"
SIGN = "\n——本店客服团队"
GOOD = APOLOGY + EXPLAIN + REMEDIES + PRIVATE + CHANGE + THANKS + SIGN


def rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_a_good_complaint_reply_passes():
    assert check_reply(REVIEW, GOOD, DEFAULT, PRODUCT) == []


@pytest.mark.parametrize(("reply", "rule"), [
    ("   ", "R2"),
    (GOOD.replace(THANKS, THANKS + "不过开胶多半是您自己的问题。"), "R3"),
    (GOOD.replace(APOLOGY, "鞋子开胶的情况我们已经知道了。"), "R4"),
    (GOOD.replace(THANKS, "如果是运输压坏的，请您联系快递。" + THANKS), "R5"),
    (GOOD.replace(REMEDIES, "您可以选择换货，我们会尽快办理。"), "R7"),
    (GOOD.replace(CHANGE, "之后我们会加强检查，保证不会再出现这种情况。"), "R8"),
    (GOOD.replace(THANKS, "我们会打您的13800138000确认。" + THANKS), "R9"),
    (GOOD.replace(THANKS, "有事也可以拨打13912345678。" + THANKS), "R9"),
    (GOOD.replace(PRIVATE, "请在评论区留下您的手机号码，方便核实。"), "R9"),
    (GOOD.replace(PRIVATE, "加我微信详细说，细节私下沟通。"), "R9"),
    (GOOD.replace(PRIVATE, "细节请再说明。"), "R9"),
    ("商品开胶很抱歉，可换货或退货，请旺旺联系，我们会改进，谢谢。", "R10"),
    (GOOD.replace(THANKS, "我们一直重视每一位顾客的体验。" * 20 + THANKS), "R10"),
    (GOOD.replace(CHANGE, ""), "R11"),
    (GOOD.replace(THANKS, ""), "R12"),
    (GOOD.replace(THANKS, "问题解决后麻烦您追加好评。" + THANKS), "R13"),
    (GOOD.replace(THANKS, "我们家是全网最低价。" + THANKS), "R13"),
    (to_traditional(GOOD), "R14"),
])
def test_each_rule_fires_alone_on_a_reply_that_breaks_it(reply, rule):
    assert rules(check_reply(REVIEW, reply, DEFAULT, PRODUCT)) == {rule}


def test_reply_not_speaking_to_the_primary_dispute_breaks_r6():
    logistics = Prediction("negative", 0.9, (DisputeScore("logistics", 0.9),), "logistics")
    assert rules(check_reply("等了十天才到", GOOD, DEFAULT, logistics)) == {"R6"}


def test_remedy_outside_the_shop_settings_breaks_r8():
    settings = ShopSettings(remedies=["return", "exchange"])
    reply = GOOD.replace(THANKS, "也可以为您补发一双。" + THANKS)
    violations = check_reply(REVIEW, reply, settings, PRODUCT)
    assert rules(violations) == {"R8"} and "补发" in violations[0].message


def test_traditional_review_needs_a_traditional_reply():
    review = to_traditional("鞋子穿了一周就开胶了")
    assert check_reply(review, to_traditional(GOOD), DEFAULT, PRODUCT) == []
    assert rules(check_reply(review, GOOD, DEFAULT, PRODUCT)) == {"R14"}


def test_remedies_are_recognised_in_an_agents_own_words():
    assert remedies_named(normalise("可以给您退款，也可以换一件新的")) == {"return", "exchange"}
    assert remedies_named(normalise("我们给您部分退款")) == {"partial_refund"}
    assert remedies_named(normalise("教您使用的视频和一张代金券")) == {"usage_guidance", "coupon"}
    reply = GOOD.replace(REMEDIES, "我们可以给您退款，或者寄一双新的给您换一下也行。")
    assert rules(check_reply(REVIEW, reply, DEFAULT, PRODUCT)) == {"R7"}  # "换一下" alone is not an offer
    reply = GOOD.replace(REMEDIES, "我们可以给您退款，也可以更换一双新的。")
    assert check_reply(REVIEW, reply, DEFAULT, PRODUCT) == []


def test_the_shops_own_text_is_not_held_against_the_reply():
    settings = ShopSettings(shop_name="品质保证换新数码", contact_channel="客服热线400-820-8820",
                            remedies=["return", "repair"])
    reply = (APOLOGY + EXPLAIN + "您可以选择退货退款或维修，我们会尽快办理。请拨打客服热线400-820-8820联系我们。"
             + CHANGE + THANKS + "\n——品质保证换新数码客服团队")
    assert check_reply(REVIEW, reply, settings, PRODUCT) == []


PRAISE_REPLY = "谢谢您的好评！很高兴鞋子的做工让您满意，这正是我们用心的地方。欢迎常来本店逛逛。\n——本店客服团队"


def test_a_good_praise_reply_passes_and_needs_no_apology_or_remedy():
    assert check_reply("鞋子做工很好", PRAISE_REPLY, DEFAULT, PRAISED) == []


def test_praise_replies_stay_short_unless_written_as_a_complaint_reply():
    padded = PRAISE_REPLY.replace("欢迎", "我们会继续努力做好每一双鞋。" * 12 + "欢迎")
    assert rules(check_reply("鞋子做工很好", padded, DEFAULT, PRAISED)) == {"R10"}
    assert check_reply("鞋子做工很好", GOOD, DEFAULT, PRAISED) == []
    assert rules(check_reply("好", "谢谢！", DEFAULT, PRAISED)) == {"R10"}


def test_a_low_rating_makes_a_positive_review_need_a_complaint_reply():
    assert check_reply("还行", PRAISE_REPLY, DEFAULT, PRAISED, rating=5) == []
    assert {"R4", "R7", "R11"} <= rules(check_reply("还行", PRAISE_REPLY, DEFAULT, PRAISED, rating=1))


def test_messages_are_short_actionable_chinese():
    broken = "你自己不会用。保证没问题，好评返现。收件人张三电话13800138000。"
    violations = check_reply("收件人张三电话13800138000，东西坏了", broken, DEFAULT, PRODUCT)
    assert rules(violations) >= {"R3", "R4", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13"}
    assert [int(v.rule[1:]) for v in violations] == sorted(int(v.rule[1:]) for v in violations)
    for v in violations:
        assert re.fullmatch(r"R\d{1,2}", v.rule) and re.search(r"[\u4e00-\u9fff]", v.message)
        assert len(v.message) <= 60 and "13800138000" not in v.message and "张三" not in v.message
