"""Model files: round trip, integrity check, atomic activation."""
import json
import shutil

import pytest

from model import artifact
from model.errors import ModelFileError


def copy_models(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_round_trip_predicts_the_same(tiny_model_dir, tmp_path):
    loaded = artifact.load(directory=tiny_model_dir)
    manifest = artifact.save(loaded.classifier, version="copy", directory=tmp_path, metadata={"note": "test"})
    again = artifact.load("copy", tmp_path)
    texts = ["质量太差了", "物流很快，很满意"]
    assert [p.as_dict() for p in again.classifier.predict(texts)] == [p.as_dict() for p in loaded.classifier.predict(texts)]
    assert manifest["sha256"] == artifact.sha256_of(tmp_path / manifest["file"])
    assert json.loads((tmp_path / "review-reply-copy.json").read_text())["note"] == "test"


def test_manifest_records_what_made_the_model(tiny_model_dir):
    m = artifact.read_manifest("tiny-1", tiny_model_dir)
    for key in ("version", "created", "sha256", "data", "metrics", "thresholds", "sklearn"):
        assert key in m
    assert "disputes.train.jsonl" in m["data"]


def test_altered_file_is_refused(tiny_model_dir, tmp_path):
    models = copy_models(tiny_model_dir, tmp_path / "m")
    path = models / "review-reply-tiny-1.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="does not match the sha256"):
        artifact.load(directory=models)


def test_foreign_file_with_a_forged_manifest_is_refused(tiny_model_dir, tmp_path):
    models = copy_models(tiny_model_dir, tmp_path / "m")
    path = models / "review-reply-tiny-1.joblib"
    import joblib
    joblib.dump({"something": "else"}, path)
    manifest = json.loads((models / "review-reply-tiny-1.json").read_text())
    manifest["sha256"] = artifact.sha256_of(path)
    (models / "review-reply-tiny-1.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="not a review-reply model"):
        artifact.load(directory=models)


def test_a_format_2_file_without_the_sentiment_network_still_loads(tiny_model_dir, tmp_path):
    """Models a shop retrained before the hidden layer existed keep working after an upgrade."""
    import pickle

    import joblib
    import numpy as np
    classifier = artifact.load(directory=tiny_model_dir).classifier
    state = classifier.to_state()
    state["scorer"].pop("sentiment_hidden")
    parts = pickle.loads(state["pipeline"])
    parts.pop("sentiment_mlp")
    state["pipeline"] = pickle.dumps(parts)
    path = tmp_path / "review-reply-old.joblib"
    joblib.dump({"format": "review-reply-model/2", "state": state}, path)
    manifest = {"format": "review-reply-model/2", "version": "old", "file": path.name, "sha256": artifact.sha256_of(path)}
    (tmp_path / "review-reply-old.json").write_text(json.dumps(manifest))
    old = artifact.load("old", tmp_path).classifier
    assert old.scorer.network is None
    texts = ["质量太差了", "物流很快，很满意"] * 10  # past the batch threshold, then one by one
    np.testing.assert_allclose(old.probabilities(texts), old.pipeline_probabilities(texts), atol=1e-5)
    np.testing.assert_allclose(old.probabilities(texts[:1]), old.pipeline_probabilities(texts[:1]), atol=1e-5)
    assert not np.allclose(old.probabilities(texts)[:, 0], classifier.probabilities(texts)[:, 0])


def test_a_file_whose_network_does_not_fit_is_refused(tiny_model_dir, tmp_path):
    import joblib
    state = artifact.load(directory=tiny_model_dir).classifier.to_state()
    state["scorer"]["sentiment_hidden"]["columns"] = state["scorer"]["sentiment_hidden"]["columns"][::-1]
    path = tmp_path / "review-reply-bad.joblib"
    joblib.dump({"format": artifact.FORMAT, "state": state}, path)
    manifest = {"format": artifact.FORMAT, "version": "bad", "file": path.name, "sha256": artifact.sha256_of(path)}
    (tmp_path / "review-reply-bad.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="cannot use: sentiment network"):
        artifact.load("bad", tmp_path)


def test_missing_active_pointer_says_what_to_do(tmp_path):
    with pytest.raises(ModelFileError, match="review-reply train"):
        artifact.load(directory=tmp_path)


def test_activate_refuses_a_broken_version_and_keeps_the_old(tiny_model_dir, tmp_path):
    models = copy_models(tiny_model_dir, tmp_path / "m")
    loaded = artifact.load(directory=models)
    artifact.save(loaded.classifier, version="broken", directory=models)
    (models / "review-reply-broken.joblib").write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        artifact.activate("broken", models)
    assert artifact.active_version(models) == "tiny-1"


def test_shipped_model_is_small_and_loads_quickly(shipped_model):
    assert shipped_model.manifest["bytes"] <= 25 * 1024 * 1024
    assert shipped_model.manifest["metrics"]["headline"]["sentiment_accuracy"] > 0.9


def test_saving_over_an_existing_version_is_refused(tiny_model_dir, tmp_path):
    models = copy_models(tiny_model_dir, tmp_path / "m")
    before = (models / "review-reply-tiny-1.joblib").read_bytes()
    with pytest.raises(ValueError, match="already exists"):
        artifact.save(artifact.load(directory=models).classifier, version="tiny-1", directory=models)
    assert (models / "review-reply-tiny-1.joblib").read_bytes() == before
