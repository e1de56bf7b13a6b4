"""The v1 contract through FastAPI's test client, with the shipped model and a throwaway feedback store."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import ServiceSettings

KEY = "k" * 20


def make_client(tmp_path, **overrides) -> TestClient:
    settings = ServiceSettings(feedback_url=f"sqlite:///{tmp_path / 'fb.db'}", reload_interval_seconds=0, **overrides)
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with make_client(tmp_path_factory.mktemp("api")) as c:
        yield c


def assert_error(response, status: int, field: str | None = None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    assert body["error"]["message"]
    if field:
        assert field in [f["field"] for f in body["error"]["fields"]], body


def test_draft_for_a_logistics_complaint(client):
    r = client.post("/v1/drafts", json={"review": "快递太慢了，等了一个星期，包装也压坏了"})
    assert r.status_code == 200
    body = r.json()
    assert body["sentiment"]["label"] == "negative" and 0.5 <= body["sentiment"]["score"] <= 1
    assert body["primary_dispute"] == "logistics"
    assert all({"type", "score"} == set(d) for d in body["disputes"])
    assert set(body["dispute_scores"]) == {"product", "logistics", "service"}
    assert {d["type"] for d in body["disputes"]} == {k for k, v in body["dispute_scores"].items() if v >= 0.5}
    assert body["checks"] == {"passed": True, "violations": []}
    assert len(body["draft"]) >= 80 and body["alternatives"] == []
    assert body["model_version"] == client.get("/v1/model").json()["version"]


@pytest.mark.parametrize("review,rating", [("质量太差了，用两天就坏了", 5), ("很好，很满意", 1), ("还行吧", 3)])
def test_rating_that_disagrees_with_the_words_still_gives_a_clean_draft(client, review, rating):
    body = client.post("/v1/drafts", json={"review": review, "rating": rating}).json()
    assert body["checks"] == {"passed": True, "violations": []}
    again = client.post("/v1/checks", json={"review": review, "reply": body["draft"], "rating": rating}).json()
    assert again["passed"] is True


def test_alternatives_are_distinct(client):
    body = client.post("/v1/drafts", json={"review": "衣服质量很差，洗了一回就褪色了", "alternatives": 4}).json()
    texts = [body["draft"], *body["alternatives"]]
    assert len(texts) == 4 and len(set(texts)) == 4


def test_settings_override_limits_remedies_and_bad_settings_name_the_field(client):
    r = client.post("/v1/drafts", json={"review": "质量太差了，用两天就坏了",
                                         "settings": {"shop_name": "小林家居", "remedies": ["exchange", "repair"]}})
    assert r.status_code == 200
    assert "退货" not in r.json()["draft"]
    assert_error(client.post("/v1/drafts", json={"review": "质量差", "settings": {"remedies": ["free_car"]}}), 422)
    bad = client.post("/v1/drafts", json={"review": "质量差", "settings": {"no_such_field": 1}}).json()
    assert any(f["field"].startswith("settings") for f in bad["error"]["fields"])


def test_personal_data_is_masked_and_reported(client):
    r = client.post("/v1/drafts", json={"review": "收件人张三，电话13812345678，东西坏了，快点处理"}).json()
    assert "13812345678" not in json.dumps(r, ensure_ascii=False)
    assert "phone" in {x["type"] for x in r["redactions"]}


def test_batch_keeps_order_and_isolates_a_bad_item(client):
    r = client.post("/v1/drafts/batch", json={"items": [
        {"id": "a", "review": "很好用"}, {"id": "b", "review": ""}, {"id": 3, "review": "物流太慢"},
        {"id": "d", "review": "好", "rating": 9}, "not an object", {"id": "x" * 500, "review": "好"}]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["id"] for x in results][:5] == ["a", "b", 3, "d", None]
    assert results[5]["error"]["fields"][0]["field"].startswith("items.5.id")
    assert "draft" in results[0] and "draft" in results[2]
    assert results[1]["error"]["fields"][0]["field"] == "items.1.review"
    assert results[3]["error"]["fields"][0]["field"] == "items.3.rating"
    assert "error" in results[4]


@pytest.mark.parametrize("items,status", [([], 422), ([{"id": i, "review": "好"} for i in range(1001)], 422)])
def test_batch_size_limits(client, items, status):
    assert_error(client.post("/v1/drafts/batch", json={"items": items}), status, "items")


def test_huge_batch_is_refused_by_size(client):
    items = [{"id": str(i), "review": "好" * 20} for i in range(40000)]
    assert_error(client.post("/v1/drafts/batch", json={"items": items}), 413)


def test_classify_and_checks(client):
    r = client.post("/v1/classify", json={"review": "质量很好，很满意"}).json()
    assert r["sentiment"]["label"] == "positive" and "draft" not in r
    c = client.post("/v1/checks", json={"review": "质量差", "reply": "爱买不买"}).json()
    assert c["passed"] is False
    assert {"R3", "R4"} <= {v["rule"] for v in c["violations"]}
    assert all(v["message"] for v in c["violations"])


def test_model_info(client):
    r = client.get("/v1/model").json()
    assert r["labels"] == {"sentiment": ["negative", "positive"], "disputes": ["product", "logistics", "service"]}
    assert r["metrics"]["sentiment_accuracy"] > 0.9 and r["created"]


def test_health_page_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    page = client.get("/")
    assert page.status_code == 200 and "评价" in page.text
    assert client.get("/openapi.json").json()["paths"]["/v1/drafts"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("body,field", [
    ({"review": ""}, "review"), ({"review": " \n\t "}, "review"), ({}, "review"), ({"review": 123}, "review"),
    ({"review": None}, "review"), ({"review": "差" * 200_000}, "review"), ({"review": "好", "rating": 0}, "rating"),
    ({"review": "好", "rating": "5"}, "rating"), ({"review": "好", "alternatives": 6}, "alternatives"),
    ({"review": "好", "extra": 1}, "extra"), ({"review": "\u200b\u202e"}, "review"),
])
def test_invalid_input_is_422_naming_the_field(client, body, field):
    assert_error(client.post("/v1/drafts", json=body), 422, field)


@pytest.mark.parametrize("raw", [b'{"review": "abc', b"[1,2,3]", b'"just a string"', b'{"review": "\\ud800abc"}',
                                 b'{"review": ' + b"[" * 5000 + b"]" * 5000 + b"}", b"\xff\xfe\x00"])
def test_broken_or_odd_json_is_a_4xx_json_error(client, raw):
    r = client.post("/v1/drafts", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    assert "error" in r.json()


def test_non_json_body_is_415(client):
    r = client.post("/v1/drafts", content=b"review=abc", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 415)


def test_oversize_body_is_413(client):
    assert_error(client.post("/v1/drafts", json={"review": "差" * 1_000_000}), 413)


def test_oversize_body_without_content_length_is_413(client):
    def chunks():
        yield b'{"review": "'
        for _ in range(300):
            yield ("差" * 4000).encode()
        yield b'"}'
    r = client.post("/v1/drafts", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(r, 413)
    assert client.post("/v1/classify", json={"review": "好"}).status_code == 200


def test_contact_data_in_shop_settings_is_refused(client):
    r = client.post("/v1/drafts", json={"review": "质量差", "settings": {"contact_channel": "微信shopkf888"}})
    assert_error(r, 422, "settings.contact_channel")


@pytest.mark.parametrize("review", ["质量\u0000很差", "\u202e\u200b质量很差\ufeff", "👍👍👍", "Broke after two days.", "1234567890"])
def test_odd_but_valid_reviews_get_an_answer(client, review):
    r = client.post("/v1/drafts", json={"review": review})
    assert r.status_code == 200
    assert r.json()["draft"]


def test_server_keeps_serving_after_bad_input(client):
    client.post("/v1/drafts", content=b"{", headers={"Content-Type": "application/json"})
    assert client.post("/v1/classify", json={"review": "好"}).status_code == 200


def test_access_log_carries_no_review_text(client, caplog):
    caplog.set_level("INFO", logger="review_reply.access")
    client.post("/v1/drafts", json={"review": "收件人李四 13900001111 物流太慢"})
    lines = [r.getMessage() for r in caplog.records if r.name == "review_reply.access"]
    assert lines and json.loads(lines[-1])["path"] == "/v1/drafts" and json.loads(lines[-1])["status"] == 200
    assert "ms" in json.loads(lines[-1])
    assert not any("13900001111" in line or "李四" in line or "物流" in line for line in lines)


def test_feedback_is_stored_masked(client, tmp_path):
    r = client.post("/v1/feedback", json={"review": "电话13812345678，物流太慢", "sentiment": "negative",
                                           "disputes": ["logistics"], "final_reply": "抱歉"})
    assert r.status_code == 201 and r.json()["stored"] is True
    assert_error(client.post("/v1/feedback", json={"review": "好", "disputes": ["weather"]}), 422, "disputes.0")


def test_unknown_path_is_a_json_404(client):
    assert_error(client.get("/v1/nothing"), 404)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    with make_client(tmp_path_factory.mktemp("keyed"), api_keys=[KEY, "second-key-0123456789"]) as c:
        yield c


class TestApiKeys:
    def test_keys_off_by_default(self, client):
        assert client.post("/v1/classify", json={"review": "好"}).status_code == 200

    def test_key_required_when_configured(self, keyed):
        assert_error(keyed.post("/v1/classify", json={"review": "好"}), 401)
        assert_error(keyed.post("/v1/classify", json={"review": "好"}, headers={"X-API-Key": "wrong" * 5}), 401)

    @pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY},
                                         {"X-API-Key": "second-key-0123456789"}])
    def test_either_header_works(self, keyed, headers):
        assert keyed.post("/v1/classify", json={"review": "好"}, headers=headers).status_code == 200

    def test_health_and_page_need_no_key(self, keyed):
        assert keyed.get("/healthz").status_code == 200 and keyed.get("/").status_code == 200

    def test_short_keys_are_refused_at_start(self):
        with pytest.raises(ValueError, match="at least 16"):
            ServiceSettings(api_keys=["short"])
