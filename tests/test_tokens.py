from model.text import normalise
from model.tokens import tokenize, tokenizer


def test_domain_dictionary_keeps_shop_words_whole():
    words = tokenize(normalise("七天无理由退货，客服不回复，给差评"))
    for word in ("七天无理由退货", "客服", "不回复", "差评"):
        assert word in words


def test_memoised_pieces_give_jiebas_own_segmentation():
    text = normalise("物流太慢了!!包装也压坏了,客服态度差 iphone13 还没发货")
    expected = [w for w in tokenizer().lcut(text, HMM=False) if not w.isspace()]
    assert tokenize(text) == expected
    assert tokenize(text) == expected  # second call comes from the memo


def test_tokenizer_is_built_once():
    assert tokenizer() is tokenizer()


def test_traditional_input_tokenises_like_simplified():
    assert tokenize(normalise("物流太慢，客服態度差")) == tokenize(normalise("物流太慢，客服态度差"))
