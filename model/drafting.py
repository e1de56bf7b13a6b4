"""Draft the public seller reply (评价解释) to one review, following reply guidelines R1–R14.

A reply is assembled from parts (apology, explanation per dispute type, ownership, remedies, private
follow-up, change, thanks, sign-off), each with several phrasings in `data/phrasings.toml`. Which phrasing
is used comes from a sha256 of the normalised review, so a review always gets the same draft while different
reviews read differently (R14). The review is masked first and never quoted: the only thing echoed back is
what the buyer praised, named in our own aspect words, so no personal data can reach the reply (R9).
"""
from __future__ import annotations

import hashlib
import itertools
import re
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from model.labels import DisputeType, Prediction
from model.paths import DATA_DIR
from model.privacy import Redaction, contains_personal_data, mask_personal_data
from model.reply_vocab import (ABSOLUTE, APOLOGY, ASKS_FOR_PERSONAL_DATA, BLAME, CHANGE, DISPUTE_FAMILIES, INDUCEMENT,
                               OFF_PLATFORM, PUSH_TO_COURIER, REMEDIES, REMEDY_FAMILIES, THANKS, UNVERIFIABLE, Remedy,
                               ReplyKind, length_limits, remedies_named, reply_kind, visible_length)
from model.settings import ShopSettings
from model.text import Script, clean, detect_script, normalise, to_traditional

__all__ = ["Draft", "draft_reply", "detect_liked", "load_phrasings", "phrasing_problems", "MAX_DRAFTS", "PHRASINGS_FILE"]

PHRASINGS_FILE = DATA_DIR / "phrasings.toml"
MAX_DRAFTS = 5
T = TypeVar("T")
Phrasings = Mapping[str, Mapping[str, list[str]]]


@dataclass(frozen=True)
class Draft:
    text: str
    alternatives: list[str]
    """The other distinct drafts (so `alternatives=3` gives `text` plus two here)."""
    redactions: tuple[Redaction, ...]
    """Personal data found in the review (offsets into it); none of it appears in any draft."""
    script: Script
    kind: ReplyKind


# --- phrasings: loaded once, validated against the shared keyword families -----------------------------

_lock = threading.Lock()
_phrasings: Phrasings | None = None
_FORBIDDEN = {"R3 blame": BLAME, "R5 courier": PUSH_TO_COURIER, "R8 absolute": ABSOLUTE, "R13 inducement": INDUCEMENT,
              "R13 unverifiable": UNVERIFIABLE, "R9 asks for data": ASKS_FOR_PERSONAL_DATA,
              "R9 off-platform": OFF_PLATFORM}
_Need = re.Pattern[str] | str
_REQUIRED: dict[tuple[str, str], tuple[_Need, ...]] = {
    ("praise", "thanks"): (THANKS,), ("praise", "liked"): ("{liked}",),
    ("mixed", "opening_liked"): (THANKS, "{liked}"), ("mixed", "opening"): (THANKS,), ("closing", "thanks"): (THANKS,),
    **{("apology", key): (APOLOGY,) for key in ("product", "logistics", "service", "unclear")},
    **{("change", key): (CHANGE,) for key in ("product", "logistics", "service", "unclear")},
    **{("explain", key): (DISPUTE_FAMILIES[key],) for key in DISPUTE_FAMILIES},
    ("ownership", "logistics"): (DISPUTE_FAMILIES["logistics"],), ("remedy_offer", "offer"): ("{remedies}",),
    ("private", "invite"): ("{channel}",), ("sign_off", "format"): ("{sign_off}",),
}
"""What each part must contain: a keyword family from model.reply_vocab or a literal placeholder."""


def phrasing_problems(phrasings: Phrasings) -> list[str]:
    """Every way the phrasings file breaks the reply rules; the drafter refuses to start on any."""
    problems = []
    for (section, key), needs in _REQUIRED.items():
        entries = phrasings.get(section, {}).get(key, [])
        minimum = 3 if section == "sign_off" else 5
        if len(entries) < minimum:
            problems.append(f"[{section}].{key}: needs at least {minimum} entries")
        for entry, need in itertools.product(entries, needs):
            if not (need in entry if isinstance(need, str) else need.search(normalise(entry))):
                shown = need if isinstance(need, str) else need.pattern[:30]
                problems.append(f"[{section}].{key}: {entry!r} lacks {shown}")
    for section, parts in phrasings.items():
        for key, entries in parts.items():
            for entry in entries:
                text = normalise(entry)
                bad = [name for name, family in _FORBIDDEN.items() if family.search(text)]
                offered = remedies_named(text)
                expected = {key} if section == "remedy_names" else set()
                if offered != expected:
                    bad.append(f"remedies {sorted(offered)} instead of {sorted(expected)}")
                if contains_personal_data(entry):
                    bad.append("personal data")
                problems += [f"[{section}].{key}: {entry!r} breaks {b}" for b in bad]
    missing = set(REMEDIES) - set(phrasings.get("remedy_names", {}))
    problems += [f"[remedy_names]: no wording for {name}" for name in sorted(missing)]
    return problems


