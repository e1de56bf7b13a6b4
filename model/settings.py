"""The shop's own settings: its name, sign-off, private channel and the remedies its policy allows.

Reply guidelines R7–R9 make these the shop's choices, not hard-coded text. Text settings are short and
free of control characters so a setting cannot inject huge or odd text into a public reply.
"""
from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.privacy import contains_personal_data
from model.reply_vocab import INDUCEMENT, Remedy
from model.text import normalise

__all__ = ["ShopSettings", "settings_error_message", "error_text", "MAX_SETTING_CHARS", "DEFAULT_REMEDIES"]

MAX_SETTING_CHARS = 40
DEFAULT_REMEDIES: tuple[Remedy, ...] = ("return", "exchange", "resend", "partial_refund", "usage_guidance")
_SPACES = re.compile(r"\s+")


def _plain_short_text(value: str) -> str:
    """Whitespace folded, every control/format/unassigned character dropped, then length-checked."""
    value = _SPACES.sub(" ", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_SETTING_CHARS:
        raise ValueError(f"must be at most {MAX_SETTING_CHARS} characters (got {len(value)})")
    if INDUCEMENT.search(normalise(value)):
        raise ValueError("must not invite buyers to change or delete reviews (platform rules, R13)")
    if contains_personal_data(value):
        raise ValueError("must not hold a phone number, WeChat/QQ id, e-mail or address: it is printed in public "
                         "replies; name the platform channel instead (e.g. 旺旺/在线客服)")
    return value


def _distinct_remedies(value: list[Remedy]) -> list[Remedy]:
    if len(set(value)) != len(value):
        raise ValueError("must not list a remedy twice")
    if len(value) < 2:
        raise ValueError("needs at least 2 different remedies (reply guideline R7)")
    return value


ShortText = Annotated[str, AfterValidator(_plain_short_text)]


class ShopSettings(BaseModel):
    """One shop's reply settings. `sign_off` defaults to "<shop_name>客服团队" when not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shop_name: ShortText = "本店"
    sign_off: ShortText = "本店客服团队"
    contact_channel: ShortText = "旺旺/在线客服"
    remedies: Annotated[list[Remedy], AfterValidator(_distinct_remedies),
                        Field(description="Remedies the shop's policy allows; replies offer only these.")] = \
        list(DEFAULT_REMEDIES)

    @model_validator(mode="after")
    def _sign_off_follows_name(self) -> ShopSettings:
        if "sign_off" not in self.model_fields_set:
            object.__setattr__(self, "sign_off", self.shop_name[:MAX_SETTING_CHARS - 4] + "客服团队")
        return self

    @classmethod
    def from_file(cls, path: str | Path) -> ShopSettings:
        """Read JSON (`.json`) or TOML (anything else); raises ValidationError naming the bad field."""
        path = Path(path)
        raw = path.read_bytes()
        data = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path.name}: shop settings must be a table/object of fields")
        return cls.model_validate(data)

    def merged(self, overrides: dict[str, Any] | None) -> ShopSettings:
        """These settings with some fields replaced (per-request); only fields set explicitly carry over,
        so overriding `shop_name` still updates a default `sign_off`. No overrides: these settings."""
        if not overrides:
            return self
        return type(self).model_validate({**self.model_dump(exclude_unset=True), **overrides})


def error_text(error: dict) -> str:
    """A pydantic error's message as a person should read it: without pydantic's "Value error, " prefix."""
    return error.get("msg", "invalid").removeprefix("Value error, ")


def settings_error_message(exc: ValidationError) -> str:
    """A short one-line message naming each bad field, without echoing the rejected value."""
    return "; ".join(f"{'.'.join(str(p) for p in error.get('loc', ())) or 'settings'}: {error_text(error)}"
                     for error in exc.errors())
