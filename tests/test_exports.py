"""Reading labelled shop exports: formats, header names, label spellings, and every reason a row is skipped."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from training.exports import (ExportError, LabelledReview, NotEnoughData, ValidationReport, check_enough,
                              read_export, read_many)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def labels(rows: list[LabelledReview]) -> list[tuple]:
    return [(r.text, r.sentiment, r.disputes, r.primary, r.source_line) for r in rows]


def skipped(report: ValidationReport) -> list[tuple[int, str]]:
    return [(s.line, s.reason) for s in report.skipped]


# ---------- formats and header names ----------

def test_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = write(tmp_path / "导出.csv", "评价内容,评价等级,纠纷类型\n"
                                      "包装很用心，质量不错,好评,\n"
                                      "等了一周才到,差评,物流\n"
                                      "衣服起球，客服也不回,差评,产品、客服\n")
    data = read_export(path)
    assert labels(data.rows) == [
        ("包装很用心，质量不错", "positive", (), None, 2),
        ("等了一周才到", "negative", ("logistics",), "logistics", 3),
        ("衣服起球，客服也不回", "negative", ("product", "service"), "product", 4),
    ]
    assert data.report.columns == {"text": "评价内容", "sentiment": "评价等级", "disputes": "纠纷类型"}
    assert (data.report.format, data.report.encoding) == ("csv", "utf-8")


def test_csv_with_english_headers_any_case_and_spacing(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", " Review ,LABEL,Dispute\n"
                                          "Arrived fast and works well,pos,\n"
                                          "Screen cracked on arrival,neg,logistics;product\n"
                                          "Great value,1,none\n"
                                          "Seller never answered,0,service\n")
    data = read_export(path)
    assert labels(data.rows) == [
        ("Arrived fast and works well", "positive", (), None, 2),
        ("Screen cracked on arrival", "negative", ("logistics", "product"), "logistics", 3),
        ("Great value", "positive", (), None, 4),
        ("Seller never answered", "negative", ("service",), "service", 5),
    ]
    assert data.report.columns["text"] == " Review ".strip()


def test_tsv_with_stars(tmp_path: Path) -> None:
    path = write(tmp_path / "export.tsv", "内容\t评分\n味道很好, 下次还买\t5\n送到时汤全洒了\t1\n一般般\t3\n")
    data = read_export(path)
    assert labels(data.rows) == [("味道很好, 下次还买", "positive", None, None, 2),
                                 ("送到时汤全洒了", "negative", None, None, 3)]
    assert skipped(data.report) == [(4, "neutral (3 stars) skipped")]
    assert data.report.format == "tsv"


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "text;sentiment\nnice, sturdy, cheap;positive\nbroke in a day;negative\n")
    data = read_export(path)
    assert [(r.text, r.sentiment) for r in data.rows] == [("nice, sturdy, cheap", "positive"),
                                                           ("broke in a day", "negative")]


def test_jsonl_with_english_keys_and_lists(tmp_path: Path) -> None:
    lines = [
        {"review": "尺码偏小，快递也慢", "sentiment": "negative", "disputes": ["product", "logistics"],
         "primary": "logistics"},
        {"review": "挺好的", "sentiment": "positive", "disputes": []},
        {"review": "还没用", "sentiment": "positive", "disputes": None},
        {"review": "发票补了", "sentiment": "positive", "disputes": ""},
        {"review": "没有纠纷列", "sentiment": "negative"},
    ]
    path = write(tmp_path / "fb.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    data = read_export(path)
    assert labels(data.rows) == [
        ("尺码偏小，快递也慢", "negative", ("logistics", "product"), "logistics", 1),
        ("挺好的", "positive", (), None, 2),
        ("还没用", "positive", None, None, 3),
        ("发票补了", "positive", (), None, 4),
        ("没有纠纷列", "negative", None, None, 5),
    ]


def test_jsonl_with_chinese_keys_and_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", '{"评论内容": "很满意", "情感": 1}\n\n{"评论内容": "差劲", "情感": 0}\n')
    data = read_export(path)
    assert labels(data.rows) == [("很满意", "positive", None, None, 1), ("差劲", "negative", None, None, 3)]
    assert data.report.columns == {"text": "评论内容", "sentiment": "情感"}


def test_xlsx_with_chinese_headers_and_one_column_per_dispute(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", [
        ["订单号", "评价内容", "星级", "产品纠纷", "物流纠纷", "服务纠纷"],
        ["A1", "颜色和图片差很多", 2, "是", "否", "否"],
        ["A2", "客服态度好，发货快", 5, "否", "否", "否"],
        ["A3", "盒子压扁了，客服推来推去", 1.0, "N", "Y", "Y"],
        [None, None, None, None, None, None],
        ["A5", "没什么问题", "4星", None, None, None],
    ])
    data = read_export(path)
    assert labels(data.rows) == [
        ("颜色和图片差很多", "negative", ("product",), "product", 2),
        ("客服态度好，发货快", "positive", (), None, 3),
        ("盒子压扁了，客服推来推去", "negative", ("logistics", "service"), "logistics", 4),
        ("没什么问题", "positive", (), None, 6),
    ]
    assert data.report.columns == {"text": "评价内容", "rating": "星级", "product": "产品纠纷",
                                   "logistics": "物流纠纷", "service": "服务纠纷"}
    assert data.report.format == "xlsx"


def test_xlsx_with_english_headers_and_primary(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", [
        ["Comment", "Label", "Product", "Logistics", "Service", "Primary"],
        ["leaked and the courier was rude", "negative", True, True, False, "logistics"],
        ["fine", "positive", 0, 0, 0, None],
    ])
    data = read_export(path)
    assert labels(data.rows) == [
        ("leaked and the courier was rude", "negative", ("logistics", "product"), "logistics", 2),
        ("fine", "positive", (), None, 3),
    ]


def test_a_lone_product_column_is_not_taken_for_dispute_flags(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "product,review,rating\nkettle,boils fast,5\n")
    data = read_export(path)
    assert labels(data.rows) == [("boils fast", "positive", None, None, 2)]
    assert "product" not in data.report.columns


def test_columns_named_by_flags(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "留言,结果,星,问题\n不错,好,1,\n太慢,差,5,快递\n")
    data = read_export(path, text_column="留言", label_column="结果", dispute_column="问题")
    assert labels(data.rows) == [("不错", "positive", (), None, 2),
                                 ("太慢", "negative", ("logistics",), "logistics", 3)]
    rated = read_export(path, text_column="留言", rating_column="星")
    assert [r.sentiment for r in rated.rows] == ["negative", "positive"]


# ---------- label mappings ----------

@pytest.mark.parametrize("neutral, expected", [
    ("skip", ["negative", "negative", "positive", "positive"]),
    ("negative", ["negative", "negative", "negative", "positive", "positive"]),
    ("positive", ["negative", "negative", "positive", "positive", "positive"]),
])
def test_star_mapping_and_neutral_flag(tmp_path: Path, neutral: str, expected: list[str]) -> None:
    path = write(tmp_path / "s.csv", "text,stars\none,1\ntwo,2★\nthree,3\nfour,4.0\nfive,★★★★★\n")
    data = read_export(path, neutral=neutral)
    assert [r.sentiment for r in data.rows] == expected
    assert skipped(data.report) == ([(4, "neutral (3 stars) skipped")] if neutral == "skip" else [])


@pytest.mark.parametrize("neutral, middle", [("skip", None), ("negative", "negative"), ("positive", "positive")])
def test_good_middle_bad_grades(tmp_path: Path, neutral: str, middle: str | None) -> None:
    path = write(tmp_path / "g.csv", "评价内容,评价等级\n很好,好评\n还行,中评\n很差,差评\n")
    data = read_export(path, neutral=neutral)
    got = {r.text: r.sentiment for r in data.rows}
    assert got["很好"] == "positive" and got["很差"] == "negative"
    assert got.get("还行") == middle
    if neutral == "skip":
        assert skipped(data.report) == [(3, "neutral (中评) skipped")]


def test_label_column_wins_and_blank_label_falls_back_to_rating(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "review,label,rating\ngood,positive,1\nbad,,1\n")
    assert [r.sentiment for r in read_export(path).rows] == ["positive", "negative"]


def test_neutral_row_with_dispute_labels_is_kept_for_disputes(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "review,rating,disputes\n东西还行，就是发货慢,3,物流\n一般,3,\n")
    data = read_export(path)
    assert labels(data.rows) == [("东西还行，就是发货慢", None, ("logistics",), "logistics", 2)]
    assert skipped(data.report) == [(3, "neutral (3 stars) skipped")]


@pytest.mark.parametrize("cell, expected", [
    ("物流、产品", ("logistics", "product")), ("product;service", ("product", "service")),
    ("质量|客服", ("product", "service")), ("快递,配送", ("logistics",)), ("服务，态度", ("service",)),
    ("无", ()), ("", ()),
])
def test_dispute_spellings(tmp_path: Path, cell: str, expected: tuple | None) -> None:
    path = write(tmp_path / "d.csv", f'review,sentiment,disputes\nsome review,negative,"{cell}"\n')
    assert read_export(path).rows[0].disputes == expected


def test_label_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "review,sentiment,disputes\na,negative,物流\nb,negative,物流 产品\n"
                                     "c,positive,无\nd,positive,\n")
    report = read_export(path).report
    assert report.label_counts == {"sentiment": {"negative": 2, "positive": 2},
                                   "disputes": {"product": 1, "logistics": 2, "service": 0, "none": 2}}
    assert report.dispute_labelled == 4


# ---------- every skip reason, on the line a person sees ----------

def test_every_skip_reason_with_its_line_number(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "\n".join([
        "review,sentiment,disputes,primary",          # 1
        "质量很好,positive,,",                           # 2 used
        ",positive,,",                                  # 3 empty text
        "   ,negative,,",                               # 4 empty text (only spaces)
        "还可以,meh,,",                                  # 5 unknown label
        "質量很好,positive,,",                           # 6 duplicate of 2 (Traditional form)
        "ＡＢＣ 很好,positive,,",                          # 7 used
        "abc 很好,negative,,",                           # 8 duplicate of 7, different label
        "有点问题,negative,邮局,",                        # 9 unknown dispute
        "\"多行",                                        # 10 starts a quoted field spanning two lines
        "评价\",negative,,",                             # 11
        "坏了,negative,product,logistics",               # 12 primary not among disputes
        "no label here,,,",                             # 13 no label
        "too,many,fields,here,x",                       # 14 unreadable
        "\"broken\"quote,negative,,",                   # 15 unreadable
        "正常一条,negative,product,",                     # 16 used
    ]) + "\n")
    data = read_export(path)
    assert skipped(data.report) == [
        (3, "empty text"),
        (4, "empty text"),
        (5, "unknown label 'meh'"),
        (6, "duplicate of line 2"),
        (8, "duplicate of line 7 with a different label"),
        (9, "unknown dispute label '邮局'"),
        (12, "primary 'logistics' is not among the disputes"),
        (13, "no label"),
        (14, "unreadable: 5 fields where the header has 4"),
        (15, "unreadable: broken quoting (',' expected after '\"')"),
    ]
    assert [(r.text, r.source_line) for r in data.rows] == [("质量很好", 2), ("ＡＢＣ 很好", 7), ("多行\n评价", 10),
                                                            ("正常一条", 16)]
    report = data.report
    assert report.rows_read == 14 and report.rows_used == 4
    assert report.rows_used + len(report.skipped) == report.rows_read


def test_jsonl_skip_reasons_use_file_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", "\n".join([
        '{"text": "好用", "label": "正面"}',
        "",
        '{"text": "好用", "label": "正面"}',
        "{not json",
        '["a", "list"]',
        '{"text": "坏", "label": "负面", "disputes": ["damage"]}',
        '{"text": "", "label": "负面"}',
    ]) + "\n")
    data = read_export(path)
    assert [r.source_line for r in data.rows] == [1]
    reasons = skipped(data.report)
    assert reasons[0] == (3, "duplicate of line 1")
    assert reasons[1][0] == 4 and reasons[1][1].startswith("unreadable: invalid JSON")
    assert reasons[2] == (5, "unreadable: a JSON list, not an object")
    assert reasons[3:] == [(6, "unknown dispute label 'damage'"), (7, "empty text")]


def test_xlsx_skip_reasons_use_sheet_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["评价", "评分"], ["好", 5], [None, 5], ["好", 4], ["中等", 9],
                                            ["坏", "很差"]])
    data = read_export(path)
    assert skipped(data.report) == [(3, "empty text"), (4, "duplicate of line 2"),
                                    (5, "unknown rating '9' (expected 1-5 stars)"),
                                    (6, "unknown rating '很差' (expected 1-5 stars)")]


# ---------- encodings ----------

def test_gb18030_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "gbk.csv", "评价内容,评价等级\n物流很快，赞,好评\n掉色严重,差评\n", encoding="gb18030")
    data = read_export(path)
    assert [(r.text, r.sentiment) for r in data.rows] == [("物流很快，赞", "positive"), ("掉色严重", "negative")]
    assert data.report.encoding == "gb18030"


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", "评价内容,情感\n不错,正面\n", encoding="utf-8-sig")
    data = read_export(path)
    assert data.report.columns["text"] == "评价内容" and data.report.encoding == "utf-8-sig"
    assert data.rows[0].sentiment == "positive"


def test_utf16_tab_text_as_excel_saves_it(tmp_path: Path) -> None:
    path = write(tmp_path / "unicode.txt", "评价内容\t评价等级\r\n发货很快\t好评\r\n", encoding="utf-16")
    data = read_export(path)
    assert [(r.text, r.sentiment) for r in data.rows] == [("发货很快", "positive")]


def test_one_broken_byte_costs_one_row_not_the_file(tmp_path: Path) -> None:
    good = "评价内容,评价等级\n质量很好,好评\n".encode("utf-8")
    broken = "坏".encode("utf-8")[:2] + ",差评\n".encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + broken + "包装结实,好评\n".encode("utf-8"))
    data = read_export(path)
    assert [r.text for r in data.rows] == ["质量很好", "包装结实"]
    assert skipped(data.report) == [(3, "unreadable: bytes that are not valid utf-8")]


# ---------- files that cannot be read ----------

def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="nope.csv: no such file"):
        read_export(tmp_path / "nope.csv")


def test_no_text_column_lists_the_headers(tmp_path: Path) -> None:
    path = write(tmp_path / "wrong.csv", "订单号,金额,评分\n1,20,5\n")
    with pytest.raises(ExportError) as err:
        read_export(path)
    message = str(err.value)
    assert "wrong.csv" in message and "no review text column" in message
    assert "'订单号', '金额', '评分'" in message


def test_a_file_without_header_row_does_not_echo_personal_data(tmp_path: Path) -> None:
    path = write(tmp_path / "noheader.csv", "快递太慢，电话13812345678,差评\n东西很好,好评\n")
    with pytest.raises(ExportError, match="header row") as err:
        read_export(path)
    assert "13812345678" not in str(err.value) and "[电话]" in str(err.value)


def test_named_column_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "review,label\nx,positive\n")
    with pytest.raises(ExportError, match="column 'stars' .*rating.* not found; headers: 'review', 'label'"):
        read_export(path, rating_column="stars")


def test_text_without_any_label_column(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "review,date\nx,2024-01-01\n")
    with pytest.raises(ExportError, match="no label column"):
        read_export(path)


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "empty"),
    ("blank.jsonl", b"\n\n", "empty"),
    ("list.jsonl", b"[1, 2]\n", "no line holds a JSON object"),
    ("pic.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ("book.csv", b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
    ("broken.xlsx", b"this is not a workbook", "not a readable .xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "unsupported format .xls"),
])
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ExportError, match=message) as err:
        read_export(tmp_path / name)
    assert name in str(err.value)


def test_bad_neutral_value(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "review,label\nx,positive\n")
    with pytest.raises(ValueError, match="neutral"):
        read_export(path, neutral="maybe")  # type: ignore[arg-type]


# ---------- several files, reports, the not-enough refusal ----------

def test_read_many_finds_duplicates_across_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "review,label\n发货快,positive\n太旧了,negative\n")
    second = write_xlsx(tmp_path / "b.xlsx", [["评价内容", "评价等级"], ["新品不错", "好评"], ["发货快", "好评"]])
    data = read_many([first, second])
    assert [(r.text, r.source_file, r.source_line) for r in data.rows] == [
        ("发货快", "a.csv", 2), ("太旧了", "a.csv", 3), ("新品不错", "b.xlsx", 2)]
    report = data.report
    assert [(s.file, s.line, s.reason) for s in report.skipped] == [("b.xlsx", 3, "duplicate of a.csv line 2")]
    assert (report.rows_read, report.rows_used) == (4, 3)
    assert [(f.path, f.rows_read, f.rows_used) for f in report.files] == [(str(first), 2, 2), (str(second), 2, 1)]
    assert report.label_counts["sentiment"] == {"negative": 1, "positive": 2}
    text = report.to_text()
    assert text.startswith("2 files: 4 rows read, 3 used, 1 skipped")
    assert "b.xlsx line 3: duplicate of a.csv line 2" in text


def test_to_text_shows_at_most_twenty_skipped_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "many.csv", "review,label\n" + "".join(f"r{i},bogus\n" for i in range(25)))
    report = read_export(path).report
    text = report.to_text()
    assert "line 21: unknown label 'bogus'" in text and "line 22:" not in text
    assert text.rstrip().endswith("... and 5 more")
    assert text.splitlines()[0] == f"{path} (csv, utf-8): 25 rows read, 0 used, 25 skipped"
    as_dict = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert as_dict["rows_skipped"] == 25 and as_dict["skipped"][0] == {"file": "many.csv", "line": 2,
                                                                        "reason": "unknown label 'bogus'"}


def test_long_label_values_are_cut_in_reasons(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "review,label\nx," + "很" * 80 + "\n")
    (reason,) = [s.reason for s in read_export(path).report.skipped]
    assert len(reason) < 60 and reason.endswith("…'")
    path = write(tmp_path / "p.csv", "review,label\nx,call 13812345678\n")
    assert [s.reason for s in read_export(path).report.skipped] == ["unknown label 'call [电话]'"]


def test_check_enough_names_the_short_class(tmp_path: Path) -> None:
    rows = "".join(f"好评{i},positive\n" for i in range(25)) + "".join(f"差评{i},negative\n" for i in range(7))
    report = read_export(write(tmp_path / "few.csv", "review,label\n" + rows)).report
    with pytest.raises(NotEnoughData, match=r"7 negative reviews \(need at least 20 of each\)") as err:
        check_enough(report, minimum_per_class=20)
    assert "positive" not in str(err.value) and "few.csv" in str(err.value)
    check_enough(report, minimum_per_class=5)


def test_check_enough_counts_dispute_types_only_when_disputes_are_labelled(tmp_path: Path) -> None:
    rows = "".join(f"好{i},positive,\n" for i in range(3)) + "".join(f"差{i},negative,物流\n" for i in range(3))
    report = read_export(write(tmp_path / "d.csv", "review,label,disputes\n" + rows)).report
    with pytest.raises(NotEnoughData) as err:
        check_enough(report, minimum_per_class=3)
    assert "0 with dispute 'product'" in str(err.value) and "'logistics'" not in str(err.value)
    plain_rows = "".join(f"好{i},positive\n" for i in range(3)) + "".join(f"差{i},negative\n" for i in range(3))
    sentiment_only = read_export(write(tmp_path / "s.csv", "review,label\n" + plain_rows)).report
    assert sentiment_only.dispute_labelled == 0
    check_enough(sentiment_only, minimum_per_class=3)
