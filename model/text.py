"""Text normalisation: the first step of text -> tokens -> features -> labels.

Reviews arrive pasted from back offices and phones: full-width digits, zero-width joiners, RTL marks,
Traditional characters. Features are computed on one canonical form so the model sees one vocabulary;
the reply keeps the reviewer's own script (see `detect_script`).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Literal

import opencc

MAX_REVIEW_CHARS = 5000
"""Longest review we read; longer text is cut here (documented in the README). Real reviews are far shorter."""

Script = Literal["simplified", "traditional"]

# Cc/Cf (controls, zero-width, bidi marks, BOM) except ordinary whitespace, plus stray surrogates.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
                        r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)} | {"\u3000": " "}


def half_width(text: str) -> str:
    """Full-width ASCII and the ideographic space as their half-width forms; every other character kept,
    so offsets stay the same. Replacing only those is several times faster than str.translate on Han text."""
    return _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group()], text) if _FULL_WIDTH.search(text) else text


MEMO = 2048
"""One request reads the same review several times (classify, mask, draft, check): compute each form once."""


_converters: dict[str, opencc.OpenCC] = {}
_lock = threading.Lock()


def _converter(config: str) -> opencc.OpenCC:
    with _lock:
        if config not in _converters:
            _converters[config] = opencc.OpenCC(config)
        return _converters[config]


@lru_cache(maxsize=MEMO)
def clean(text: str) -> str:
    """NFKC (full-width -> half-width), invisible characters removed, whitespace folded, length capped."""
    text = text[: MAX_REVIEW_CHARS * 2]
    # NFKC maps full-width forms too, but after half_width its quick check passes typical Chinese text.
    text = unicodedata.normalize("NFKC", half_width(text))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:MAX_REVIEW_CHARS]


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Traditional characters in the forms Taiwan uses (為, 裡, 著), which Hong Kong readers read as
    naturally; OpenCC's plain `s2t` gives its own standard (爲, 裏, 着), rare in print. Words stay as written."""
    return _converter("s2tw").convert(text)


@lru_cache(maxsize=MEMO)
def normalise(text: str) -> str:
    """The canonical form features are computed on: cleaned, Simplified, lower-case Latin."""
    return to_simplified(clean(text)).lower()


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


@lru_cache(maxsize=MEMO)
def detect_script(text: str) -> Script:
    """Traditional when converting to Simplified changes a noticeable share of the Han characters.

    The common case, where no character changes, is answered by one string comparison (R14 checks every
    reply and its review); characters are counted only when some do change."""
    han = _NOT_HAN.sub("", text)
    simplified = to_simplified(han)
    if simplified == han:
        return "simplified"
    changed = sum(a != b for a, b in zip(han, simplified))
    return "traditional" if changed >= max(1, len(han) // 20) else "simplified"


def is_blank(text: str) -> bool:
    return not clean(text)
