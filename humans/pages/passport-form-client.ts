// Runs in the browser on the passport form (humans/pages/passport-form.ts): checks the JSON on every
// edit with the WebAssembly engine and the lint table, as `warden check` does, and saves it.

import { loadEngine, PassportError, type Problem } from "../../bindings/loaders/browser";
import { lintPassport } from "../../bindings/lint";
import { toProblemCode } from "../../bindings/problem-codes";
import { isErrorCode, type ErrorCode } from "../../enforcer/error-codes";

/** What the server answers a save with: the passport (and, on create, its private key once) or an error. */
interface SaveAnswer {
  passport: Record<string, unknown>;
  private_key_jwk?: unknown;
  error?: { code?: unknown; message: string; path?: string; hint?: string; problems?: Problem[] };
}

/** A line of the list: a problem, or the server's refusal under its own (HTTP) code. */
type Shown = Omit<Problem, "code"> & { code: ErrorCode };

interface Checked {
  ok: boolean;
  problems: Problem[];
  warnings: Problem[];
}

/** `path: message (expected X, found Y); hint`, as `warden check` prints a problem. */
export function problemText(p: Omit<Problem, "code">): string {
  const parts: string[] = [];
  if (p.expected !== undefined) parts.push(`expected ${p.expected}`);
  if (p.found !== undefined) parts.push(`found ${p.found}`);
  const detail = parts.length > 0 ? ` (${parts.join(", ")})` : "";
  return `${p.path === "" ? "" : `${p.path}: `}${p.message}${detail}${p.hint === undefined ? "" : `; ${p.hint}`}`;
}

async function main(): Promise<void> {
  const form = document.getElementById("passport-form") as HTMLFormElement;
  const text = document.getElementById("passport-json") as HTMLTextAreaElement;
  const list = document.getElementById("problems") as HTMLUListElement;
  const state = document.getElementById("check-state") as HTMLElement;
  const save = document.getElementById("save") as HTMLButtonElement;
  const engine = await loadEngine();

  const check = (): Checked => {
    let value: unknown;
    try {
      value = JSON.parse(text.value);
    } catch (err) {
      return { ok: false, problems: [{ code: "invalid_json", path: "", message: (err as Error).message }], warnings: [] };
    }
    try {
      const policy = engine.compile(value as never);
      const warnings = lintPassport(policy.passport);
      policy.dispose();
      return { ok: true, problems: [], warnings };
    } catch (err) {
      if (err instanceof PassportError) return { ok: false, problems: err.problems, warnings: [] };
      return { ok: false, problems: [{ code: "invalid_value", path: "", message: String((err as Error)?.message ?? err) }], warnings: [] };
    }
  };

  const show = (problems: readonly Shown[], warnings: readonly Problem[]): void => {
    list.replaceChildren(
      ...[...problems.map((p) => [p, "error"] as const), ...warnings.map((p) => [p, "warning"] as const)].map(([p, kind]) => {
        const li = document.createElement("li");
        li.className = kind;
        li.dataset.path = p.path;
        li.dataset.code = p.code;
        li.textContent = `${kind === "error" ? "Error" : "Warning"}: ${problemText(p)}`;
        return li;
      }),
    );
  };

  const refresh = (): void => {
    const r = check();
    show(r.problems, r.warnings);
    save.disabled = !r.ok;
    state.textContent = r.ok
      ? r.warnings.length === 0
        ? "Valid."
        : `Valid, with ${r.warnings.length} warning${r.warnings.length === 1 ? "" : "s"}.`
      : `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}.`;
  };

  text.addEventListener("input", refresh);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submit();
  });

  async function submit(): Promise<void> {
    save.disabled = true;
    state.textContent = "Saving…";
    const res = await fetch(form.dataset.action!, {
      method: form.dataset.method!,
      headers: { "content-type": "application/json", "x-csrf-token": form.dataset.csrf!, accept: "application/json" },
      body: text.value,
    });
    const body = (await res.json().catch(() => null)) as SaveAnswer | null;
    if (!res.ok) {
      const e = body?.error ?? { code: "internal", message: `HTTP ${res.status}` };
      // The codes come from the server's JSON: checked against the tables, an unknown one is treated as absent.
      const code = isErrorCode(e.code) ? e.code : "internal";
      show(e.problems?.map((p) => ({ ...p, code: toProblemCode(p.code) })) ?? [{ code, path: e.path ?? "", message: e.message, hint: e.hint }], []);
      state.textContent = `Not saved: ${e.message}`;
      save.disabled = false;
      return;
    }
    const passport = body!.passport as Record<string, unknown>;
    if (form.dataset.method === "POST") {
      const key = document.getElementById("key") as HTMLDetailsElement;
      (document.getElementById("key-json") as HTMLElement).textContent = JSON.stringify(body!.private_key_jwk, null, 2);
      key.hidden = false;
      form.dataset.method = "PUT";
      form.dataset.action = `/dashboard/passports/${encodeURIComponent(String(passport.id))}`;
      save.textContent = "Save as a new version";
    }
    text.value = JSON.stringify({ ...passport, version: passport.version ?? 1 }, null, 2);
    refresh();
    state.textContent = `Saved ${String(passport.id)} as version ${String(passport.version ?? 1)}.`;
  }

  refresh();
}

main().catch((err: unknown) => {
  const state = document.getElementById("check-state");
  if (state) state.textContent = `The engine did not load: ${String((err as Error)?.message ?? err)}`;
});
