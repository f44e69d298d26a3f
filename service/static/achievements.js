/* 报告问答 — the 成效 view: statements across places (GET /api/achievements), a bar chart when
 * they share a metric, targets beside results, CSV export. Uses the helpers app.js shares
 * (window.reportQA); report text is only inserted as text nodes. */
"use strict";

(function () {
  const $ = (sel, root = document) => root.querySelector(sel);
  const SVG = "http://www.w3.org/2000/svg";
  const CLAIMS = { figure: "数字", rank: "排名", coverage: "全覆盖", first: "首个/率先" };
  const KINDS = { actual: "实际", target: "目标", average: "年均", cumulative: "累计", change: "变化", budget: "预算", "": "" };
  let topics = [];
  let started = false;
  let seq = 0;

  const qa = () => window.reportQA;

  function period(s) {
    const k = KINDS[s.period_kind] ?? s.period_kind;
    if (s.period_year && s.period_end) return `${s.period_year}—${s.period_end} ${k}`;
    return s.period_year ? `${s.period_year} ${k}` : k;
  }

  function filters() {
    const f = {};
    for (const id of ["topic", "metric", "level", "year", "kind", "claim"]) {
      const v = $("#ach-" + id).value.trim();
      if (v) f[id] = v;
    }
    return f;
  }

  function fillMetrics() {
    const sel = $("#ach-metric");
    const keep = sel.value;
    const t = topics.find((x) => x.topic === $("#ach-topic").value.trim());
    const { el, clear } = qa();
    clear(sel).appendChild(el("option", { value: "" }, "全部指标"));
    for (const m of (t ? t.metrics : [])) sel.appendChild(el("option", { value: m }, m));
    if (t && t.metrics.includes(keep)) sel.value = keep;
  }

  /** The topic box named a metric (GDP → 地区生产总值): its topic's metrics offered, it selected. */
  function selectResolved(metric) {
    const sel = $("#ach-metric");
    if (sel.value === metric) return;
    const { el, clear } = qa();
    const t = topics.find((x) => x.metrics.includes(metric));
    clear(sel).appendChild(el("option", { value: "" }, "全部指标"));
    const ms = t ? t.metrics.slice() : [];
    if (!ms.includes(metric)) ms.unshift(metric);
    for (const m of ms) sel.appendChild(el("option", { value: m }, m));
    sel.value = metric;
  }

  /** What the topic box was read as, for the summary line. */
  function resolvedText(r) {
    if (!r || !r.how || r.how === "topic") return "";
    const what = r.how === "metric" ? `指标：${r.label}` : `关键词：${r.words.join(" ")}`;
    return what + (r.note ? `（${r.note}）` : "") + "；";
  }

  async function loadTopics() {
    const { api, el, clear, qs } = qa();
    const level = $("#ach-level").value;
    const d = await api("/api/achievements/topics" + qs(level ? { level } : {}));
    topics = d.topics || [];
    const list = clear($("#ach-topics"));
    for (const t of topics) list.appendChild(el("option", { value: t.topic }, `${t.topic}（${t.places} 地，${t.statements} 条）`));
    // metrics can be typed too (GDP, 地区生产总值, 粮食产量 …): offered after the topics
    const seen = new Set(topics.map((t) => t.topic));
    for (const t of topics) for (const m of t.metrics) {
      if (!seen.has(m)) { seen.add(m); list.appendChild(el("option", { value: m }, `指标 · ${t.topic}`)); }
    }
    fillMetrics();
  }

  function drawChart(chart, resolved) {
    const card = $("#ach-chart-card");
    const box = qa().clear($("#ach-chart"));
    if (!chart || !chart.bars || chart.bars.length < 2) { card.hidden = true; return; }
    card.hidden = false;
    const kind = KINDS[chart.period_kind] ?? chart.period_kind;
    const name = resolved && resolved.how === "metric" && resolved.metric === chart.metric ? resolved.label : chart.metric;
    $("#ach-chart-title").textContent = `${name}（${chart.period_year || ""} ${kind}，单位：${chart.unit}）`;
    box.setAttribute("aria-label", `${chart.metric} 各地对比，${chart.bars.length} 个地方`);
    const bars = chart.bars;
    const max = Math.max(...bars.map((b) => Math.abs(b.value || 0)), 1e-9);
    const rowH = 26, labelW = 110, width = 640, barW = width - labelW - 120;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${bars.length * rowH + 8}`);
    svg.setAttribute("width", "100%");
    svg.classList.add("bar-chart");
    bars.forEach((b, i) => {
      const y = i * rowH + 4;
      const g = document.createElementNS(SVG, "g");
      g.classList.add("bar");
      g.dataset.place = b.place;
      g.setAttribute("tabindex", "0");
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", String(labelW - 8)); label.setAttribute("y", String(y + 16));
      label.setAttribute("text-anchor", "end"); label.textContent = b.place;
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", String(labelW)); rect.setAttribute("y", String(y + 3));
      rect.setAttribute("height", String(rowH - 8));
      rect.setAttribute("width", String(Math.max(2, barW * Math.abs(b.value || 0) / max)));
      if (b.approx) rect.classList.add("approx");
      const val = document.createElementNS(SVG, "text");
      val.setAttribute("x", String(labelW + Math.max(2, barW * Math.abs(b.value || 0) / max) + 6));
      val.setAttribute("y", String(y + 16)); val.textContent = b.shown;
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${b.place}：${b.text}（第 ${b.page} 页）`;
      g.append(title, label, rect, val);
      g.addEventListener("click", () => qa().openSource(b.doc_id, b.page, b.text));
      g.addEventListener("keydown", (e) => { if (e.key === "Enter") qa().openSource(b.doc_id, b.page, b.text); });
      svg.appendChild(g);
    });
    box.appendChild(svg);
  }

  function drawTargets(rows) {
    const card = $("#ach-targets-card");
    const body = qa().clear($("#ach-targets tbody"));
    card.hidden = !rows || !rows.length;
    const { el } = qa();
    for (const t of rows || []) {
      const verdict = t.met === true ? "完成" : t.met === false ? "未完成" : "年度不同，仅对照";
      body.appendChild(el("tr", {},
        el("td", {}, t.label), el("td", {}, t.subject),
        el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); qa().openSource(t.target_doc_id, t.target_page, t.target_text); } },
          `${t.target_year} 年 ${t.target_text}`)),
        el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); qa().openSource(t.doc_id, t.page, t.highlight); } },
          `${t.year} 年 ${t.highlight}`)),
        el("td", { class: t.met === true ? "ok" : t.met === false ? "bad" : "muted" }, verdict)));
    }
  }

  function drawTable(places) {
    const { el, clear } = qa();
    const body = clear($("#ach-body"));
    for (const p of places) {
      p.statements.forEach((s, i) => {
        const open = () => qa().openSource(s.doc_id, s.page, s.text || s.sentence, s.title);
        const tr = el("tr", { class: "clickable", tabindex: "0", onclick: open,
                              onkeydown: (e) => { if (e.key === "Enter") open(); } },
          el("td", {}, i === 0 ? p.place : ""),
          el("td", {}, CLAIMS[s.claim] || s.claim),
          el("td", {}, s.metric),
          el("td", { class: "num" }, s.value === null || s.value === undefined ? (s.rank || "") : `${s.value}${s.unit || ""}`),
          el("td", {}, period(s)),
          el("td", { class: "quote" }, s.text),
          el("td", { class: "num" }, String(s.page)));
        body.appendChild(tr);
      });
    }
  }

  async function load() {
    const { api, qs } = qa();
    const f = filters();
    $("#ach-csv").href = "/api/achievements" + qs({ ...f, format: "csv" });
    const mine = ++seq;
    $("#ach-summary").textContent = "正在查询…";
    let d;
    try {
      d = await api("/api/achievements" + qs(f));
    } catch (e) {
      if (mine === seq) $("#ach-summary").textContent = "查询失败：" + e.message;
      return;
    }
    if (mine !== seq) return;
    const places = d.places || [];
    const r = d.resolved || {};
    if (r.how === "metric" && !f.metric) selectResolved(r.metric);
    $("#ach-summary").textContent = resolvedText(r) + (d.total
      ? `${places.length} 个地方，${d.total} 条表述` + (d.chart ? `；图表：${d.chart.metric}` : "")
      : "没有找到符合条件的表述：报告中没有载明，或换一个主题 / 指标 / 年度试试。");
    drawChart(d.chart, r);
    drawTargets(d.targets);
    drawTable(places);
  }

  function start() {
    if (started || !window.reportQA) return;
    started = true;
    // a new topic typed (a topic, a metric such as GDP, or words) drops the metric picked for the last one
    let topicShown = "";
    const topicChanged = () => {
      const t = $("#ach-topic").value.trim();
      if (t !== topicShown) { topicShown = t; fillMetrics(); }
    };
    $("#ach-form").addEventListener("submit", (e) => { e.preventDefault(); topicChanged(); load(); });
    $("#ach-topic").addEventListener("change", () => { topicChanged(); load(); });
    $("#ach-metric").addEventListener("change", load);
    $("#ach-level").addEventListener("change", () => { loadTopics().catch(() => {}); load(); });
    loadTopics().catch((e) => { $("#ach-summary").textContent = "无法读取主题：" + e.message; });
  }

  window.addEventListener("qa:view", (e) => { if (e.detail === "achievements") start(); });
  document.addEventListener("DOMContentLoaded", () => { if (location.hash === "#achievements") setTimeout(start, 0); });
})();
