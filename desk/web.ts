// Small node:http helpers shared by the human-facing routes and /mcp: bounded bodies, forms, JSON, pages, redirects, cookies.

import type { IncomingMessage, ServerResponse } from "node:http";
import { type ErrorCode, statusOf } from "../enforcer/error-codes";
import { canonicalJson } from "../enforcer/signing";

/** A rendered page: status, headers and HTML (humans/pages/layout.ts makes them). */
export interface Page {
  status: number;
  headers: Record<string, string>;
  html: string;
}

export class HttpError extends Error {
  readonly status: number;
  /** Its status is the one table's (enforcer/error-codes.ts), as for the server's ApiError; `path` names the body's field. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.status = statusOf(code);
  }
}

/**
 * Bodies the host server has already read and bounded (`warden serve`: Fastify buffers every body
 * before the route runs). Routes mounted on a plain node:http server read the stream instead.
 */
export const bufferedBodies = new WeakMap<IncomingMessage, Buffer>();

/** Reads the whole body, refusing more than `limit` bytes (413) before buffering it. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const buffered = bufferedBodies.get(req);
  if (buffered) {
    if (buffered.length > limit) throw new HttpError("payload_too_large", `the body must be at most ${limit} bytes`);
    return buffered;
  }
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw new HttpError("payload_too_large", `the body must be at most ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError("payload_too_large", `the body must be at most ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
}

/** A form or JSON body as a flat record of strings (other JSON values are stringified). */
export function fieldsOf(req: IncomingMessage, body: Buffer): Record<string, string> {
  const type = mediaType(req);
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new HttpError("invalid_json", "the body is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new HttpError("invalid_body", "the body must be a JSON object");
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === "string" ? v : canonicalJson(v); // iterative: any depth (SPEC §11)
    return out;
  }
  if (type === "application/x-www-form-urlencoded" || type === "") return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  throw new HttpError("unsupported_media_type", "send application/x-www-form-urlencoded or application/json");
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** `{ error: { code, message } }` with the code's status from the one table. */
export function sendError(res: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, statusOf(code), { error: { code, message } }, headers);
}

export function sendPage(res: ServerResponse, p: Page, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(p.status, { ...p.headers, "content-length": Buffer.byteLength(p.html), ...extra });
  res.end(p.html);
}

export function sendHtmlFragment(res: ServerResponse, html: string): void {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-length": Buffer.byteLength(html),
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { location, "cache-control": "no-store", "content-length": 0, ...extra });
  res.end();
}

/** Whether the client asked for JSON (the dashboard's script) rather than a page (a plain form post). */
export function wantsJson(req: IncomingMessage): boolean {
  return String(req.headers.accept ?? "").includes("application/json");
}

export function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function bearer(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
  return m ? m[1]! : null;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
