"""Labelled review exports from a shop back office -> training rows plus a report a person can check.

Exports come in whatever shape the back office or an agent's spreadsheet gave them, so columns are found
by their usual names (Chinese or English), labels by their usual spellings, and every row that is not used
is listed with its line and why: a shop retrains on its own data only after seeing what was read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from model.errors import ReviewReplyError
from model.labels import DISPUTE_TYPES, SENTIMENTS, DisputeType, Sentiment
from model.privacy import mask_personal_data
from model.text import clean, normalise
from training.export_formats import (BadRow, ExportError, RawTable, cell_text, has_escaped_bytes, open_table,
                                     show_headers)

__all__ = ["ExportData", "ExportError", "LabelledReview", "NotEnoughData", "SkippedRow", "ValidationReport",
           "check_enough", "read_export", "read_many"]

Neutral = Literal["skip", "negative", "positive"]
MAX_SKIPPED_SHOWN = 20

TEXT_NAMES = ("review", "评价内容", "评论内容", "内容", "content", "text", "comment", "评价", "评论", "买家评价",
              "review_text", "comments")
SENTIMENT_NAMES = ("label", "sentiment", "情感", "情感倾向", "情感标签", "polarity", "评价等级", "评价级别", "评价类型")
RATING_NAMES = ("评分", "星级", "rating", "stars", "score", "打分", "商品评分")
DISPUTE_NAMES = ("disputes", "dispute", "纠纷类型", "纠纷", "dispute_types")
PER_TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "product": ("product", "产品纠纷"),
    "logistics": ("logistics", "物流纠纷"),
    "service": ("service", "服务纠纷", "服务态度纠纷"),
}
PRIMARY_NAMES = ("primary", "primary_dispute", "主要纠纷", "主纠纷")

_SENTIMENT_VALUES: dict[str, str] = {
    **dict.fromkeys(("positive", "pos", "1", "正面", "好", "好评", "积极", "正向", "正", "good"), "positive"),
    **dict.fromkeys(("negative", "neg", "0", "负面", "差", "差评", "消极", "负向", "负", "bad"), "negative"),
    **dict.fromkeys(("neutral", "中评", "中性", "中", "一般"), "neutral"),
}
_DISPUTE_VALUES: dict[str, str] = {
    **dict.fromkeys(("product", "产品", "质量", "商品", "产品纠纷", "quality"), "product"),
    **dict.fromkeys(("logistics", "物流", "快递", "配送", "物流纠纷", "shipping", "delivery"), "logistics"),
    **dict.fromkeys(("service", "服务", "客服", "态度", "服务纠纷", "服务态度", "服务态度纠纷"), "service"),
    **dict.fromkeys(("无", "没有", "none", "无纠纷", "-", "—", "n/a"), ""),
}
_FLAG_VALUES: dict[str, bool] = {
    **dict.fromkeys(("1", "true", "是", "y", "yes", "有", "√", "✓"), True),
    **dict.fromkeys(("0", "false", "否", "n", "no", "无", "×", "✗"), False),
}
_CHINESE_STARS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_RATING = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五])\s*(?:星|颗星|分|★|stars?)?")
_SPLIT = re.compile(r"[,，、;；|/\s]+")


class NotEnoughData(ReviewReplyError, ValueError):
    """Too few labelled rows of some class to train on; the message names the class and the counts."""


@dataclass(frozen=True)
class LabelledReview:
    """One usable row. `None` means 'not labelled for this' (distinct from 'labelled: no dispute' = ())."""

    text: str
    sentiment: Sentiment | None
    disputes: tuple[DisputeType, ...] | None
    primary: DisputeType | None
    source_line: int
    source_file: str = ""


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str
    file: str = ""


def _empty_counts() -> dict[str, dict[str, int]]:
    return {"sentiment": dict.fromkeys(SENTIMENTS, 0), "disputes": {**dict.fromkeys(DISPUTE_TYPES, 0), "none": 0}}


@dataclass
class ValidationReport:
    """What was read from one file (or, from `read_many`, from all of them, with `files` per file)."""

    path: str | None = None
    format: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_used: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    label_counts: dict[str, dict[str, int]] = field(default_factory=_empty_counts)
    dispute_labelled: int = 0
    """Used rows that carry dispute labels (possibly 'none'); the rest are labelled for sentiment only."""
    columns: dict[str, str] = field(default_factory=dict)
    """Role (text, sentiment, rating, disputes, product/logistics/service, primary) -> header used."""
    files: list["ValidationReport"] = field(default_factory=list)

    def count(self, row: LabelledReview) -> None:
        self.rows_used += 1
        if row.sentiment is not None:
            self.label_counts["sentiment"][row.sentiment] += 1
        if row.disputes is not None:
            self.dispute_labelled += 1
            for d in row.disputes or ("none",):
                self.label_counts["disputes"][d] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "format": self.format, "encoding": self.encoding,
            "rows_read": self.rows_read, "rows_used": self.rows_used, "rows_skipped": len(self.skipped),
            "label_counts": self.label_counts, "dispute_labelled": self.dispute_labelled,
            "columns": self.columns,
            "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in self.skipped],
            "files": [f.to_dict() for f in self.files],
        }

    def to_text(self, max_skipped: int = MAX_SKIPPED_SHOWN) -> str:
        """A short English report: counts, columns, labels, then at most `max_skipped` skipped rows."""
        title = self.path or f"{len(self.files)} files"
        lines = [f"{title}{self._format_note()}: {self._counts_note()}"]
        if self.columns:
            lines.append("  columns: " + "; ".join(f"{role} <- {header}" for role, header in self.columns.items()))
        sentiment = self.label_counts["sentiment"]
        unlabelled = self.rows_used - sum(sentiment.values())
        lines.append(f"  sentiment: {sentiment['positive']} positive, {sentiment['negative']} negative"
                     + (f", {unlabelled} without sentiment" if unlabelled else ""))
        d = self.label_counts["disputes"]
        lines.append(f"  disputes (on {self.dispute_labelled} rows): "
                     + ", ".join(f"{d[t]} {t}" for t in (*DISPUTE_TYPES, "none")))
        for part in self.files:
            lines.append(f"  {part.path}{part._format_note()}: {part._counts_note()}; columns: "
                         + ", ".join(f"{r} <- {h}" for r, h in part.columns.items()))
        if self.skipped:
            lines.append("  skipped:")
            for s in self.skipped[:max_skipped]:
                where = f"{s.file} line {s.line}" if self.files else f"line {s.line}"
                lines.append(f"    {where}: {s.reason}")
            if len(self.skipped) > max_skipped:
                lines.append(f"    ... and {len(self.skipped) - max_skipped} more")
        return "\n".join(lines)

    def _format_note(self) -> str:
        parts = [p for p in (self.format, self.encoding) if p]
        return f" ({', '.join(parts)})" if parts else ""

    def _counts_note(self) -> str:
        return f"{self.rows_read} rows read, {self.rows_used} used, {len(self.skipped)} skipped"


@dataclass
class ExportData:
    rows: list[LabelledReview]
    report: ValidationReport


class _Skip(Exception):
    """Raised while reading one row; the message is the reason shown to a person."""


class _NeutralSkip(_Skip):
    """A neutral rating or label with neutral='skip'."""


def _key(name: str) -> str:
    """Header / value comparison form: full-width folded, lower-case, no spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-]+", "", clean(name).lower())


