// The ParetoPilot dashboard: hand-written, no build step, no dependencies.
//
// It draws what the server computes (Pareto ranks, hypervolume history, axes with their ticks) and
// follows the study's result stream to redraw while pilots report. The token comes from the login
// form or the `#token=` fragment of the URL `paretopilot serve` prints; it is kept in this tab's
// sessionStorage and sent as a bearer token, never in a URL.
"use strict";

const TOKEN_KEY = "paretopilot-token";
const TABLE_ROWS = 500;
const COLORS = { front: "#1f4e9c", dominated: "#9aa4ae", infeasible: "#c62828", line: "#1f77b4" };

const state = {
  token: null,
  study: null,
  data: null,
  summary: null,
  trials: [],
  pilots: [],
  x: 0,
  y: 1,
  sort: { key: "trial", down: false },
  filter: "",
  results: 0,
  stream: null,
  log: null,
  refreshTimer: null,
  lastRefresh: 0,
  pilotTimer: null,
};

// MARK: Plumbing

function $(id) { return document.getElementById(id); }

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options) {
  const response = await fetch(path, {
    ...(options || {}),
    headers: { Authorization: "Bearer " + state.token, Accept: "application/json" },
  });
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { const body = await response.json(); message = (body.error && body.error.message) || message; } catch (_) { }
    throw new APIError(response.status, message);
  }
  return response.json();
}

/** Reads a server-sent event stream with the bearer token (EventSource cannot send one). */
async function follow(path, onEvent, signal) {
  const response = await fetch(path, {
    headers: { Authorization: "Bearer " + state.token, Accept: "text/event-stream" },
    signal,
  });
  if (!response.ok) throw new APIError(response.status, "stream " + path + ": " + response.status);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = [], id = null;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = text;
        else if (field === "data") data.push(text);
        else if (field === "id") id = text;
      }
      if (data.length || name !== "message") onEvent(name, data.join("\n"), id);
    }
  }
}

function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  if (typeof value !== "number") return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}

function formatAgo(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const ago = Math.max(0, Date.now() / 1000 - seconds);
  if (ago < 90) return Math.round(ago) + " s ago";
  if (ago < 5400) return Math.round(ago / 60) + " min ago";
  return Math.round(ago / 3600) + " h ago";
}

// MARK: Token and routes

function readToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get("token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    fragment.delete("token");
    const rest = fragment.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function route() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  return fragment.get("study");
}

function showLogin(message) {
  stopStreams();
  const main = $("main");
  main.replaceChildren($("login-template").content.cloneNode(true));
  $("logout").hidden = true;
  $("where").textContent = "";
  if (message) $("login-error").textContent = message;
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    open();
  });
}

function fail(error) {
  if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
    showLogin(error.message + (error.status === 403 ? " (this token may not read it)" : ""));
  } else if (error.name !== "AbortError") {
    console.warn("paretopilot dashboard:", error.message);
    $("live").textContent = "disconnected: " + error.message;
  }
}

function stopStreams() {
  if (state.stream) { state.stream.abort(); state.stream = null; }
  if (state.log) { state.log.abort(); state.log = null; }
  if (state.pilotTimer) { clearInterval(state.pilotTimer); state.pilotTimer = null; }
  if (state.refreshTimer) { clearTimeout(state.refreshTimer); state.refreshTimer = null; }
}

async function open() {
  stopStreams();
  delete document.body.dataset.ready;
  if (!state.token) return showLogin();
  $("logout").hidden = false;
  const study = route();
  try {
    if (study) await openStudy(study);
    else await openStudies();
  } catch (error) {
    fail(error);
  }
}

// MARK: Studies

