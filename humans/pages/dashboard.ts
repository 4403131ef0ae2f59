// The dashboard (`GET /dashboard`): every passport with its status badge, spend against limits, pending approval,
// emergency stop, and a live activity feed (Server-Sent Events). Server-rendered; the script only enhances.

import type { Approval, PassportLimits, PassportState } from "../../enforcer/types";
import type { SpendRunway, SpendWindow, WindowRunway } from "../../bindings/limits";
import type { PassportInfo } from "../../desk/desk";
import type { ActivityEvent } from "../events";
import { escapeHtml as h, formatCents, formatClock, formatWhen } from "../../desk/format";
import type { PassportStatus } from "../../desk/status";
import { page, type Page } from "./layout";

export interface DashboardCard {
  info: PassportInfo;
  state: PassportState;
  /** Caps, spend and headroom per window as the module computes them (`enforcer.limits()`). */
  limits: PassportLimits;
  status: PassportStatus;
  /** The pending approval with its action and target redacted for display. */
  pending: { approval: Approval; action: string; target: string | null } | null;
  recent: ActivityEvent[];
  /** When each cap runs out at the last 7 days' pace, as the module projects it (`enforcer.runway()`). */
  runway?: SpendRunway;
}

/** What the setup panel's snippets point at. */
export interface SetupInfo {
  /** The server's public URL (`WARDEN_PUBLIC_URL`), without a trailing slash. */
  publicUrl: string;
}

/** Spending windows shown as meters (each with its effective cap: max_per_<window> or max_cumulative, the tightest). */
const SPEND_METERS: Array<{ window: SpendWindow; label: string }> = [
  { window: "daily", label: "Today" },
  { window: "weekly", label: "This week" },
  { window: "monthly", label: "This month" },
  { window: "total", label: "In total" },
];

export function renderLogin(opts: { error?: string; status?: number } = {}): Page {
  const error = opts.error ? `<p class="notice result-denied" role="alert" id="login-error">${h(opts.error)}</p>` : "";
  return page({
    status: opts.status ?? 200,
    title: "Sign in — Agent Warden",
    body: `<main>
<h1>Agent Warden dashboard</h1>
${error}
<form method="post" action="/dashboard/login" class="card">
  <label for="api_key">API key</label>
  <input id="api_key" name="api_key" type="password" autocomplete="current-password" required ${opts.error ? 'aria-describedby="login-error"' : ""} autofocus>
  <p class="muted">The key from <code>warden keys create</code>. You will see the passports of its issuer.</p>
  <div class="actions"><button class="approve" type="submit">Sign in</button></div>
</form>
</main>`,
  });
}

/** `lastEventId`: the newest feed event the cards already show; the live feed resumes after it. */
export function renderDashboard(cards: DashboardCard[], csrf: string, lastEventId: number, setup?: SetupInfo): Page {
  const list =
    cards.length === 0
      ? `<p class="panel">No passports yet. Issue one with <code>POST /v1/passports</code>.</p>`
      : cards.map((c) => renderCard(c, csrf)).join("\n");
  const body = `<main data-last-event-id="${lastEventId}">
<div class="head">
  <h1>Agents</h1>
  <a href="/dashboard/passports/new">New passport</a>
  <form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${h(csrf)}"><button class="plain" type="submit">Sign out</button></form>
</div>
<p class="muted" id="feed-state" role="status">Live feed connecting…</p>
<p id="live" class="sr-only" role="status" aria-live="polite"></p>
${list}
${setup ? setupPanel(setup, cards[0]?.info.id ?? "pass_…") : ""}
<dialog id="confirm-stop" aria-labelledby="confirm-title" aria-describedby="confirm-text">
  <h2 id="confirm-title">Emergency stop?</h2>
  <p id="confirm-text"></p>
  <div class="actions">
    <button class="plain" type="button" id="confirm-no" autofocus>Cancel</button>
    <button class="stop" type="button" id="confirm-yes">Stop the agent</button>
  </div>
</dialog>
</main>`;
  return page({ title: "Dashboard — Agent Warden", body, script: DASHBOARD_SCRIPT });
}

function renderCard(c: DashboardCard, csrf: string): string {
  const items = c.recent.slice().reverse().map(feedItem).join("");
  return `<section class="card" data-passport="${h(c.info.id)}" aria-labelledby="name-${h(c.info.id)}">
<div class="summary">${renderSummary(c, csrf)}</div>
<p><a href="/dashboard/passports/${encodeURIComponent(c.info.id)}/edit">Edit passport</a></p>
<h3 class="muted">Activity</h3>
<ol class="feed" aria-label="Activity of ${h(c.info.agent_name)}" aria-live="polite" aria-relevant="additions">${items}</ol>
</section>`;
}

