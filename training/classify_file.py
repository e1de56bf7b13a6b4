"""Offline labelling of many reviews: lines, CSV or JSONL in -> one JSON object per review out, in order."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Callable

from model.classifier import ReviewClassifier
from model.text import is_blank

CHUNK = 1000
NOT_UTF8 = "\ufffd"
"""The input is opened with errors="replace": a line that was not UTF-8 shows this character and is skipped."""


def read_rows(stream: IO[str], fmt: str, text_field: str) -> Iterator[tuple[int, dict | None, str | None, str | None]]:
    """Yield (line number, record, text, error) for each input row; record is what is echoed back."""
    if fmt == "txt":
        for n, line in enumerate(stream, 1):
            line = line.rstrip("\r\n")
            if NOT_UTF8 in line:
                yield n, None, None, "not UTF-8 text"
            else:
                yield (n, {}, line, None) if line.strip() else (n, None, None, "empty line")
    elif fmt == "jsonl":
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            if NOT_UTF8 in line:
                yield n, None, None, "not UTF-8 text"
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, None, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(record, dict):
                yield n, None, None, "not a JSON object"
            elif not isinstance(record.get(text_field), str):
                yield n, None, None, f"no text field '{text_field}'"
            else:
                yield n, record, record[text_field], None
    elif fmt == "csv":
        reader = csv.DictReader(stream)
        if reader.fieldnames is None or text_field not in reader.fieldnames:
            raise ValueError(f"CSV has no column '{text_field}' (columns: {', '.join(reader.fieldnames or [])}); use --text-field")
        for record in reader:
            n = reader.line_num
            if None in record:
                yield n, None, None, "more fields than the header"
            elif any(NOT_UTF8 in (v or "") for v in record.values()):
                yield n, None, None, "not UTF-8 text"
            else:
                yield n, record, record[text_field] or "", None
    else:
        raise ValueError(f"unknown format {fmt!r}")


def classify_stream(classifier: ReviewClassifier, rows, write: Callable[[str], None], warn: Callable[[str], None]) -> tuple[int, int]:
    """Label rows in chunks (batch speed) while keeping input order; returns (labelled, skipped)."""
    done = skipped = 0
    chunk: list[tuple[int, dict, str]] = []

    def flush() -> None:
        nonlocal done
        for (_, record, _), prediction in zip(chunk, classifier.predict([t for _, _, t in chunk])):
            write(json.dumps({**record, **prediction.as_dict()}, ensure_ascii=False))
            done += 1
        chunk.clear()

    for n, record, text, error in rows:
        if error is None and is_blank(text or ""):
            error = "empty review text"
        if error:
            warn(f"line {n}: skipped: {error}")
            skipped += 1
            continue
        chunk.append((n, record, text))
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return done, skipped