async function openStudies() {
  state.study = null;
  $("where").textContent = "studies";
  const studies = await api("/v1/studies");
  const rows = studies.map((s) => element("tr", { class: "clickable", onclick: () => { location.hash = "study=" + encodeURIComponent(s.name); } },
    element("td", { class: "text" }, element("a", { href: "#study=" + encodeURIComponent(s.name) }, s.name)),
    element("td", { class: "text" }, s.stopped ? "stopped: " + s.stopped : s.completed + s.failed + (s.infeasible || 0) >= s.budget ? "done" : "running"),
    element("td", {}, s.completed), element("td", {}, s.failed), element("td", {}, s.running), element("td", {}, s.pending),
    element("td", {}, s.budget), element("td", {}, formatNumber(s.hypervolume))));
  const table = element("table", { id: "studies" },
    element("thead", {}, element("tr", {}, ...["study", "state", "completed", "failed", "running", "pending", "budget", "hypervolume"]
      .map((h, i) => element("th", { class: i < 2 ? "text" : "" }, h)))),
    element("tbody", {}, ...rows));
  $("main").replaceChildren(element("section", { class: "panel wide" }, element("h2", {}, "Studies"),
    studies.length ? table : element("p", { class: "muted" }, "No studies yet.")));
  document.body.dataset.ready = "studies";
}

// MARK: One study

async function openStudy(name) {
  state.study = name;
  state.results = 0;
  state.x = 0;
  state.y = 1;
  $("where").textContent = name;
  const main = $("main");
  main.replaceChildren(
    element("section", { class: "panel wide", id: "summary" }),
    element("section", { class: "panel", id: "front-panel" },
      element("h2", { id: "front-title" }, "Pareto front"),
      element("div", { class: "controls", id: "front-axes" }, "x ", element("select", { id: "x-objective" }), " y ", element("select", { id: "y-objective" })),
      element("canvas", { id: "front", width: 560, height: 420 }),
      element("div", { class: "legend" },
        element("span", {}, element("i", { class: "dot-front" }), "front"),
        element("span", {}, element("i", { class: "dot-dominated" }), "dominated"),
        element("span", {}, element("i", { class: "dot-infeasible" }), "infeasible"))),
    element("section", { class: "panel", id: "matrix-panel", hidden: "" }, element("h2", {}, "All pairs of objectives"), element("canvas", { id: "matrix" })),
    element("section", { class: "panel", id: "hv-panel" }, element("h2", {}, "Hypervolume"), element("canvas", { id: "hypervolume", width: 480, height: 320 })),
    element("section", { class: "panel wide", id: "parallel-panel" }, element("h2", {}, "Parameters and objectives, coloured by Pareto rank"), element("canvas", { id: "parallel", height: 320 })),
    element("section", { class: "panel wide", id: "trials-panel" },
      element("h2", {}, "Trials"),
      element("div", { class: "controls" }, element("input", { id: "filter", type: "search", placeholder: "filter (state, pilot, error, ...)" }), element("span", { id: "trial-count", class: "muted" })),
      element("div", { class: "scroll" }, element("table", { id: "trials" }))),
    element("section", { class: "panel", id: "pilots-panel" }, element("h2", {}, "Pilots"), element("table", { id: "pilots" })),
    element("section", { class: "panel", id: "log-panel" }, element("h2", { id: "log-title" }, "Log"), element("p", { class: "muted", id: "log-hint" }, "Click a trial to follow its job's log."), element("pre", { id: "log" })),
  );
  for (const [id, cls] of [["dot-front", COLORS.front], ["dot-dominated", COLORS.dominated], ["dot-infeasible", COLORS.infeasible]]) {
    for (const node of document.getElementsByClassName(id)) node.style.background = cls;
  }
  $("filter").addEventListener("input", (event) => { state.filter = event.target.value.toLowerCase(); drawTrials(); });
  await refresh();
  document.body.dataset.ready = "study";
  followResults();
  state.pilotTimer = setInterval(() => refreshPilots().catch(fail), 5000);
}