/** The part of a card that changes with state (re-fetched by the script after each event). */
export function renderSummary(c: DashboardCard, csrf: string): string {
  const { info, state, limits, status } = c;
  const cur = info.currency;
  const banner = status.not_enforced ? `<p class="banner"><strong>Not Enforced</strong> — ${h(status.detail)}</p>` : "";
  const meters = SPEND_METERS.filter((m) => limits.windows[m.window].limit_cents !== null)
    .map((m) => {
      const cap = limits.windows[m.window];
      const limit = cap.limit_cents!;
      const spent = cap.spent_cents;
      const rule = (cap.rule ?? "").replace(/^core:cost:/, "");
      const run = c.runway
        ? `<p class="runway muted" data-window="${m.window}" data-outcome="${c.runway.windows[m.window].outcome}">${h(runwayText(c.runway.windows[m.window], c.runway.pace_cents, cur))}</p>`
        : "";
      return `<div data-meter="${m.window}" data-rule="${h(cap.rule ?? "")}"><span>${m.label}: ${h(formatCents(spent, cur))} of ${h(formatCents(limit, cur))} <small class="muted">(${h(rule)}${cap.held_cents > 0 ? `, ${h(formatCents(cap.held_cents, cur))} held` : ""}; ${h(formatCents(cap.headroom_cents ?? 0, cur))} left)</small></span>
<meter min="0" max="${limit}" high="${Math.floor(limit * 0.8)}" optimum="0" value="${Math.min(spent, limit)}" aria-label="${m.label}: spent against the ${h(rule)} limit">${h(formatCents(spent, cur))}</meter>${run}</div>`;
    })
    .join("");
  const perAction = limits.per_action_cents;
  const spend = meters || `<p class="muted">No spending caps. Spent today: ${h(formatCents(state.spent_today_cents, cur))}.</p>`;
  const heartbeat = state.last_heartbeat_at ? `last heartbeat ${h(formatClock(state.last_heartbeat_at))}` : "no heartbeat yet";
  return `<div class="head">
  <h2 id="name-${h(info.id)}">${h(info.agent_name)}</h2>
  <span class="badge ${status.key}" data-status="${status.key}"${status.paused_by ? ` data-paused-by="${status.paused_by}"` : ""}>${h(status.label)}${status.paused_by ? ` · ${status.paused_by === "fail_closed" ? "fail_closed" : "by an operator"}` : ""}</span>
</div>
<p class="muted"><code>${h(info.id)}</code> · ${h(status.detail)}</p>
${banner}
<div class="limits">${spend}</div>
<p class="muted">${perAction !== null ? `Per action at most ${h(formatCents(perAction, cur))} · ` : ""}held ${h(formatCents(state.held_cents, cur))} · ${state.actions_today} action${state.actions_today === 1 ? "" : "s"} today · ${heartbeat}</p>
${c.pending ? pendingBlock(c, csrf) : ""}
<div class="actions">${stopOrResume(info, state, csrf)}</div>`;
}

/** One window's runway as a sentence (the instant and the outcome are the module's). */
function runwayText(r: WindowRunway, pace: number, cur: string): string {
  const atPace = `at the last 7 days' pace (${formatCents(pace, cur)})`;
  switch (r.outcome) {
    case "runs_out":
      return `Runs out ${formatWhen(r.at!)} ${atPace}.`;
    case "exhausted":
      return "Cap reached: actions that cost anything are blocked until it resets.";
    case "no_pace":
      return "No spending in the last 7 days: no runway to project.";
    case "resets_first":
      return `Lasts until it resets ${formatWhen(r.at!)} ${atPace}.`;
    case "beyond":
      return `Lasts for ever ${atPace}.`;
    default:
      return "";
  }
}

