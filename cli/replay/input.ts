// Reads what `warden replay` replays: JSON Lines of requests with their time, attestation exports of
// `warden serve`, and gateway logs; every line becomes an event, and the events are put in time order.

import { readFile } from "node:fs/promises";
import { RequestError } from "../../bindings/errors";
import type { RequestInput } from "../../bindings/encode-request";
import { parseTime, validateRequest } from "../../bindings/validate";
import type { ReplayResetKind } from "../../bindings/replay";
import { InputError } from "../errors";
import { didYouMean } from "../words";

export type RecordedVerdict = "allow" | "request_hold" | "block";
export type ApprovalStatus = "approved" | "denied" | "expired";

/** A decision as the recording has it (the baseline when no --baseline passport is given). */
export interface Recorded {
  decision: RecordedVerdict;
  reason: string | null;
  rule: string | null;
}

interface EventBase {
  at: number;
  order: number;
  source: string;
}
export interface RequestEvent extends EventBase {
  kind: "request";
  request: RequestInput;
  recorded: Recorded | null;
  /** How a hold was answered, when the recording says: immediately (`at` absent) or later by an approval event. */
  answer: { status: ApprovalStatus; id: string | null } | null;
}
export interface ApprovalEvent extends EventBase {
  kind: "approval";
  id: string;
  status: ApprovalStatus;
}
export interface OperatorEvent extends EventBase {
  kind: "reset" | "emergency_stop" | "resume";
  window?: ReplayResetKind;
}
export type ReplayEvent = RequestEvent | ApprovalEvent | OperatorEvent;

const VERDICTS: readonly string[] = ["allow", "request_hold", "block"];
const STATUSES: readonly string[] = ["approved", "denied", "expired"];
const WINDOWS: readonly string[] = ["daily", "weekly", "monthly", "total", "all"];

/** Fields of a request line (JSON Lines of requests, or a gateway log: the same plus tool, server, arguments). */
const REQUEST_LINE_FIELDS = [
  "at",
  "action",
  "cost_cents",
  "target",
  "context",
  "action_id",
  "decision",
  "reason",
  "rule",
  "approval",
  "approval_at",
  "tool",
  "server",
  "arguments",
  "passport_id",
];
/** Attestation records replay uses; the others (permit_report, pause, heartbeat, register) change no decision here. */
const ATTESTATION_TYPES = new Set(["decision", "approval", "reset", "panic", "resume", "permit_report", "pause", "heartbeat", "register"]);

function fail(source: string, path: string, message: string): never {
  throw new InputError(`${source}: ${path ? `${path}: ` : ""}${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function time(v: unknown, source: string, path: string): number {
  if (typeof v !== "string" && typeof v !== "number") fail(source, path, "expected an RFC 3339 time or epoch milliseconds");
  try {
    return parseTime(v, path);
  } catch (err) {
    fail(source, path, err instanceof RequestError ? `not a valid time (${JSON.stringify(v)})` : String(err));
  }
}

function request(raw: Record<string, unknown>, source: string, prefix: string): RequestInput {
  try {
    return validateRequest(raw) as RequestInput;
  } catch (err) {
    if (err instanceof RequestError) fail(source, err.path === "" ? prefix.replace(/\.$/, "") : `${prefix}${err.path}`, err.message);
    throw err;
  }
}

function oneOf(v: unknown, allowed: readonly string[], source: string, path: string): string {
  if (typeof v !== "string" || !allowed.includes(v)) fail(source, path, `expected one of ${allowed.join(", ")}, found ${JSON.stringify(v)}`);
  return v;
}

function optionalString(v: unknown, source: string, path: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") fail(source, path, "expected a string");
  return v;
}

/** A line of JSON Lines of requests or of a gateway log. */
function requestLine(o: Record<string, unknown>, source: string, order: number): ReplayEvent[] {
  for (const key of Object.keys(o)) {
    if (!REQUEST_LINE_FIELDS.includes(key)) {
      const hint = didYouMean(key, REQUEST_LINE_FIELDS);
      fail(source, key, `unknown field${hint ? `; ${hint}` : ""}`);
    }
  }
  if (o.at === undefined) fail(source, "at", "is required: the time the request was decided");
  const at = time(o.at, source, "at");
  let action = o.action;
  if (action === undefined && typeof o.server === "string" && typeof o.tool === "string") action = `${o.server}:${o.tool}`;
  if (action === undefined) fail(source, "action", "is required (or tool and server, as a gateway logs them)");
  const fields: Record<string, unknown> = { action };
  for (const k of ["cost_cents", "target", "action_id"] as const) if (o[k] !== undefined) fields[k] = o[k];
  const context = o.context ?? o.arguments;
  if (context !== undefined) fields.context = context;
  const req = request(fields, source, "");
  let recorded: Recorded | null = null;
  if (o.decision !== undefined) {
    recorded = {
      decision: oneOf(o.decision, VERDICTS, source, "decision") as RecordedVerdict,
      reason: optionalString(o.reason, source, "reason"),
      rule: optionalString(o.rule, source, "rule"),
    };
  }
  const events: ReplayEvent[] = [];
  let answer: RequestEvent["answer"] = null;
  if (o.approval !== undefined) {
    const status = oneOf(o.approval, STATUSES, source, "approval") as ApprovalStatus;
    if (o.approval_at === undefined) answer = { status, id: null };
    else {
      const id = `${source}#approval`;
      answer = { status, id };
      events.push({ kind: "approval", at: time(o.approval_at, source, "approval_at"), order: order + 0.5, source, id, status });
    }
  } else if (o.approval_at !== undefined) fail(source, "approval_at", "needs approval (approved, denied or expired)");
  events.unshift({ kind: "request", at, order, source, request: req, recorded, answer });
  return events;
}

