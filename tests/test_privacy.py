"""Personal-data masking: every format is found, offsets point into the original, nothing else is touched."""
from __future__ import annotations

import dataclasses

import pytest

from model.privacy import PLACEHOLDERS, Redaction, contains_personal_data, mask_personal_data

# (review we wrote, the type expected, the secret that must disappear)
FOUND = [
    ("手机13800138000打不通", "phone", "13800138000"),
    ("电话 138 0013 8000 一直没人接", "phone", "138 0013 8000"),
    ("打我+86 139-1234-5678就行", "phone", "139-1234-5678"),
    ("号码＋８６　１３８００１３８０００", "phone", "１３８００１３８０００"),
    ("座机010-62345678转123", "phone", "62345678"),
    ("(0755)87654321 是我家电话", "phone", "87654321"),
    ("手机尾号138****8000", "phone", "8000"),
    ("身份证110101199003071234也被拍进照片了", "id_card", "110101199003071234"),
    ("身份證號：11010119900307123X", "id_card", "11010119900307123X"),
    ("旧证是110101900307123", "id_card", "110101900307123"),
    ("订单号：123456789012345678", "order_number", "123456789012345678"),
    ("訂單號 202311231234567 還沒發貨", "order_number", "202311231234567"),
    ("单号 7654321 查不到", "order_number", "7654321"),
    ("快递单号SF1234567890123到现在没动", "tracking_number", "SF1234567890123"),
    ("运单号：YT9876543210", "tracking_number", "YT9876543210"),
    ("JD0012345678901 显示已签收", "tracking_number", "JD0012345678901"),
    ("国际件EA123456789CN", "tracking_number", "EA123456789CN"),
    ("有问题发邮件 buyer.test@example.com", "email", "buyer.test@example.com"),
    ("加微信 abc_12345 详聊", "wechat", "abc_12345"),
    ("vx:Zhang_san88", "wechat", "Zhang_san88"),
    ("ＱＱ：１２３４５６７８", "qq", "１２３４５６７８"),
    ("扣扣号是987654321", "qq", "987654321"),
    ("收件人：张三，东西坏了", "name", "张三"),
    ("收货人李小明已签收但没收到", "name", "李小明"),
    ("联系人欧阳娜娜", "name", "欧阳娜娜"),
    ("收件人是 Tom Lee", "name", "Tom Lee"),
    ("寄到北京市朝阳区建国路88号3栋502室的", "address", "建国路88号3栋502室"),
    ("我家在广东省深圳市南山区科技园南区2栋301室", "address", "南山区科技园南区2栋301室"),
    ("收貨地址：台北市大安區忠孝東路四段100號5樓", "address", "忠孝東路四段100號5樓"),
    ("浙江杭州西湖区文三路100号3单元502", "address", "文三路100号3单元502"),
]

CLEAN = [
    "东西不错，物流很快，好评！",
    "快递3天才到，包装破了一个角",
    "用了2年了，价格199元，XL码偏大",
    "2023年11月23日下单，25号才到",
    "收货人不在家，快递员直接放门口了",
    "地址写错了是我自己的问题",
    "房间在12楼，视野很好",
    "买了3件送1件，性价比高",
]


@pytest.mark.parametrize(("text", "kind", "secret"), FOUND)
def test_each_format_is_found_and_masked(text, kind, secret):
    result = mask_personal_data(text)
    assert kind in result.types, result.redactions
    assert secret not in result.text
    assert PLACEHOLDERS[kind] in result.text
    assert contains_personal_data(text)


@pytest.mark.parametrize(("text", "kind", "secret"), FOUND)
def test_offsets_point_into_the_original_text(text, kind, secret):
    result = mask_personal_data(text)
    spans = [text[r.start:r.end] for r in result.redactions if r.type == kind]
    assert any(secret in span or span in secret for span in spans), spans


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_reviews_are_left_alone(text):
    result = mask_personal_data(text)
    assert result.redactions == () and result.text == text
    assert not contains_personal_data(text)


def test_masked_text_is_rebuilt_from_the_original_around_the_redactions():
    text = "收件人：王芳，电话13912345678，地址：上海市浦东新区世纪大道100号2单元1203，订单号888877776666"
    result = mask_personal_data(text)
    assert [r.type for r in result.redactions] == ["name", "phone", "address", "order_number"]
    assert result.text == "收件人：[姓名]，电话[电话]，地址：[地址]，订单号[订单号]"
    starts = [r.start for r in result.redactions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(result.redactions, result.redactions[1:]))


def test_a_redaction_never_holds_the_value():
    assert [f.name for f in dataclasses.fields(Redaction)] == ["type", "start", "end"]
    result = mask_personal_data("手机13800138000")
    assert "13800138000" not in repr(result.redactions)


def test_invisible_characters_inside_a_number_do_not_hide_it():
    text = "手机138\u200b0013\u200b8000"
    result = mask_personal_data(text)
    assert result.types == {"phone"} and "8000" not in result.text


def test_email_is_not_split_into_a_qq_number():
    result = mask_personal_data("QQ邮箱 12345678@qq.com")
    assert result.types == {"email"}


@pytest.mark.parametrize("text", ["有事打我电话一三八一二三四五六七八，谢谢", "手机幺三九 一二三四 五六七八", "138一二三四五六七八",
                                  "加八六一三八一二三四五六七八", "+86一三八一二三四五六七八", "一三八，一二三四、五六七八",
                                  "壹叁捌壹贰叁肆伍陆柒捌", "①③⑧①②③④⑤⑥⑦⑧"])
def test_mobile_numbers_spelt_in_numerals_are_masked(text):
    result = mask_personal_data(text)
    assert result.types == {"phone"}
    assert result.text.count("[电话]") == 1
    assert not any(ch in result.text for ch in "五伍⑤67")


@pytest.mark.parametrize("text", ["他一五一十地说了三四遍", "一三八一二三四五六七八九零", "等了一二三天，一三五都没人",
                                  "时间13 00-14 00-15 0", "尺码13 14 15 16 17 1"])
def test_ordinary_runs_of_chinese_numerals_are_left_alone(text):
    assert mask_personal_data(text).redactions == ()


def test_self_introduced_names_and_taiwan_mobiles_are_masked():
    result = mask_personal_data("我叫林美华，手机0912-345-678，包裹破了")
    assert "林美华" not in result.text and "0912" not in result.text
    assert {"name", "phone"} <= result.types
    assert mask_personal_data("我叫不出这个颜色的名字").redactions == ()