/** Copy-paste snippets to connect an agent: an MCP client, `warden proxy`, the framework adapters. */
function setupPanel(s: SetupInfo, pid: string): string {
  const mcp = JSON.stringify({ mcpServers: { warden: { type: "http", url: `${s.publicUrl}/mcp`, headers: { "x-passport-id": pid } } } }, null, 2);
  const proxy = `# warden-proxy.yaml (docs/gateway.md)
passport: ${pid}
server: ${s.publicUrl}        # decide here; the API key in WARDEN_API_KEY
servers:
  fs: { command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", ./sandbox] }

warden proxy --config warden-proxy.yaml          # stdio: point your MCP client at this command
warden proxy --config warden-proxy.yaml --http 8788   # or Streamable HTTP at http://127.0.0.1:8788/mcp`;
  const adapters = `import { WardenClient } from "agent-warden/client";
import { Guard } from "agent-warden/ai";                // or agent-warden/langchain, agent-warden/openai-agents
const warden = new WardenClient({ baseUrl: "${s.publicUrl}", apiKey: process.env.WARDEN_AGENT_KEY! });
const guard = new Guard({ warden, passportId: "${pid}", tools: { book_flight: { action: "travel:book", cost: (i) => i.price_cents } } });
// Vercel AI SDK: wardenTools(tools, guard) · LangChain: wardenTools([...], guard) · OpenAI Agents: wardenTool(...)`;
  const heartbeat = `# HTTP agents with core:safety:fail_closed: a heartbeat at least every minute (fresh for 120 s)
curl -X POST ${s.publicUrl}/v1/passports/${pid}/heartbeat -H "authorization: Bearer <agent API key>"`;
  const block = (id: string, title: string, code: string) =>
    `<h3>${h(title)}</h3><pre tabindex="0" id="setup-${id}"><code>${h(code)}</code></pre><button class="plain" type="button" data-copy="setup-${id}">Copy<span class="sr-only"> ${h(title)}</span></button>`;
  return `<details class="panel" id="setup" open>
<summary><h2>Connect an agent</h2></summary>
${block("mcp", "MCP client (Claude Desktop, Cursor, …): /mcp with the x-passport-id header", mcp)}
${block("proxy", "warden proxy: every tool call of your MCP servers decided first", proxy)}
${block("adapters", "Framework adapters (TypeScript)", adapters)}
${block("heartbeat", "Heartbeats from an HTTP agent", heartbeat)}
</details>`;
}

function pendingBlock(c: DashboardCard, csrf: string): string {
  const { approval: a, action, target } = c.pending!;
  const what = `${action} for ${formatCents(a.cost_cents, c.info.currency)}`;
  const id = encodeURIComponent(a.id);
  return `<div class="panel" data-approval="${h(a.id)}">
<p><strong>Waiting for approval:</strong> <code>${h(action)}</code>${target ? ` on ${h(target)}` : ""} for <strong>${h(formatCents(a.cost_cents, c.info.currency))}</strong> · expires ${h(formatClock(a.expires_at))}</p>
<div class="actions">
  <form method="post" action="/dashboard/approvals/${id}/approve" data-js><input type="hidden" name="csrf" value="${h(csrf)}">
    <button class="approve" type="submit" data-focus="approve">Approve<span class="sr-only"> ${h(what)}</span></button></form>
  <form method="post" action="/dashboard/approvals/${id}/deny" data-js><input type="hidden" name="csrf" value="${h(csrf)}">
    <button class="deny" type="submit" data-focus="deny">Deny<span class="sr-only"> ${h(what)}</span></button></form>
</div>
</div>`;
}

function stopOrResume(info: PassportInfo, state: PassportState, csrf: string): string {
  const pid = encodeURIComponent(info.id);
  if (state.emergency_stopped) {
    return `<form method="post" action="/dashboard/passports/${pid}/resume" data-js><input type="hidden" name="csrf" value="${h(csrf)}">
<button class="plain" type="submit" data-focus="resume">Resume<span class="sr-only"> ${h(info.agent_name)}</span></button></form>`;
  }
  return `<form method="post" action="/dashboard/passports/${pid}/emergency-stop" data-js data-confirm="${h(info.agent_name)}"><input type="hidden" name="csrf" value="${h(csrf)}">
<button class="stop" type="submit" data-focus="stop">Emergency stop<span class="sr-only"> ${h(info.agent_name)}</span></button></form>`;
}

function feedItem(e: ActivityEvent): string {
  return `<li data-type="${h(e.type)}" data-seq="${e.seq}"><time datetime="${h(e.at)}">${h(e.at.slice(11, 19))}</time>${h(e.summary)}</li>`;
}

