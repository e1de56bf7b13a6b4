"""Find and mask a buyer's personal data in review (or reply) text (reply guideline R9).

Matching runs on a *view* of the text with exactly one character per original character: full-width ASCII
mapped to half-width and Traditional mapped to Simplified character by character. So every offset found in
the view is an offset into the original text, and full-width digits or Traditional keywords (訂單號, 電話)
are caught too. Other NFKC folds (circled digits and the like) are not applied. Zero-width characters
inside a number count as separators.

A `Redaction` keeps only the type and the offsets, never the value, so results can be logged or returned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from model.text import half_width, to_simplified

__all__ = ["Redaction", "MaskResult", "mask_personal_data", "contains_personal_data", "PLACEHOLDERS"]


@dataclass(frozen=True)
class Redaction:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskResult:
    text: str
    redactions: tuple[Redaction, ...]

    @property
    def types(self) -> set[str]:
        return {r.type for r in self.redactions}


PLACEHOLDERS = {
    "phone": "[电话]", "id_card": "[身份证号]", "order_number": "[订单号]", "tracking_number": "[快递单号]",
    "email": "[邮箱]", "wechat": "[微信号]", "qq": "[QQ号]", "address": "[地址]", "name": "[姓名]",
}

_SEP = r"[ \t\-\u200b-\u200d\u2060\ufeff]"
_VALUE_LEAD = r"[号码是为:：#\s]*"
_HAN = r"\u4e00-\u9fff"
_NUMERALS = ("0零〇⓪", "1一幺壹①", "2二两贰②", "3三叁③", "4四肆④", "5五伍⑤", "6六陆⑥", "7七柒⑦", "8八捌⑧", "9九玖⑨")
"""Ways to write each digit in a phone number spelt out (幺 is how 1 is read out; capitals and circled
digits are how buyers slip numbers past platform filters)."""
_ANY_NUMERAL = "[" + "".join(_NUMERALS) + "]"
_SPELT_NUMERAL = "[" + "".join(n[1:] for n in _NUMERALS) + "]"
_MOBILE_START = f"[{_NUMERALS[1]}][{''.join(_NUMERALS[3:])}]"
_SPELT_SEP = r"[ \t\-\u200b-\u200d\u2060\ufeff，、,.。]"
_NEXT_FIELD = r"电话|手机|收件人|收货人|联系人|姓名|微信|qq|QQ|邮箱"

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
             "温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季"
             "裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农司卓古吉缪项芦麦褚娄窦"
             "戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻"
             "苑迟邝")
"""Common surnames, without those that are also everyday words (和, 时, 单 …): after 收件人 with no colon
a name is only taken when it starts with one of these."""
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                      "夏侯", "令狐")
_NOT_A_NAME_START = "客卖商店快本自老前我你他她不没都也很太已就还说的了是在有这那"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _needs(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# The e-mail local part is capped at 64 characters (the RFC limit): uncapped, a long run of letters before an
# "@" with no valid domain made the scan quadratic (~140 ms for 5,000 characters; now a few ms).
# (type, pattern, group holding the value, digit run, needs). Earlier rules win where matches overlap: keyword
# rules come before the bare formats, so "订单号 110101199003071234" is an order number, not an ID card.
# Every match holds a run of at least `digit run` consecutive digits and a match of `needs` (None: no cheap
# test): most reviews hold no long digit run, no "@" and no 微/威/薇/w/v, and skipping a rule there is much
# faster than letting it scan. Under IGNORECASE only W/w, V/v, Q/q, E/e match w, v, q, e, so those suffice.
_RULES: tuple[tuple[str, re.Pattern[str], int, int, re.Pattern[str] | None], ...] = (
    ("email", _rx(r"[a-z0-9._%+\-]{1,64}@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"), 0, 0, _needs("@")),
    ("tracking_number", _rx(r"(?:快递单号|运单编号|运单号|物流单号|快递号|物流号)" + _VALUE_LEAD
                            + r"([a-z]{0,5}\d[\da-z\-]{5,})"), 1, 1, None),
    ("order_number", _rx(r"(?:订单编号|订单号码|订单号|订单|单号)" + _VALUE_LEAD + r"([a-z]{0,3}\d[\d\-]{5,})"), 1, 1,
     None),
    ("id_card", _rx(r"身份证(?:号码|号)?" + _VALUE_LEAD + r"(\d[\dx*]{5,}(?:" + _SEP + r"?[\dx*]+)*)"), 1, 1,
     None),
    ("phone", _rx(r"(?:电话|手机号?|联系方式|座机|tel|phone)" + _VALUE_LEAD + r"(\+?\d(?:" + _SEP
                  + r"?[\d*]){6,16})"), 1, 1, _needs("[电手联座eE]")),
    ("wechat", _rx(r"(?<![a-z])(?:微信号?|weixin|wechat|wx|vx|v信|威信|薇信)" + _VALUE_LEAD
                   + r"([a-z][\w\-]{5,19}|\d{5,11})(?![\w\-])"), 1, 0, _needs("[微威薇wWvV]")),
    ("qq", _rx(r"(?<![a-z])(?:qq|扣扣|企鹅号)" + _VALUE_LEAD + r"(\d{5,11})(?!\d)"), 1, 5, _needs("[qQ扣企]")),
    ("name", re.compile(r"(?:收件人|收货人|联系人|寄件人|签收人|姓名|名字叫|名字是|我叫)\s*([:：是为]?)\s*"
                        rf"([{_HAN}·]{{2,4}}?|[A-Za-z][A-Za-z .]{{1,29}}[A-Za-z])"
                        rf"(?=$|[^{_HAN}·]|电话|手机|地址|联系|签收|收货|的|说|已|在|先生|女士|小姐)"), 2, 0, None),
    ("address", re.compile(r"(?:收货地址|收件地址|家庭住址|详细地址|住址|地址)" + _VALUE_LEAD
                           + rf"((?:(?!{_NEXT_FIELD})[{_HAN}\dA-Za-z\-#()]){{4,60}})"), 1, 0, None),
    ("id_card", _rx(r"(?<![\da-z])[1-9]\d{5}" + _SEP + r"?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                    + _SEP + r"?\d{3}[\dx](?![\da-z])"), 0, 6, None),
    ("id_card", _rx(r"(?<![\da-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![\da-z])"), 0, 15, None),
    ("phone", _rx(r"(?<![\d+])(?:\(?(?:\+|00)?86\)?" + _SEP + r"*)?1[3-9]\d(?:" + _SEP + r"*\d){8}(?!\d)"), 0, 3,
     _needs(r"1[3-9]\d")),
    ("phone", _rx(r"(?<!\d)1[3-9]\d[*xX]{4}\d{4}(?!\d)"), 0, 4, _needs(r"1[3-9]\d")),
    # A mobile number spelt out at least partly in numerals other than 0-9 (一三八…, 壹叁捌…, ①③⑧…), with or
    # without +86; all-digit runs are left to the rules above, which are stricter about separators.
    # Separators are bounded (3 between numerals), so the look-ahead scans at most ~40 characters per start.
    ("phone", re.compile(rf"(?<!{_ANY_NUMERAL})(?:(?:\+|加|00)?(?:86|八六){_SPELT_SEP}{{0,3}})?"
                         rf"(?=(?:[0-9]|{_SPELT_SEP}){{0,40}}{_SPELT_NUMERAL}){_MOBILE_START}"
                         rf"(?:{_SPELT_SEP}{{0,3}}{_ANY_NUMERAL}){{9}}"
                         rf"(?!{_ANY_NUMERAL}|[十百千万])"), 0, 0, _needs(_MOBILE_START)),
    ("phone", _rx(r"(?<![\d+])09\d{2}" + _SEP + r"?\d{3}" + _SEP + r"?\d{3}(?!\d)"), 0, 3, _needs("09")),
    ("phone", _rx(r"(?<![\d])(?:\(0\d{2,3}\)|0\d{2,3})" + _SEP + r"*[2-9]\d{6,7}(?:" + _SEP
                  + r"*(?:转|-|ext)" + _SEP + r"*\d{1,5})?(?!\d)"), 0, 7, None),
    ("tracking_number", _rx(r"(?<![a-z])(?:sf|yt|yto|jd|jdv|jdx|zto|zt|sto|yd|yunda|ems|jt|jtsd|dpk|db|best|ht|"
                            r"tt|uc|zjs|yz)" + _SEP + r"?\d{8,15}(?!\d)"), 0, 8, None),
    ("tracking_number", re.compile(r"(?<![A-Za-z])[A-Z]{2}\d{9}[A-Z]{2}(?![A-Za-z])"), 0, 9, None),
)

_ADMIN = rf"[{_HAN}]{{1,7}}?(?:自治区|自治州|省|市|区|县|旗|镇|乡|街道)"
_STREET = rf"[{_HAN}\d]{{1,10}}?(?:大道|大街|路|街|巷|弄|胡同|村|小区|社区|花园|家园|公寓|大厦|广场|新村|工业园|园区)"
_NUMBER = r"(?:[\d一二三四五六七八九十百零〇]+|[A-Za-z])(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|户)"
_ADDRESS = re.compile(rf"(?:(?:{_ADMIN}){{1,4}}(?:{_STREET}){{0,2}}|(?:{_STREET}){{1,2}}){_NUMBER}(?:[\-\s]?{_NUMBER}){{0,4}}(?:-?\d{{2,5}}(?![\d{_HAN}]))?")
_HAS_NUMBER_UNIT = re.compile(_NUMBER)
_NUMBER_UNIT_START = re.compile("[号栋幢座单层楼室户]")
"""A character every unit in _NUMBER starts with: a quick test before the slower _HAS_NUMBER_UNIT search."""
_PLACE_UNIT = re.compile(r"省|市|区|县|镇|乡|街道|路|街|巷|弄|村|小区")
_ADDRESS_UNIT = re.compile(rf"[\d省市区县镇乡路街巷弄村号栋幢座单元层楼室]")
_BEFORE_ADDRESS = re.compile(r"[在到寄送是的了我你他她家住从往至于发给把被和与及去来说也就还]")
_FIRST_UNIT = re.compile(r"自治区|自治州|省|市|区|县|旗|镇|乡|街道|大道|大街|路|街|巷|弄|胡同|村|小区|社区|花园|家园|公寓|大厦|广场|新村|园")
_DIGIT_RUN = re.compile(r"\d+")
_LONG_DIGITS = re.compile(r"(?<![\dA-Za-z])\d{10,}(?![\dA-Za-z])")


def _view(text: str) -> str:
    """One character per original character: half-width ASCII, Simplified Han."""
    half = half_width(text)
    simple = to_simplified(half)
    if len(simple) == len(half):
        return simple
    return "".join(s if len(s := to_simplified(ch)) == 1 else ch for ch in half)


def _plausible_name(value: str, separator: str) -> bool:
    if value[:2] in _COMPOUND_SURNAMES or value[0] in _SURNAMES or value[0].isascii():
        return True
    return bool(separator) and value[0] not in _NOT_A_NAME_START


def _looks_like_address(value: str) -> bool:
    """After 地址/住址: a house number, or at least two place units (市…区, 路…), not "地址写错了"."""
    return bool(_HAS_NUMBER_UNIT.search(value)) or len(_PLACE_UNIT.findall(value)) >= 2


def _trim_address_start(view: str, start: int, end: int) -> tuple[int, int]:
    """The pattern starts at the leftmost Han run, so "酒店在南京路1号" would take "酒店在" too:
    begin after the last preposition-like character before the first place unit."""
    unit = _FIRST_UNIT.search(view, start, end)
    head_end = unit.start() if unit else start
    stops = [m.end() for m in _BEFORE_ADDRESS.finditer(view, start, head_end)]
    return (stops[-1] if stops else start), end


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in taken)


def _find(view: str) -> list[Redaction]:
    found: list[Redaction] = []
    taken: list[tuple[int, int]] = []

    def accept(kind: str, start: int, end: int) -> None:
        if end > start and not _overlaps(start, end, taken):
            taken.append((start, end))
            found.append(Redaction(kind, start, end))

    longest_digit_run = max(map(len, _DIGIT_RUN.findall(view)), default=0)
    for kind, pattern, group, digit_run, needs in _RULES:
        if longest_digit_run < digit_run:
            continue
        if needs is not None and needs.search(view) is None:
            continue
        for m in pattern.finditer(view):
            start, end = m.span(group)
            value = m.group(group)
            if kind == "name" and not _plausible_name(value, m.group(1)):
                continue
            if kind == "address" and not _looks_like_address(value):
                continue
            accept(kind, start, end)
    if _NUMBER_UNIT_START.search(view) and _HAS_NUMBER_UNIT.search(view):
        for m in _ADDRESS.finditer(view):
            start, end = _trim_address_start(view, *m.span())
            if _ADDRESS_UNIT.search(view, start, end):
                accept("address", start, end)
    if longest_digit_run >= 10:
        for m in _LONG_DIGITS.finditer(view):
            accept("order_number", *m.span())
    return sorted(found, key=lambda r: r.start)


@lru_cache(maxsize=2048)
def mask_personal_data(text: str) -> MaskResult:
    """The text with each piece of personal data replaced by a placeholder such as `[电话]` or `[地址]`;
    redaction offsets refer to the original `text`."""
    redactions = _find(_view(text))
    pieces, last = [], 0
    for r in redactions:
        pieces += [text[last:r.start], PLACEHOLDERS[r.type]]
        last = r.end
    pieces.append(text[last:])
    return MaskResult("".join(pieces), tuple(redactions))


def contains_personal_data(text: str) -> bool:
    return bool(_find(_view(text)))