def _value(raw: Any) -> str:
    return clean(cell_text(raw)).lower()


def _short(value: str) -> str:
    """A cell value fit for a report line: cut, and masked in case a misaligned cell holds review text."""
    value = mask_personal_data(value).text
    return repr(value if len(value) <= 30 else value[:30] + "…")


@dataclass
class _Columns:
    """Indexes of the columns in use, and which header each role came from (for the report)."""

    text: int
    sentiment: int | None = None
    rating: int | None = None
    disputes: int | None = None
    per_type: dict[str, int] = field(default_factory=dict)
    primary: int | None = None
    used: dict[str, str] = field(default_factory=dict)
    json_nulls: bool = False
    """JSONL tells null (not labelled) from "" / [] (no dispute); a spreadsheet's blank cell cannot."""

    @property
    def has_labels(self) -> bool:
        return any(i is not None for i in (self.sentiment, self.rating, self.disputes)) or bool(self.per_type)


def _index(headers: list[str], names: Iterable[str]) -> int | None:
    keys = [_key(h) for h in headers]
    for name in names:
        if _key(name) in keys:
            return keys.index(_key(name))
    return None


def _find_columns(path: Path, headers: list[str], flags: dict[str, str | None]) -> _Columns:
    def pick(role: str, names: Sequence[str]) -> int | None:
        chosen = flags.get(role)
        found = _index(headers, [chosen] if chosen else names)
        if chosen and found is None:
            raise ExportError(f"{path}: column {chosen!r} (given as the {role} column) not found; "
                              f"headers: {show_headers(headers)}")
        return found

    text = pick("text", TEXT_NAMES)
    if text is None:
        raise ExportError(f"{path}: no review text column (looked for {', '.join(TEXT_NAMES)}; is the first "
                          f"line a header row?); headers: {show_headers(headers)}")
    cols = _Columns(text=text, sentiment=pick("sentiment", SENTIMENT_NAMES), rating=pick("rating", RATING_NAMES),
                    disputes=pick("disputes", DISPUTE_NAMES))
    if cols.disputes is None:
        per_type = {t: _index(headers, names) for t, names in PER_TYPE_NAMES.items()}
        # Two at least: a lone 'product' column in an English export is usually the product's name.
        if sum(i is not None for i in per_type.values()) >= 2:
            cols.per_type = {t: i for t, i in per_type.items() if i is not None}
    cols.primary = _index(headers, PRIMARY_NAMES)
    for role in ("text", "sentiment", "rating", "disputes", "primary"):
        if getattr(cols, role) is not None:
            cols.used[role] = headers[getattr(cols, role)]
    cols.used.update({t: headers[i] for t, i in cols.per_type.items()})
    if not cols.has_labels:
        raise ExportError(f"{path}: review text found in {headers[text]!r} but no label column (sentiment, "
                          f"评价等级, rating or disputes); headers: {show_headers(headers)}")
    return cols


