// The relay's dashboard: polls /health, /metrics and /clients, and tails an SSE stream. Every value
// from the relay is written as text, never as HTML.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");
const POINTS = 60;          // seconds of chart
const KEPT_EVENTS = 200;    // rows in the tail
const HELD_EVENTS = 1000;   // events kept while paused
const BODY_CHARS = 300;

const rates = { in: [], out: [] };
let last = null;            // {at, published, delivered} of the previous metrics poll
let paused = false;
let held = [];
let filter = null;          // a matcher, or null for every type

const $ = id => document.getElementById(id);

function withToken(path) {
  return TOKEN ? path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN) : path;
}

async function fetchText(path) {
  const r = await fetch(withToken(path), { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status + (r.status === 401 ? " (open this page with ?token=…)" : ""));
  return r.text();
}

function setText(id, value) { $(id).textContent = String(value); }

function duration(ms) {
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  if (d > 0) return d + "d " + h + "h";
  if (h > 0) return h + "h " + m + "m";
  if (m > 0) return m + "m " + (s % 60) + "s";
  return s + "s";
}

function metricsOf(text) {
  const values = {};
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    values[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return values;
}

async function pollStatus() {
  try {
    const health = JSON.parse(await fetchText("/health"));
    setText("relay-id", health.relay);
    setText("uptime", duration(health.uptimeMillis));
    setText("last-id", health.lastId);
    const m = metricsOf(await fetchText("/metrics"));
    const now = performance.now();
    const published = m.racket_events_published_total, delivered = m.racket_events_delivered_total;
    if (last) {
      const seconds = (now - last.at) / 1000;
      push(rates.in, Math.max(0, (published - last.published) / seconds));
      push(rates.out, Math.max(0, (delivered - last.delivered) / seconds));
      setText("rate-in", rates.in[rates.in.length - 1].toFixed(1));
      setText("rate-out", rates.out[rates.out.length - 1].toFixed(1));
      drawChart();
    }
    last = { at: now, published, delivered };
    setText("dropped", m.racket_events_dropped_total);
    setText("resyncs", m.racket_resyncs_total ?? 0);
    setText("disconnected", m.racket_subscribers_disconnected_total);
    setText("status", "live");
  } catch (e) {
    setText("status", "cannot read the relay: " + e.message);
  }
}

function push(series, value) {
  series.push(value);
  if (series.length > POINTS) series.shift();
}

function drawChart() {
  const max = Math.max(1, ...rates.in, ...rates.out);
  const scale = niceCeiling(max);
  const line = series => series.map((v, i) =>
    ((POINTS - series.length + i) * 600 / (POINTS - 1)).toFixed(1) + "," + (145 - v / scale * 135).toFixed(1)).join(" ");
  $("line-in").setAttribute("points", line(rates.in));
  $("line-out").setAttribute("points", line(rates.out));
  setText("chart-max", scale + "/s");
}

function niceCeiling(x) {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const f of [1, 2, 5, 10]) if (f * p >= x) return f * p;
  return 10 * p;
}

function drawGrid() {
  const grid = $("grid");
  for (const y of [10, 55, 100, 145]) {
    const l = document.createElementNS("http://www.w3.org/2000/svg", "line");
    l.setAttribute("x1", 0); l.setAttribute("x2", 600); l.setAttribute("y1", y); l.setAttribute("y2", y);
    grid.appendChild(l);
  }
}

async function pollClients() {
  try {
    const clients = JSON.parse(await fetchText("/clients")).clients;
    setText("client-count", clients.length);
    const rows = clients.map(c => {
      const o = c.origin || {};
      return [o.name ?? "–", c.transport, o.pid ? o.pid : "–", o.host ?? c.address, c.types === "" ? "(none)" : c.types,
        c.queued, new Date(c.since).toLocaleTimeString()];
    });
    const body = $("clients").tBodies[0];
    body.replaceChildren(...rows.map(values => {
      const tr = document.createElement("tr");
      values.forEach((v, i) => {
        const td = document.createElement("td");
        td.textContent = String(v);
        if (i === 0) td.className = "name";
        if (i === 4) td.className = "filter";
        if (i === 5) td.className = "num";
        tr.appendChild(td);
      });
      return tr;
    }));
  } catch (e) {
    setText("status", "cannot read the relay: " + e.message);
  }
}

// NATS-style patterns, as the relay matches them: '*' one token, '>' the rest, comma-separated.
function matcher(text) {
  const patterns = text.split(",").map(p => p.trim()).filter(p => p !== "").map(p => p.split("."));
  if (patterns.length === 0) return null;
  return type => {
    const tokens = type.split(".");
    return patterns.some(p => p.every((t, i) => t === ">" ? (i === p.length - 1 && tokens.length > i)
      : i < tokens.length && (t === "*" || t === tokens[i])) && (p[p.length - 1] === ">" || p.length === tokens.length));
  };
}

function tail() {
  const types = encodeURIComponent(">,racket.>");
  const source = new EventSource(withToken("/events?types=" + types + "&name=dashboard&untyped=true"));
  source.onmessage = message => {
    let e;
    try { e = JSON.parse(message.data); } catch { return; }
    if (paused) {
      held.push(e);
      if (held.length > HELD_EVENTS) held.shift();
      setText("held", held.length + " held");
    } else {
      show(e);
    }
  };
  source.onerror = () => setText("status", "stream interrupted; the browser reconnects");
}

function show(e) {
  const list = $("events");
  const li = document.createElement("li");
  li.dataset.type = e.type;
  if (e.type.startsWith("racket.")) li.className = "relay";
  const origin = e.origin || {};
  let body = JSON.stringify(e.body);
  if (body.length > BODY_CHARS) body = body.slice(0, BODY_CHARS) + "…";
  for (const [cls, text] of [["time", new Date(e.time).toLocaleTimeString()], ["id", e.id], ["type", e.type],
      ["origin", origin.name ?? origin.id], ["body", body]]) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = String(text);
    span.title = String(text);
    li.appendChild(span);
  }
  li.hidden = filter !== null && !filter(e.type);
  list.prepend(li);
  while (list.children.length > KEPT_EVENTS) list.lastElementChild.remove();
}

function applyFilter() {
  filter = matcher($("type-filter").value);
  for (const li of $("events").children) li.hidden = filter !== null && !filter(li.dataset.type);
}

function togglePause() {
  paused = !paused;
  $("pause").setAttribute("aria-pressed", String(paused));
  setText("pause", paused ? "Resume" : "Pause");
  if (!paused) {
    for (const e of held) show(e);
    held = [];
    setText("held", "");
  }
}

drawGrid();
$("type-filter").addEventListener("input", applyFilter);
$("pause").addEventListener("click", togglePause);
pollStatus();
pollClients();
setInterval(pollStatus, 1000);
setInterval(pollClients, 2000);
tail();
