// The approval page behind a link (`GET /a/:code`): what the agent wants, for how much, against today's spend; Approve / Deny.

import type { ApprovalView } from "../../desk/desk";
import { escapeHtml as h, formatCents, formatClock } from "../../desk/format";
import { page, type Page } from "./layout";

/** Why a hold happened, in words (rules not listed show their key). */
const HOLD_WORDS: Record<string, string> = {
  "core:cost:approval_threshold": "it costs more than the approval threshold",
  "core:approval:required": "every action of this agent needs approval",
  "core:approval:for_actions": "this kind of action needs approval",
  "core:time:idle_timeout_minutes": "the agent was idle for a long time",
  "core:safety:anomaly_suspend": "the agent is acting unusually fast",
};

const FINAL: Record<string, { title: string; text: string }> = {
  approved: { title: "Approved", text: "The agent may go ahead with this action." },
  denied: { title: "Denied", text: "The agent will not perform this action." },
  expired: { title: "Expired", text: "Nobody answered in time, so the agent was not allowed to go ahead. It may ask again." },
};

export function renderApprovalPage(view: ApprovalView, code: string, now: number = Date.now()): Page {
  const a = view.approval;
  const title = a.status === "pending" ? "Approve this action?" : `${FINAL[a.status]!.title}: ${view.action}`;
  const details = detailsList(view, now);
  if (a.status !== "pending") return page({ title, body: finalBody(view, details) });
  const base = `/a/${encodeURIComponent(code)}`;
  const body = `<main>
<h1>Approve this action?</h1>
<p><strong>${h(view.passport.agent_name)}</strong> is waiting for your answer.</p>
${details}
<p id="countdown" class="muted">Answer before ${h(formatClock(a.expires_at))}.</p>
<p id="expired-note" role="status"></p>
<div class="actions big">
  <form method="post" action="${base}/approve"><button class="approve" type="submit">Approve</button></form>
  <form method="post" action="${base}/deny"><button class="deny" type="submit">Deny</button></form>
</div>
<p class="muted">Anyone with this link can answer. It works for this one request only and stops working when the request expires.</p>
</main>`;
  return page({ title, body, script: countdownScript(Date.parse(a.expires_at) - now) });
}

/** The page for a code that opens nothing (malformed, unknown or forgotten). */
export function renderLinkNotFound(): Page {
  return page({
    status: 404,
    title: "Link not valid",
    body: `<main><h1>This link is not valid</h1><p>It may be mistyped, or the request it was for is long gone. Nothing was approved.</p></main>`,
  });
}

function finalBody(view: ApprovalView, details: string): string {
  const a = view.approval;
  const final = FINAL[a.status]!;
  const why =
    a.status === "denied" && a.outcome_reason && a.outcome_reason !== "denied"
      ? ` (${a.outcome_reason === "emergency_stopped" ? "the agent was emergency-stopped" : h(a.outcome_reason)})`
      : "";
  const when = a.decided_at ? ` at ${h(formatClock(a.decided_at))}` : "";
  return `<main>
<h1>${h(final.title)}</h1>
<p class="notice result-${a.status}" role="status">${a.status === "expired" ? "This request expired" : `This request was already answered: ${h(final.title.toLowerCase())}`}${when}${why}. ${h(final.text)}</p>
${details}
</main>`;
}

function detailsList(view: ApprovalView, now: number): string {
  const a = view.approval;
  const cur = view.passport.currency;
  const limit = view.daily_limit_cents;
  const spend =
    limit === null
      ? `${h(formatCents(view.spent_today_cents, cur))} (no daily limit)`
      : `${h(formatCents(view.spent_today_cents, cur))} of ${h(formatCents(limit, cur))} daily limit
      <meter min="0" max="${limit}" value="${Math.min(view.spent_today_cents, limit)}" aria-label="Spent today against the daily limit">${h(formatCents(view.spent_today_cents, cur))}</meter>`;
  const reasons = a.holds.map((r) => HOLD_WORDS[r] ?? r).join("; ");
  const left = Math.max(0, Date.parse(a.expires_at) - now);
  return `<dl>
  <dt>Agent</dt><dd>${h(view.passport.agent_name)}</dd>
  <dt>Action</dt><dd><code>${h(view.action)}</code></dd>
  ${view.target ? `<dt>Target</dt><dd>${h(view.target)}</dd>` : ""}
  <dt>Amount</dt><dd><strong>${h(formatCents(a.cost_cents, cur))}</strong></dd>
  <dt>Spent today</dt><dd>${spend}</dd>
  ${reasons ? `<dt>Why it asks</dt><dd>${h(reasons)}</dd>` : ""}
  <dt>Requested</dt><dd>${h(formatClock(a.created_at))}</dd>
  <dt>Expires</dt><dd>${h(formatClock(a.expires_at))}${a.status === "pending" ? ` (${Math.ceil(left / 60_000)} min left)` : ""}</dd>
</dl>`;
}

/** Counts down to expiry and disables the buttons at zero; the server refuses late answers anyway. */
function countdownScript(msLeft: number): string {
  return `(function () {
  var end = Date.now() + ${Math.max(0, Math.floor(msLeft))};
  var out = document.getElementById("countdown");
  var buttons = document.querySelectorAll("form button");
  function tick() {
    var left = Math.max(0, end - Date.now());
    if (left === 0) {
      out.textContent = "";
      document.getElementById("expired-note").textContent = "This request has expired. Reload the page to see its final state.";
      buttons.forEach(function (b) { b.disabled = true; });
      clearInterval(timer);
      return;
    }
    var s = Math.ceil(left / 1000);
    out.textContent = "Expires in " + Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s.";
  }
  var timer = setInterval(tick, 1000);
  tick();
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function () { buttons.forEach(function (b) { b.disabled = true; }); });
  });
})();`;
}