def _sentiment(raw: Any, neutral: Neutral) -> Sentiment | None:
    value = _value(raw)
    if not value:
        return None
    found = _SENTIMENT_VALUES.get(value)
    if found is None:
        raise _Skip(f"unknown label {_short(value)}")
    if found == "neutral":
        return _neutral(neutral, f"neutral ({value}) skipped")
    return found  # type: ignore[return-value]


def _rating(raw: Any, neutral: Neutral) -> Sentiment | None:
    value = _value(raw)
    if not value:
        return None
    if set(value) <= {"★", "☆"} and "★" in value:
        stars = float(value.count("★"))
    elif (match := _RATING.fullmatch(value)) is not None:
        number = match.group(1)
        stars = float(_CHINESE_STARS.get(number) or number)
    else:
        raise _Skip(f"unknown rating {_short(value)} (expected 1-5 stars)")
    if not 1 <= stars <= 5:
        raise _Skip(f"unknown rating {_short(value)} (expected 1-5 stars)")
    if stars <= 2:
        return "negative"
    if stars >= 4:
        return "positive"
    return _neutral(neutral, f"neutral ({stars:g} stars) skipped")


def _neutral(neutral: Neutral, reason: str) -> Sentiment | None:
    if neutral == "skip":
        raise _NeutralSkip(reason)
    return neutral


def _dispute_list(raw: Any) -> list[str] | None:
    """Dispute types from one 'disputes' cell: None if blank, [] if explicitly none."""
    tokens = [_value(v) for v in raw] if isinstance(raw, (list, tuple)) else _SPLIT.split(_value(raw))
    if not isinstance(raw, (list, tuple)) and not any(tokens):
        return None
    out: list[str] = []
    for token in filter(None, tokens):
        found = _DISPUTE_VALUES.get(token)
        if found is None:
            raise _Skip(f"unknown dispute label {_short(token)}")
        if found and found not in out:
            out.append(found)
    return out


