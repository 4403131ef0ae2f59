// The dashboard's passport form (create and edit): a JSON editor checked on every edit in the page by the
// WebAssembly engine, with the same problems, JSON paths and did-you-mean hints as `warden check`.

import { escapeHtml as h } from "../../desk/format";
import { page, type Page } from "./layout";

/** Where the browser build of the engine and the form's script are served (server/dashboard-passports.ts). */
export const FORM_ASSETS = "/dashboard/assets/";
/** The form's module script, built beside the browser engine (scripts/runtimes/build-entries.mjs). */
export const FORM_SCRIPT = "passport-form.js";

const STARTER = {
  agent_name: "My agent",
  permissions: ["web:*"],
  constraints: { "core:cost:max_per_day": 1000, "core:cost:approval_threshold": 500 },
};

export interface PassportFormInput {
  csrf: string;
  /** The stored passport when editing; absent when creating. */
  passport?: Record<string, unknown>;
}

export function renderPassportForm({ csrf, passport }: PassportFormInput): Page {
  const editing = passport !== undefined;
  const id = editing ? String(passport.id) : "";
  const title = editing ? `Edit ${String(passport.agent_name ?? id)}` : "New passport";
  const action = editing ? `/dashboard/passports/${encodeURIComponent(id)}` : "/dashboard/passports";
  const text = JSON.stringify(editing ? { ...passport, version: passport.version ?? 1 } : STARTER, null, 2);
  const body = `<main>
<div class="head">
  <h1>${h(title)}</h1>
  <a href="/dashboard">Back to the dashboard</a>
</div>
<form id="passport-form" class="panel" data-action="${h(action)}" data-method="${editing ? "PUT" : "POST"}" data-csrf="${h(csrf)}">
  <label for="passport-json">Passport (JSON)${editing ? ` — ${h(id)}, version ${h(String(passport.version ?? 1))}` : ""}</label>
  <textarea id="passport-json" name="passport" rows="18" spellcheck="false" autocomplete="off">${h(text)}</textarea>
  <p id="check-state" class="muted" role="status" aria-live="polite">Loading the engine…</p>
  <ul id="problems" aria-label="Problems"></ul>
  <div class="actions"><button id="save" type="submit" disabled>${editing ? "Save as a new version" : "Create passport"}</button></div>
  <details id="key" hidden><summary>Private key (shown once: keep it now)</summary><pre id="key-json"></pre></details>
</form>
</main>`;
  return page({ title: `${title} — Agent Warden`, body, module: `${FORM_ASSETS}${FORM_SCRIPT}` });
}
