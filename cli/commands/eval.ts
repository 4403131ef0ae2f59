// `warden eval`: one request against a passport, a counter snapshot and a time; prints the decision.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { loadEngine, PassportError, type Decision } from "../../enforcer/index";
import { option, parse, type Io } from "../args";
import { shownPath } from "../discover";
import { InputError, UsageError } from "../errors";
import { paint } from "../paint";
import { readSource } from "../source";
import { problemLines } from "./check";
import type { Counters as CounterSnapshot, EvalRequest, Passport } from "../../bindings/gen/types";

const EVAL_OPTIONS = {
  passport: { type: "string" },
  action: { type: "string" },
  cost: { type: "string" },
  target: { type: "string" },
  context: { type: "string" },
  "action-id": { type: "string" },
  counters: { type: "string" },
  now: { type: "string" },
  explain: { type: "boolean" },
  json: { type: "boolean" },
} as const;

export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse("eval", args, EVAL_OPTIONS, false);
  const passportPath = required(option(values.passport), "--passport FILE");
  const action = required(option(values.action), "--action ACTION");
  const request: Record<string, unknown> = { action };
  const cost = option(values.cost);
  if (cost !== undefined) request.cost_cents = cents(cost);
  const target = option(values.target);
  if (target !== undefined) request.target = target;
  const context = option(values.context);
  if (context !== undefined) request.context = await jsonArg("--context", context, io.cwd);
  const actionId = option(values["action-id"]);
  if (actionId !== undefined) request.action_id = actionId;
  const countersArg = option(values.counters);
  const counters = countersArg === undefined ? {} : await jsonArg("--counters", countersArg, io.cwd);
  const now = option(values.now) ?? new Date().toISOString();

  const source = await readSource(resolve(io.cwd, passportPath), shownPath(io.cwd, resolve(io.cwd, passportPath)));
  if (source.errors.length > 0) throw new InputError(`${source.file}: ${source.errors[0]!.message}`);
  const engine = await loadEngine();
  let policy;
  try {
    policy = engine.compile(source.value as Passport);
  } catch (err) {
    if (err instanceof PassportError) throw new InputError([`${source.file} is not a valid passport:`, ...problemLines(source, err.problems)].join("\n"));
    throw err;
  }
  const decision = policy.evaluate(request as unknown as EvalRequest, counters as CounterSnapshot, { now, explain: values.explain === true });
  io.stdout(values.json === true ? JSON.stringify(decision, null, 2) + "\n" : prettyDecision(decision, io.color));
  return 0;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new UsageError(`${what} is required`, "eval");
  return value;
}

function cents(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--cost takes integer cents, like --cost 250 for $2.50 (found ${JSON.stringify(text)})`, "eval");
  }
  return Number(text);
}

/** A JSON object given inline, or `@file` to read it from a file. */
async function jsonArg(flag: string, text: string, cwd: string): Promise<unknown> {
  let json = text;
  if (text.startsWith("@")) {
    try {
      json = await readFile(resolve(cwd, text.slice(1)), "utf8");
    } catch {
      throw new UsageError(`${flag} ${text}: cannot read ${text.slice(1)}`, "eval");
    }
  }
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`, "eval");
  }
}

/** The decision for people: verdict and reason, detail, numbers, holds, suggestions, warnings, trace. */
export function prettyDecision(d: Decision, color: boolean): string {
  const c = paint(color);
  const verdict = d.decision === "allow" ? c.green("ALLOW") : d.decision === "request_hold" ? c.yellow("HOLD") : c.red("BLOCK");
  const lines = [`${c.bold(verdict)}  ${d.reason}${d.rule ? `  (${d.rule})` : ""}`];
  if (d.detail) lines.push(`  ${d.detail}`);
  const facts: string[] = [];
  if (d.limit !== undefined) facts.push(`limit ${d.limit}`);
  if (d.observed !== undefined) facts.push(`observed ${d.observed}`);
  if (d.decision !== "allow") facts.push(d.retryable ? "retryable: may pass later" : "not retryable");
  if (facts.length > 0) lines.push(`  ${facts.join(", ")}`);
  for (const h of d.holds) lines.push(`  hold: ${h.rule} (${h.reason})`);
  for (const s of d.suggestions) lines.push(`  suggestion: ${s}`);
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  if (d.evaluated) {
    lines.push("  trace:");
    for (const t of d.evaluated) {
      const mark =
        t.outcome === "pass" ? c.green("pass   ") : t.outcome === "skipped" ? c.dim("skipped") : t.outcome === "hold" ? c.yellow("hold   ") : c.red("block  ");
      lines.push(`    ${mark} ${t.rule}`);
    }
  }
  return lines.join("\n") + "\n";
}
