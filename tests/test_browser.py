"""The agents' page in a real headless Chromium against a real server.

Why a real browser: the page's value is in behaviour no HTTP test sees (debounced live checks, clipboard,
narrow-screen layout, error display). Needs Debian's `chromium` (scripts/install-browser.sh); without it the
test fails unless REVIEW_REPLY_SKIP_BROWSER=1.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 90
UI_TIMEOUT_MS = 15_000

# Written for these tests: a complaint about slow delivery and a broken item, with a phone number to mask.
COMPLAINT = "快递太慢了，等了一个星期才到，打开发现杯子把手断了。有事打我电话 13912345678。"
RUDE_REPLY = "爱买不买，自己的问题。"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_command(port: int) -> list[str]:
    """The project's own `serve` command when present, else uvicorn on the app factory."""
    cli = shutil.which("review-reply", path=str(Path(sys.executable).parent))
    if cli and "serve" in subprocess.run([cli, "--help"], capture_output=True, text=True).stdout:
        return [cli, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port)]


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(f"server not ready after {READY_TIMEOUT_S}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if os.environ.get("REVIEW_REPLY_SKIP_BROWSER") == "1":
        pytest.skip("REVIEW_REPLY_SKIP_BROWSER=1")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/install-browser.sh "
                    "(or set REVIEW_REPLY_SKIP_BROWSER=1 to skip the browser tests)")
    return CHROMIUM


