// The kairos remote view: one WebSocket to the daemon's bridge (/ws, authenticated by the
// session cookie), speaking the bridge protocol. No library, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const SHOWN = 160;        // characters of a tool input in a folded summary
const RESULT_MAX = 8000;  // characters of a tool result kept on the page
const SNAPSHOT_EVERY_MS = 3000;

let ws = null;
let nextId = 1;
let retryMs = 500;
let textEl = null;        // the paragraph the streaming text goes into
let streamed = false;
const tools = new Map();  // tool_use_id -> <details>

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

function toast(text, bad) {
  const t = $("toast");
  t.textContent = text;
  t.classList.toggle("bad", Boolean(bad));
}

function request(op, fields) {
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    toast("not connected; retrying…", true);
    return false;
  }
  ws.send(JSON.stringify(Object.assign({ op: op, id: nextId++ }, fields || {})));
  return true;
}

function short(value, n) {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s.length > n ? s.slice(0, n) + "…" : s;
}

function toolLine(name, input) {
  for (const key of ["file_path", "notebook_path", "command", "url", "pattern", "path"]) {
    if (typeof input[key] === "string" && input[key]) return name + " " + short(input[key], SHOWN);
  }
  return name + " " + short(input, SHOWN);
}

// -- the turn in progress ------------------------------------------------------------------

function turnBox() { return $("turn"); }

function stick(fn) {
  const box = turnBox();
  const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  fn(box);
  if (atEnd) box.scrollTop = box.scrollHeight;
}

function startTurn(event) {
  const box = turnBox();
  box.replaceChildren();
  tools.clear();
  textEl = null;
  streamed = false;
  const text = String(event.text || "");
  const who = el("div", { class: "who" }, el("b", {}, event.origin || "user"), " · ",
    new Date((event.ts || Date.now() / 1000) * 1000).toLocaleTimeString());
  box.append(who);
  if (text.length > 400 || text.includes("\n")) {
    box.append(el("details", { class: "prompt" }, el("summary", {}, short(text.split("\n")[0], 120)),
      el("pre", {}, text)));
  } else {
    box.append(el("div", { class: "text prompt" }, text));
  }
}

function appendText(text) {
  stick((box) => {
    if (!textEl) {
      textEl = el("div", { class: "text reply" });
      box.append(textEl);
    }
    textEl.textContent += text;
  });
}

function onEvent(event) {
  switch (event.type) {
    case "user_message":
      startTurn(event);
      break;
    case "text_delta":
      streamed = true;
      appendText(event.text || "");
      break;
    case "assistant_message":
      if (!streamed) {
        const text = (event.content || []).filter((b) => b.type === "text").map((b) => b.text).join("");
        if (text) appendText(text);
      }
      streamed = false;
      textEl = null;
      break;
    case "tool_requested": {
      const details = el("details", { class: "tool", "data-tool": event.name },
        el("summary", {}, toolLine(event.name, event.input || {}), el("span", { class: "status" }, "requested")),
        el("pre", { class: "input" }, JSON.stringify(event.input || {}, null, 2)));
      tools.set(event.tool_use_id, details);
      textEl = null;
      stick((box) => box.append(details));
      // a page opened while the call waits: its request may have come first
      const asked = document.querySelector('.ask[data-tool-use-id="' + event.tool_use_id + '"]');
      if (asked) markWaiting(details);
      break;
    }
    case "permission_decided": {
      const details = tools.get(event.tool_use_id);
      if (details) {
        details.classList.remove("waiting");
        details.querySelector(".status").textContent = event.decision;
        details.append(el("div", { class: "small muted" }, "permission: " + event.decision + " — " + event.reason));
      }
      break;
    }
    case "tool_started": {
      const details = tools.get(event.tool_use_id);
      if (details) details.querySelector(".status").textContent = "running…";
      break;
    }
    case "tool_finished": {
      const details = tools.get(event.tool_use_id);
      if (details) {
        details.classList.add(event.is_error ? "error" : "ok");
        details.querySelector(".status").textContent =
          (event.is_error ? "error" : "done") + " · " + Math.round(event.duration_ms || 0) + " ms";
      }
      break;
    }
    case "tool_results":
      for (const block of event.content || []) {
        const details = tools.get(block.tool_use_id);
        if (!details) continue;
        let text = block.content;
        if (Array.isArray(text)) text = text.map((b) => b.text || "[" + b.type + "]").join("");
        details.append(el("pre", { class: "result" }, short(String(text ?? ""), RESULT_MAX)));
      }
      break;
    case "turn_end":
      stick((box) => box.append(el("div", { class: "end" }, "turn ended: " + event.reason)));
      textEl = null;
      snapshot();
      break;
    case "notice":
    case "error":
      stick((box) => box.append(el("div", { class: "note" }, event.text || event.error || "")));
      break;
    default:
      break;
  }
}

// -- permission requests -------------------------------------------------------------------

function markWaiting(details) {
  details.classList.add("waiting");
  details.querySelector(".status").textContent = "waiting for your answer";
}

