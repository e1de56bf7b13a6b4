"""Service settings from the environment (REVIEW_REPLY_*), read once per process through `get_settings()`."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing import Annotated

from model.paths import ARTIFACT_DIR, ROOT

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest request body we read; a full 1,000-item batch of ordinary reviews is a few hundred KB."""


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_REPLY_", extra="ignore")

    model_dir: Path = ARTIFACT_DIR
    shop_settings_file: Path | None = None
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list,
                                                     description="Comma-separated; empty means no key is needed.")
    admin_key: str | None = None
    feedback_url: str = f"sqlite:///{ROOT / 'var' / 'feedback.db'}"
    reload_interval_seconds: float = 2.0
    max_body_bytes: int = MAX_BODY_BYTES

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value):
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("api_keys")
    @classmethod
    def _keys_long_enough(cls, keys: list[str]) -> list[str]:
        short = [str(i + 1) for i, k in enumerate(keys) if len(k) < 16]
        if short:
            raise ValueError(f"each API key must be at least 16 characters (key number {', '.join(short)} is shorter)")
        return keys

    @field_validator("admin_key")
    @classmethod
    def _admin_key_long_enough(cls, key: str | None) -> str | None:
        if key is not None and len(key) < 16:
            raise ValueError("the admin key must be at least 16 characters")
        return key


@lru_cache
def get_settings() -> ServiceSettings:
    return ServiceSettings()