/** A record of an attestation export (GET /v1/passports/:id/attestations). */
function attestation(o: Record<string, unknown>, source: string, order: number): ReplayEvent | null {
  const type = o.type as string;
  if (!ATTESTATION_TYPES.has(type)) fail(source, "type", `unknown attestation record type ${JSON.stringify(type)}`);
  const at = time(o.at, source, "at");
  switch (type) {
    case "decision": {
      if (!isObject(o.request)) fail(source, "request", "expected the recorded request (an object)");
      const r = o.request;
      const fields: Record<string, unknown> = { action: r.action };
      if (r.cost_cents !== undefined && r.cost_cents !== null) fields.cost_cents = r.cost_cents;
      if (r.target !== undefined && r.target !== null) fields.target = r.target;
      if (r.context !== undefined && r.context !== null) fields.context = r.context;
      if (typeof o.action_id === "string") fields.action_id = o.action_id;
      const req = request(fields, source, "request.");
      const recorded: Recorded = {
        decision: oneOf(o.decision, VERDICTS, source, "decision") as RecordedVerdict,
        reason: optionalString(o.reason, source, "reason"),
        rule: optionalString(o.rule, source, "rule"),
      };
      const id = optionalString(o.approval_request_id, source, "approval_request_id");
      // The answer is linked once every record is read (an approval record comes later in the export).
      return { kind: "request", at, order, source, request: req, recorded, answer: id === null ? null : { status: "expired", id } };
    }
    case "approval": {
      const id = optionalString(o.approval_id, source, "approval_id");
      if (id === null) fail(source, "approval_id", "is required");
      return { kind: "approval", at, order, source, id, status: oneOf(o.status, STATUSES, source, "status") as ApprovalStatus };
    }
    case "reset":
      return { kind: "reset", at, order, source, window: oneOf(o.window_type, WINDOWS, source, "window_type") as ReplayResetKind };
    case "panic":
      return { kind: "emergency_stop", at, order, source };
    case "resume":
      return { kind: "resume", at, order, source };
    default:
      return null;
  }
}

/** Parses one file of JSON Lines (blank lines skipped). `shown` is the name messages use. */
export function parseRecording(text: string, shown: string, firstOrder = 0): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  let lineNo = 0,
    start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    const source = `${shown}:${lineNo}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      fail(source, "", `not JSON (${(err as Error).message})`);
    }
    if (!isObject(value)) fail(source, "", "expected a JSON object per line");
    const order = firstOrder + lineNo;
    if (typeof value.type === "string" && typeof value.seq === "number") {
      const e = attestation(value, source, order);
      if (e !== null) events.push(e);
    } else {
      events.push(...requestLine(value, source, order));
    }
  }
  return events;
}

/** Links each recorded hold to the approval record that answered it (an unanswered one expired). */
function linkApprovals(events: ReplayEvent[]): void {
  const answered = new Map<string, ApprovalStatus>();
  for (const e of events) if (e.kind === "approval") answered.set(e.id, e.status);
  for (const e of events) {
    if (e.kind !== "request" || e.answer === null || e.answer.id === null) continue;
    const status = answered.get(e.answer.id);
    // A hold whose answer the export does not hold (cut off, or still pending) is taken as approved at once.
    e.answer = status === undefined ? null : { status, id: e.answer.id };
  }
}

/** Reads every file, links approvals and sorts by time (ties keep the order of the files and lines). */
export async function readRecordings(files: readonly { abs: string; shown: string }[]): Promise<ReplayEvent[]> {
  const all: ReplayEvent[] = [];
  let order = 0;
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f.abs, "utf8");
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      throw new InputError(`${f.shown}: ${missing ? "no such file" : `cannot read it (${(err as Error).message})`}`);
    }
    const events = parseRecording(text, f.shown, order);
    order += text.length + 1; // more than its line count: orders of two files never mix
    for (const e of events) all.push(e);
  }
  linkApprovals(all);
  all.sort((a, b) => a.at - b.at || a.order - b.order);
  return all;
}
