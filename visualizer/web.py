"""A lecture as one self-contained web page: the hall's pictures as SVG, the engine's trajectories as data.

Everything is inline (no script, style, font or picture is fetched), so the file plays from a
USB stick or a learning platform without a network. The diagram of each step is the SVG the
scene itself draws (:mod:`visualizer.qt.web_export`); its nodes carry stand-in colours that the
page's script replaces, frame by frame, with the colours of activities the engine computed
(there is no second implementation of the engine in the page: it only looks values up and
interpolates between stored frames). Every combination of a step's interventions is stored, so
students can switch them; a prediction mode scores their guesses against the same numbers and
explains each miss with a chain of the model.

:func:`build_html` assembles the page from a plain-data description, so it imports no Qt.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from visualizer.atomic import write_text_atomically

__all__ = ["build_html", "write_html", "encode_frames"]


def encode_frames(levels: list[list[int]]) -> str:
    """Frames of small integers (0..255) as base64, one byte each (a step's activities or statuses)."""
    return base64.b64encode(bytes(value for frame in levels for value in frame)).decode("ascii")


def build_html(data: dict) -> str:
    """The page: ``data`` (title, steps with their SVG and frames, colour tables) inlined as JSON."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    return (
        _TEMPLATE.replace("__TITLE__", html.escape(data["title"]))
        .replace("__STYLE__", _STYLE)
        .replace("__SCRIPT__", _SCRIPT)
        .replace("__DATA__", payload)
    )


def write_html(data: dict, out: str | Path) -> Path:
    """Write the page atomically."""
    return write_text_atomically(Path(out), build_html(data))


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>__TITLE__</title><style>__STYLE__</style></head>
<body>
<header><div id="progress"></div><h1 id="heading"></h1><div id="where"><span id="step"></span> · <span id="clock"></span></div></header>
<main>
  <div id="stage"><div id="diagram"></div></div>
  <aside>
    <div id="caption"></div>
    <div id="question"></div>
    <div id="answer"></div>
    <div id="toggles"></div>
    <div id="predict"></div>
    <div id="legend"></div>
  </aside>
</main>
<footer>
  <button id="prev" title="Previous (Page Up, Left)">◀ Previous</button>
  <button id="play" title="Play or pause">▶ Play</button>
  <button id="next" title="Next (Page Down, Right, Space)">Next ▶</button>
  <input type="range" id="time" min="0" max="1000" value="0" title="Scrub through the step's time">
  <label><input type="checkbox" id="predictmode"> Predict before each step plays</label>
  <button id="save" title="Save your predictions as CSV">Save my results (CSV)</button>
  <span id="score"></span>
</footer>
<script id="lecture-data" type="application/json">__DATA__</script>
<script>__SCRIPT__</script>
</body></html>
"""

_STYLE = """
:root { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fff; }
body { margin: 0; display: flex; flex-direction: column; height: 100vh; }
header { padding: 0.4em 1em 0.2em; position: relative; }
#progress { position: absolute; left: 0; top: 0; height: 5px; background: #3B6EA8; }
h1 { margin: 0.2em 0 0; font-size: 2.2vw; }
#where { color: #5e5e5e; font-size: 1.3vw; }
main { flex: 1; display: flex; min-height: 0; }
#stage { flex: 3; position: relative; min-width: 0; overflow: hidden; }
#diagram { position: absolute; inset: 0; }
#diagram svg { width: 100%; height: 100%; display: block; }
aside { flex: 1.1; padding: 0.5em 1em; overflow-y: auto; font-size: 1.25vw; line-height: 1.35; }
#question { font-weight: bold; margin-top: 0.8em; }
#answer { margin-top: 0.5em; }
#answer.hidden { display: none; }
#toggles label, #predict div { display: block; margin: 0.2em 0; }
#time { flex: 1; }
#toggles { margin-top: 0.8em; }
#predict .miss { color: #b03a2e; margin-top: 0.3em; }
#legend { margin-top: 1em; color: #5e5e5e; font-size: 0.9em; }
footer { padding: 0.4em 1em; border-top: 1px solid #ccc; display: flex; gap: 1em; align-items: center; font-size: 1.1vw; }
button { font-size: 1em; padding: 0.3em 0.8em; }
.pred { font: bold 28px sans-serif; paint-order: stroke; stroke: #fff; stroke-width: 5px; }
.selected-node { stroke: #E69F00; stroke-width: 5; fill: none; }
"""

_SCRIPT = r"""
"use strict";
const D = JSON.parse(document.getElementById("lecture-data").textContent);
const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";
function bytes(b64) { const s = atob(b64); const a = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i); return a; }
for (const step of D.steps) for (const combo of step.combos) { combo.levels = bytes(combo.levels); combo.status = bytes(combo.status); }
let index = 0, answerShown = false, playing = false, t = 0, mask = 0, last = null;
let predicting = false, predictions = {}, judged = {}, selected = null;
const results = [];
let nodeEls = null;

function step() { return D.steps[index]; }
function combo() { const s = step(); return s.combos.find((c) => c.mask === mask) || s.combos[s.combos.length - 1]; }
function needsPrediction() { return predicting && step().predict.length > 0 && !judged[index]; }

function show(i) {
  index = Math.max(0, Math.min(D.steps.length - 1, i));
  const s = step();
  answerShown = false; t = 0; mask = s.full; selected = null; predictions = {};
  $("diagram").innerHTML = s.svg;
  const svg = $("diagram").querySelector("svg");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.removeAttribute("width"); svg.removeAttribute("height");
  nodeEls = {};
  for (const el of svg.querySelectorAll("[data-f],[data-t]")) {
    const key = el.hasAttribute("data-f") ? "f" + el.getAttribute("data-f") : "t" + el.getAttribute("data-t");
    (nodeEls[key] = nodeEls[key] || []).push(el);
  }
  const overlay = document.createElementNS(SVGNS, "g"); overlay.setAttribute("id", "overlay"); svg.appendChild(overlay);
  svg.addEventListener("click", onDiagramClick);
  $("heading").textContent = s.title;
  $("step").textContent = "step " + (index + 1) + " of " + D.steps.length;
  $("progress").style.width = (100 * (index + 1) / D.steps.length) + "%";
  $("caption").textContent = s.caption;
  $("question").textContent = s.question ? "Question: " + s.question : "";
  $("answer").textContent = s.answer ? "Answer: " + s.answer : "";
  $("answer").className = s.answer ? "hidden" : "";
  $("legend").textContent = s.legend;
  const toggles = $("toggles"); toggles.innerHTML = "";
  s.interventions.forEach((iv, k) => {
    const label = document.createElement("label"); const box = document.createElement("input");
    box.type = "checkbox"; box.checked = !!(mask & (1 << k));
    box.addEventListener("change", () => { mask = box.checked ? (mask | (1 << k)) : (mask & ~(1 << k)); t = 0; playing = true; render(); });
    label.appendChild(box); label.appendChild(document.createTextNode(" " + iv)); toggles.appendChild(label);
  });
  playing = !(s.question && s.answer) && !needsPrediction();
  renderPredictions(); render(); updatePlay();
}

function frameValues() {
  const c = combo(), n = step().nodes.length, frames = c.levels.length / n;
  const x = t * (frames - 1), k = Math.min(Math.floor(x), frames - 2), a = x - k;
  const levels = new Float32Array(n), status = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    levels[i] = frames > 1 ? (1 - a) * c.levels[k * n + i] + a * c.levels[(k + 1) * n + i] : c.levels[i];
    status[i] = c.status[Math.round(x) * n + i];
  }
  return [levels, status, Math.round(x)];
}

function render() {
  const s = step(); const [levels, status, frame] = frameValues();
  const overlay = $("diagram").querySelector("#overlay"); overlay.innerHTML = "";
  s.nodes.forEach((node, i) => {
    const level = Math.max(0, Math.min(255, Math.round(levels[i])));
    for (const el of nodeEls["f" + node.i] || []) el.setAttribute("fill", D.colours[level]);
    for (const el of nodeEls["t" + node.i] || []) el.setAttribute("fill", D.text[level]);
    if (!node.box) return;
    const [x, y, w, h] = node.bar;
    const track = document.createElementNS(SVGNS, "rect");
    track.setAttribute("x", x); track.setAttribute("y", y); track.setAttribute("width", w); track.setAttribute("height", h);
    track.setAttribute("fill", D.text[level]); track.setAttribute("fill-opacity", "0.25"); overlay.appendChild(track);
    const bar = document.createElementNS(SVGNS, "rect");
    bar.setAttribute("x", x); bar.setAttribute("y", y); bar.setAttribute("width", w * level / 255); bar.setAttribute("height", h);
    bar.setAttribute("fill", D.text[level]); overlay.appendChild(bar);
    const badge = D.badges[status[i]];
    if (badge && !(s.question && s.answer && !answerShown) && !needsPrediction()) {
      const [cx, cy, r] = node.badge;
      const shape = document.createElementNS(SVGNS, "polygon");
      shape.setAttribute("points", badge.points.map(([px, py]) => (cx + px * r) + "," + (cy + py * r)).join(" "));
      shape.setAttribute("fill", badge.color); shape.setAttribute("stroke", "#fff"); shape.setAttribute("stroke-width", r * 0.15);
      shape.setAttribute("data-status", badge.name); overlay.appendChild(shape);
      if (badge.symbol) {
        const text = document.createElementNS(SVGNS, "text");
        text.setAttribute("x", cx); text.setAttribute("y", cy + r * 0.45); text.setAttribute("text-anchor", "middle");
        text.setAttribute("font-size", r * 1.3); text.setAttribute("font-weight", "bold"); text.setAttribute("fill", "#fff");
        text.textContent = badge.symbol; overlay.appendChild(text);
      }
    }
  });
  drawPredictions(overlay);
  $("clock").textContent = combo().times[frame];
  $("time").value = Math.round(t * 1000);
}

const ARROWS = { up: "▲", down: "▼", unchanged: "=" };
function drawPredictions(overlay) {
  if (!predicting) return;
  const s = step();
  for (const node of s.predict) {
    const geometry = s.nodes.find((n) => n.id === node);
    if (!geometry || !geometry.box) continue;
    const [x, y, w, h] = geometry.box;
    if (selected === node) {
      const ring = document.createElementNS(SVGNS, "rect");
      ring.setAttribute("x", x - 6); ring.setAttribute("y", y - 6); ring.setAttribute("width", w + 12); ring.setAttribute("height", h + 12);
      ring.setAttribute("class", "selected-node"); overlay.appendChild(ring);
    }
    const mark = judged[index] ? (judged[index][node].correct ? "✓ " : "✗ ") + ARROWS[judged[index][node].actual] : (ARROWS[predictions[node]] || "?");
    const text = document.createElementNS(SVGNS, "text");
    text.setAttribute("x", x + w + 8); text.setAttribute("y", y + h / 2 + 10); text.setAttribute("class", "pred");
    text.setAttribute("fill", judged[index] ? (judged[index][node].correct ? "#009E73" : "#D55E00") : "#0072B2");
    text.setAttribute("data-predict", node); text.textContent = mark; overlay.appendChild(text);
  }
}

function renderPredictions() {
  const box = $("predict"); box.innerHTML = "";
  const s = step();
  if (!predicting || !s.predict.length) return;
  if (!judged[index]) {
    const intro = document.createElement("div");
    intro.textContent = "Predict: click each marked node (or Tab to it and press U, D or N) for up, down or unchanged, then press Next to play the step.";
    box.appendChild(intro);
    return;
  }
  const right = Object.values(judged[index]).filter((o) => o.correct).length;
  const head = document.createElement("div"); head.textContent = "Your predictions: " + right + " of " + s.predict.length + " right."; box.appendChild(head);
  for (const node of s.predict) {
    const o = judged[index][node];
    if (o.correct) continue;
    const miss = document.createElement("div"); miss.className = "miss"; miss.textContent = o.why; box.appendChild(miss);
  }
}

function judge() {
  const s = step(); const outcome = {};
  for (const node of s.predict) {
    const truth = s.truth[node];
    outcome[node] = { predicted: predictions[node] || "", actual: truth.direction, correct: predictions[node] === truth.direction, why: truth.why };
    results.push([index + 1, s.title, node, predictions[node] || "", truth.direction, predictions[node] === truth.direction ? 1 : 0, truth.start, truth.end]);
  }
  judged[index] = outcome;
  const total = results.length, right = results.filter((r) => r[5]).length;
  $("score").textContent = "Score: " + right + " of " + total;
  renderPredictions();
}

function onDiagramClick(event) {
  if (!needsPrediction()) return;
  const svg = event.currentTarget, point = svg.createSVGPoint();
  point.x = event.clientX; point.y = event.clientY;
  const p = point.matrixTransform(svg.getScreenCTM().inverse());
  for (const node of step().predict) {
    const g = step().nodes.find((n) => n.id === node);
    if (!g || !g.box) continue;
    const [x, y, w, h] = g.box;
    if (p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h) { cycle(node); return; }
  }
}
function cycle(node) { const order = ["up", "down", "unchanged"]; const k = order.indexOf(predictions[node]); predictions[node] = order[(k + 1) % 3]; selected = node; render(); }

function next() {
  const s = step();
  if (needsPrediction()) { judge(); playing = true; t = 0; render(); updatePlay(); return; }
  if (s.question && s.answer && !answerShown) { answerShown = true; $("answer").className = ""; playing = true; t = 0; render(); updatePlay(); return; }
  if (index < D.steps.length - 1) show(index + 1);
}
function previous() {
  if (answerShown) { answerShown = false; $("answer").className = "hidden"; playing = false; t = 0; render(); updatePlay(); return; }
  if (index > 0) show(index - 1);
}
function updatePlay() { $("play").textContent = playing ? "❚❚ Pause" : "▶ Play"; }

let typed = "";
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT") return;
  const k = e.key;
  if (predicting && needsPrediction()) {
    const nodes = step().predict;
    if (k === "Tab") { e.preventDefault(); selected = nodes[(nodes.indexOf(selected) + 1) % nodes.length]; render(); return; }
    const choice = { u: "up", d: "down", n: "unchanged" }[k.toLowerCase()];
    if (choice && selected) { predictions[selected] = choice; render(); return; }
  }
  if (/^[0-9]$/.test(k)) { typed += k; return; }
  if ((k === "Enter") && typed) { show(parseInt(typed, 10) - 1); typed = ""; e.preventDefault(); return; }
  typed = "";
  if (["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"].includes(k)) { e.preventDefault(); next(); }
  else if (["ArrowLeft", "ArrowUp", "PageUp", "Backspace"].includes(k)) { e.preventDefault(); previous(); }
  else if (k === "Home") show(0);
  else if (k === "End") show(D.steps.length - 1);
});
$("next").addEventListener("click", next);
$("prev").addEventListener("click", previous);
$("play").addEventListener("click", () => { if (t >= 1) t = 0; playing = !playing; updatePlay(); });
$("time").addEventListener("input", (e) => { t = e.target.value / 1000; playing = false; updatePlay(); render(); });
$("predictmode").addEventListener("change", (e) => { predicting = e.target.checked; show(index); });
$("save").addEventListener("click", () => {
  const rows = [["step", "title", "node", "predicted", "simulated", "right", "start", "end"], ...results];
  const csv = rows.map((r) => r.map((v) => '"' + String(v).replace(/"/g, '""') + '"').join(",")).join("\n") + "\n";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  link.download = "predictions.csv"; link.click();
});
function tick(now) {
  if (last === null) last = now;
  const dt = Math.min(0.1, (now - last) / 1000); last = now;
  if (playing) { t = Math.min(1, t + dt / step().seconds); render(); if (t >= 1) { playing = false; updatePlay(); } }
  requestAnimationFrame(tick);
}
show(0);
requestAnimationFrame(tick);
window.lecture = { show, next, previous, state: () => ({ index, t, playing, answerShown, mask }) };
"""
