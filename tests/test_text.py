from model.text import MAX_REVIEW_CHARS, clean, detect_script, han_count, is_blank, normalise, to_traditional


def test_full_width_becomes_half_width():
    assert clean("ＡＢＣ１２３，质量！") == "ABC123,质量!"


def test_invisible_and_control_characters_are_removed():
    assert clean("\u202e\u200b质量\u0000很差\ufeff\u200d") == "质量很差"


def test_whitespace_is_folded_and_blank_detected():
    assert clean("  物流\n\n\t很慢  ") == "物流 很慢"
    assert is_blank(" \u200b\n\t ")
    assert not is_blank("好")


def test_traditional_is_normalised_to_simplified():
    assert normalise("質量很差，物流太慢，客服態度不好") == "质量很差,物流太慢,客服态度不好"


def test_latin_is_lower_cased_for_features():
    assert normalise("iPhone很好") == "iphone很好"


def test_script_detection():
    assert detect_script("這個東西質量很差，客服也不回覆") == "traditional"
    assert detect_script("这个东西质量很差，客服也不回复") == "simplified"
    assert detect_script("Broke after two days") == "simplified"
    assert detect_script(to_traditional("发货太慢了")) == "traditional"


def test_very_long_text_is_capped():
    assert len(clean("差" * (MAX_REVIEW_CHARS * 5))) == MAX_REVIEW_CHARS


def test_han_count_ignores_latin_digits_and_emoji():
    assert han_count("abc 123 👍 好的") == 2


def test_traditional_replies_use_the_forms_readers_know():
    assert to_traditional("我们为您补发，包装里面着急") == "我們為您補發，包裝裡面著急"
