/* 报告问答 — front end. No framework.
 * SECURITY: text from reports and answers is only ever inserted with textContent /
 * createTextNode (see el() and appendMarked()); innerHTML is never used. */
"use strict";

(function () {
  // ------------------------------------------------------------------ helpers
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  /** el("div", {class: "x", onclick: fn, dataset: {...}}, child, "text", ...) — strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = String(v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (v === true) node.setAttribute(k, "");
      else node.setAttribute(k, String(v));
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  const store = {
    get(k, dflt) { try { const v = sessionStorage.getItem(k); return v === null ? dflt : JSON.parse(v); } catch { return dflt; } },
    set(k, v) { try { sessionStorage.setItem(k, JSON.stringify(v)); } catch { /* quota or disabled */ } },
    del(k) { try { sessionStorage.removeItem(k); } catch { /* ignore */ } },
  };

  class ApiFailure extends Error {
    constructor(message, status, code) { super(message); this.status = status; this.code = code; }
  }

  async function api(path, opts = {}) {
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      throw new ApiFailure("无法连接服务，请检查网络或稍后重试", 0, "network");
    }
    let body = null;
    const type = res.headers.get("content-type") || "";
    if (type.includes("json")) { try { body = await res.json(); } catch { body = null; } }
    if (!res.ok) {
      const err = body && body.error;
      const msg = err && err.message ? err.message : `请求失败（HTTP ${res.status}）`;
      throw new ApiFailure(msg, res.status, err && err.code);
    }
    return body;
  }
  const postJSON = (path, data) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });

  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) u.set(k, v);
    const s = u.toString();
    return s ? "?" + s : "";
  }

  function toast(msg, kind = "") {
    const t = el("div", { class: "toast " + kind, role: kind === "error" ? "alert" : "status" }, msg);
    $("#toasts").appendChild(t);
    setTimeout(() => t.remove(), kind === "error" ? 7000 : 3500);
  }

  function fmtNum(v) {
    if (v === null || v === undefined || v === "") return "";
    const n = Number(v);
    if (!Number.isFinite(n)) return String(v);
    return n.toLocaleString("zh-CN", { maximumFractionDigits: 4, useGrouping: Math.abs(n) >= 10000 });
  }

  /** Find `needle` in `text` ignoring whitespace differences → [[start, end]] (as the server does). */
  function findSpans(text, needle) {
    needle = (needle || "").trim();
    if (!text || !needle) return [];
    const i = text.indexOf(needle);
    if (i >= 0) return [[i, i + needle.length]];
    // Ignore whitespace and full-/half-width differences (NFKC per character, mapped back to `text`).
    const idx = [];
    let flat = "";
    for (let k = 0; k < text.length; k++) {
      if (/\s/.test(text[k])) continue;
      for (const ch of text[k].normalize("NFKC")) { if (!/\s/.test(ch)) { idx.push(k); flat += ch; } }
    }
    const target = needle.normalize("NFKC").replace(/\s+/g, "");
    for (const probe of [target, target.slice(0, 40), target.slice(-40)]) {
      const j = probe ? flat.indexOf(probe) : -1;
      if (j >= 0) return [[idx[j], idx[j + probe.length - 1] + 1]];
    }
    return [];
  }

  /** Append `text` to `node` as text nodes, wrapping [start,end) spans in <mark>. */
  function appendMarked(node, text, spans) {
    text = text || "";
    const ok = (spans || [])
      .filter((s) => Array.isArray(s) && s.length === 2 && s[0] < s[1])
      .map((s) => [Math.max(0, s[0]), Math.min(text.length, s[1])])
      .sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [a, b] of ok) {
      if (a < pos) continue;
      if (a > pos) node.appendChild(document.createTextNode(text.slice(pos, a)));
      node.appendChild(el("mark", {}, text.slice(a, b)));
      pos = b;
    }
    if (pos < text.length) node.appendChild(document.createTextNode(text.slice(pos)));
    return node;
  }

  /** An excerpt of `text` around the highlighted sentence: [[piece, marked]], whitespace collapsed. */
  function excerpt(text, highlight, max = 200) {
    text = text || "";
    const spans = findSpans(text, highlight);
    let start = 0;
    if (spans.length && spans[0][0] > 24) {
      // start at the sentence before the highlight (at most ~40 characters back)
      const s0 = spans[0][0];
      const win = text.slice(Math.max(0, s0 - 40), s0);
      const cut = Math.max(win.lastIndexOf("\n"), win.slice(0, -1).search(/[。；！？][^。；！？]*$/));
      start = cut >= 0 ? Math.max(0, s0 - 40) + cut + 1 : s0 - 24;
    }
    const end = Math.min(text.length, start + max);
    const squash = (t) => t.replace(/\s*\n\s*/g, " ").replace(/[ \t\u3000]{2,}/g, " ");
    const pieces = [];
    let pos = start;
    for (const [a, b] of spans) {
      const a2 = Math.max(a, start), b2 = Math.min(b, end);
      if (a2 >= b2) continue;
      if (a2 > pos) pieces.push([squash(text.slice(pos, a2)), false]);
      pieces.push([squash(text.slice(a2, b2)), true]);
      pos = b2;
    }
    if (pos < end) pieces.push([squash(text.slice(pos, end)), false]);
    if (start > 0) pieces.unshift(["…", false]);
    if (end < text.length) pieces.push(["…", false]);
    if (pieces.length && !pieces[0][1]) pieces[0][0] = pieces[0][0].replace(/^\s+/, "");
    return pieces;
  }
  /** Append excerpt pieces as text nodes / <mark> elements. */
  function appendPieces(node, pieces) {
    for (const [t, marked] of pieces) node.appendChild(marked ? el("mark", {}, t) : document.createTextNode(t));
    return node;
  }
  const plainExcerpt = (text, max) => excerpt(text, "", max).map((p) => p[0]).join("");

  const ROUTES = { fact: "数值", computed: "计算", passage: "段落", comparison: "对比", ranking: "排序", none: "无答案" };

  // ------------------------------------------------------------------ meta (reports) and health
  const meta = { reports: [], cities: [], years: [], types: [], versions: {} };

  function fillSelect(sel, values, label = (v) => v) {
    const keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    for (const v of values) sel.appendChild(el("option", { value: v }, label(v)));
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }

  async function loadMeta() {
    try {
      const data = await api("/api/reports");
      meta.reports = data.reports || [];
      meta.versions = await loadVersions();
    } catch (e) {
      toast("读取报告列表失败：" + e.message, "error");
      return;
    }
    const uniq = (xs) => [...new Set(xs.filter((x) => x !== null && x !== undefined && x !== ""))];
    meta.cities = uniq(meta.reports.map((r) => r.city)).sort((a, b) => a.localeCompare(b, "zh-CN"));
    meta.years = uniq(meta.reports.map((r) => r.year)).sort((a, b) => b - a);
    meta.types = uniq(meta.reports.map((r) => r.report_type)).sort();
    for (const id of ["#ask-city", "#facts-city", "#search-city"]) fillSelect($(id), meta.cities);
    for (const id of ["#ask-year", "#facts-year", "#search-year"]) fillSelect($(id), meta.years, (y) => y + " 年");
    fillSelect($("#search-type"), meta.types);
    fillSelect($("#facts-doc"), meta.reports.map((r) => r.doc_id), (d) => {
      const r = meta.reports.find((x) => x.doc_id === d);
      return r ? r.title : d;
    });
    renderReports();
  }
  /** Old versions kept, by the doc_id of the report that holds their identity now. */
  async function loadVersions() {
    const by = {};
    try {
      const data = await api("/api/versions");
      for (const v of data.versions || []) if (v.current) (by[v.current] = by[v.current] || []).push(v);
    } catch { /* an older server: no versions */ }
    return by;
  }
  const reportTitle = (docId) => (meta.reports.find((r) => r.doc_id === docId) || {}).title || docId;

  async function loadHealth() {
    const h = $("#health");
    try {
      const d = await api("/api/health");
      h.classList.remove("bad");
      h.textContent = `已收录 ${d.reports} 份报告 · ${d.facts} 条数据`;
    } catch (e) {
      h.classList.add("bad");
      h.textContent = "服务不可用：" + e.message;
    }
  }

  // ------------------------------------------------------------------ tabs
  const VIEWS = ["ask", "facts", "search", "reports", "achievements"];
  const loaded = {};
  function showView(name) {
    if (!VIEWS.includes(name)) name = "ask";
    for (const v of VIEWS) {
      $("#view-" + v).hidden = v !== name;
      const tab = $("#tab-" + v);
      tab.setAttribute("aria-selected", String(v === name));
      tab.tabIndex = v === name ? 0 : -1;
    }
    if (!loaded[name]) {
      loaded[name] = true;
      if (name === "facts") { loadFacts(); loadChecks(); }
      if (name === "reports") renderReports();
    }
    // views kept in their own modules (achievements.js) start when first shown
    window.dispatchEvent(new CustomEvent("qa:view", { detail: name }));
  }
  function initTabs() {
    for (const t of $$(".tab")) t.addEventListener("click", () => { location.hash = t.dataset.view; });
    $(".tabs").addEventListener("keydown", (e) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      const cur = VIEWS.indexOf((location.hash || "#ask").slice(1));
      const next = VIEWS[(Math.max(cur, 0) + (e.key === "ArrowRight" ? 1 : VIEWS.length - 1)) % VIEWS.length];
      location.hash = next;
      $("#tab-" + next).focus();
    });
    window.addEventListener("hashchange", () => showView(location.hash.slice(1)));
    showView(location.hash.slice(1) || "ask");
  }

  // ------------------------------------------------------------------ source view
  const source = { doc: null, page: 1, pages: 1, highlight: "", opener: null, seq: 0 };

  async function openSource(docId, page, highlight, title) {
    if (!docId) return;
    source.doc = docId;
    source.page = Math.max(1, Number(page) || 1);
    source.highlight = highlight || "";
    source.opener = document.activeElement;
    const ov = $("#source-view");
    ov.hidden = false;
    document.body.style.overflow = "hidden";
    $("#source-title").textContent = title || reportTitle(docId);
    await loadSourcePage();
    $("#source-close").focus();
  }

  async function loadSourcePage() {
    const seq = ++source.seq;
    const box = clear($("#source-text"));
    box.appendChild(el("div", { class: "loading" }, el("span", { class: "spinner" }), "正在加载原文…"));
    const q = source.highlight ? qs({ highlight: source.highlight.slice(0, 2000) }) : "";
    let d;
    try {
      d = await api(`/api/reports/${encodeURIComponent(source.doc)}/pages/${source.page}${q}`);
    } catch (e) {
      if (seq !== source.seq) return;
      clear(box).appendChild(el("p", { class: "muted" }, "无法读取该页：" + e.message));
      updateSourceNav();
      return;
    }
    if (seq !== source.seq) return;
    source.pages = d.pages || source.page;
    $("#source-title").textContent = d.title || reportTitle(source.doc);
    const r = meta.reports.find((x) => x.doc_id === source.doc);
    $("#source-meta").textContent = r ? [r.city, r.year ? r.year + " 年" : "", r.report_type].filter(Boolean).join(" · ") : "";
    clear(box);
    box.dataset.page = String(d.page);
    let spans = d.highlights || [];
    if (!spans.length && source.highlight) spans = findSpans(d.text || "", source.highlight);  // server found none
    if (d.scanned) appendScan(box, d);
    appendMarked(box, d.text || "（此页没有可提取的文字）", spans);
    updateSourceNav();
    const m = box.querySelector(".scan-box.cited") || box.querySelector("mark");
    if (m) m.scrollIntoView({ block: "center" }); else box.scrollTop = 0;
  }

  /** A scanned page (read by OCR): the page image with the cited line's box marked. */
  function appendScan(box, d) {
    const [w, h] = d.page_size || [1, 1];
    const fig = el("figure", { class: "scan-page", "aria-label": `扫描页图像，第 ${d.page} 页` });
    fig.appendChild(el("img", { src: d.image, alt: `第 ${d.page} 页扫描图像`, loading: "lazy" }));
    for (const i of d.marked || []) {
      const b = d.boxes[i];
      if (!b) continue;
      const mark = el("div", { class: "scan-box cited", title: `${b.text}（识别置信度 ${b.conf}）` });
      Object.assign(mark.style, { left: `${(100 * b.x0) / w}%`, top: `${(100 * b.y0) / h}%`,
                                  width: `${(100 * (b.x1 - b.x0)) / w}%`, height: `${(100 * (b.y1 - b.y0)) / h}%` });
      fig.appendChild(mark);
    }
    box.appendChild(fig);
    box.appendChild(el("p", { class: "muted small-text" }, "此页为扫描件，文字由 OCR 识别，数字请以原件为准。"));
  }

  function updateSourceNav() {
    $("#source-page").textContent = `第 ${source.page} / ${source.pages} 页`;
    $("#source-prev").disabled = source.page <= 1;
    $("#source-next").disabled = source.page >= source.pages;
    $("#source-file").href = `/api/reports/${encodeURIComponent(source.doc)}/file#page=${source.page}`;
  }

  function closeSource() {
    $("#source-view").hidden = true;
    document.body.style.overflow = "";
    source.seq++;
    if (source.opener && source.opener.focus) source.opener.focus();
  }

  function initSource() {
    $("#source-close").addEventListener("click", closeSource);
    $("#source-view").addEventListener("click", (e) => { if (e.target.id === "source-view") closeSource(); });
    document.addEventListener("keydown", (e) => {
      if ($("#source-view").hidden) return;
      if (e.key === "Escape") closeSource();
    });
    $("#source-prev").addEventListener("click", () => { if (source.page > 1) { source.page--; loadSourcePage(); } });
    $("#source-next").addEventListener("click", () => { if (source.page < source.pages) { source.page++; loadSourcePage(); } });
  }

  /** Make a card open the source view on click / Enter / Space. */
  function clickable(node, fn) {
    node.classList.add("clickable");
    node.tabIndex = 0;
    node.setAttribute("role", "button");
    node.addEventListener("click", fn);
    node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fn(); } });
    return node;
  }

  function citationCard(c, n) {
    const card = el("article", { class: "cite-card", "aria-label": `出处 ${n}：${c.title} 第 ${c.page} 页`,
                                 dataset: { doc: c.doc_id, page: c.page } },
      el("div", { class: "cite-title" }, el("span", { class: "n" }, String(n)), el("span", {}, c.title || reportTitle(c.doc_id))),
      el("div", { class: "cite-meta" },
        c.city ? el("span", {}, c.city) : null,
        c.year ? el("span", {}, c.year + " 年") : null,
        el("span", { class: "cite-page" }, `第 ${c.page} 页`)),
      c.section ? el("div", { class: "cite-section" }, "§ " + c.section) : null,
      appendPieces(el("div", { class: "cite-text" }), excerpt(c.text, c.highlight, 200)),
      el("div", { class: "cite-open" }, "查看原文 →"));
    return clickable(card, () => openSource(c.doc_id, c.page, c.highlight || c.text, c.title));
  }

  // ------------------------------------------------------------------ 问答
  let history = store.get("qa.history", []);

  /** Example questions built from what the store holds (GET /api/examples), as clickable chips. */
  const EXAMPLE_KIND = { figure: "数字", description: "情况", comparison: "对比", achievements: "成效", english: "English" };
  let examplesGeneration = null;
  async function loadExamples() {
    let d;
    try {
      d = await api("/api/examples");
    } catch { return; /* the chat works without them */ }
    if (d.generation === examplesGeneration) return;
    examplesGeneration = d.generation;
    const chips = clear($("#example-chips"));
    for (const x of d.examples || []) {
      chips.appendChild(el("button", { type: "button", class: "chip", title: EXAMPLE_KIND[x.kind] || "", dataset: { kind: x.kind },
                                       onclick: () => { $("#ask-input").value = x.question; ask(x.question); } }, x.question));
    }
  }

  function initAsk() {
    loadExamples();
    $("#ask-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("#ask-input").value); });
    $("#ask-input").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask($("#ask-input").value); }
    });
    $("#clear-history").addEventListener("click", () => {
      history = [];
      store.del("qa.history");
      for (const t of $$(".turn")) t.remove();
      $("#welcome").hidden = false;
    });
    for (const h of history) renderTurn(h.question, h.scope, h.response, h.error);  // newest ends up first
    $("#welcome").hidden = history.length > 0;
  }

  let asking = false;
  async function ask(question) {
    question = (question || "").trim();
    if (!question || asking) return;
    if (question.length > 500) { toast("问题过长：最多 500 个字符", "error"); return; }
    const city = $("#ask-city").value || null;
    const yearV = $("#ask-year").value;
    const year = yearV ? Number(yearV) : null;
    const scope = [city, year ? year + " 年" : ""].filter(Boolean).join(" · ");
    $("#welcome").hidden = true;
    const turn = renderTurn(question, scope, null, null, true);
    asking = true;
    $("#ask-submit").disabled = true;
    let response = null, error = null;
    try {
      // the previous turn's resolved scope lets a follow-up ("那汕尾呢？") inherit what it omits
      const last = history.length ? history[history.length - 1] : null;
      const previous = last && last.response && last.response.scope ? { question: last.question, scope: last.response.scope } : null;
      response = await postJSON("/api/ask", { question, city, year, previous });
    } catch (e) {
      error = e.message;
    } finally {
      asking = false;
      $("#ask-submit").disabled = false;
    }
    turn.replaceWith(renderTurn(question, scope, response, error, false, turn));
    $("#ask-input").value = "";
    history.push({ question, scope, response, error });
    if (history.length > 30) history = history.slice(-30);
    store.set("qa.history", history);
    const first = $(".turn");
    if (first && first.getBoundingClientRect().top > window.innerHeight * 0.8) first.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function renderTurn(question, scope, resp, error, pending, replacing) {
    const turn = el("div", { class: "turn" },
      el("div", { class: "question-bubble" }, question, scope ? el("span", { class: "scope" }, "范围：" + scope) : null));
    if (pending) {
      turn.appendChild(el("div", { class: "card answer-card" }, el("div", { class: "loading" }, el("span", { class: "spinner" }), "正在查找报告…")));
    } else if (error) {
      turn.appendChild(el("div", { class: "card answer-card error-card", role: "alert" },
        el("div", { class: "none-title" }, "出错了"), el("p", { class: "answer-text" }, error)));
    } else if (resp) {
      turn.appendChild(answerCard(resp));
    }
    if (!replacing) { const c = $("#conversation"); c.insertBefore(turn, c.firstChild); }
    return turn;
  }

  function answerCard(a) {
    const route = a.route || a.kind;
    const none = a.kind === "none";
    const card = el("div", { class: "card answer-card" + (none ? " none-card" : ""), dataset: { kind: a.kind, route } });
    const top = el("div", { class: "answer-top" },
      el("span", { class: "badge" + (none ? " warn" : "") }, ROUTES[route] || route || a.kind),
      a.lang === "en" ? el("span", { class: "badge gray" }, "English") : null,
      !none && a.confidence ? el("span", { class: "badge gray", title: "置信度（0–100%）" }, `置信度 ${Math.round(Math.max(0, Math.min(1, a.confidence)) * 100)}%`) : null,
      a.timings && a.timings.total ? el("span", { class: "time" }, `用时 ${Math.round(a.timings.total)} 毫秒`) : null);
    card.appendChild(top);

    if (none) {
      card.appendChild(el("div", { class: "none-title" }, "报告中没有答案"));
      card.appendChild(el("p", { class: "answer-text" }, a.answer));
    } else {
      const f = (a.facts || [])[0];
      if (a.value !== null && a.value !== undefined && route !== "comparison" && route !== "ranking") {
        const fig = el("div", { class: "figure" },
          el("div", { class: "big-value" }, el("span", { class: "num" }, fmtNum(a.value)), a.unit ? el("span", { class: "unit" }, a.unit) : null));
        if (f && route !== "computed") {
          fig.appendChild(el("div", { class: "figure-meta" },
            f.subject ? el("span", {}, el("b", {}, "项目"), f.subject) : null,
            f.measure ? el("span", {}, el("b", {}, "口径"), f.measure) : null,
            f.organization ? el("span", { class: "org" }, el("b", {}, "机构"), f.organization) : null,
            f.place || f.city ? el("span", {}, el("b", {}, "地区"), f.place || f.city) : null,
            (f.period && f.period.year) || f.year ? el("span", {}, el("b", {}, "期间"),
              String((f.period && f.period.year) || f.year) + (f.period && f.period.kind === "target" ? "（预期目标）" : "")) : null));
        }
        card.appendChild(fig);
      }
      if ((route === "comparison" || route === "ranking") && (a.table || []).length) card.appendChild(compareTable(a.table));
      card.appendChild(el("p", { class: "answer-text" }, a.answer));
      if (a.formula) card.appendChild(el("div", { class: "formula" }, el("b", {}, "计算公式"), a.formula));
    }
    const sc = a.scope || {};
    const scopeBits = [
      (sc.orgs || []).length ? "机构：" + sc.orgs.join("、") : null,
      (sc.places || []).length ? "地区：" + sc.places.map((p) => p.name).join("、") : null,
      (sc.years || []).length ? "年度：" + sc.years.join("、") : null,
      (sc.carried || []).length ? "沿用上一问的" + sc.carried.join("；") : null].filter(Boolean);
    if (scopeBits.length) card.appendChild(el("div", { class: "scope-line", title: (sc.how || []).join("\n") }, "回答范围 · " + scopeBits.join(" · ")));
    if ((a.notes || []).length) {
      card.appendChild(el("div", { class: "list-title" }, "说明"));
      card.appendChild(el("ul", { class: "notes" }, a.notes.map((n) => el("li", {}, n))));
    }
    if ((a.suggestions || []).length) {
      card.appendChild(el("div", { class: "list-title" }, none ? "库中相关数据（仅供参考）" : "相关内容"));
      card.appendChild(el("ul", { class: "suggestions" }, a.suggestions.map((s) => el("li", {}, s))));
    }
    const cits = a.citations || [];
    if (cits.length) {
      card.appendChild(el("div", { class: "section-label" }, `出处（${cits.length}）`));
      card.appendChild(el("div", { class: "citations" }, cits.map((c, i) => citationCard(c, i + 1))));
    }
    const facts = a.facts || [];
    if (facts.length > 1 || (facts.length === 1 && route !== "fact")) {
      const det = el("details", { class: "facts-details" }, el("summary", {}, `依据的数据（${facts.length} 条）`));
      const tbody = el("tbody");
      for (const x of facts) {
        tbody.appendChild(clickable(el("tr", {},
          el("td", {}, x.city || ""), el("td", {}, x.year || ""), el("td", {}, x.subject), el("td", {}, x.measure),
          el("td", { class: "num" }, fmtNum(x.value)), el("td", {}, x.unit), el("td", { class: "num" }, x.page)),
        () => openSource(x.doc_id, x.page, x.text, x.title)));
      }
      det.appendChild(el("div", { class: "table-scroll" }, el("table", { class: "data-table" },
        el("thead", {}, el("tr", {}, ["城市", "年度", "项目", "口径", "数值", "单位", "页码"].map((h) => el("th", {}, h)))), tbody)));
      card.appendChild(det);
    }
    return card;
  }

  /** Comparison: one row per city, each figure linked to its source page. */
  function compareTable(rows) {
    const tbody = el("tbody");
    for (const r of rows) {
      const hasValue = r.value !== null && r.value !== undefined;
      if (!hasValue && r.missing) {
        tbody.appendChild(el("tr", { dataset: { city: r.city || "" } }, el("th", { scope: "row" }, r.label || r.city || "—"),
          el("td", {}, r.year ? String(r.year) : "—"), el("td", {}, r.subject || "—"), el("td", { class: "muted" }, "报告未载明")));
        continue;
      }
      const label = hasValue ? [el("span", {}, fmtNum(r.value)), r.unit ? el("span", { class: "u" }, r.unit) : null]
                             : [plainExcerpt(r.text, 120)];
      const link = el("button", { type: "button", class: "cell-link" + (hasValue ? "" : " text"),
                                  title: "查看原文第 " + r.page + " 页",
                                  onclick: () => openSource(r.doc_id, r.page, r.text, r.title) }, label);
      tbody.appendChild(el("tr", { dataset: { city: r.city || "" } },
        el("th", { scope: "row" }, (r.rank ? r.rank + ". " : "") + (r.label || r.city || "—")),
        el("td", {}, r.year ? String(r.year) : "—"),
        el("td", {}, [r.subject, r.measure].filter(Boolean).join(" · ") || "—"),
        el("td", {}, link, el("span", { class: "src" }, `${r.title || reportTitle(r.doc_id)} · 第 ${r.page} 页`))));
    }
    return el("div", { class: "compare-wrap" }, el("table", { class: "compare-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "机构 / 地区"), el("th", { scope: "col" }, "年度"),
        el("th", { scope: "col" }, "项目"), el("th", { scope: "col" }, "数值（点击查看出处）"))), tbody));
  }

  // ------------------------------------------------------------------ 数据
  const facts = { page: 1, total: 0, rows: [], sortKey: null, sortDir: 1, seq: 0 };
  const KIND_ZH = { actual: "实际", budget: "预算", target: "目标", average: "年均", cumulative: "累计", change: "增减" };

  function factFilters() {
    return { city: $("#facts-city").value, year: $("#facts-year").value, doc_id: $("#facts-doc").value, q: $("#facts-q").value.trim(),
             org: $("#facts-org").value.trim(), place: $("#facts-place").value.trim(), period: $("#facts-period").value,
             kind: $("#facts-kind").value };
  }

  async function loadFacts() {
    const seq = ++facts.seq;
    const f = factFilters();
    const size = Number($("#facts-page-size").value) || 50;
    $("#facts-csv").href = "/api/facts" + qs({ ...f, format: "csv" });
    const body = clear($("#facts-body"));
    body.appendChild(el("tr", {}, el("td", { colspan: 10, class: "muted" }, el("span", { class: "loading" }, el("span", { class: "spinner" }), "加载中…"))));
    let d;
    try {
      d = await api("/api/facts" + qs({ ...f, page: facts.page, page_size: size }));
    } catch (e) {
      if (seq !== facts.seq) return;
      clear(body).appendChild(el("tr", {}, el("td", { colspan: 10, class: "muted" }, "查询失败：" + e.message)));
      return;
    }
    if (seq !== facts.seq) return;
    facts.total = d.total;
    facts.rows = d.facts || [];
    const pages = Math.max(1, Math.ceil(d.total / d.page_size));
    $("#facts-summary").textContent = `共 ${d.total} 条数据` + (facts.rows.filter((r) => r.conflict).length ? `，本页 ${facts.rows.filter((r) => r.conflict).length} 条存在冲突` : "");
    $("#facts-pageinfo").textContent = `${d.page} / ${pages}`;
    $("#facts-prev").disabled = d.page <= 1;
    $("#facts-next").disabled = d.page >= pages;
    renderFacts();
  }

  function renderFacts() {
    const rows = facts.rows.slice();
    if (facts.sortKey) {
      const k = facts.sortKey, dir = facts.sortDir;
      rows.sort((a, b) => {
        const x = a[k], y = b[k];
        if (x === y) return 0;
        if (x === null || x === undefined || x === "") return 1;
        if (y === null || y === undefined || y === "") return -1;
        if (typeof x === "number" && typeof y === "number") return (x - y) * dir;
        if (typeof x === "boolean") return ((x ? 1 : 0) - (y ? 1 : 0)) * dir;
        return String(x).localeCompare(String(y), "zh-CN") * dir;
      });
    }
    for (const th of $$("#facts-table th[data-key]")) {
      th.setAttribute("aria-sort", th.dataset.key === facts.sortKey ? (facts.sortDir > 0 ? "ascending" : "descending") : "none");
    }
    const body = clear($("#facts-body"));
    if (!rows.length) {
      body.appendChild(el("tr", {}, el("td", { colspan: 10, class: "muted empty" }, "没有符合条件的数据")));
      return;
    }
    for (const r of rows) {
      const tr = el("tr", { class: r.conflict ? "conflict" : "", title: r.text || "" },
        el("td", { class: "nowrap" }, r.place || r.city || "—"),
        el("td", {}, r.organization || "—"),
        el("td", { class: "nowrap" }, (r.period_year || r.year || "—") + (r.period_kind ? " · " + (KIND_ZH[r.period_kind] || r.period_kind) : "")),
        el("td", {}, r.subject),
        el("td", { class: "nowrap" }, r.measure),
        el("td", { class: "num" }, fmtNum(r.value)),
        el("td", { class: "nowrap" }, r.unit),
        el("td", { class: "num" }, r.page),
        el("td", { class: "wrap" }, r.table || ""),
        el("td", {}, r.conflict ? el("span", { class: "badge danger", title: "自动校验发现不一致" }, "冲突") : ""));
      body.appendChild(clickable(tr, () => openSource(r.doc_id, r.page, r.text, r.title)));
    }
  }

  async function loadChecks() {
    const list = clear($("#checks-list"));
    let d;
    try {
      d = await api("/api/facts/checks?status=conflict");
    } catch (e) {
      list.appendChild(el("li", { class: "none" }, "读取失败：" + e.message));
      return;
    }
    $("#checks-count").textContent = String(d.checks.length);
    $("#checks-count").className = "badge " + (d.checks.length ? "danger" : "ok");
    if (!d.checks.length) { list.appendChild(el("li", { class: "none" }, "未发现冲突")); return; }
    for (const c of d.checks) {
      const li = el("li", {},
        el("div", {}, c.message),
        (c.expected !== null && c.expected !== undefined) ? el("div", { class: "muted" }, `应为 ${fmtNum(c.expected)}，实际 ${fmtNum(c.actual)}`) : null,
        el("div", { class: "check-doc" }, `${reportTitle(c.doc_id)} · 第 ${c.page} 页`));
      list.appendChild(clickable(li, () => openSource(c.doc_id, c.page, "")));
    }
  }

  function initFacts() {
    $("#facts-form").addEventListener("submit", (e) => { e.preventDefault(); facts.page = 1; loadFacts(); });
    $("#facts-form").addEventListener("reset", () => setTimeout(() => { facts.page = 1; loadFacts(); }, 0));
    for (const id of ["#facts-city", "#facts-year", "#facts-doc", "#facts-kind"]) $(id).addEventListener("change", () => { facts.page = 1; loadFacts(); });
    $("#facts-page-size").addEventListener("change", () => { facts.page = 1; loadFacts(); });
    $("#facts-q").addEventListener("input", () => { $("#facts-csv").href = "/api/facts" + qs({ ...factFilters(), format: "csv" }); });
    $("#facts-prev").addEventListener("click", () => { if (facts.page > 1) { facts.page--; loadFacts(); } });
    $("#facts-next").addEventListener("click", () => { facts.page++; loadFacts(); });
    for (const th of $$("#facts-table th[data-key]")) {
      th.tabIndex = 0;
      const sort = () => {
        if (facts.sortKey === th.dataset.key) facts.sortDir = -facts.sortDir;
        else { facts.sortKey = th.dataset.key; facts.sortDir = 1; }
        renderFacts();
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
    }
  }

  // ------------------------------------------------------------------ 检索
  const search = { last: null, seq: 0 };

  async function runSearch() {
    const q = $("#search-q").value.trim();
    if (!q) return;
    const seq = ++search.seq;
    const params = { q, city: $("#search-city").value, year: $("#search-year").value, type: $("#search-type").value, k: $("#search-k").value };
    const box = clear($("#search-results"));
    box.appendChild(el("div", { class: "loading" }, el("span", { class: "spinner" }), "检索中…"));
    let d;
    try {
      d = await api("/api/search" + qs(params));
    } catch (e) {
      if (seq !== search.seq) return;
      clear(box).appendChild(el("p", { class: "muted empty" }, "检索失败：" + e.message));
      return;
    }
    if (seq !== search.seq) return;
    search.last = d;
    renderFacets(d.facets || {}, params);
    clear(box);
    const results = d.results || [];
    if (!results.length) { box.appendChild(el("p", { class: "muted empty" }, "没有找到相关内容")); return; }
    box.appendChild(el("p", { class: "muted small-text" }, `显示 ${results.length} 条结果（共命中 ${d.total} 条）`));
    const groups = new Map();
    for (const r of results) {
      const key = r.city || "未识别城市";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    }
    for (const [city, rs] of groups) {
      const g = el("section", { class: "city-group", dataset: { city } },
        el("h3", {}, city, el("span", { class: "badge" }, `${rs.length} 条`)));
      const list = el("div", { class: "results" });
      for (const r of rs) list.appendChild(resultCard(r));
      g.appendChild(list);
      box.appendChild(g);
    }
  }

  function resultCard(r) {
    const pages = r.page_end && r.page_end !== r.page ? `第 ${r.page}–${r.page_end} 页` : `第 ${r.page} 页`;
    const card = el("article", { class: "result-card", dataset: { doc: r.doc_id, page: r.page } },
      el("div", { class: "cite-title" }, el("span", {}, r.title || reportTitle(r.doc_id))),
      el("div", { class: "cite-meta" },
        r.year ? el("span", {}, r.year + " 年") : null,
        r.report_type ? el("span", {}, r.report_type) : null,
        el("span", {}, pages),
        el("span", {}, "相关度 " + (r.score !== undefined ? Number(r.score).toFixed(2) : "—"))),
      r.section ? el("div", { class: "cite-section" }, "§ " + r.section) : null,
      appendPieces(el("div", { class: "cite-text" }), excerpt(r.text, r.highlight, 260)));
    return clickable(card, () => openSource(r.doc_id, r.page, r.highlight || r.text, r.title));
  }

  function renderFacets(facets, params) {
    const mk = (ul, counts, sel, current, label) => {
      clear(ul);
      const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
      ul.appendChild(el("li", {}, el("button", { type: "button", class: "facet" + (current ? "" : " active"),
        onclick: () => { $(sel).value = ""; runSearch(); } }, el("span", {}, "全部"))));
      for (const [k, n] of entries) {
        const usable = k !== "?";
        ul.appendChild(el("li", {}, el("button", {
          type: "button", class: "facet" + (String(current) === k ? " active" : ""), disabled: !usable, dataset: { value: k },
          onclick: () => { ensureOption($(sel), k, label); $(sel).value = k; runSearch(); },
        }, el("span", {}, usable ? label(k) : "未识别"), el("span", { class: "count" }, String(n)))));
      }
    };
    mk($("#facet-city"), facets.city, "#search-city", params.city, (x) => x);
    mk($("#facet-year"), facets.year, "#search-year", params.year, (x) => x + " 年");
  }
  function ensureOption(sel, value, label) {
    if (![...sel.options].some((o) => o.value === value)) sel.appendChild(el("option", { value }, label(value)));
  }

  function initSearch() {
    $("#search-form").addEventListener("submit", (e) => { e.preventDefault(); runSearch(); });
    for (const id of ["#search-city", "#search-year", "#search-type", "#search-k"]) {
      $(id).addEventListener("change", () => { if ($("#search-q").value.trim()) runSearch(); });
    }
  }

  // ------------------------------------------------------------------ 报告
  const token = () => $("#admin-token").value.trim();

  function renderReports() {
    const body = clear($("#reports-body"));
    $("#reports-count").textContent = `（${meta.reports.length} 份）`;
    if (!meta.reports.length) {
      body.appendChild(el("tr", {}, el("td", { colspan: 9, class: "muted empty" }, "尚未收录报告")));
      return;
    }
    // grouped by place, then organization (the store sorts them so)
    let lastPlace = null;
    for (const r of meta.reports) {
      const place = r.place || r.city || "（地区未知）";
      if (place !== lastPlace) {
        lastPlace = place;
        const n = meta.reports.filter((x) => (x.place || x.city || "（地区未知）") === place).length;
        body.appendChild(el("tr", { class: "group-row" }, el("th", { colspan: 9, scope: "rowgroup" }, `${place}（${n} 份）`)));
      }
      body.appendChild(el("tr", { dataset: { doc: r.doc_id } },
        el("td", { class: "title" }, r.title, r.source_name && r.source_name !== r.title ? el("div", { class: "muted small-text" }, r.source_name) : null,
          versionsOf(r)),
        el("td", { class: "nowrap" }, r.department || r.city || "—", unsureBadge(r)),
        el("td", {}, r.year || "—"),
        el("td", { class: "type" }, r.report_type || "—"),
        el("td", { class: "num" }, r.pages),
        el("td", { class: "num" }, r.n_chunks ?? r.chunks ?? ""),
        el("td", { class: "num" }, r.n_facts ?? r.facts ?? ""),
        el("td", { class: "num" }, r.conflicts ? el("span", { class: "badge danger" }, String(r.conflicts)) : "0"),
        el("td", {}, el("div", { class: "row-actions" },
          el("button", { type: "button", class: "btn small", onclick: () => showTree(r) }, "目录"),
          el("button", { type: "button", class: "btn small", onclick: () => openSource(r.doc_id, 1, "", r.title) }, "阅读"),
          el("button", { type: "button", class: "btn small edit-identity", onclick: () => toggleEdit(r) }, "更正"),
          el("a", { class: "btn small", href: `/api/reports/${encodeURIComponent(r.doc_id)}/file`, target: "_blank", rel: "noopener" }, "原文件"),
          el("button", { type: "button", class: "btn small danger", onclick: () => deleteReport(r) }, "删除")))));
    }
  }

  /** "旧版本 N": the replaced versions of a report, each with its file and a restore button. */
  function versionsOf(r) {
    const vs = meta.versions[r.doc_id] || [];
    if (!vs.length) return null;
    return el("details", { class: "versions small-text" }, el("summary", {}, `旧版本 ${vs.length}`),
      el("ul", {}, vs.map((v) => el("li", {},
        `版本 ${v.version_id} · ${v.source_name} · 替换于 ${new Date(v.replaced_at * 1000).toLocaleString("zh-CN")} `,
        v.has_file ? el("a", { href: `/api/versions/${v.version_id}/file`, target: "_blank", rel: "noopener" }, "原文件") : null,
        " ",
        v.has_file ? el("button", { type: "button", class: "btn small", onclick: () => restoreVersion(v) }, "恢复") : null))));
  }

  async function restoreVersion(v) {
    if (!token()) { toast("请先填写管理员令牌", "error"); $("#admin-token").focus(); return; }
    if (!confirm(`恢复旧版本 ${v.version_id}《${v.title}》？当前版本将保存为旧版本，可再恢复。`)) return;
    try {
      const res = await api(`/api/versions/${v.version_id}/restore`, { method: "POST", headers: { "X-Admin-Token": token() } });
      toast(res.summary || `已恢复旧版本 ${v.version_id}`, "ok");
    } catch (e) {
      toast("恢复失败：" + e.message, "error");
    }
    await refreshAll();
  }

  // ---- a report's identity: 不确定 fields with their evidence, and the 更正 form (PATCH /api/reports/{doc})
  const FIELD_LABEL = { place: "地点", organization: "机构", year: "年份", type: "类型" };
  const EDIT_FIELDS = [  // form field, label, report value, unsure field it confirms, input attributes
    ["place", "地点", (r) => r.place || r.city, "place", { maxlength: 60, placeholder: "深圳 / 上海市普陀区 / 440300" }],
    ["org", "机构", (r) => r.department, "organization", { maxlength: 100, class: "mid" }],
    ["year", "年度", (r) => r.year, "year", { type: "number", min: 1949, max: 2100 }],
    ["type", "类型", (r) => r.report_type, "type", { maxlength: 40 }],
    ["title", "标题", (r) => r.title, null, { maxlength: 200, class: "wide" }],
  ];

  /** "不确定 地点、年份": the fields whose evidence was weak, the evidence as tooltip and details. */
  function unsureBadge(r) {
    const unsure = r.unsure || [];
    if (!unsure.length) return null;
    const evidence = r.evidence || [];
    return el("details", { class: "identity-note small-text" },
      el("summary", {}, el("span", { class: "badge warn unsure", title: evidence.join("\n") || "没有依据" }, "不确定"),
        " ", unsure.map((f) => FIELD_LABEL[f] || f).join("、")),
      el("ul", {}, evidence.map((e) => el("li", {}, e))));
  }

  function toggleEdit(r) {
    const row = $(`#reports-body tr[data-doc="${CSS.escape(r.doc_id)}"]`);
    const next = row && row.nextElementSibling;
    if (next && next.classList.contains("edit-row")) { next.remove(); return; }
    if (row) row.after(el("tr", { class: "edit-row" }, el("td", { colspan: 9 }, editForm(r))));
  }

  function editForm(r) {
    const form = el("form", { class: "edit-form", dataset: { doc: r.doc_id } },
      EDIT_FIELDS.map(([name, label, get, , attrs]) =>
        el("label", {}, label, " ", el("input", { name, value: get(r) ?? "", ...attrs }))),
      el("button", { type: "submit", class: "btn small primary" }, "保存更正"),
      el("p", { class: "muted small-text" }, "只提交改动的字段；标为“不确定”的字段提交即视为已确认。"),
      (r.evidence || []).length ? el("ul", { class: "muted small-text" }, r.evidence.map((e) => el("li", {}, e))) : null);
    form.addEventListener("submit", (e) => { e.preventDefault(); submitEdit(r, form); });
    return form;
  }

  async function submitEdit(r, form) {
    if (!token()) { toast("请先填写管理员令牌", "error"); $("#admin-token").focus(); return; }
    const body = {};
    for (const [name, , get, field] of EDIT_FIELDS) {
      const v = form.elements[name].value.trim(), old = String(get(r) ?? "");
      if (v && (v !== old || (r.unsure || []).includes(field))) body[name] = name === "year" ? Number(v) : v;
    }
    if (!Object.keys(body).length) { toast("没有改动"); return; }
    try {
      const res = await api(`/api/reports/${encodeURIComponent(r.doc_id)}`, { method: "PATCH",
        headers: { "Content-Type": "application/json", "X-Admin-Token": token() }, body: JSON.stringify(body) });
      const changed = res.changed.map((c) => `${c.field}：${c.old ?? "—"} → ${c.new ?? "—"}`).join("；");
      toast(changed ? "已更正 " + changed : "已确认", "ok");
    } catch (e) {
      toast("更正失败：" + e.message, "error");
      return;
    }
    await refreshAll();
  }

  async function showTree(r) {
    const panel = $("#tree-panel");
    panel.hidden = false;
    $("#tree-title").textContent = "目录：" + r.title;
    const root = clear($("#tree"));
    root.appendChild(el("li", { class: "muted" }, "加载中…"));
    let d;
    try {
      d = await api(`/api/reports/${encodeURIComponent(r.doc_id)}`);
    } catch (e) {
      clear(root).appendChild(el("li", { class: "muted" }, "读取失败：" + e.message));
      return;
    }
    clear(root);
    const secs = d.sections || [];
    if (!secs.length) { root.appendChild(el("li", { class: "muted" }, "没有识别出章节")); return; }
    // Nest by level: a stack of <ul>s.
    const stack = [{ level: 0, ul: root }];
    for (const s of secs) {
      const level = Math.max(1, Number(s.level) || 1);
      while (stack.length > 1 && stack[stack.length - 1].level >= level) stack.pop();
      const parent = stack[stack.length - 1];
      const li = el("li", {}, el("button", { type: "button", class: "node", title: s.path,
        onclick: () => openSource(r.doc_id, s.page_start, "", r.title) },
        el("span", {}, s.title || (s.path || "").split(" > ").pop()), el("span", { class: "pg" }, `第 ${s.page_start} 页`)));
      parent.ul.appendChild(li);
      const sub = el("ul");
      li.appendChild(sub);
      stack.push({ level, ul: sub });
    }
    for (const ul of $$("ul", root)) if (!ul.children.length) ul.remove();
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  async function deleteReport(r) {
    if (!token()) { toast("请先填写管理员令牌", "error"); $("#admin-token").focus(); return; }
    if (!confirm(`确定删除报告《${r.title}》？此操作不可撤销。`)) return;
    try {
      await api(`/api/reports/${encodeURIComponent(r.doc_id)}`, { method: "DELETE", headers: { "X-Admin-Token": token() } });
      toast(`已删除《${r.title}》`, "ok");
      $("#tree-panel").hidden = true;
    } catch (e) {
      toast("删除失败：" + e.message, "error");
    }
    await refreshAll();
  }

  async function refreshAll() {
    await loadMeta();
    loadHealth();
    loadExamples();
    if (loaded.facts) { loadFacts(); loadChecks(); }
  }

  const STAGES = { parsing: "正在解析文档", ocr: "正在识别扫描页（OCR）", parsed: "文档已解析，正在抽取数据", embedded: "正在建立检索索引", done: "完成" };

  function setProgress(pct, text, state) {
    const bar = $("#upload-progress");
    $("#upload-status").hidden = false;
    bar.classList.toggle("indeterminate", pct === null);
    bar.classList.toggle("error", state === "error");
    bar.classList.toggle("done", state === "done");
    if (pct !== null) { $("#upload-bar").style.width = pct + "%"; bar.setAttribute("aria-valuenow", String(Math.round(pct))); }
    else bar.removeAttribute("aria-valuenow");
    const t = $("#upload-text");
    t.textContent = text;
    t.className = "small-text" + (state === "error" ? " error" : state === "done" ? " ok" : "");
  }

  /** What an ingest stored as 不确定 (one report: its note; a CSV: how many), for the upload summary. */
  function unsureSummary(r) {
    if (r.unsure_note) return `。身份${r.unsure_note}（可在列表中“更正”）`;
    if ((r.unsure || []).length && r.reports) return `。${r.unsure.length} 份报告的身份不确定（可在列表中“更正”）`;
    return "";
  }

  function uploadFile(file) {
    return new Promise((resolve, reject) => {
      const fd = new FormData();
      fd.append("file", file);
      const city = $("#upload-city").value.trim(), year = $("#upload-year").value.trim(), title = $("#upload-title").value.trim();
      if (city) fd.append("city", city);
      if (year) fd.append("year", year);
      if (title) fd.append("title", title);
      const org = $("#upload-org").value.trim(), type = $("#upload-type").value.trim();
      if (org) fd.append("org", org);
      if (type) fd.append("type", type);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/reports");
      xhr.setRequestHeader("X-Admin-Token", token());
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) setProgress(e.loaded / e.total * 20, `正在上传 ${Math.round(e.loaded / e.total * 100)}%`); };
      xhr.onload = () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch { /* not json */ }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
        else reject(new ApiFailure((body && body.error && body.error.message) || `上传失败（HTTP ${xhr.status}）`, xhr.status));
      };
      xhr.onerror = () => reject(new ApiFailure("上传失败：无法连接服务", 0));
      xhr.send(fd);
    });
  }

  async function pollJob(jobId) {
    for (;;) {
      const j = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
      if (j.status === "done") return j;
      if (j.status === "error") throw new ApiFailure((j.error && j.error.message) || "处理失败", 0, j.error && j.error.code);
      const frac = j.total ? j.done / j.total : 0;
      const pct = j.stage === "embedded" ? 30 + frac * 65 : j.stage === "parsed" ? 28 : 22;
      const label = STAGES[j.stage] || j.stage || "处理中";
      setProgress(pct, j.total && (j.stage === "embedded" || j.stage === "ocr") ? `${label}（${j.done}/${j.total}）` : label + "…");
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  function initReports() {
    const tok = $("#admin-token");
    tok.value = store.get("qa.adminToken", "");
    tok.addEventListener("input", () => store.set("qa.adminToken", tok.value));
    $("#reports-refresh").addEventListener("click", refreshAll);
    $("#tree-close").addEventListener("click", () => { $("#tree-panel").hidden = true; });
    $("#upload-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const file = $("#upload-file").files[0];
      if (!file) { toast("请选择要上传的文件", "error"); return; }
      if (!token()) { setProgress(0, "请先填写管理员令牌", "error"); tok.focus(); return; }
      const btn = $("#upload-submit");
      btn.disabled = true;
      setProgress(0, `正在上传 ${file.name}…`);
      try {
        const res = await uploadFile(file);
        setProgress(20, "已上传，等待处理…");
        const job = await pollJob(res.job);
        const r = job.result || {};
        setProgress(100, `完成：《${r.title || file.name}》${r.pages ?? "?"} 页，${r.chunks ?? "?"} 个文本块，${r.facts ?? "?"} 条数据` +
          (r.conflicts ? `，${r.conflicts} 处冲突` : "") + unsureSummary(r), "done");
        $("#upload-form").reset();
        await refreshAll();
      } catch (err) {
        setProgress(100, "上传失败：" + err.message, "error");
      } finally {
        btn.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ start
  document.addEventListener("DOMContentLoaded", () => {
    initSource();
    initAsk();
    initFacts();
    initSearch();
    initReports();
    initTabs();
    loadMeta();
    loadHealth();
  });

  // shared with the view modules (achievements.js) and tests; no report text goes through here
  window.reportQA = { openSource, ask, el, api, qs, clear };
})();
