// The page shell: one stylesheet for every page (readable on a phone, WCAG AA contrast, visible focus) and strict security headers.

import { randomBytes } from "node:crypto";
import { escapeHtml } from "../../desk/format";
import type { Page } from "../../desk/web";

export type { Page };

/** Per-response nonce: the Content-Security-Policy lets in only our own inline style and script. */
export function nonce(): string {
  return randomBytes(16).toString("base64");
}

/** Colours are chosen for ≥ 4.5:1 contrast with the text drawn on them. */
const CSS = `
:root { --ink:#1b1b1f; --muted:#4a4a55; --bg:#ffffff; --panel:#f4f5f7; --line:#c9ccd3; --focus:#1a56c4;
  --ok:#0b6b2e; --bad:#a4001d; --warn:#7a4100; --warnbg:#fff3e0; --pause:#5a3596; --off:#52525b; }
* { box-sizing: border-box; }
html { font: 100%/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; padding: 1rem; }
main { max-width: 46rem; margin: 0 auto; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; margin: 0; }
p { margin: 0 0 .75rem; }
a { color: var(--focus); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0 0 1rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
button, input { font: inherit; }
button { min-height: 44px; padding: .5rem 1.1rem; border-radius: .4rem; border: 2px solid transparent; cursor: pointer; font-weight: 600; }
button:disabled { opacity: .6; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.approve { background: var(--ok); color: #fff; }
.deny { background: #fff; color: var(--bad); border-color: var(--bad); }
.stop { background: var(--bad); color: #fff; }
.plain { background: #fff; color: var(--ink); border-color: var(--line); }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.actions form { margin: 0; }
.big button { min-width: 9rem; min-height: 52px; font-size: 1.1rem; }
.card { border: 1px solid var(--line); border-radius: .6rem; padding: 1rem; margin: 0 0 1rem; background: #fff; }
.panel { background: var(--panel); border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1rem; }
pre { overflow-x: auto; max-width: 100%; background: #fff; padding: .5rem; border-radius: .3rem; font-size: .8rem; }
#setup summary h2 { display: inline; }
.badge { display: inline-block; padding: .15rem .6rem; border-radius: 999px; font-size: .9rem; font-weight: 700; color: #fff; }
.badge.active { background: var(--ok); } .badge.disconnected { background: var(--warn); }
.badge.paused { background: var(--pause); } .badge.stopped { background: var(--bad); } .badge.revoked { background: var(--off); }
.banner { border: 2px solid var(--warn); background: var(--warnbg); color: #4d2900; border-radius: .5rem; padding: .5rem .75rem; margin: .75rem 0; font-weight: 600; }
.notice { border-left: 4px solid var(--focus); background: var(--panel); padding: .5rem .75rem; margin: 0 0 1rem; }
.result-approved { border-left-color: var(--ok); } .result-denied, .result-expired { border-left-color: var(--bad); }
meter { display: block; width: 100%; height: 1rem; margin-top: .2rem; }
.limits { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .5rem 1rem; margin: .5rem 0; }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; justify-content: space-between; }
.muted { color: var(--muted); font-size: .9rem; }
.feed { list-style: none; padding: 0; margin: .5rem 0 0; max-height: 16rem; overflow-y: auto; border-top: 1px solid var(--line); }
.feed li { padding: .35rem 0; border-bottom: 1px solid var(--line); font-size: .95rem; }
.feed time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=password], input[type=text] { width: 100%; min-height: 44px; padding: .5rem; border: 2px solid var(--muted); border-radius: .4rem; }
dialog { border: 2px solid var(--ink); border-radius: .6rem; max-width: 28rem; }
dialog::backdrop { background: rgba(0,0,0,.45); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
textarea { width: 100%; box-sizing: border-box; font: .9rem/1.4 ui-monospace, monospace; }
#problems li { overflow-wrap: anywhere; } #problems li.error { color: #a00; } #problems li.warning { color: #850; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dt { margin-top: .35rem; } .actions button { width: 100%; } .actions form { flex: 1 1 100%; } }
`;

/** A whole HTML page with its headers; `script` runs under the page's nonce. */
export function page(opts: {
  title: string;
  body: string;
  script?: string;
  /** A same-origin module script (the passport form's engine); lets the page compile WebAssembly. */
  module?: string;
  status?: number;
  headers?: Record<string, string>;
}): Page {
  const n = nonce();
  const script =
    (opts.script ? `<script nonce="${n}">${opts.script}</script>` : "") +
    (opts.module ? `<script type="module" nonce="${n}" src="${escapeHtml(opts.module)}"></script>` : "");
  const wasm = opts.module ? " 'wasm-unsafe-eval'" : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${n}">${CSS}</style>
</head>
<body>
${opts.body}
${script}
</body>
</html>`;
  return {
    status: opts.status ?? 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // The approval link's code is a capability: it must never leave in a Referer header.
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "x-robots-tag": "noindex",
      "content-security-policy":
        `default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}'${wasm}; connect-src 'self'; ` +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      ...opts.headers,
    },
    html,
  };
}
