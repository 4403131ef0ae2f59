// HTTP plumbing between route handlers and Fastify: replies, JSON parsing with paths, Fastify's errors in our table.

import type { ServerResponse } from "node:http";
import { ApiError, type ErrorBody } from "./errors";

/** What a handler may return instead of a plain JSON value. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}

  /** A non-JSON body: text, or lines streamed from an async iterable. */
  static raw(status: number, contentType: string, body: string | AsyncIterable<string>, headers: Record<string, string> = {}): Reply {
    return new Reply(status, body, { "content-type": contentType, ...headers });
  }
}

/** A Fastify error (body limit, content length, bad URL) as the ApiError of the one table. */
export function fromFastify(err: unknown, limit: number): unknown {
  if (err instanceof ApiError || !(err instanceof Error)) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413) return new ApiError("payload_too_large", `the request body is larger than ${limit} bytes`);
  if (status === 415) return new ApiError("unsupported_media_type", err.message);
  if (status !== undefined && status >= 400 && status < 500) return new ApiError("invalid_body", err.message);
  return err;
}

/** Parses a JSON body; an empty body is `undefined`. Errors name the line and column. */
export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw new ApiError("invalid_json", `the request body is not valid JSON: ${message}`, { path: "" });
  }
}

/** A JSON object body, or a 400 that says what was found. */
export function expectObject(value: unknown, what = "the request body"): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const found = value === undefined ? "nothing" : Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
    throw new ApiError("invalid_type", `${what} must be a JSON object (found ${found})`, { path: "" });
  }
  return value as Record<string, unknown>;
}

/** Writes a reply; a string or async-iterable body with a content type is sent as is. */
export async function send(res: ServerResponse, reply: Reply): Promise<void> {
  const headers: Record<string, string> = { "cache-control": "no-store", ...reply.headers };
  const body = reply.body;
  if (body !== null && typeof body === "object" && Symbol.asyncIterator in body) {
    res.writeHead(reply.status, headers);
    for await (const chunk of body as AsyncIterable<string>) {
      if (!res.write(chunk)) await new Promise((ok) => res.once("drain", ok));
    }
    res.end();
    return;
  }
  let text: string;
  if (typeof body === "string" && headers["content-type"] !== undefined) text = body;
  else {
    text = body === undefined ? "" : JSON.stringify(body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  headers["content-length"] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

export function errorReply(err: ApiError): Reply {
  const body: ErrorBody = err.body;
  return new Reply(err.status, body, err.extra.headers ?? {});
}
