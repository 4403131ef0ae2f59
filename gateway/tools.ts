// How a downstream tool call becomes a request (SPEC §12): its exposed name, its action from the tool map, cost, target and actual cost.
// The tool map is configuration (which action a tool is), not policy: patterns match tool names as MCP spells them, case-sensitively.

import { WardenError } from "../bindings/errors";
import type { ProxyConfig, ToolMapping } from "./config";

/** MCP's tool-name rule: 1 to 128 of A-Z a-z 0-9 _ - . */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/** Between a server's key and its tool's name when several servers are exposed. */
export const PREFIX_SEPARATOR = "__";

/** A tool call the gateway could not turn into a request (a mapped argument missing or of the wrong type). */
export class MappingError extends WardenError {}

/** A downstream tool as the agent sees it. */
export interface ExposedName {
  server: string;
  tool: string;
  name: string;
}

/** The agent's name for a tool: kept with one server, `key__tool` with several; null when that breaks MCP's name rule. */
export function exposedName(server: string, tool: string, several: boolean): string | null {
  const name = several ? `${server}${PREFIX_SEPARATOR}${tool}` : tool;
  return TOOL_NAME.test(name) || !several ? name : null;
}

interface CompiledEntry {
  pattern: RegExp;
  mapping: ToolMapping;
}

/** The config's tool map, compiled once: first match wins. */
export class ToolMap {
  private readonly entries: CompiledEntry[];

  constructor(tools: ProxyConfig["tools"] = {}) {
    this.entries = Object.entries(tools).flatMap(([pattern, mapping]) => (mapping ? [{ pattern: glob(pattern), mapping }] : []));
  }

  /** The mapping of `server:tool`, or an empty one (action server:tool, no cost, no target). */
  lookup(server: string, tool: string): ToolMapping {
    const key = `${server}:${tool}`;
    return this.entries.find((e) => e.pattern.test(key))?.mapping ?? {};
  }

  /** The action of a tool (without its arguments: hide_denied_tools probes it). */
  action(server: string, tool: string): string {
    return this.lookup(server, tool).action ?? `${server}:${tool}`;
  }
}

/** The request parts a call maps to; `context` carries the server, the tool and the arguments (SPEC §12). */
export interface MappedCall {
  action: string;
  cost_cents: number;
  target?: string;
  context: { server: string; tool: string; arguments: Record<string, unknown> };
}

/** Builds the request of one call; a mapped argument that is missing or malformed is a MappingError (the call is refused). */
export function mapCall(map: ToolMap, server: string, tool: string, args: Record<string, unknown>): MappedCall {
  const m = map.lookup(server, tool);
  const out: MappedCall = { action: m.action ?? `${server}:${tool}`, cost_cents: 0, context: { server, tool, arguments: args } };
  if (m.cost_cents !== undefined) {
    const cost = typeof m.cost_cents === "number" ? m.cost_cents : pointer(args, m.cost_cents);
    if (!isCents(cost)) {
      throw new MappingError(
        "invalid_argument",
        `the cost of ${tool} is read from its argument ${m.cost_cents}, which must be integer cents (found ${show(cost)})`,
      );
    }
    out.cost_cents = cost;
  }
  if (m.target !== undefined) {
    const target = m.target.startsWith("/") ? pointer(args, m.target) : m.target;
    if (typeof target !== "string" || target === "") {
      throw new MappingError(
        "invalid_argument",
        `the target of ${tool} is read from its argument ${m.target}, which must be a non-empty string (found ${show(target)})`,
      );
    }
    out.target = target;
  }
  return out;
}

/** The actual cost of a finished call, when the map says where it is; undefined when the result does not carry it. */
export function actualCost(map: ToolMap, server: string, tool: string, structured: unknown): number | undefined {
  const spec = map.lookup(server, tool).actual_cost_cents;
  if (spec === undefined) return undefined;
  const value = typeof spec === "number" ? spec : pointer(structured, spec);
  return isCents(value) ? value : undefined;
}

/** RFC 6901: the value at a JSON pointer, or undefined. */
export function pointer(doc: unknown, ptr: string): unknown {
  let v = doc;
  for (const raw of ptr.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(v) && /^(0|[1-9][0-9]*)$/.test(key)) v = v[Number(key)];
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key)) v = (v as Record<string, unknown>)[key];
    else return undefined;
  }
  return v;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
}

const isCents = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const show = (v: unknown): string => (v === undefined ? "nothing" : JSON.stringify(v).slice(0, 60));