@contextmanager
def _running_server(workdir: Path, **extra_env: str) -> Iterator[str]:
    """A real `serve` process on a free port with its own feedback database; yields its base URL."""
    log = workdir / "server.log"
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "REVIEW_REPLY_FEEDBACK_URL": f"sqlite:///{workdir / 'feedback.db'}"}
    env.pop("REVIEW_REPLY_API_KEYS", None)  # the page must work with the default: no key needed
    env.update(extra_env)
    with log.open("wb") as out:
        process = subprocess.Popen(_server_command(port), cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _running_server(tmp_path_factory.mktemp("server")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, server: str, console_errors: list[str]):
    """A fresh page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(base_url=server, permissions=["clipboard-read", "clipboard-write"],
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    new_page = context.new_page()
    new_page.on("console", lambda msg: console_errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    new_page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    new_page.goto("/")
    yield new_page
    context.close()
    assert console_errors == [], console_errors


def _submit_review(page, review: str = COMPLAINT) -> None:
    page.get_by_test_id("review-input").fill(review)
    page.get_by_test_id("review-input").press("Control+Enter")
    page.get_by_test_id("result").wait_for(state="visible")


def _editor_text(page) -> str:
    return page.get_by_test_id("draft-editor").input_value()


def test_draft_shows_labels_and_a_reply_that_passes_its_checks(page) -> None:
    page.get_by_test_id("rating").get_by_text("1 星").click()
    _submit_review(page)

    assert page.get_by_test_id("sentiment").get_attribute("data-label") == "negative"
    draft = _editor_text(page)
    assert len(draft) > 20 and "13912345678" not in draft
    meters = page.get_by_test_id("disputes").get_by_role("meter")
    assert meters.count() == 3
    for i in range(3):
        assert 0.0 <= float(meters.nth(i).get_attribute("aria-valuenow")) <= 1.0
    assert page.get_by_test_id("primary-badge").count() == 1
    assert "手机号" in page.get_by_test_id("redactions").inner_text()
    assert page.get_by_test_id("checks-state").get_attribute("data-state") == "passed"
    assert page.get_by_test_id("alternative").count() >= 2


def test_editing_the_draft_rechecks_live_and_copy_puts_it_on_the_clipboard(page) -> None:
    page.get_by_test_id("rating").get_by_text("2 星").click()
    _submit_review(page)
    original = _editor_text(page)
    check_requests: list[dict] = []
    page.on("request", lambda req: check_requests.append(json.loads(req.post_data or "{}"))
            if req.url.endswith("/v1/checks") else None)

    editor = page.get_by_test_id("draft-editor")
    editor.fill("")
    editor.press_sequentially(RUDE_REPLY, delay=30)
    state = page.get_by_test_id("checks-state")
    page.wait_for_function("document.querySelector('#checks-state').dataset.state === 'failed'")
    violations = page.get_by_test_id("violations").locator("li")
    assert violations.count() >= 1
    rules = {violations.nth(i).get_attribute("data-rule") for i in range(violations.count())}
    assert rules & {"R3", "R4"}, rules
    assert len(check_requests) <= 2, f"typing was not debounced: {len(check_requests)} check requests"
    assert check_requests[-1] == {"review": COMPLAINT, "reply": RUDE_REPLY, "rating": 2}

    page.get_by_test_id("alternative").first.click()
    assert _editor_text(page) == original
    page.wait_for_function("document.querySelector('#checks-state').dataset.state === 'passed'")
    assert "通过" in state.inner_text()

    page.get_by_test_id("copy").click()
    page.wait_for_function("document.querySelector('#copy-btn').textContent === '已复制'")
    assert page.evaluate("navigator.clipboard.readText()") == original


def test_narrow_screen_shows_the_draft_without_horizontal_scroll(page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    _submit_review(page)
    editor = page.get_by_test_id("draft-editor")
    editor.scroll_into_view_if_needed()
    assert editor.is_visible()
    box = editor.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at 375px"


def test_label_correction_is_sent_as_feedback(page) -> None:
    _submit_review(page)
    sent: list[dict] = []
    page.on("request", lambda req: sent.append(json.loads(req.post_data or "{}"))
            if req.url.endswith("/v1/feedback") else None)
    page.get_by_test_id("feedback").locator("summary").click()
    page.get_by_test_id("fb-sentiment-positive").check()
    page.get_by_test_id("fb-dispute-service").check()
    page.get_by_test_id("feedback-submit").click()
    page.wait_for_function("document.querySelector('#feedback-status').dataset.state === 'ok'")
    assert "已提交" in page.get_by_test_id("feedback-status").inner_text()
    assert sent and sent[0]["sentiment"] == "positive" and "service" in sent[0]["disputes"]
    assert sent[0]["final_reply"] == _editor_text(page)


def test_api_errors_are_shown_as_a_visible_message(page, console_errors: list[str]) -> None:
    body = {"error": {"code": "invalid_input", "message": "review: too short",
                      "fields": [{"field": "review", "message": "至少需要一个汉字"}]}}
    page.route("**/v1/drafts", lambda route: route.fulfill(status=422, content_type="application/json",
                                                           body=json.dumps(body)))
    page.get_by_test_id("review-input").fill("ok")
    page.get_by_test_id("submit").click()
    alert = page.get_by_role("alert")
    alert.wait_for(state="visible")
    assert "提交的内容有误" in alert.inner_text() and "评价内容：至少需要一个汉字" in alert.inner_text()
    assert page.get_by_test_id("result").is_hidden()
    # Chromium itself logs the failed request; that one line is expected, nothing else is.
    assert len(console_errors) == 1 and "422" in console_errors[0], console_errors
    console_errors.clear()

    page.unroute("**/v1/drafts")
    page.route("**/v1/drafts", lambda route: route.abort("connectionrefused"))
    page.get_by_test_id("submit").click()
    page.wait_for_function("document.querySelector('#error-box').textContent.includes('无法连接')")
    assert page.get_by_test_id("submit").is_enabled()
    console_errors.clear()


def test_empty_review_is_refused_before_calling_the_api(page) -> None:
    page.get_by_test_id("submit").click()
    assert "请先粘贴" in page.get_by_test_id("error").inner_text()
    assert page.evaluate("document.activeElement.id") == "review-input"


def test_saved_api_key_is_sent_as_x_api_key(page) -> None:
    seen: list[str | None] = []
    canned = {"sentiment": {"label": "positive", "score": 0.9}, "disputes": [], "primary_dispute": None,
              "draft": "感谢您的好评，期待您再次光临。", "alternatives": [], "redactions": [],
              "checks": {"passed": True, "violations": []}, "model_version": "canned"}

    def capture(route) -> None:
        seen.append(route.request.headers.get("x-api-key"))
        route.fulfill(status=200, content_type="application/json", body=json.dumps(canned))

    page.route("**/v1/drafts", capture)
    page.get_by_test_id("api-key-panel").locator("summary").click()
    page.get_by_test_id("api-key-input").fill("test-key-123")
    page.get_by_test_id("api-key-save").click()
    assert page.evaluate("localStorage.getItem('reviewReply.apiKey')") == "test-key-123"
    _submit_review(page, "东西很好，下次还来。")
    assert seen == ["test-key-123"]

    page.get_by_test_id("api-key-clear").click()
    assert page.evaluate("localStorage.getItem('reviewReply.apiKey')") is None
    page.get_by_test_id("submit").click()
    page.wait_for_function("!document.querySelector('#submit-btn').disabled")
    assert seen[-1] is None


def test_form_is_keyboard_usable(page) -> None:
    page.get_by_test_id("review-input").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "rating"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.querySelector('input[name=rating]:checked').value") == "2"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "submit-btn"


def test_page_asks_for_the_api_key_when_the_server_requires_one(
        browser, chromium_path: Path, tmp_path: Path, console_errors: list[str]) -> None:
    key = "browser-test-key-0123456789"
    with _running_server(tmp_path, REVIEW_REPLY_API_KEYS=key) as base_url:
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(UI_TIMEOUT_MS)
        keyed_page = context.new_page()
        keyed_page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
        keyed_page.goto("/")
        keyed_page.get_by_test_id("review-input").fill(COMPLAINT)
        keyed_page.get_by_test_id("submit").click()
        keyed_page.get_by_role("alert").wait_for(state="visible")
        assert "API 密钥" in keyed_page.get_by_role("alert").inner_text()
        assert keyed_page.get_by_test_id("api-key-panel").get_attribute("open") is not None
        assert keyed_page.evaluate("document.activeElement.id") == "api-key-input"

        keyed_page.keyboard.type(key)
        keyed_page.keyboard.press("Enter")
        keyed_page.get_by_test_id("submit").click()
        keyed_page.get_by_test_id("result").wait_for(state="visible")
        assert keyed_page.get_by_test_id("error").is_hidden()
        assert len(_editor_text(keyed_page)) > 20
        context.close()
    assert console_errors == [], console_errors


def test_copy_falls_back_to_select_and_copy_without_the_clipboard_api(page) -> None:
    _submit_review(page)
    page.evaluate("""() => {
        Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
        window.copyCommands = [];
        const original = document.execCommand.bind(document);
        document.execCommand = (name, ...rest) => { window.copyCommands.push(name); return original(name, ...rest); };
    }""")
    page.get_by_test_id("copy").click()
    page.wait_for_function("document.querySelector('#copy-btn').textContent === '已复制'")
    assert page.evaluate("window.copyCommands") == ["copy"]
    selected = page.evaluate("(() => { const e = document.querySelector('#draft-editor');"
                             " return e.value.slice(e.selectionStart, e.selectionEnd); })()")
    assert selected == _editor_text(page)