async function refresh() {
  const name = encodeURIComponent(state.study);
  const [summary, data, trials] = await Promise.all([
    api("/v1/studies/" + name), api("/v1/studies/" + name + "/dashboard"), api("/v1/studies/" + name + "/trials"),
  ]);
  state.summary = summary;
  state.data = data;
  state.trials = trials;
  drawSummary();
  drawObjectiveChoices();
  drawFront();
  drawMatrix();
  drawHypervolume();
  drawParallel();
  drawTrials();
  await refreshPilots();
}

async function refreshPilots() {
  const answer = await api("/v1/pilots");
  state.pilots = answer.pilots;
  drawPilots();
}

function followResults() {
  const controller = new AbortController();
  state.stream = controller;
  // Only what comes after the data just drawn: the page has every earlier result already.
  const path = "/v1/studies/" + encodeURIComponent(state.study) + "/results?follow=true&after=latest";
  $("live").textContent = "live";
  follow(path, (name) => {
    if (name === "trial") {
      state.results += 1;
      document.body.dataset.results = String(state.results);
      scheduleRefresh();
    } else if (name === "end") {
      $("live").textContent = "study finished";
      scheduleRefresh();
    }
  }, controller.signal).catch(fail);
}

// Results arrive in bursts; redraw at most once per 0.8 s, and never more often than twice the
// time the last redraw took, so that a big study's page does not keep its server busy.
function scheduleRefresh() {
  if (state.refreshTimer) { state.refreshAgain = true; return; }
  state.refreshAgain = false;
  state.refreshTimer = setTimeout(() => {
    const start = performance.now();
    refresh().then(() => {
      state.lastRefresh = performance.now() - start;
      state.refreshTimer = null;
      if (state.refreshAgain) scheduleRefresh();  // results came in while it redrew
    }).catch((error) => { state.refreshTimer = null; fail(error); });
  }, Math.max(800, 2 * (state.lastRefresh || 0)));
}

function drawSummary() {
  const s = state.summary;
  const reason = s.stopped ? " · stopped: " + s.stopped : "";
  $("summary").replaceChildren(
    element("h2", {}, s.name),
    element("span", { id: "counts" }, s.completed + " completed · " + s.failed + " failed · " + (s.infeasible ? s.infeasible + " infeasible · " : "") + s.running + " running · " + s.pending + " pending of a budget of " + s.budget + (s.hypervolume !== null && s.hypervolume !== undefined ? " · hypervolume " + formatNumber(s.hypervolume) : "") + reason));
}

function drawObjectiveChoices() {
  const objectives = state.data.objectives;
  for (const [id, key] of [["x-objective", "x"], ["y-objective", "y"]]) {
    const select = $(id);
    if (select.options.length !== objectives.length) {
      select.replaceChildren(...objectives.map((o, i) => element("option", { value: i }, o.name)));
      select.onchange = () => { state[key] = Number(select.value); drawFront(); };
    }
    if (state[key] >= objectives.length) state[key] = Math.min(key === "x" ? 0 : 1, objectives.length - 1);
    select.value = String(state[key]);
  }
}

// MARK: Plots

/** Position in [0, 1] of `value` on `axis` (as the server's PlotAxis.position). */
function position(axis, value) {
  if (axis.scale === "log") {
    if (!(value > 0)) return 0;
    return (Math.log10(value) - Math.log10(axis.lower)) / Math.max(Math.log10(axis.upper) - Math.log10(axis.lower), 1e-300);
  }
  return axis.upper > axis.lower ? (value - axis.lower) / (axis.upper - axis.lower) : 0.5;
}