def load_phrasings() -> Phrasings:
    """The phrasings file, read and validated once per process."""
    global _phrasings
    if _phrasings is None:
        with _lock:
            if _phrasings is None:
                data: dict[str, Any] = tomllib.loads(PHRASINGS_FILE.read_text(encoding="utf-8"))
                problems = phrasing_problems(data)
                if problems:
                    raise ValueError(f"{PHRASINGS_FILE.name}: " + "; ".join(problems[:5]))
                _phrasings = data
    return _phrasings


# --- what the buyer liked, in our own words ---------------------------------------------------------------

_GENERIC_GOOD = "好|不错|棒|满意|赞|喜欢|给力|到位|一流|没得说|完美|可以|优秀"
_PRAISE_ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (shown, re.compile(rf"(?:{aspect})([^，。！？,.!?；;\s]{{0,3}}?)(?:{good}|{_GENERIC_GOOD})"))
    for shown, aspect, good in (
        ("商品质量", "质量|品质|质感", "过硬|靠谱|高"),
        ("做工", "做工|工艺|手感|用料", "精致|精细|扎实|细致|舒服"),
        ("发货速度", "发货|物流|快递|送货|配送|到货|送餐|速度", "快|及时|迅速"),
        ("包装", "包装", "精美|严实|结实|仔细|用心|完好"),
        ("服务", "客服|服务|态度|前台|老板", "热情|周到|耐心|贴心|专业|nice"),
        ("口味", "味道|口味|口感|菜品", "好吃|香|新鲜|正宗|地道"),
        ("外观款式", "颜色|款式|外观|样子|颜值|造型", "漂亮|好看|美|大方|时尚"),
        ("性价比", "性价比|价格|价钱", "高|实惠|划算|便宜|合理|公道"),
        ("尺码", "尺码|码数|大小", "合适|正好|标准"),
        ("房间和环境", "房间|环境|位置|卫生", "干净|舒适|整洁|方便|安静|宽敞"),
        ("商品", "东西|商品|宝贝|产品", "实用|好用|值"),
    ))
_NEGATED = re.compile("不|没|一般|差|慢|太")


def detect_liked(normalised_text: str, limit: int = 2) -> list[str]:
    """Aspects the buyer praised ("商品质量", "包装" …), named by us, in the order they appear."""
    hits: list[tuple[int, str]] = []
    for shown, pattern in _PRAISE_ASPECTS:
        for m in pattern.finditer(normalised_text):
            if not _NEGATED.search(m.group(1)):
                hits.append((m.start(), shown))
                break
    ordered = [shown for _, shown in sorted(hits)]
    if "商品质量" in ordered or "做工" in ordered:
        ordered = [s for s in ordered if s != "商品"]
    return ordered[:limit]


# --- composing ------------------------------------------------------------------------------------------

_REMEDY_PREFERENCE: dict[str, tuple[Remedy, ...]] = {
    "product": ("exchange", "return", "repair", "partial_refund", "usage_guidance", "resend", "coupon"),
    "logistics": ("resend", "exchange", "return", "partial_refund", "coupon", "repair", "usage_guidance"),
    "service": ("return", "exchange", "partial_refund", "coupon", "resend", "usage_guidance", "repair"),
    "unclear": ("return", "exchange", "partial_refund", "resend", "coupon", "repair", "usage_guidance"),
}
_PLACEHOLDER = re.compile(r"\{(shop_name|channel|sign_off|liked|remedies)\}")


class _Chooser:
    """Picks one option per part from the review's digest; `rotation` walks to the next option for alternatives."""

    def __init__(self, digest: bytes) -> None:
        self._seeded = hashlib.sha256(digest)
        """sha256 already fed the digest: copying it is faster than hashing digest + part anew for every part."""
        self._offsets: dict[str, int] = {}
        self.rotation = 0

    def offset(self, part: str) -> int:
        if part not in self._offsets:
            hashed = self._seeded.copy()
            hashed.update(part.encode())
            self._offsets[part] = int.from_bytes(hashed.digest()[:4], "big")
        return self._offsets[part]

    def pick(self, part: str, options: Sequence[T]) -> T:
        return options[(self.offset(part) + self.rotation) % len(options)]


def _remedy_clause(key: str, settings: ShopSettings, phrasings: Phrasings, choose: _Chooser) -> str:
    """Two or three remedies, only from the shop's own list (R7, R8), the most fitting for the dispute first."""
    allowed = [r for r in _REMEDY_PREFERENCE[key] if r in settings.remedies]
    count = 2 if len(allowed) == 2 else 2 + choose.offset("remedy_count") % 2
    combos = list(itertools.combinations(allowed[:count + 1], count))
    names = [choose.pick(f"remedy_name.{r}", phrasings["remedy_names"][r]) for r in choose.pick("remedies", combos)]
    return "、".join(names[:-1]) + "或" + names[-1]