def _dispute_flags(cells: list[Any], per_type: dict[str, int]) -> list[str] | None:
    flags: dict[str, bool | None] = {}
    for dispute, index in per_type.items():
        value = _value(cells[index])
        if value and value not in _FLAG_VALUES:
            raise _Skip(f"unknown dispute label {_short(value)} in the {dispute} column")
        flags[dispute] = _FLAG_VALUES[value] if value else None
    if all(v is None for v in flags.values()):
        return None
    return [t for t in DISPUTE_TYPES if flags.get(t)]


def _disputes(cells: list[Any], cols: _Columns) -> tuple[tuple[DisputeType, ...] | None, DisputeType | None]:
    """(disputes with the primary first, primary). Without a primary column the first listed one is primary."""
    if cols.disputes is not None:
        disputes = _dispute_list(cells[cols.disputes])
    else:
        disputes = _dispute_flags(cells, cols.per_type) if cols.per_type else None
    named = _dispute_list(cells[cols.primary]) if cols.primary is not None else None
    if named and len(named) > 1:
        raise _Skip(f"primary {_short(_value(cells[cols.primary]))} is not one dispute type")
    primary = named[0] if named else None
    if primary and disputes is None:
        disputes = [primary]
    elif primary and primary not in disputes:
        raise _Skip(f"primary {primary!r} is not among the disputes")
    if disputes is None:
        return None, None
    primary = primary or (disputes[0] if disputes else None)
    ordered = [primary, *(d for d in disputes if d != primary)] if primary else []
    return tuple(ordered), primary  # type: ignore[return-value]


def _blank_means_none(cells: list[Any], cols: _Columns) -> bool:
    """A blank dispute cell on a row labelled otherwise means 'no dispute': spreadsheets leave it empty.

    Not for JSON null, which is how `None` (not labelled) is written."""
    raws = [cells[cols.disputes]] if cols.disputes is not None else [cells[i] for i in cols.per_type.values()]
    return bool(raws) and not (cols.json_nulls and all(r is None for r in raws))


def _row_sentiment(cells: list[Any], cols: _Columns, neutral: Neutral) -> Sentiment | None:
    """The label column when filled, else the star rating."""
    if cols.sentiment is not None and _value(cells[cols.sentiment]):
        return _sentiment(cells[cols.sentiment], neutral)
    if cols.rating is not None:
        return _rating(cells[cols.rating], neutral)
    return None


def _labelled(number: int, cells: list[Any], cols: _Columns, neutral: Neutral, file: str) -> LabelledReview:
    text = cell_text(cells[cols.text]).strip()
    if not clean(text):
        raise _Skip("empty text")
    disputes, primary = _disputes(cells, cols)
    try:
        sentiment = _row_sentiment(cells, cols, neutral)
    except _NeutralSkip:
        if disputes is None:
            raise
        sentiment = None  # a neutral review still teaches the dispute model
    if disputes is None and sentiment is not None and _blank_means_none(cells, cols):
        disputes = ()
    if sentiment is None and disputes is None:
        raise _Skip("no label")
    return LabelledReview(text, sentiment, disputes, primary, number, file)


_Seen = dict[str, tuple[str, int, LabelledReview]]


def _read_one(path: Path, flags: dict[str, str | None], neutral: Neutral, seen: _Seen) -> ExportData:
    """One file; `seen` (normalised text -> where first used) is shared so duplicates across files show too."""
    path = Path(path)
    table: RawTable = open_table(path, lambda headers: _index(headers, [flags["text"]] if flags["text"]
                                                                  else TEXT_NAMES) is not None)
    cols = _find_columns(path, table.headers, flags)
    cols.json_nulls = table.format == "jsonl"
    report = ValidationReport(path=str(path), format=table.format, encoding=table.encoding, columns=cols.used)
    rows: list[LabelledReview] = []
    for number, cells in table.rows:
        report.rows_read += 1
        try:
            if isinstance(cells, BadRow):
                raise _Skip(f"unreadable: {cells.why}")
            if has_escaped_bytes(cells):
                raise _Skip(f"unreadable: bytes that are not valid {table.encoding}")
            row = _labelled(number, cells, cols, neutral, path.name)
            _check_duplicate(row, seen, path.name)
        except _Skip as skip:
            report.skipped.append(SkippedRow(number, str(skip), path.name))
            continue
        rows.append(row)
        report.count(row)
    return ExportData(rows, report)