/** Axes with the server's ticks in a box of a canvas; returns the value-to-pixel maps. */
function frame(ctx, box, xAxis, yAxis, xLabel, yLabel, small) {
  const px = (v) => box.x + position(xAxis, v) * box.w;
  const py = (v) => box.y + box.h - position(yAxis, v) * box.h;
  ctx.strokeStyle = "#1b1f24"; ctx.fillStyle = "#1b1f24"; ctx.lineWidth = 1;
  ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.w, box.h);
  ctx.font = (small ? 10 : 12) + "px system-ui, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const tick of xAxis.ticks) {
    const x = px(tick.value);
    if (x < box.x - 1 || x > box.x + box.w + 1) continue;
    ctx.beginPath(); ctx.moveTo(x, box.y + box.h); ctx.lineTo(x, box.y + box.h + 4); ctx.stroke();
    if (!small) ctx.fillText(tick.label, x, box.y + box.h + 6);
  }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const tick of yAxis.ticks) {
    const y = py(tick.value);
    if (y < box.y - 1 || y > box.y + box.h + 1) continue;
    ctx.beginPath(); ctx.moveTo(box.x - 4, y); ctx.lineTo(box.x, y); ctx.stroke();
    if (!small) ctx.fillText(tick.label, box.x - 6, y);
  }
  if (xLabel) { ctx.textAlign = "center"; ctx.textBaseline = "bottom"; ctx.fillText(xLabel + (xAxis.scale === "log" ? " (log)" : ""), box.x + box.w / 2, box.y + box.h + (small ? 16 : 38)); }
  if (yLabel) {
    ctx.save(); ctx.translate(box.x - (small ? 8 : 56), box.y + box.h / 2); ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center"; ctx.textBaseline = "bottom"; ctx.fillText(yLabel + (yAxis.scale === "log" ? " (log)" : ""), 0, 0); ctx.restore();
  }
  return { px, py };
}

function objectiveLabel(o) { return o.name + " (" + (o.direction === "maximize" ? "max" : "min") + ")"; }

