"""Retraining from exports: the gate, --force, crash safety, and the feedback loop back into training."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from model import artifact
from model.text import normalise
from service.app import create_app
from service.config import ServiceSettings
from tests.samples import reviews
from training.cli import main
from training.datasets import LabelledSet, split_of
from training.progress import Progress
from training.workflow import gather


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def models(tiny_model_dir, tmp_path):
    return shutil.copytree(tiny_model_dir, tmp_path / "models")


def write_export(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for text, sentiment, disputes in rows:
            fh.write(json.dumps({"评价内容": text, "情感": sentiment, "纠纷类型": ",".join(disputes)}, ensure_ascii=False) + "\n")
    return path


def test_export_merged_with_base_trains_and_activates(models, tiny_datasets, tmp_path):
    export = write_export(tmp_path / "shop.jsonl", [(f"第{i}批：{t}", s, d) for i, (t, s, d) in enumerate(reviews())][:60])
    r = cli("train", "--datasets", tiny_datasets, "--data", export, "--model-dir", models, "--version", "t2",
            "--tolerance", "1", "--quiet", "--report-dir", tmp_path)
    assert r.exit_code == 0, r.output
    assert "columns: text <- 评价内容" in r.stderr and "rows read" in r.stderr
    assert artifact.active_version(models) == "t2"


def test_gate_refuses_a_worse_model_and_force_overrides(models, tiny_datasets, tmp_path):
    # Labels flipped on the rows it trains on, true on the held-out rows: a model that learns the opposite.
    rows = []
    for i, (text, sentiment, disputes) in enumerate(reviews()):
        text = f"版本{i}：{text}"
        if split_of(normalise(text)) != "test":
            sentiment = "negative" if sentiment == "positive" else "positive"
        rows.append((text, sentiment, disputes))
    export = write_export(tmp_path / "bad.jsonl", rows)
    r = cli("train", "--datasets", tiny_datasets, "--data", export, "--no-base", "--model-dir", models,
            "--version", "worse", "--quiet", "--report-dir", tmp_path)
    assert r.exit_code == 3
    assert "Not activated" in r.stderr and "--force" in r.stderr
    assert artifact.active_version(models) == "tiny-1"
    assert json.loads(r.stdout)["gate"]["worse"]["sentiment_accuracy"]["new"] < 0.5
    r = cli("train", "--datasets", tiny_datasets, "--data", export, "--no-base", "--model-dir", models,
            "--version", "forced", "--force", "--quiet", "--report-dir", tmp_path)
    assert r.exit_code == 0
    assert artifact.active_version(models) == "forced"


def test_export_texts_are_masked_for_training_without_changing_the_callers_rows():
    phone_review = "快递太慢了，有事打我电话13812345678"
    exports = LabelledSet()
    exports.add(phone_review, source="shop", sentiment="negative", disputes=("logistics",), primary="logistics")
    sentiment, disputes, _ = gather(datasets_dir=None, exports=exports, progress=Progress(quiet=True))
    assert exports.texts == [phone_review]
    assert "13812345678" not in sentiment.texts[0] and "13812345678" not in disputes.texts[0]
    assert sentiment.texts[0].startswith("快递太慢了")


def test_too_few_rows_is_a_clear_refusal(models, tiny_datasets, tmp_path):
    export = write_export(tmp_path / "few.jsonl", reviews()[:5])
    r = cli("train", "--datasets", tiny_datasets, "--data", export, "--no-base", "--model-dir", models, "--quiet")
    assert r.exit_code == 1
    assert "not enough labelled rows" in r.output
    assert artifact.active_version(models) == "tiny-1"


def test_crash_while_activating_leaves_the_old_model_active(models, monkeypatch):
    loaded = artifact.load(directory=models)
    artifact.save(loaded.classifier, version="next", directory=models)
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith("ACTIVE"):
            raise OSError("power cut")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        artifact.activate("next", models)
    monkeypatch.undo()
    assert artifact.load(directory=models).version == "tiny-1"
    assert not [p for p in models.iterdir() if p.name.endswith(".tmp")]


def test_crash_while_writing_the_model_file_leaves_nothing_half_written(models, monkeypatch):
    loaded = artifact.load(directory=models)
    import joblib

    def crash(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(joblib, "dump", crash)
    with pytest.raises(OSError):
        artifact.save(loaded.classifier, version="half", directory=models)
    assert not (models / "review-reply-half.joblib").exists()
    assert not [p for p in models.iterdir() if p.name.endswith(".tmp")]
    assert artifact.load(directory=models).version == "tiny-1"


def test_killing_training_at_any_moment_leaves_a_loadable_active_model(models, tiny_datasets):
    rng = random.Random(5)
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "training", "train", "--datasets", str(tiny_datasets),
                                 "--model-dir", str(models), "--version", f"k{attempt}", "--tolerance", "1", "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = artifact.load(directory=models)
        assert loaded.classifier.predict_one("质量很差").sentiment in ("positive", "negative")


def test_feedback_round_trip_from_api_to_training(models, tiny_datasets, tmp_path):
    db = f"sqlite:///{tmp_path / 'feedback.db'}"
    settings = ServiceSettings(model_dir=models, feedback_url=db, reload_interval_seconds=0)
    with TestClient(create_app(settings)) as client:
        for i, (text, sentiment, disputes) in enumerate(reviews()):
            r = client.post("/v1/feedback", json={"review": f"{text}，联系电话1380013{i:04d}", "sentiment": sentiment,
                                                   "disputes": disputes, "final_reply": "抱歉给您添麻烦了"})
            assert r.status_code == 201
    out = tmp_path / "feedback.jsonl"
    r = cli("export-feedback", "--db", db, "--out", out)
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(reviews())
    assert not any("1380013" in line["review"] for line in lines)
    r = cli("train", "--datasets", tiny_datasets, "--data", out, "--model-dir", models, "--version", "fb",
            "--tolerance", "1", "--quiet", "--report-dir", tmp_path)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["activated"] is True


def test_an_existing_version_is_never_overwritten(models, tiny_datasets):
    before = artifact.sha256_of(models / "review-reply-tiny-1.joblib")
    r = cli("train", "--datasets", tiny_datasets, "--model-dir", models, "--version", "tiny-1", "--no-activate", "--quiet")
    assert r.exit_code == 1 and "already exists" in r.output
    assert artifact.sha256_of(models / "review-reply-tiny-1.joblib") == before
    assert artifact.load(directory=models).version == "tiny-1"