/** The page for a stop asked without the script (no dialog): a second form confirms it. */
export function renderStopConfirm(info: PassportInfo, csrf: string): Page {
  return page({
    title: `Stop ${info.agent_name}?`,
    body: `<main>
<h1>Emergency stop ${h(info.agent_name)}?</h1>
<p>Every pending approval is denied and every action is blocked until you resume.</p>
<div class="actions">
  <form method="post" action="/dashboard/passports/${encodeURIComponent(info.id)}/emergency-stop">
    <input type="hidden" name="csrf" value="${h(csrf)}"><input type="hidden" name="confirm" value="yes">
    <button class="stop" type="submit">Stop the agent</button></form>
  <a href="/dashboard">Cancel</a>
</div>
</main>`,
  });
}

/** Live feed, in-place refresh after each event, approve/deny and stop without reloading, a dialog to confirm a stop. */
const DASHBOARD_SCRIPT = `(function () {
  var csrf = (document.querySelector('input[name="csrf"]') || {}).value || "";
  var live = document.getElementById("live");
  var feedState = document.getElementById("feed-state");
  var MAX_ITEMS = 50;
  function card(pid) { return document.querySelector('section[data-passport="' + CSS.escape(pid) + '"]'); }
  function say(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 50); }
  function refresh(pid) {
    var c = card(pid);
    if (!c) return Promise.resolve();
    return fetch("/dashboard/passports/" + encodeURIComponent(pid) + "/summary", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var box = c.querySelector(".summary");
        var focused = box.contains(document.activeElement) ? document.activeElement.getAttribute("data-focus") : null;
        box.innerHTML = html;
        if (focused) { var el = box.querySelector('[data-focus="' + focused + '"]'); if (el) el.focus(); }
      });
  }
  function addItem(ev) {
    var c = card(ev.passport_id);
    if (!c) return;
    var feed = c.querySelector(".feed");
    if (feed.querySelector('li[data-seq="' + ev.seq + '"]')) return;
    var li = document.createElement("li");
    li.setAttribute("data-type", ev.type);
    li.setAttribute("data-seq", String(ev.seq));
    var t = document.createElement("time");
    t.setAttribute("datetime", ev.at);
    t.textContent = ev.at.slice(11, 19);
    li.appendChild(t);
    li.appendChild(document.createTextNode(ev.summary));
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > MAX_ITEMS) feed.removeChild(feed.lastChild);
  }
  var after = document.querySelector("main").getAttribute("data-last-event-id");
  var source = new EventSource("/dashboard/events?after=" + encodeURIComponent(after));
  source.addEventListener("open", function () { feedState.textContent = "Live feed connected."; });
  source.addEventListener("error", function () { feedState.textContent = "Live feed interrupted; reconnecting…"; });
  source.addEventListener("activity", function (m) {
    var ev = JSON.parse(m.data);
    addItem(ev);
    refresh(ev.passport_id);
  });
  function send(form) {
    var pid = form.closest("section").getAttribute("data-passport");
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "accept": "application/json", "content-type": "application/x-www-form-urlencoded", "x-csrf-token": csrf },
      body: form.hasAttribute("data-confirm") ? "confirm=yes" : ""
    }).then(function (r) { return r.json(); })
      .then(function (j) { say(j.message || (j.error && j.error.message) || "Done."); })
      .catch(function () { say("The request failed. Try again."); })
      .then(function () { return refresh(pid); });
  }
  var dialog = document.getElementById("confirm-stop");
  var pendingStop = null, opener = null;
  document.getElementById("confirm-no").addEventListener("click", function () { dialog.close("cancel"); });
  document.getElementById("confirm-yes").addEventListener("click", function () { dialog.close("stop"); });
  dialog.addEventListener("close", function () {
    var form = pendingStop; pendingStop = null;
    if (dialog.returnValue === "stop" && form) send(form);
    else if (opener) opener.focus();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-js")) return;
    e.preventDefault();
    var name = form.getAttribute("data-confirm");
    if (name !== null) {
      pendingStop = form; opener = form.querySelector("button");
      document.getElementById("confirm-text").textContent = "Stop " + name + "? Every pending approval is denied and every action is blocked until you resume.";
      dialog.returnValue = "";
      dialog.showModal();
      return;
    }
    send(form);
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button[data-copy]") : null;
    if (!b) return;
    var text = document.getElementById(b.getAttribute("data-copy")).textContent;
    (navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject()).then(function () { say("Copied."); }, function () { say("Select the text and copy it."); });
  });
  setInterval(function () {
    document.querySelectorAll("section[data-passport]").forEach(function (s) { refresh(s.getAttribute("data-passport")); });
  }, 30000);
})();`;