def _check_duplicate(row: LabelledReview, seen: _Seen, file: str) -> None:
    key = normalise(row.text)
    if key in seen:
        first_file, first_line, first = seen[key]
        where = f"line {first_line}" if first_file == file else f"{first_file} line {first_line}"
        differs = (first.sentiment, first.disputes) != (row.sentiment, row.disputes)
        raise _Skip(f"duplicate of {where}" + (" with a different label" if differs else ""))
    seen[key] = (file, row.source_line, row)


def _check_neutral(neutral: str) -> Neutral:
    if neutral not in ("skip", "negative", "positive"):
        raise ValueError(f"neutral must be 'skip', 'negative' or 'positive', not {neutral!r}")
    return neutral  # type: ignore[return-value]


def read_export(path: Path | str, *, text_column: str | None = None, label_column: str | None = None,
                rating_column: str | None = None, dispute_column: str | None = None,
                neutral: Neutral = "skip") -> ExportData:
    """Read one labelled export (.csv/.txt, .tsv, .jsonl, .xlsx) into training rows and a validation report.

    Columns not named are found by their usual names. Sentiment comes from the label column (or 评价等级)
    when filled, else from the 1-5 star rating (<=2 negative, >=4 positive); 3 stars / 中评 follow `neutral`.
    A neutral row that carries dispute labels is kept for disputes with no sentiment rather than skipped.
    A blank dispute cell on a row with a sentiment means 'no dispute' (JSONL: "" or [] does; null means
    'not labelled for disputes', as does a file without a dispute column).
    Raises ExportError when the file cannot be read as a table or has no text or label column.
    """
    flags = {"text": text_column, "sentiment": label_column, "rating": rating_column, "disputes": dispute_column}
    return _read_one(Path(path), flags, _check_neutral(neutral), {})


def read_many(paths: Iterable[Path | str], *, text_column: str | None = None, label_column: str | None = None,
              rating_column: str | None = None, dispute_column: str | None = None,
              neutral: Neutral = "skip") -> ExportData:
    """Several exports as one: rows in file order, a review seen in an earlier file skipped as a duplicate.

    The report holds the totals, with each file's own report in `report.files`.
    """
    flags = {"text": text_column, "sentiment": label_column, "rating": rating_column, "disputes": dispute_column}
    checked = _check_neutral(neutral)
    seen: _Seen = {}
    total = ValidationReport()
    rows: list[LabelledReview] = []
    for path in paths:
        part = _read_one(Path(path), flags, checked, seen)
        rows.extend(part.rows)
        total.files.append(part.report)
        total.rows_read += part.report.rows_read
        total.skipped.extend(part.report.skipped)
        for row in part.rows:
            total.count(row)
    return ExportData(rows, total)


def check_enough(report: ValidationReport, minimum_per_class: int = 20) -> None:
    """Refuse to train on too little: each sentiment, and each dispute type when disputes are labelled at all."""
    counts = report.label_counts
    short = [f"{counts['sentiment'][s]} {s} reviews" for s in SENTIMENTS if counts["sentiment"][s] < minimum_per_class]
    if report.dispute_labelled:
        short += [f"{counts['disputes'][t]} with dispute '{t}'" for t in DISPUTE_TYPES
                  if counts["disputes"][t] < minimum_per_class]
    if short:
        where = f" in {report.path}" if report.path else ""
        raise NotEnoughData(f"not enough labelled rows{where} to train on: {', '.join(short)} "
                            f"(need at least {minimum_per_class} of each)")
