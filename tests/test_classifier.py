"""The shipped model and the Python API every other part uses."""
import numpy as np
import pytest

from model.errors import EmptyReviewError
from model.labels import DISPUTE_TYPES
from model.text import normalise


def test_negative_logistics_review(shipped_model):
    p = shipped_model.classifier.predict_one("快递太慢了，等了一个多星期才到，外箱都压扁了")
    assert p.sentiment == "negative"
    assert "logistics" in p.dispute_types
    assert p.primary_dispute == "logistics"


def test_service_complaint(shipped_model):
    p = shipped_model.classifier.predict_one("客服态度太差了，问什么都不回复，要求退货也一直推脱")
    assert p.sentiment == "negative"
    assert "service" in p.dispute_types


def test_praise_has_no_dispute(shipped_model):
    p = shipped_model.classifier.predict_one("东西很好，质量不错，物流也快，很满意，下次还会再来")
    assert p.sentiment == "positive"
    assert p.disputes == ()
    assert p.primary_dispute is None


def test_scores_are_probabilities_and_assigned_means_at_least_half(shipped_model):
    for p in shipped_model.classifier.predict(["衣服质量很差，还掉色", "很好", "物流很慢但是东西不错"]):
        assert 0.0 <= p.sentiment_score <= 1.0 and p.sentiment_score >= 0.5
        assert set(p.dispute_scores) == set(DISPUTE_TYPES)
        assert all(0.0 <= s <= 1.0 for s in p.dispute_scores.values())
        assert {d.type for d in p.disputes} == {k for k, s in p.dispute_scores.items() if s >= 0.5}


def test_batch_keeps_order_and_matches_single(shipped_model):
    texts = [f"第{i}次买，{'质量很差' if i % 2 else '非常满意'}" for i in range(40)]
    batch = shipped_model.classifier.predict(texts)
    assert [b.sentiment for b in batch] == [shipped_model.classifier.predict_one(t).sentiment for t in texts]


def test_fast_scoring_matches_the_sklearn_pipeline(shipped_model):
    c = shipped_model.classifier
    texts = [normalise(t) for t in ["质量很差", "物流很快，客服很耐心", "房间很吵，前台态度冷淡", "Great!", "好评" * 30]]
    np.testing.assert_allclose(c.probabilities(texts), c.pipeline_probabilities(texts), atol=1e-5)
    many = texts * 5  # past the batch threshold: the vectorised path
    np.testing.assert_allclose(c.probabilities(many), c.pipeline_probabilities(many), atol=1e-5)


def test_sentiment_network_scores_match_the_sklearn_pipeline(tiny_model_dir):
    from model import artifact
    c = artifact.load(directory=tiny_model_dir).classifier
    assert c.scorer.network is not None
    assert len(c.scorer.network.columns) < len(c.scorer.weights)  # some features are not network inputs
    texts = [normalise(t) for t in ["质量很差", "物流很快，客服很耐心", "不错，就是发货有点慢", "Great!", "好评" * 30,
                                    "鑫龘靐齉"]]  # the last: no n-gram the model knows
    np.testing.assert_allclose(c.probabilities(texts), c.pipeline_probabilities(texts), atol=1e-5)
    np.testing.assert_allclose(c.probabilities(texts * 5), c.pipeline_probabilities(texts * 5), atol=1e-5)


def test_traditional_review_gets_the_same_labels(shipped_model):
    c = shipped_model.classifier
    assert c.predict_one("客服態度很差，一直不回覆").as_dict() == c.predict_one("客服态度很差，一直不回复").as_dict()


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b\u200d\ufeff"])
def test_empty_review_is_refused(shipped_model, text):
    with pytest.raises(EmptyReviewError, match="empty"):
        shipped_model.classifier.predict_one(text)


@pytest.mark.parametrize("text", ["Broke after two days.", "1234567890", "👍👍👍"])
def test_text_without_chinese_gets_an_honest_low_score(shipped_model, text):
    p = shipped_model.classifier.predict_one(text)
    assert p.sentiment_score == pytest.approx(0.5)
    assert p.disputes == ()


def test_very_long_review_is_answered(shipped_model):
    p = shipped_model.classifier.predict_one("质量很差，" * 20000)
    assert p.sentiment == "negative"