/** Dominated first, then infeasible, then the front on top; returns how many were drawn. */
function scatter(ctx, map, xs, ys, ranks, size) {
  let drawn = 0;
  const order = ranks.map((_, i) => i).sort((a, b) => (ranks[a] === 0) - (ranks[b] === 0) || (ranks[b] < 0) - (ranks[a] < 0));
  for (const i of order) {
    const x = map.px(xs[i]), y = map.py(ys[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    drawn += 1;
    if (ranks[i] < 0) {
      ctx.strokeStyle = COLORS.infeasible; ctx.lineWidth = 1.2;
      ctx.beginPath(); ctx.moveTo(x - size, y - size); ctx.lineTo(x + size, y + size); ctx.moveTo(x - size, y + size); ctx.lineTo(x + size, y - size); ctx.stroke();
    } else {
      ctx.fillStyle = ranks[i] === 0 ? COLORS.front : COLORS.dominated;
      ctx.beginPath(); ctx.arc(x, y, ranks[i] === 0 ? size + 1 : size, 0, 2 * Math.PI); ctx.fill();
    }
  }
  return drawn;
}

function clear(canvas) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  return ctx;
}

/** One objective: its value against the trial number, with the best so far as a staircase. */
function drawSingleObjective(ctx, canvas, data) {
  const o = data.objectives[0];
  const box = { x: 72, y: 12, w: canvas.width - 90, h: canvas.height - 64 };
  const map = frame(ctx, box, data.trials_axis, o.axis, "trial", objectiveLabel(o), false);
  const sign = o.direction === "maximize" ? -1 : 1;
  const feasible = data.ranks.map((r, i) => i).filter((i) => data.ranks[i] >= 0);
  if (feasible.length) {
    ctx.strokeStyle = COLORS.front; ctx.lineWidth = 1.5; ctx.beginPath();
    let best = o.values[feasible[0]];
    ctx.moveTo(map.px(data.trials[feasible[0]]), map.py(best));
    for (const i of feasible.slice(1)) {
      if (sign * (o.values[i] - best) < 0) {
        ctx.lineTo(map.px(data.trials[i]), map.py(best));
        best = o.values[i];
        ctx.lineTo(map.px(data.trials[i]), map.py(best));
      }
    }
    ctx.lineTo(map.px(data.trials_axis.upper), map.py(best));
    ctx.stroke();
  }
  return scatter(ctx, map, data.trials, o.values, data.ranks, 3);
}

function drawFront() {
  const data = state.data, canvas = $("front"), ctx = clear(canvas);
  const objectives = data.objectives;
  if (!objectives.length) return;
  const single = objectives.length === 1;
  $("front-title").textContent = single ? objectives[0].name + " against trials, best so far" : "Pareto front";
  $("front-axes").hidden = single;
  $("hv-panel").hidden = single;
  if (single) {
    canvas.dataset.points = String(drawSingleObjective(ctx, canvas, data));
    return;
  }
  const xo = objectives[state.x], yo = objectives[Math.min(state.y, objectives.length - 1)];
  const box = { x: 72, y: 12, w: canvas.width - 90, h: canvas.height - 64 };
  const map = frame(ctx, box, xo.axis, yo.axis, objectiveLabel(xo), objectiveLabel(yo), false);
  // The front as a staircase when the study has exactly these two objectives.
  if (objectives.length === 2 && state.x !== state.y) {
    const sx = xo.direction === "maximize" ? -1 : 1, sy = yo.direction === "maximize" ? -1 : 1;
    const front = data.ranks.map((r, i) => i).filter((i) => data.ranks[i] === 0).sort((a, b) => sx * (xo.values[a] - xo.values[b]) || sy * (yo.values[a] - yo.values[b]));
    if (front.length) {
      ctx.strokeStyle = COLORS.front; ctx.lineWidth = 1.5; ctx.beginPath();
      ctx.moveTo(map.px(xo.values[front[0]]), map.py(yo.values[front[0]]));
      for (let k = 1; k < front.length; k++) {
        ctx.lineTo(map.px(xo.values[front[k]]), map.py(yo.values[front[k - 1]]));
        ctx.lineTo(map.px(xo.values[front[k]]), map.py(yo.values[front[k]]));
      }
      ctx.stroke();
    }
  }
  canvas.dataset.points = String(scatter(ctx, map, xo.values, yo.values, data.ranks, 3));
}

function drawMatrix() {
  const data = state.data, objectives = data.objectives, m = objectives.length;
  const panel = $("matrix-panel"), canvas = $("matrix");
  if (m < 3) { panel.hidden = true; return; }
  panel.hidden = false;
  const cell = 150, pad = 28;
  canvas.width = pad + m * cell; canvas.height = pad + m * cell;
  const ctx = clear(canvas);
  let drawn = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const box = { x: pad + j * cell + 6, y: i * cell + 6, w: cell - 12, h: cell - 12 };
      if (i === j) {
        ctx.fillStyle = "#1b1f24"; ctx.font = "12px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.fillText(objectives[i].name, box.x + box.w / 2, box.y + box.h / 2);
        continue;
      }
      const map = frame(ctx, box, objectives[j].axis, objectives[i].axis, null, null, true);
      drawn += scatter(ctx, map, objectives[j].values, objectives[i].values, data.ranks, 1.5);
    }
  }
  canvas.dataset.points = String(drawn / (m * (m - 1)));
}

function drawHypervolume() {
  const data = state.data, canvas = $("hypervolume"), ctx = clear(canvas);
  const box = { x: 72, y: 12, w: canvas.width - 90, h: canvas.height - 64 };
  const map = frame(ctx, box, data.trials_axis, data.hypervolume_axis, "trials", "hypervolume", false);
  const history = data.hypervolume;
  if (history.length) {
    ctx.strokeStyle = COLORS.line; ctx.lineWidth = 2; ctx.beginPath();
    ctx.moveTo(map.px(0), map.py(0));
    for (const point of history) ctx.lineTo(map.px(point.trials), map.py(point.hypervolume));
    ctx.stroke();
  }
  canvas.dataset.points = String(history.length);
}

