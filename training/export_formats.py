"""Raw tables out of shop back-office files: CSV/TSV/JSONL/XLSX -> header + numbered rows.

Only the file format lives here (encodings, delimiters, workbook quirks); what the columns mean is
`training.exports`. Rows keep the line number a person sees in the file, and a row that cannot be read
becomes a `BadRow` instead of stopping the whole file, so one broken line costs one review, not the export.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from model.errors import ReviewReplyError
from model.privacy import mask_personal_data

TEXT_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED = sorted({*TEXT_SUFFIXES, *JSONL_SUFFIXES, *XLSX_SUFFIXES})

_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_MOSTLY_UTF8 = 0.2
"""Below this share of invalid non-ASCII bytes the file is UTF-8 with a few broken rows, not GB18030
(UTF-8 Chinese also decodes as GB18030 without error, but as nonsense, so 'try until one works' is wrong)."""


class ExportError(ReviewReplyError):
    """A file that cannot be read as a table at all; the message names the file and what was found."""


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read; `why` is shown to a person after 'unreadable: '."""

    why: str


@dataclass
class RawTable:
    format: str
    encoding: str | None
    headers: list[str]
    rows: Iterator[tuple[int, list[Any] | BadRow]]
    """(1-based line or worksheet row, cells aligned with `headers` or a BadRow)."""


HeaderCheck = Callable[[list[str]], bool]


def cell_text(value: Any) -> str:
    """One cell as text: numbers without a spurious '.0', booleans as true/false, lists comma-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(cell_text(v) for v in value)
    return str(value)


def has_escaped_bytes(cells: list[Any]) -> bool:
    return any(isinstance(c, str) and _ESCAPED_BYTE.search(c) for c in cells)


def open_table(path: Path, header_ok: HeaderCheck) -> RawTable:
    """The table in `path`, by suffix. `header_ok` tells a plausible header (it picks the CSV delimiter)."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise ExportError(f"{path}: this is an Excel workbook (or another zip file), not text; "
                          f"save it with the .xlsx suffix")
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(path, data)
    if suffix in TEXT_SUFFIXES:
        return _read_delimited(path, data, TEXT_SUFFIXES[suffix], header_ok)
    raise ExportError(f"{path}: unsupported format {suffix or '(no suffix)'}; use one of {', '.join(SUPPORTED)}")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding). Undecodable bytes survive as lone surrogates so the rows holding them can be refused."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportError(f"{path}: binary content, not a text table")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "surrogateescape"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "surrogateescape"), "utf-8-sig"
    as_utf8 = data.decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(as_utf8))
    non_ascii = sum(b >= 0x80 for b in data)
    if invalid == 0 or invalid / non_ascii < _MOSTLY_UTF8:
        return as_utf8, "utf-8"
    return data.decode("gb18030", "surrogateescape"), "gb18030"


def _read_delimited(path: Path, data: bytes, fmt: str, header_ok: HeaderCheck) -> RawTable:
    text, encoding = decode(path, data)
    if not text.strip():
        raise ExportError(f"{path}: the file is empty")
    delimiter, headers = _pick_delimiter(text, fmt, header_ok)
    return RawTable(fmt, encoding, headers, _delimited_rows(text, delimiter, len(headers)))


def _pick_delimiter(text: str, fmt: str, header_ok: HeaderCheck) -> tuple[str, list[str]]:
    """The delimiter whose header passes `header_ok`: the sniffer's guess first, then the usual ones.

    If none does, the first guess is returned and the caller reports the headers it saw."""
    candidates = ["\t", ",", ";", "|"] if fmt == "tsv" else [",", "\t", ";", "|"]
    sample = "\n".join(text.splitlines()[:20])
    try:
        candidates.insert(0, csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter)
    except csv.Error:
        pass
    for delimiter in candidates:
        header = _first_row(text, delimiter)
        if header_ok(header):
            return delimiter, header
    return candidates[0], _first_row(text, candidates[0])


def _first_row(text: str, delimiter: str) -> list[str]:
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
    except csv.Error:
        pass
    return []


def _delimited_rows(text: str, delimiter: str, width: int) -> Iterator[tuple[int, list[Any] | BadRow]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_end, header_done = 0, False
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, BadRow(f"broken quoting ({exc})")
            previous_end = reader.line_num
            continue
        previous_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if not header_done:
            header_done = True
            continue
        while len(row) > width and not row[-1].strip():
            row.pop()
        if len(row) != width:
            yield start, BadRow(f"{len(row)} fields where the header has {width}")
        else:
            yield start, row


def _read_jsonl(path: Path, data: bytes) -> RawTable:
    """One JSON object per line; the headers are every key seen, in order of first appearance."""
    text, encoding = decode(path, data)
    if not text.strip():
        raise ExportError(f"{path}: the file is empty")
    parsed: list[tuple[int, dict | BadRow]] = []
    keys: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if _ESCAPED_BYTE.search(line):
            parsed.append((number, BadRow(f"bytes that are not valid {encoding}")))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.append((number, BadRow(f"invalid JSON ({exc.msg} at column {exc.colno})")))
            continue
        if not isinstance(obj, dict):
            parsed.append((number, BadRow(f"a JSON {type(obj).__name__}, not an object")))
            continue
        keys.update(dict.fromkeys(str(k) for k in obj))
        parsed.append((number, obj))
    if not keys:
        raise ExportError(f"{path}: no line holds a JSON object; not a JSONL table")
    headers = list(keys)

    def rows() -> Iterator[tuple[int, list[Any] | BadRow]]:
        for number, obj in parsed:
            yield number, obj if isinstance(obj, BadRow) else [obj.get(h) for h in headers]

    return RawTable("jsonl", encoding, headers, rows())


def _read_xlsx(path: Path) -> RawTable:
    """The first worksheet; the header is its first non-empty row. Read-only mode keeps big exports cheap."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExportError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(min_row=1, values_only=True)
        headers: list[str] | None = None
        header_row = 0
        for number, row in enumerate(values, start=1):
            if any(cell_text(c).strip() for c in row):
                headers, header_row = [cell_text(c).strip() for c in row], number
                break
        if headers is None:
            raise ExportError(f"{path}: the first worksheet is empty")
        while headers and not headers[-1]:
            headers.pop()
        rows = [(n, list(r)) for n, r in enumerate(values, start=header_row + 1)]
    finally:
        workbook.close()
    width = len(headers)

    def aligned() -> Iterator[tuple[int, list[Any] | BadRow]]:
        for number, row in rows:
            cells = (row + [None] * width)[:width]
            if any(cell_text(c).strip() for c in cells):
                yield number, cells

    return RawTable("xlsx", None, headers, aligned())


def show_headers(headers: list[str]) -> str:
    """Headers as a short list for error messages (each cut and masked: a file without a header row
    shows a review here)."""
    if not headers:
        return "(none)"
    shown = [repr(mask_personal_data(h[:40]).text) for h in headers[:30]]
    return ", ".join(shown) + (f" ... and {len(headers) - 30} more" if len(headers) > 30 else "")
