/* 评价回复助手: the agents' page over API v1. Vanilla JS, no external assets (shops run intranets).
 * All API text is inserted with textContent, never innerHTML, because reviews are untrusted input. */
"use strict";

(() => {
  const API_KEY_STORAGE = "reviewReply.apiKey";
  const CHECK_DEBOUNCE_MS = 300;
  const COPIED_RESET_MS = 2000;
  const ALTERNATIVES_WANTED = 3;

  const DISPUTE_NAMES = { product: "产品", logistics: "物流", service: "服务" };
  const DISPUTE_ORDER = ["product", "logistics", "service"];
  const SENTIMENT_NAMES = { positive: "正面（好评）", negative: "负面（差评）" };
  const REDACTION_NAMES = {
    phone: "手机号", id_card: "身份证号", order_number: "订单号", tracking_number: "快递单号",
    email: "邮箱", wechat: "微信号", qq: "QQ 号", address: "地址", name: "姓名",
  };
  const FIELD_NAMES = {
    review: "评价内容", rating: "评分", reply: "回复", settings: "店铺设置",
    alternatives: "备选数量", sentiment: "情感", disputes: "纠纷类型", final_reply: "最终回复",
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    errorBox: $("error-box"), status: $("status"),
    reviewForm: $("review-form"), review: $("review-input"), submit: $("submit-btn"),
    result: $("result"), sentiment: $("sentiment"), disputes: $("disputes"), redactions: $("redactions"),
    editor: $("draft-editor"), count: $("draft-count"), copy: $("copy-btn"),
    checks: $("checks"), checksState: $("checks-state"), violations: $("violations"),
    altBlock: $("alternatives-block"), alternatives: $("alternatives"), modelVersion: $("model-version"),
    feedback: $("feedback"), feedbackForm: $("feedback-form"), feedbackSubmit: $("feedback-submit"),
    feedbackStatus: $("feedback-status"),
    keyPanel: $("api-key-panel"), keyForm: $("api-key-form"), keyInput: $("api-key-input"),
    keyClear: $("api-key-clear"), keyStatus: $("api-key-status"),
  };

  /** What the current draft belongs to: checks and feedback must refer to the review that was submitted. */
  const state = { review: "", rating: null, modelVersion: null, checkTimer: null, checkController: null, checkSeq: 0 };

  // ---------- API ----------

  class ApiError extends Error {
    constructor(message, { status = 0, code = "", fields = [] } = {}) {
      super(message);
      this.status = status;
      this.code = code;
      this.fields = fields;
    }
  }

  function readApiKey() {
    try { return localStorage.getItem(API_KEY_STORAGE) || ""; } catch { return ""; }
  }

  function writeApiKey(value) {
    try {
      if (value) localStorage.setItem(API_KEY_STORAGE, value); else localStorage.removeItem(API_KEY_STORAGE);
      return true;
    } catch { return false; }
  }

  function summaryForStatus(status) {
    if (status === 401 || status === 403) return "需要有效的 API 密钥，请在页面右上角“API 密钥”中填写";
    if (status === 413) return "内容太长，请缩短后再试";
    if (status === 422 || status === 400) return "提交的内容有误";
    if (status === 429) return "请求太频繁，请稍等片刻再试";
    if (status === 503) return "服务正在启动或暂不可用，请稍后重试";
    if (status >= 500) return "服务暂时出错，请稍后重试";
    return `请求失败（HTTP ${status}）`;
  }

  async function postJson(path, body, { signal } = {}) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const key = readApiKey();
    if (key) headers["X-API-Key"] = key;
    let response;
    try {
      response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body), signal });
    } catch (err) {
      if (err && err.name === "AbortError") throw err;
      throw new ApiError("无法连接到服务，请检查网络或稍后重试");
    }
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (!response.ok) {
      const detail = data && data.error ? data.error : {};
      const fields = Array.isArray(detail.fields) ? detail.fields : [];
      const summary = summaryForStatus(response.status);
      // With field errors the message only repeats the first one, so the list below says it all.
      const message = detail.message && !fields.length ? `${summary}：${detail.message}` : summary;
      throw new ApiError(message, { status: response.status, code: detail.code || "", fields });
    }
    if (data === null) throw new ApiError("服务返回了无法识别的内容，请稍后重试");
    return data;
  }

  // ---------- messages ----------

  function showError(err) {
    const apiError = err instanceof ApiError ? err : new ApiError("页面出错了，请刷新后重试");
    el.errorBox.replaceChildren();
    const text = document.createElement("p");
    text.textContent = apiError.message;
    el.errorBox.append(text);
    if (apiError.fields.length) {
      const list = document.createElement("ul");
      for (const field of apiError.fields) {
        const item = document.createElement("li");
        const path = String(field.field || "");
        const name = FIELD_NAMES[path] || FIELD_NAMES[path.split(".")[0]] || path;
        item.textContent = name ? `${name}：${field.message}` : String(field.message || "");
        list.append(item);
      }
      el.errorBox.append(list);
    }
    el.errorBox.hidden = false;
    if (apiError.status === 401 || apiError.status === 403) {
      el.keyPanel.open = true;
      el.keyInput.focus();
    }
  }

  function clearError() {
    el.errorBox.hidden = true;
    el.errorBox.replaceChildren();
  }

  function announce(text) {
    el.status.textContent = text;
  }

  // ---------- rendering ----------

  function formatScore(score) {
    return Number.isFinite(score) ? score.toFixed(2) : "—";
  }

  /** A bar with role=meter so screen readers hear the number, and the number as visible text too. */
  function meter(label, score, valueText) {
    const known = Number.isFinite(score);
    const value = known ? Math.min(1, Math.max(0, score)) : 0;
    const bar = document.createElement("div");
    bar.className = "meter";
    bar.setAttribute("role", "meter");
    bar.setAttribute("aria-label", label);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "1");
    bar.setAttribute("aria-valuenow", value.toFixed(2));
    bar.setAttribute("aria-valuetext", valueText || formatScore(value));
    const fill = document.createElement("span");
    fill.className = "meter-fill";
    fill.style.width = `${Math.round(value * 100)}%`;
    bar.append(fill);
    return bar;
  }

  function renderSentiment(sentiment) {
    const label = sentiment && sentiment.label;
    const score = sentiment ? Number(sentiment.score) : NaN;
    const name = SENTIMENT_NAMES[label] || "未知";
    const title = document.createElement("span");
    title.className = `score-name sentiment-${label || "unknown"}`;
    title.textContent = name;
    const number = document.createElement("span");
    number.className = "score-value";
    number.textContent = formatScore(score);
    el.sentiment.dataset.label = label || "";
    el.sentiment.replaceChildren(title, meter(`情感判断置信度：${name}`, score), number);
  }

  /** All three types are listed with their scores (`dispute_scores`); `disputes` names the detected ones. */
  function renderDisputes(data) {
    const detected = new Set((data.disputes || []).map((d) => d.type));
    const allScores = data.dispute_scores || {};
    el.disputes.replaceChildren();
    for (const type of DISPUTE_ORDER) {
      const isDetected = detected.has(type);
      const isPrimary = data.primary_dispute === type;
      const score = Number(allScores[type]);
      const item = document.createElement("li");
      item.className = "score-row";
      item.dataset.type = type;
      item.dataset.detected = String(isDetected);
      item.dataset.testid = `dispute-${type}`;
      if (isPrimary) item.classList.add("primary");
      if (!isDetected) item.classList.add("not-detected");

      const name = document.createElement("span");
      name.className = "score-name";
      name.textContent = DISPUTE_NAMES[type];
      if (isPrimary) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.dataset.testid = "primary-badge";
        badge.textContent = "主要";
        name.append(" ", badge);
      }
      const scoreText = Number.isFinite(score) ? formatScore(score) : "";
      const valueText = isDetected ? scoreText : [scoreText, "未检出"].filter(Boolean).join(" ");
      const number = document.createElement("span");
      number.className = "score-value";
      number.textContent = valueText;
      const meterLabel = `${DISPUTE_NAMES[type]}纠纷得分${isPrimary ? "（主要纠纷）" : ""}`;
      item.append(name, meter(meterLabel, score, valueText), number);
      el.disputes.append(item);
    }
  }

  function renderRedactions(redactions) {
    el.redactions.replaceChildren();
    const counts = new Map();
    for (const r of redactions || []) counts.set(r.type, (counts.get(r.type) || 0) + 1);
    if (!counts.size) {
      const item = document.createElement("li");
      item.className = "chip chip-empty";
      item.textContent = "未发现个人信息";
      el.redactions.append(item);
      return;
    }
    for (const [type, count] of counts) {
      const item = document.createElement("li");
      item.className = "chip";
      item.dataset.type = type;
      item.textContent = count > 1 ? `${REDACTION_NAMES[type] || "其他个人信息"} × ${count}`
        : (REDACTION_NAMES[type] || "其他个人信息");
      el.redactions.append(item);
    }
  }

  function renderAlternatives(draft, alternatives) {
    const options = [draft, ...(alternatives || [])].filter((t) => typeof t === "string" && t.trim());
    el.alternatives.replaceChildren();
    el.altBlock.hidden = options.length < 2;
    options.forEach((text, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "alt-option";
      button.dataset.testid = "alternative";
      button.dataset.index = String(index);
      button.setAttribute("aria-pressed", String(index === 0));
      const title = document.createElement("span");
      title.className = "alt-title";
      title.textContent = index === 0 ? "原稿" : `备选 ${index}`;
      const body = document.createElement("span");
      body.className = "alt-text";
      body.textContent = text;
      button.append(title, body);
      button.addEventListener("click", () => useAlternative(button, text));
      item.append(button);
      el.alternatives.append(item);
    });
  }

  function useAlternative(button, text) {
    for (const other of el.alternatives.querySelectorAll(".alt-option")) {
      other.setAttribute("aria-pressed", String(other === button));
    }
    el.editor.value = text;
    updateCount();
    scheduleCheck(0);
    el.editor.focus();
    announce("已把所选回复放入编辑框");
  }

  function renderChecks(checks) {
    const violations = (checks && checks.violations) || [];
    const passed = Boolean(checks && checks.passed) && violations.length === 0;
    el.violations.replaceChildren();
    for (const v of violations) {
      const item = document.createElement("li");
      item.className = "violation";
      item.dataset.rule = v.rule || "";
      const rule = document.createElement("strong");
      rule.className = "rule";
      rule.textContent = v.rule || "";
      const message = document.createElement("span");
      message.textContent = v.message || "";
      item.append(rule, " ", message);
      el.violations.append(item);
    }
    setCheckState(passed ? "passed" : "failed",
      passed ? "✓ 已通过全部规则检查" : `有 ${violations.length} 处需要修改`);
  }

  function setCheckState(name, text) {
    el.checks.dataset.state = name;
    el.checksState.dataset.state = name;
    el.checksState.textContent = text;
  }

  /** Grow the editor with its text so the whole reply is visible while editing (no inner scrollbar). */
  function fitEditor() {
    el.editor.style.height = "auto";
    el.editor.style.height = `${el.editor.scrollHeight + 2}px`;
  }

  function updateCount() {
    fitEditor();
    const chars = el.editor.value.replace(/\s/g, "").length;
    el.count.textContent = `共 ${chars} 字`;
  }

  function prefillFeedback(data) {
    for (const radio of el.feedbackForm.querySelectorAll('input[name="fb-sentiment"]')) {
      radio.checked = data.sentiment && radio.value === data.sentiment.label;
    }
    const detected = new Set((data.disputes || []).map((d) => d.type));
    for (const box of el.feedbackForm.querySelectorAll('input[name="fb-dispute"]')) {
      box.checked = detected.has(box.value);
    }
    el.feedbackStatus.textContent = "";
    el.feedbackStatus.dataset.state = "";
    el.feedback.open = false;
  }

  function renderResult(review, rating, data) {
    state.review = review;
    state.rating = rating;
    state.modelVersion = data.model_version || null;
    renderSentiment(data.sentiment);
    renderDisputes(data);
    renderRedactions(data.redactions);
    renderAlternatives(data.draft, data.alternatives);
    el.editor.value = data.draft || "";
    updateCount();
    cancelPendingCheck();
    renderChecks(data.checks);
    prefillFeedback(data);
    el.modelVersion.textContent = state.modelVersion ? `模型版本：${state.modelVersion}` : "";
    resetCopyButton();
    el.result.hidden = false;
    fitEditor();  // only measurable once visible
  }

  // ---------- actions ----------

  function selectedRating() {
    const checked = el.reviewForm.querySelector('input[name="rating"]:checked');
    return checked && checked.value ? Number(checked.value) : null;
  }

  async function submitReview(event) {
    if (event) event.preventDefault();
    const review = el.review.value;
    if (!review.trim()) {
      showError(new ApiError("请先粘贴买家评价内容"));
      el.review.focus();
      return;
    }
    const body = { review, alternatives: ALTERNATIVES_WANTED };
    const rating = selectedRating();
    if (rating) body.rating = rating;

    el.submit.disabled = true;
    el.submit.textContent = "生成中…";
    el.reviewForm.setAttribute("aria-busy", "true");
    announce("正在生成回复…");
    try {
      const data = await postJson("/v1/drafts", body);
      clearError();
      renderResult(review, rating, data);
      announce("回复草稿已生成");
      if (el.result.getBoundingClientRect().top > window.innerHeight) {
        el.result.scrollIntoView({ behavior: "smooth", block: "start" });
      }
    } catch (err) {
      showError(err);
      announce("生成失败");
    } finally {
      el.submit.disabled = false;
      el.submit.textContent = "生成回复";
      el.reviewForm.removeAttribute("aria-busy");
    }
  }

  function cancelPendingCheck() {
    clearTimeout(state.checkTimer);
    if (state.checkController) state.checkController.abort();
    state.checkController = null;
    state.checkSeq += 1;
  }

  function scheduleCheck(delay = CHECK_DEBOUNCE_MS) {
    cancelPendingCheck();
    setCheckState("pending", "检查中…");
    state.checkTimer = setTimeout(runCheck, delay);
  }

  /** Only the newest edit's answer is shown: older requests are aborted and their late answers ignored. */
  async function runCheck() {
    const reply = el.editor.value;
    const seq = state.checkSeq;
    if (!reply.trim()) {
      el.violations.replaceChildren();
      setCheckState("failed", "回复为空，请填写回复内容");
      return;
    }
    const controller = new AbortController();
    state.checkController = controller;
    try {
      const body = { review: state.review, reply };
      if (state.rating) body.rating = state.rating;  // a low rating turns praise into a complaint to answer
      const checks = await postJson("/v1/checks", body, { signal: controller.signal });
      if (seq === state.checkSeq) renderChecks(checks);
    } catch (err) {
      if (err && err.name === "AbortError") return;
      if (seq !== state.checkSeq) return;
      el.violations.replaceChildren();
      setCheckState("error", `暂时无法检查：${err.message || "未知错误"}`);
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showError(err);
    } finally {
      if (state.checkController === controller) state.checkController = null;
    }
  }

  function resetCopyButton() {
    clearTimeout(resetCopyButton.timer);
    el.copy.textContent = "复制回复";
    delete el.copy.dataset.copied;
  }

  function copyWithSelection() {
    el.editor.focus();
    el.editor.select();
    try { return document.execCommand("copy"); } catch { return false; }
  }

  async function copyReply() {
    const text = el.editor.value;
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch { copied = false; }
    }
    if (!copied) copied = copyWithSelection();
    if (!copied) {
      showError(new ApiError("复制失败：请在编辑框中选中全部文字后按 Ctrl + C"));
      return;
    }
    el.copy.textContent = "已复制";
    el.copy.dataset.copied = "true";
    announce("回复已复制到剪贴板");
    clearTimeout(resetCopyButton.timer);
    resetCopyButton.timer = setTimeout(resetCopyButton, COPIED_RESET_MS);
  }

  async function sendFeedback(event) {
    event.preventDefault();
    const sentiment = el.feedbackForm.querySelector('input[name="fb-sentiment"]:checked');
    const disputes = [...el.feedbackForm.querySelectorAll('input[name="fb-dispute"]:checked')].map((b) => b.value);
    const body = { review: state.review, disputes, final_reply: el.editor.value };
    if (sentiment) body.sentiment = sentiment.value;
    if (state.modelVersion) body.model_version = state.modelVersion;

    el.feedbackSubmit.disabled = true;
    el.feedbackStatus.dataset.state = "pending";
    el.feedbackStatus.textContent = "提交中…";
    try {
      await postJson("/v1/feedback", body);
      el.feedbackStatus.dataset.state = "ok";
      el.feedbackStatus.textContent = "已提交更正，谢谢！";
    } catch (err) {
      el.feedbackStatus.dataset.state = "error";
      el.feedbackStatus.textContent = `提交失败：${err.message || "未知错误"}`;
    } finally {
      el.feedbackSubmit.disabled = false;
    }
  }

  function setupApiKey() {
    el.keyInput.value = readApiKey();
    el.keyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = el.keyInput.value.trim();
      const saved = writeApiKey(value);
      el.keyStatus.textContent = !saved ? "无法保存：浏览器禁止了本地存储" : value ? "已保存" : "已清除";
      if (saved) clearError();
    });
    el.keyClear.addEventListener("click", () => {
      el.keyInput.value = "";
      el.keyStatus.textContent = writeApiKey("") ? "已清除" : "无法清除：浏览器禁止了本地存储";
    });
  }

  function setup() {
    el.reviewForm.addEventListener("submit", submitReview);
    el.review.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        el.reviewForm.requestSubmit();
      }
    });
    el.editor.addEventListener("input", () => {
      for (const option of el.alternatives.querySelectorAll(".alt-option")) option.setAttribute("aria-pressed", "false");
      updateCount();
      resetCopyButton();
      scheduleCheck();
    });
    el.copy.addEventListener("click", copyReply);
    window.addEventListener("resize", () => { if (!el.result.hidden) fitEditor(); });
    el.feedbackForm.addEventListener("submit", sendFeedback);
    setupApiKey();
    window.addEventListener("unhandledrejection", (event) => showError(event.reason));
  }

  setup();
})();