function showAsk(ask) {
  if (document.querySelector('.ask[data-id="' + ask.id + '"]')) return;
  const tool = tools.get(ask.tool_use_id);
  if (tool) markWaiting(tool);
  const left = () => Math.max(0, Math.round(ask.expires_at - Date.now() / 1000));
  const timer = el("span", { class: "left" }, left() + "s left");
  const button = (label, answer, cls) => el("button", {
    type: "button", class: cls, "data-answer": answer,
    onclick: () => { if (request("answer", { request: ask.id, answer: answer })) card.classList.add("sent"); },
  }, label);
  const card = el("div", { class: "ask", "data-id": ask.id, "data-tool-use-id": ask.tool_use_id },
    el("div", { class: "what" }, "Allow " + toolLine(ask.tool, ask.input || {}) + "?"),
    el("div", { class: "why" }, ask.reason + " · " + ask.origin + " turn · ", timer),
    el("details", {}, el("summary", {}, "input"), el("pre", {}, JSON.stringify(ask.input || {}, null, 2))),
    el("div", { class: "buttons" },
      button("Allow once", "allow", "allow"),
      button("Always allow", "always", ""),
      button("Deny", "deny", "deny")));
  card.tick = setInterval(() => { timer.textContent = left() + "s left"; }, 1000);
  $("permissions").append(card);
}

function dropAsk(id) {
  const card = document.querySelector('.ask[data-id="' + id + '"]');
  if (card) { clearInterval(card.tick); card.remove(); }
}

// -- the side panels -----------------------------------------------------------------------

function money(v) { return v === null || v === undefined ? "no limit" : "$" + Number(v).toFixed(2); }
function count(v) { return v === null || v === undefined ? "no limit" : String(v); }

function render(snap) {
  const state = $("state");
  state.textContent = snap.state;
  state.dataset.state = snap.state;
  const d = snap.daemon || {};
  const t = d.ticker || {};
  const b = t.budget || {};
  const rows = [
    ["calls this hour", b.calls_last_hour, "left " + count(b.calls_left)],
    ["tokens today", b.tokens_today, "left " + count(b.tokens_left)],
    ["cost today", money(b.cost_today_usd), "left " + money(b.cost_left_usd)],
    ["ticks", (t.ticks_run || 0) + " run", (t.ticks_skipped || 0) + " skipped"],
    ["queued", d.queued || 0, d.current || "idle"],
  ];
  if (t.sleeping_until) rows.push(["sleeping until", new Date(t.sleeping_until * 1000).toLocaleTimeString(), t.sleep_reason || ""]);
  if (t.blocked) rows.push(["paused", t.blocked, ""]);
  $("budgets").replaceChildren(...rows.flatMap(([k, v, extra]) => [
    el("dt", {}, k), el("dd", {}, String(v ?? 0), extra ? el("div", { class: "small muted" }, extra) : null)]));
  const schedules = t.schedules || [];
  $("schedules").replaceChildren(...(schedules.length ? schedules.map((s) => el("li", {},
    el("b", {}, s.label), " — ", s.prompt,
    el("div", { class: "small muted" }, "next: " + (s.next_due ? new Date(s.next_due * 1000).toLocaleString() : "—"))))
    : [el("li", { class: "muted" }, "none")]));
  const log = $("log");
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.textContent = (snap.log || []).join("\n") || "(nothing logged today)";
  if (atEnd) log.scrollTop = log.scrollHeight;
  const pending = new Set((snap.permissions || []).map((p) => p.id));
  for (const ask of snap.permissions || []) showAsk(ask);
  for (const card of document.querySelectorAll(".ask")) if (!pending.has(card.dataset.id)) dropAsk(card.dataset.id);
}

function snapshot() { if (ws && ws.readyState === WebSocket.OPEN) request("snapshot"); }

// -- the connection ------------------------------------------------------------------------

function onMessage(raw) {
  let data;
  try { data = JSON.parse(raw); } catch (e) { return; }
  if (data.event) return onEvent(data.event);
  if (data.permission_request) return showAsk(data.permission_request);
  if (data.permission_resolved) {
    dropAsk(data.permission_resolved.id);
    if (data.permission_resolved.answer === "timeout") toast("a permission request timed out and was denied", true);
    return;
  }
  if (data.ok === false) return toast(data.error || "refused", true);
  if (data.snapshot) return render(data.snapshot);
  if ("queued" in data) return toast("queued (#" + data.queued + ")");
  if ("woke" in data) { toast(data.woke ? "woke the agent" : "it was not asleep"); return snapshot(); }
  if ("sleep_until" in data) { toast("sleeping until " + new Date(data.sleep_until * 1000).toLocaleTimeString()); return snapshot(); }
  if ("interrupted" in data) return toast(data.interrupted ? "interrupted the turn" : "no turn to interrupt");
  if ("answered" in data) return toast("answered " + data.answered);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  ws = new WebSocket(scheme + location.host + "/ws");
  ws.binaryType = "arraybuffer";  // the bridge sends its JSON as binary frames
  ws.onopen = () => {
    retryMs = 500;
    $("link").textContent = "live";
    $("link").classList.add("on");
    request("subscribe");
    request("snapshot");
  };
  const utf8 = new TextDecoder();
  ws.onmessage = (m) => onMessage(typeof m.data === "string" ? m.data : utf8.decode(m.data));
  ws.onclose = (e) => {
    $("link").textContent = "offline";
    $("link").classList.remove("on");
    if (e.code === 1008) {
      toast("signed out (" + (e.reason || "policy") + "); run `corral kairos url` for a new link", true);
      return;
    }
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  $("compose").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("message").value.trim();
    if (text && request("send", { text: text })) $("message").value = "";
  });
  $("message").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("compose").requestSubmit();
  });
  $("wake").addEventListener("click", () => request("wake"));
  $("sleep").addEventListener("click", () => {
    const minutes = Number($("sleep-min").value) || 30;
    request("sleep", { seconds: minutes * 60, reason: "asked from the web page" });
  });
  $("interrupt").addEventListener("click", () => request("interrupt"));
  connect();
  setInterval(snapshot, SNAPSHOT_EVERY_MS);
});
