"""The feedback store: masked on the way in, durable once accepted, and exported in the training format."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, text

from model.errors import EmptyReviewError
from service.feedback import FeedbackStore
from training.exports import read_export

PHONE = "13912345678"
ADDRESS = "上海市浦东新区世纪大道100号"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "nested" / "feedback.db"


@pytest.fixture
def store(db_path: Path):
    with FeedbackStore(f"sqlite:///{db_path}") as s:
        yield s


def all_bytes(folder: Path) -> bytes:
    """Every byte SQLite keeps for the database: main file, WAL and shared-memory index."""
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def test_parent_folder_is_created(store: FeedbackStore, db_path: Path) -> None:
    assert db_path.parent.is_dir() and db_path.exists()


def test_round_trip_add_export_read(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("鞋子开胶了，快递还压扁了盒子", sentiment="negative", disputes=["product", "logistics"],
              final_reply="非常抱歉给您带来不便", model_version="v1")
    store.add("到货很快，很喜欢", sentiment="positive", disputes=[])
    store.add("客服半天不回", disputes=["service"])
    store.add("还没用，先评价", sentiment="positive")
    store.add("看看再说")  # no label at all: kept in the table, left out of the export
    assert store.count() == 5
    assert (store.count(labelled=True), store.count(labelled=False)) == (4, 1)

    out = tmp_path / "exports" / "feedback.jsonl"
    assert store.export_jsonl(out) == 4
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[0] == {"review": "鞋子开胶了，快递还压扁了盒子", "sentiment": "negative",
                          "disputes": ["product", "logistics"], "primary": "product"}
    assert records[3] == {"review": "还没用，先评价", "sentiment": "positive", "disputes": None, "primary": None}

    data = read_export(out)
    assert [(r.text, r.sentiment, r.disputes, r.primary) for r in data.rows] == [
        ("鞋子开胶了，快递还压扁了盒子", "negative", ("product", "logistics"), "product"),
        ("到货很快，很喜欢", "positive", (), None),
        ("客服半天不回", None, ("service",), "service"),
        ("还没用，先评价", "positive", None, None),
    ]
    assert data.report.skipped == []


def test_rows_keep_their_fields(store: FeedbackStore) -> None:
    new_id = store.add("质量一般", sentiment="negative", disputes=["product", "product"], model_version="2024-06-01")
    (row,) = list(store.iter_rows())
    assert row.id == new_id and row.sentiment == "negative" and row.disputes == ("product",)
    assert row.model_version == "2024-06-01" and row.final_reply_masked is None
    assert row.created_at.endswith("+00:00") and row.redaction_types == ()


def test_personal_data_never_reaches_the_disk(store: FeedbackStore, db_path: Path, tmp_path: Path) -> None:
    store.add(f"收到货是坏的，请联系我{PHONE}，地址{ADDRESS}", sentiment="negative", disputes=["product"],
              final_reply=f"已按{PHONE}回电")
    store.add("换货请打 +86 137 6543 2109，寄到北京市朝阳区建国路88号", sentiment="negative", disputes=["service"])
    row, spaced = list(store.iter_rows())
    assert PHONE not in row.review_masked and ADDRESS not in row.review_masked
    assert PHONE not in (row.final_reply_masked or "")
    assert {"phone", "address"} <= set(row.redaction_types) and {"phone", "address"} <= set(spaced.redaction_types)

    on_disk = all_bytes(db_path.parent)
    for secret in (PHONE, ADDRESS, "世纪大道", "6543 2109", "建国路88号"):
        assert secret.encode("utf-8") not in on_disk
    out = tmp_path / "fb.jsonl"
    store.export_jsonl(out)
    exported = out.read_text(encoding="utf-8")
    assert all(secret not in exported for secret in (PHONE, "世纪大道", "6543 2109", "建国路88号"))
    assert "收到货是坏的" in exported  # the rest of the review is kept for training


def test_sqlite_runs_in_wal_mode_with_full_sync(store: FeedbackStore, db_path: Path) -> None:
    store.add("不错", sentiment="positive")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
    plain = sqlite3.connect(db_path)  # WAL is a property of the file, seen by any other client
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_a_second_store_sees_committed_rows(store: FeedbackStore, db_path: Path) -> None:
    with FeedbackStore(f"sqlite:///{db_path}") as other:
        assert other.count() == 0
        store.add("包装很好", sentiment="positive")
        assert other.count() == 1
        other.add("发错颜色了", sentiment="negative", disputes=["product"])
    assert [r.review_masked for r in store.iter_rows()] == ["包装很好", "发错颜色了"]


def test_a_failed_write_loses_nothing_accepted_before(store: FeedbackStore, db_path: Path) -> None:
    store.add("第一条", sentiment="positive")
    store.add("第二条", sentiment="negative")

    def fail_after_insert(conn, cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise RuntimeError("disk went away mid-transaction")

    event.listen(store.engine, "after_cursor_execute", fail_after_insert)
    with pytest.raises(RuntimeError, match="mid-transaction"):
        store.add("第三条", sentiment="positive")
    event.remove(store.engine, "after_cursor_execute", fail_after_insert)

    with FeedbackStore(f"sqlite:///{db_path}") as fresh:
        assert [r.review_masked for r in fresh.iter_rows()] == ["第一条", "第二条"]
    store.add("第四条", sentiment="positive")  # the database is not left locked
    assert store.count() == 3


def test_a_process_dying_inside_a_transaction_loses_nothing_accepted(store: FeedbackStore, db_path: Path) -> None:
    store.add("已接受的一条", sentiment="positive")
    crash = f"""
import os
from sqlalchemy import insert
from service.feedback import FeedbackStore, feedback_table
store = FeedbackStore({f"sqlite:///{db_path}"!r})
store.add("子进程已提交", sentiment="negative")
conn = store.engine.connect()
trans = conn.begin()
conn.execute(insert(feedback_table).values(created_at="x", review_masked="未提交", redaction_types="[]"))
os._exit(17)  # killed before commit
"""
    result = subprocess.run([sys.executable, "-c", crash], cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 17, result.stderr
    with FeedbackStore(f"sqlite:///{db_path}") as fresh:
        assert [r.review_masked for r in fresh.iter_rows()] == ["已接受的一条", "子进程已提交"]


def test_export_is_atomic(store: FeedbackStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "fb.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    store.add("好", sentiment="positive")
    store.add("差", sentiment="negative")

    def broken_rows():
        yield from list(FeedbackStore.iter_rows(store))[:1]
        raise OSError("connection lost")

    monkeypatch.setattr(store, "iter_rows", broken_rows)
    with pytest.raises(OSError, match="connection lost"):
        store.export_jsonl(out)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["fb.jsonl"]


@pytest.mark.parametrize("kwargs, error", [
    ({"sentiment": "neutral"}, ValueError),
    ({"disputes": ["price"]}, ValueError),
])
def test_bad_labels_are_refused(store: FeedbackStore, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        store.add("一条评价", **kwargs)
    assert store.count() == 0


def test_blank_review_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(EmptyReviewError):
        store.add(" \u200b ", sentiment="positive")
    assert store.count() == 0
