"""The command line, invoked as a user would: exit codes, stdout, stderr."""
import csv
import json

import pytest
from click.testing import CliRunner

from training.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
    return invoke


def test_help_shows_a_worked_example(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "review-reply classify" in result.output and "serve" in result.output


def test_train_on_tiny_data_writes_and_activates_a_version(run, tiny_datasets, tmp_path):
    result = run("train", "--datasets", tiny_datasets, "--model-dir", tmp_path / "m", "--version", "t1",
                 "--report-dir", tmp_path / "r", "--quiet")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["version"] == "t1" and out["activated"] is True
    assert (tmp_path / "m" / "ACTIVE").read_text().strip() == "t1"
    assert (tmp_path / "m" / "review-reply-t1.md").read_text().startswith("# Model card")
    assert (tmp_path / "r" / "evaluation-t1.json").is_file()


def test_train_without_data_says_where_it_looked(run, tmp_path):
    result = run("train", "--datasets", tmp_path / "nowhere", "--model-dir", tmp_path / "m", "--quiet")
    assert result.exit_code == 1
    assert "nowhere" in result.output and "--datasets" in result.output


def test_evaluate_report_shape(run, tiny_datasets, tiny_model_dir, tmp_path):
    result = run("evaluate", "--datasets", tiny_datasets, "--model-dir", tiny_model_dir, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "evaluation-tiny-1.json").read_text())
    s, d = report["sentiment"], report["disputes"]
    assert set(s["accuracy_per_corpus"]) == {"online_shopping_10_cats", "waimai_10k", "chnsenticorp_htl_all"}
    assert set(s["per_label"]) == {"positive", "negative"} and len(s["confusion"]["matrix"]) == 2
    assert set(d["per_label"]) == {"product", "logistics", "service"}
    for v in d["per_label"].values():
        assert {"precision", "recall", "f1", "support", "confusion"} <= set(v)
    assert 0 <= d["macro_f1"] <= 1 and "primary_accuracy" in d and len(d["primary_confusion"]["matrix"]) == 4
    md = (tmp_path / "evaluation-tiny-1.md").read_text()
    assert "## Sentiment" in md and "## Dispute types" in md


def test_classify_txt_from_stdin_skips_blank_lines(run, tiny_model_dir):
    result = run("classify", "--model-dir", tiny_model_dir, input="质量太差了\n\n物流很快，很满意\n")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    assert {"sentiment", "disputes", "primary_dispute"} <= set(rows[0])
    assert "line 2: skipped: empty line" in result.stderr


def test_classify_jsonl_keeps_fields_and_order_and_reports_bad_rows(run, tiny_model_dir, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": 1, "review": "客服不理人", "shop": "a"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"id": 3, "text": "没有 review 字段"}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({"id": 5, "review": "   "}),
        json.dumps({"id": 6, "review": "发货很快"}, ensure_ascii=False),
    ]), encoding="utf-8")
    result = run("classify", path, "--model-dir", tiny_model_dir)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 6]
    assert rows[0]["shop"] == "a"
    for n, reason in [(2, "not valid JSON"), (3, "no text field 'review'"), (4, "not a JSON object"), (5, "empty review")]:
        assert f"line {n}: skipped: {reason}" in result.stderr


def test_classify_csv_with_a_named_column(run, tiny_model_dir, tmp_path):
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "评价内容"])
        w.writerows([["A1", "包装破了，东西压坏了"], ["A2", ""], ["A3", "很好用"]])
    result = run("classify", path, "--text-field", "评价内容", "--model-dir", tiny_model_dir)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["order"] for r in rows] == ["A1", "A3"]
    assert "line 3: skipped: empty review text" in result.stderr


def test_classify_csv_without_the_column_fails_clearly(run, tiny_model_dir, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("classify", path, "--model-dir", tiny_model_dir)
    assert result.exit_code == 1
    assert "no column 'review'" in result.output


def test_classify_with_a_broken_model_folder_is_a_clean_error(run, tmp_path):
    result = run("classify", "--model-dir", tmp_path, input="好\n")
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


def test_models_lists_versions_and_rolls_back(run, tiny_model_dir, tmp_path):
    import shutil
    from model import artifact
    models = shutil.copytree(tiny_model_dir, tmp_path / "m")
    artifact.save(artifact.load(directory=models).classifier, version="tiny-2", directory=models)
    artifact.activate("tiny-2", models)
    listing = run("models", "--model-dir", models)
    assert listing.exit_code == 0
    assert "* tiny-2" in listing.output and "  tiny-1  sentiment" in listing.output
    rolled = run("models", "--model-dir", models, "--activate", "tiny-1")
    assert rolled.exit_code == 0 and "* tiny-1" in rolled.output
    assert run("models", "--model-dir", models, "--activate", "nope").exit_code == 1


def test_classify_skips_a_line_that_is_not_utf8_and_reads_a_bom_csv(run, tiny_model_dir, tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"review": "物流很慢"}, ensure_ascii=False).encode()
    path.write_bytes(good + b"\n" + '{"review": "质量差"}'.encode("gbk") + b"\n" + good + b"\n")
    result = run("classify", path, "--model-dir", tiny_model_dir)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert "line 2: skipped: not UTF-8 text" in result.stderr
    bom = tmp_path / "excel.csv"
    bom.write_bytes("review,id\n质量很好,1\n".encode("utf-8-sig"))
    result = run("classify", bom, "--model-dir", tiny_model_dir)
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "1"


def test_serve_refuses_bad_settings_without_echoing_keys(run, monkeypatch):
    monkeypatch.setenv("REVIEW_REPLY_API_KEYS", "Sup3rSecretProdKey-0001,tooshort")
    result = run("serve", "--port", "1")
    assert result.exit_code == 1
    assert "REVIEW_REPLY_API_KEYS: each API key must be at least 16 characters" in result.output
    assert "key number 2" in result.output
    assert "Sup3rSecretProdKey" not in result.output and "tooshort" not in result.output
