"""Live reload on a real server: a newly activated model is picked up with no failed request."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from model import artifact

ADMIN = "admin-key-for-tests-0123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, path, body=None, headers=None):
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture
def server(tiny_model_dir, tmp_path):
    models = shutil.copytree(tiny_model_dir, tmp_path / "models")
    port = free_port()
    env = dict(os.environ, REVIEW_REPLY_MODEL_DIR=str(models), REVIEW_REPLY_ADMIN_KEY=ADMIN,
               REVIEW_REPLY_RELOAD_INTERVAL_SECONDS="0.3", REVIEW_REPLY_FEEDBACK_URL=f"sqlite:///{tmp_path / 'fb.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "training", "serve", "--port", str(port), "--no-access-log"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if call(base, "/readyz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("server did not become ready: " + proc.stderr.read().decode()[-2000:])
    yield base, models
    proc.terminate()
    proc.wait(10)


def new_version(models, name):
    loaded = artifact.load("tiny-1", models)
    artifact.save(loaded.classifier, version=name, directory=models)
    return name


def test_activation_is_picked_up_without_a_failed_request(server):
    base, models = server
    statuses, versions, stop = [], set(), threading.Event()

    def hammer():
        while not stop.is_set():
            status, body = call(base, "/v1/drafts", {"review": "快递太慢了，包装也破了"})
            statuses.append(status)
            if status == 200:
                versions.add(body["model_version"])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    artifact.activate(new_version(models, "tiny-2"), models)
    deadline = time.time() + 20
    while time.time() < deadline and "tiny-2" not in versions:
        time.sleep(0.1)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert versions == {"tiny-1", "tiny-2"}
    assert statuses and set(statuses) == {200}


def test_admin_reload_needs_the_key_and_refuses_a_corrupt_model(server):
    base, models = server
    assert call(base, "/admin/reload", {})[0] == 401
    name = new_version(models, "tiny-bad")
    (models / f"review-reply-{name}.joblib").write_bytes(b"garbage")
    (models / "ACTIVE").write_text(name)  # someone points ACTIVE at a broken file by hand
    status, body = call(base, "/admin/reload", {}, headers={"X-API-Key": ADMIN})
    assert status == 200 and body["reloaded"] is False and "sha256" in body["error"]
    assert body["model_version"] == "tiny-1"
    assert call(base, "/v1/classify", {"review": "质量很差"})[1]["model_version"] == "tiny-1"
    (models / "ACTIVE").write_text("tiny-1")
    artifact.activate(new_version(models, "tiny-3"), models)
    status, body = call(base, "/admin/reload", {}, headers={"Authorization": f"Bearer {ADMIN}"})
    assert status == 200 and body["model_version"] == "tiny-3"


def wait_for_version(base, version, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if call(base, "/readyz")[1].get("model_version") == version:
            return True
        time.sleep(0.2)
    return False


def test_watch_survives_an_unreadable_active_file(server):
    base, models = server
    (models / "ACTIVE").write_bytes(b"\xff\xfe not text")
    time.sleep(1.0)  # several watch rounds see the broken pointer
    assert call(base, "/v1/classify", {"review": "质量很差"})[0] == 200
    artifact.activate(new_version(models, "tiny-after-bad"), models)
    assert wait_for_version(base, "tiny-after-bad")


def test_a_version_whose_files_arrive_after_active_is_picked_up(server):
    base, models = server
    staged = models.parent / "staging"
    staged.mkdir()
    artifact.save(artifact.load("tiny-1", models).classifier, version="tiny-late", directory=staged)
    (models / "ACTIVE").write_text("tiny-late\n")  # the pointer is copied before the files
    time.sleep(1.0)
    for f in staged.iterdir():
        shutil.copy2(f, models / f.name)
        os.utime(models / f.name)  # a fresh copy: new change time
    assert wait_for_version(base, "tiny-late")
