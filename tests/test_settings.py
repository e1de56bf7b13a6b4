"""Shop settings: defaults, files, per-request overrides and clear errors."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from model.settings import MAX_SETTING_CHARS, ShopSettings, settings_error_message


def test_defaults_are_valid_and_offer_several_remedies():
    settings = ShopSettings()
    assert settings.shop_name == "本店"
    assert settings.sign_off == "本店客服团队"
    assert settings.contact_channel == "旺旺/在线客服"
    assert len(settings.remedies) >= 2 and len(set(settings.remedies)) == len(settings.remedies)


def test_sign_off_follows_shop_name_unless_given():
    assert ShopSettings(shop_name="小鹿家居").sign_off == "小鹿家居客服团队"
    assert ShopSettings(shop_name="小鹿家居", sign_off="小鹿售后组").sign_off == "小鹿售后组"


def test_reads_json_and_toml(tmp_path):
    as_json = tmp_path / "shop.json"
    as_json.write_text(json.dumps({"shop_name": "青禾茶铺", "remedies": ["resend", "coupon"]}, ensure_ascii=False),
                       encoding="utf-8")
    as_toml = tmp_path / "shop.toml"
    as_toml.write_text('shop_name = "青禾茶铺"\ncontact_channel = "在线客服"\nremedies = ["return", "repair"]\n',
                       encoding="utf-8")
    assert ShopSettings.from_file(as_json).remedies == ["resend", "coupon"]
    from_toml = ShopSettings.from_file(as_toml)
    assert (from_toml.contact_channel, from_toml.remedies) == ("在线客服", ["return", "repair"])


def test_bad_file_names_the_field(tmp_path):
    path = tmp_path / "shop.toml"
    path.write_text('remedies = ["return"]\n', encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        ShopSettings.from_file(path)
    assert settings_error_message(exc.value).startswith("remedies:")


@pytest.mark.parametrize(("fields", "field"), [
    ({"remedies": ["return"]}, "remedies"),
    ({"remedies": ["return", "return"]}, "remedies"),
    ({"remedies": ["return", "cash_back"]}, "remedies.1"),
    ({"shop_name": "店" * (MAX_SETTING_CHARS + 1)}, "shop_name"),
    ({"contact_channel": " \u200b\n "}, "contact_channel"),
    ({"sign_off": "好评返现客服"}, "sign_off"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_settings_are_refused_with_the_field_named(fields, field):
    with pytest.raises(ValidationError) as exc:
        ShopSettings(**fields)
    message = settings_error_message(exc.value)
    assert message.split(":")[0] == field
    for value in fields.values():
        if isinstance(value, str) and value.strip():
            assert value not in message  # the rejected text is not echoed back


def test_control_characters_are_stripped():
    settings = ShopSettings(shop_name="小鹿\u200b家居\x07", contact_channel="旺旺\n在线客服\u202e")
    assert settings.shop_name == "小鹿家居"
    assert settings.contact_channel == "旺旺 在线客服"


def test_merged_overrides_some_fields_and_keeps_the_rest():
    shop = ShopSettings(shop_name="小鹿家居", contact_channel="店铺客服", remedies=["return", "exchange", "coupon"])
    merged = shop.merged({"remedies": ["resend", "coupon"]})
    assert merged.remedies == ["resend", "coupon"]
    assert (merged.shop_name, merged.contact_channel) == ("小鹿家居", "店铺客服")
    assert shop.remedies == ["return", "exchange", "coupon"]  # the shop's own settings are untouched
    assert shop.merged({"shop_name": "青禾"}).sign_off == "青禾客服团队"


def test_merged_validates_the_overrides():
    with pytest.raises(ValidationError) as exc:
        ShopSettings().merged({"remedies": ["coupon"]})
    assert "remedies" in settings_error_message(exc.value)
    with pytest.raises(ValidationError):
        ShopSettings().merged({"discount": 5})


def test_settings_are_immutable():
    with pytest.raises(ValidationError):
        ShopSettings().shop_name = "别的店"