def _sentences(kind: ReplyKind, disputes: list[DisputeType], liked: list[str], phrasings: Phrasings,
               settings: ShopSettings, choose: _Chooser) -> list[tuple[str, int]]:
    """(sentence, drop rank): rank 0 is required; when too long, the highest ranks go first."""
    p = phrasings
    if kind == "praise":
        middle = choose.pick("praise.liked", p["praise"]["liked"]) if liked else choose.pick("praise.general",
                                                                                            p["praise"]["general"])
        return [(choose.pick("praise.thanks", p["praise"]["thanks"]), 0), (middle, 0),
                (choose.pick("praise.welcome", p["praise"]["welcome"]), 0)]
    key = disputes[0] if disputes else "unclear"
    out: list[tuple[str, int]] = []
    if kind == "mixed":
        opening = "opening_liked" if liked else "opening"
        out.append((choose.pick("mixed.opening", p["mixed"][opening]), 0))
    out.append((choose.pick("apology", p["apology"][key]), 0))
    for i, dispute in enumerate(disputes or ["unclear"]):
        out.append((choose.pick(f"explain.{dispute}", p["explain"][dispute]), 0 if i == 0 else 2))
    owner = "logistics" if "logistics" in disputes else "general"
    out.append((choose.pick(f"ownership.{owner}", p["ownership"][owner]), 1 if owner == "general" else 0))
    remedies = _remedy_clause(key, settings, phrasings, choose)
    out.append((choose.pick("remedy_offer", p["remedy_offer"]["offer"]).replace("{remedies}", remedies), 0))
    out.append((choose.pick("private", p["private"]["invite"]), 0))
    for i, dispute in enumerate(disputes or ["unclear"]):
        out.append((choose.pick(f"change.{dispute}", p["change"][dispute]), 0 if i == 0 else 3))
    out.append((choose.pick("closing", p["closing"]["thanks"]), 0))
    return out


def _fill(text: str, values: Mapping[str, str]) -> str:
    """One pass, so a setting that itself contains "{channel}" is never expanded again."""
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _compose(kind: ReplyKind, disputes: list[DisputeType], liked: list[str], settings: ShopSettings,
             script: Script, choose: _Chooser) -> str:
    phrasings = load_phrasings()
    values = {"shop_name": settings.shop_name, "channel": settings.contact_channel, "sign_off": settings.sign_off,
              "liked": "和".join(liked)}
    sentences = [(_fill(s, values), rank) for s, rank in _sentences(kind, disputes, liked, phrasings, settings, choose)]
    sign_off = _fill(choose.pick("sign_off", phrasings["sign_off"]["format"]), values)
    longest = length_limits(kind)[1]
    while visible_length("".join(s for s, _ in sentences) + sign_off) > longest:
        worst = max(range(len(sentences)), key=lambda i: (sentences[i][1], i))
        if sentences[worst][1] == 0:
            break
        del sentences[worst]
    text = "".join(s for s, _ in sentences) + "\n" + sign_off
    return to_traditional(text) if script == "traditional" else text


def draft_reply(review: str, prediction: Prediction, settings: ShopSettings, *, rating: int | None = None,
                alternatives: int = 1) -> Draft:
    """The reply draft for `review` plus `alternatives - 1` other distinct drafts (at most 5 in all)."""
    if not 1 <= alternatives <= MAX_DRAFTS:
        raise ValueError(f"alternatives must be between 1 and {MAX_DRAFTS}, got {alternatives}")
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError(f"rating must be between 1 and 5, got {rating}")
    masked = mask_personal_data(review)
    kind = reply_kind(prediction, rating)
    disputes = prediction.disputes_primary_first  # R6: several disputes each addressed, the main one first
    normalised = _normalised(review)
    if kind == "complaint":
        liked = []
    else:
        liked = detect_liked(normalise(masked.text) if masked.redactions else normalised)
    script = detect_script(review)
    choose = _Chooser(hashlib.sha256(normalised.encode("utf-8")).digest())
    drafts: list[str] = []
    for rotation in range(MAX_DRAFTS * 4):
        if len(drafts) == alternatives:
            break
        choose.rotation = rotation
        text = _compose(kind, disputes, liked, settings, script, choose)
        if text not in drafts:
            drafts.append(text)
    return Draft(drafts[0], drafts[1:], masked.redactions, script, kind)


def _normalised(review: str) -> str:
    """`normalise(review)`, taken from the memo when the classifier has just normalised `clean(review)`: the two
    are the same text whenever cleaning the cleaned review changes nothing, which is all but odd inputs."""
    cleaned = clean(review)
    return normalise(cleaned) if clean(cleaned) == cleaned else normalise(review)