function drawParallel() {
  const data = state.data, canvas = $("parallel");
  const series = data.parameters.concat(data.objectives);
  const spacing = Math.max(90, Math.min(160, 1100 / Math.max(series.length - 1, 1)));
  canvas.width = 60 + spacing * (series.length - 1) + 60;
  const ctx = clear(canvas);
  const top = 24, bottom = canvas.height - 28;
  const xs = series.map((_, k) => 60 + k * spacing);
  const maxRank = Math.max(0, ...data.ranks);
  const order = data.ranks.map((_, i) => i).sort((a, b) => {
    const ra = data.ranks[a] < 0 ? maxRank + 1 : data.ranks[a], rb = data.ranks[b] < 0 ? maxRank + 1 : data.ranks[b];
    return rb - ra;
  });
  ctx.lineWidth = 1;
  for (const i of order) {
    const rank = data.ranks[i];
    if (rank < 0) ctx.strokeStyle = "rgba(198, 40, 40, 0.25)";
    else if (rank === 0) ctx.strokeStyle = "rgba(31, 78, 156, 0.9)";
    else { const t = Math.min(1, rank / Math.max(maxRank, 1)); ctx.strokeStyle = "rgba(" + Math.round(60 + 120 * t) + "," + Math.round(110 + 70 * t) + "," + Math.round(190 - 10 * t) + "," + (0.45 - 0.25 * t) + ")"; }
    ctx.beginPath();
    series.forEach((s, k) => {
      const y = bottom - position(s.axis, s.values[i]) * (bottom - top);
      if (k === 0) ctx.moveTo(xs[k], y); else ctx.lineTo(xs[k], y);
    });
    ctx.stroke();
  }
  ctx.fillStyle = "#1b1f24"; ctx.strokeStyle = "#1b1f24"; ctx.font = "11px system-ui, sans-serif";
  series.forEach((s, k) => {
    ctx.beginPath(); ctx.moveTo(xs[k] + 0.5, top); ctx.lineTo(xs[k] + 0.5, bottom); ctx.stroke();
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText(s.direction ? objectiveLabel(s) : s.name + (s.axis.scale === "log" ? " (log)" : ""), xs[k], top - 6);
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    for (const tick of s.axis.ticks) ctx.fillText(tick.label, xs[k] + 4, bottom - position(s.axis, tick.value) * (bottom - top));
  });
  canvas.dataset.lines = String(order.length);
}

// MARK: Tables

function trialColumns() {
  const objectives = state.data ? state.data.objectives.map((o) => o.name) : [];
  return [
    { key: "trial", label: "trial", value: (t) => t.trial },
    { key: "state", label: "state", text: true, value: (t) => t.state },
    { key: "attempts", label: "attempts", value: (t) => t.attempts },
    { key: "pilot", label: "pilot", text: true, value: (t) => t.pilot || "" },
    { key: "duration", label: "duration (s)", value: (t) => t.duration },
    ...objectives.map((name) => ({ key: "o:" + name, label: name, value: (t) => (t.outputs ? t.outputs[name] : undefined) })),
    { key: "feasible", label: "feasible", text: true, value: (t) => (t.feasible === undefined ? "" : t.feasible ? "yes" : "no") },
    { key: "pareto", label: "pareto", text: true, value: (t) => (t.pareto ? "yes" : "") },
    { key: "error", label: "last error", text: true, value: (t) => [t.error, t.stderr_tail ? t.stderr_tail.trim().split("\n").pop() : ""].filter(Boolean).join(": ") },
  ];
}

