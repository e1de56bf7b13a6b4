"""Agents' corrections, kept for retraining: one table, personal data masked before it reaches the disk.

SQLAlchemy Core with portable column types only, so the same code runs on SQLite (one shop, one machine)
and on PostgreSQL (a database URL). Each accepted correction is committed before `add` returns; on SQLite
WAL with synchronous=FULL makes that commit survive a crash or power loss.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event, func, insert, select
from sqlalchemy.engine import URL, Engine, make_url

from model.atomic import atomic_writer
from model.errors import EmptyReviewError
from model.labels import DISPUTE_TYPES, SENTIMENTS
from model.privacy import mask_personal_data
from model.text import is_blank

log = logging.getLogger(__name__)

metadata = MetaData()
feedback_table = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(40), nullable=False),
    Column("review_masked", Text, nullable=False),
    Column("sentiment", String(16), nullable=True),
    Column("disputes", Text, nullable=True),
    Column("final_reply_masked", Text, nullable=True),
    Column("model_version", String(64), nullable=True),
    Column("redaction_types", Text, nullable=False),
)


@dataclass(frozen=True)
class FeedbackRow:
    """One stored correction. `disputes` None means the agent did not label disputes; () means 'none'."""

    id: int
    created_at: str
    review_masked: str
    sentiment: str | None
    disputes: tuple[str, ...] | None
    final_reply_masked: str | None
    model_version: str | None
    redaction_types: tuple[str, ...]

    @property
    def is_labelled(self) -> bool:
        return self.sentiment is not None or self.disputes is not None

    def training_record(self) -> dict[str, Any]:
        """The JSONL shape `training.exports.read_export` reads (primary = first dispute, as the agent gave them)."""
        disputes = list(self.disputes) if self.disputes is not None else None
        return {"review": self.review_masked, "sentiment": self.sentiment, "disputes": disputes,
                "primary": disputes[0] if disputes else None}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the service read while a write is committing; FULL syncs the WAL on every commit."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def _prepare_sqlite(url: URL) -> None:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _checked_disputes(disputes: Iterable[str] | None) -> list[str] | None:
    if disputes is None:
        return None
    out: list[str] = []
    for d in disputes:
        if d not in DISPUTE_TYPES:
            raise ValueError(f"unknown dispute type {d!r}; expected one of {', '.join(DISPUTE_TYPES)}")
        if d not in out:
            out.append(d)
    return out


class FeedbackStore:
    """The `feedback` table behind a database URL, e.g. sqlite:///var/feedback.db or postgresql+psycopg://..."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            _prepare_sqlite(parsed)
        self.engine: Engine = create_engine(parsed)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    def add(self, review: str, *, sentiment: str | None = None, disputes: Iterable[str] | None = None,
            final_reply: str | None = None, model_version: str | None = None) -> int:
        """Store one correction with personal data masked; committed (durable) when this returns its id."""
        if is_blank(review):
            raise EmptyReviewError("feedback needs the review text")
        if sentiment is not None and sentiment not in SENTIMENTS:
            raise ValueError(f"unknown sentiment {sentiment!r}; expected one of {', '.join(SENTIMENTS)}")
        checked = _checked_disputes(disputes)
        review_mask = mask_personal_data(review)
        reply_mask = mask_personal_data(final_reply) if final_reply is not None else None
        values = {
            "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "review_masked": review_mask.text,
            "sentiment": sentiment,
            "disputes": json.dumps(checked) if checked is not None else None,
            "final_reply_masked": reply_mask.text if reply_mask else None,
            "model_version": model_version,
            "redaction_types": json.dumps(sorted(review_mask.types | (reply_mask.types if reply_mask else set()))),
        }
        with self.engine.begin() as conn:
            new_id = conn.execute(insert(feedback_table).values(**values)).inserted_primary_key[0]
        return int(new_id)

    def count(self, *, labelled: bool | None = None) -> int:
        """All rows, or only those with (labelled=True) / without (labelled=False) any label."""
        t = feedback_table
        query = select(func.count()).select_from(t)
        if labelled is True:
            query = query.where((t.c.sentiment.is_not(None)) | (t.c.disputes.is_not(None)))
        elif labelled is False:
            query = query.where(t.c.sentiment.is_(None), t.c.disputes.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def iter_rows(self) -> Iterator[FeedbackRow]:
        """Every row, oldest first, streamed so a large table does not have to fit in memory."""
        query = select(feedback_table).order_by(feedback_table.c.id)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                disputes = json.loads(row.disputes) if row.disputes is not None else None
                yield FeedbackRow(
                    id=row.id, created_at=row.created_at, review_masked=row.review_masked, sentiment=row.sentiment,
                    disputes=tuple(disputes) if disputes is not None else None,
                    final_reply_masked=row.final_reply_masked, model_version=row.model_version,
                    redaction_types=tuple(json.loads(row.redaction_types)),
                )

    def export_jsonl(self, out_path: Path | str) -> int:
        """Write labelled rows as training JSONL, atomically (a reader never sees half a file); returns rows written.

        Rows with no label at all are left out; `count(labelled=False)` says how many.
        """
        written = skipped = 0
        with atomic_writer(out_path, "w", encoding="utf-8") as fh:
            for row in self.iter_rows():
                if not row.is_labelled:
                    skipped += 1
                    continue
                fh.write(json.dumps(row.training_record(), ensure_ascii=False) + "\n")
                written += 1
        log.info("feedback export: %d labelled rows written, %d without any label left out", written, skipped)
        return written

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "FeedbackStore":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