function drawTrials() {
  const columns = trialColumns();
  const sortColumn = columns.find((c) => c.key === state.sort.key) || columns[0];
  const filter = state.filter;
  let rows = state.trials;
  if (filter) rows = rows.filter((t) => columns.some((c) => String(c.value(t) ?? "").toLowerCase().includes(filter)));
  const direction = state.sort.down ? -1 : 1;
  rows = rows.slice().sort((a, b) => {
    const va = sortColumn.value(a), vb = sortColumn.value(b);
    if (va === vb) return a.trial - b.trial;
    if (va === undefined || va === null || va === "") return 1;
    if (vb === undefined || vb === null || vb === "") return -1;
    return (va < vb ? -1 : 1) * direction;
  });
  const shown = rows.slice(0, TABLE_ROWS);
  const head = element("tr", {}, ...columns.map((c) => element("th", {
    class: (c.text ? "text " : "") + (c.key === sortColumn.key ? "sorted" + (state.sort.down ? " down" : "") : ""),
    onclick: () => { state.sort = { key: c.key, down: state.sort.key === c.key ? !state.sort.down : false }; drawTrials(); },
  }, c.label)));
  const body = shown.map((t) => element("tr", { class: t.jobs && t.jobs.length ? "clickable" : "", "data-trial": t.trial, onclick: () => followLog(t) },
    ...columns.map((c) => {
      const value = c.value(t);
      return element("td", { class: (c.text ? "text " : "") + (c.key === "state" ? "state-" + t.state : "") + (c.key === "error" ? " error" : "") , title: c.key === "error" && t.stderr_tail ? t.stderr_tail : "" }, typeof value === "number" ? formatNumber(value) : value ?? "");
    })));
  $("trials").replaceChildren(element("thead", {}, head), element("tbody", {}, ...body));
  $("trial-count").textContent = rows.length > TABLE_ROWS ? "showing " + TABLE_ROWS + " of " + rows.length + " (filter or sort to see others)" : rows.length + " of " + state.trials.length + " trials";
}

function drawPilots() {
  const now = Date.now() / 1000;
  const head = element("tr", {}, ...["pilot", "last seen", "slots", "resources", "jobs"].map((h, i) => element("th", { class: i === 0 || i >= 3 ? "text" : "" }, h)));
  const rows = state.pilots.map((p) => {
    const r = p.resources || {};
    const resources = [r.cores ? r.cores + " cores" : "", r.memory_gb ? r.memory_gb + " GB" : "", r.gpus ? r.gpus + " GPUs" : "", r.queue || r.site || ""].filter(Boolean).join(", ");
    const leases = p.leases.map((l) => l.study + " #" + l.trial + " (job " + l.job + ", " + l.state + (l.lease_expires_at ? ", lease " + Math.max(0, Math.round(l.lease_expires_at - now)) + " s" : "") + ")").join("; ");
    return element("tr", {}, element("td", { class: "text" }, p.name), element("td", {}, formatAgo(p.last_seen)), element("td", {}, p.slots ?? ""), element("td", { class: "text" }, resources), element("td", { class: "text" }, leases || "none"));
  });
  $("pilots").replaceChildren(element("thead", {}, head), element("tbody", {}, ...(rows.length ? rows : [element("tr", {}, element("td", { class: "text muted", colspan: 5 }, "No pilot has asked for work since the server started."))])));
}

function followLog(trial) {
  if (!trial.jobs || !trial.jobs.length) return;
  const job = trial.job || trial.jobs[trial.jobs.length - 1];
  if (state.log) state.log.abort();
  const controller = new AbortController();
  state.log = controller;
  const log = $("log");
  log.replaceChildren();
  $("log-title").textContent = "Log of trial " + trial.trial + ", job " + job;
  $("log-hint").textContent = trial.stderr_tail ? "Last failure's stderr tail is shown first." : "";
  if (trial.stderr_tail) log.append(element("span", { class: "stderr" }, trial.stderr_tail.trimEnd() + "\n---\n"));
  follow("/v1/jobs/" + job + "/logs?follow=true", (name, data) => {
    if (name === "end") { log.append(element("span", { class: "pilot" }, "(job ended)\n")); return; }
    log.append(element("span", { class: name }, data + "\n"));
    log.scrollTop = log.scrollHeight;
  }, controller.signal).catch(fail);
}

// MARK: Start

window.addEventListener("hashchange", () => { state.token = readToken(); open(); });
document.addEventListener("DOMContentLoaded", () => {
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); state.token = null; showLogin(); });
  state.token = readToken();
  open();
});
