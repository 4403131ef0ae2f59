// Error codes are one closed union with their HTTP status in one table (enforcer/error-codes.ts),
// used by both HTTP layers; every wire code keeps the status it had.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PassportError, RequestError } from "../bindings/errors";
import { PROBLEM_CODES } from "../bindings/problem-codes";
import { ERROR_STATUS, isErrorCode, statusOf, type ErrorCode } from "../enforcer/error-codes";
import { EnforcerError } from "../enforcer/enforcer";
import { StoreClosedError } from "../enforcer/store";
import { HttpError } from "../desk/web";
import { ApiError, errors, toApiError } from "../server/errors";

const ROOT = join(import.meta.dirname, "..");

describe("the error table", () => {
  it("keeps every wire code at the status it had before the table", () => {
    // The pairs the server and the human-facing routes answered with, as written at their call sites before.
    const before = {
      invalid_json: 400,
      invalid_body: 400,
      invalid_type: 400,
      invalid_value: 400,
      unknown_field: 400,
      missing_field: 400,
      missing_passport_id: 400,
      issuer_mismatch: 400,
      confirmation_required: 400,
      invalid_payload: 400,
      conflicting_fields: 400,
      immutable_field: 400,
      unauthorized: 401,
      missing_api_key: 401,
      invalid_api_key: 401,
      bad_signature: 401,
      pop_required: 401,
      pop_invalid: 401,
      pop_stale: 401,
      pop_replayed: 401,
      bad_csrf_token: 403,
      forbidden_channel: 403,
      operator_only: 403,
      host_not_allowed: 403,
      origin_not_allowed: 403,
      not_found: 404,
      passport_not_found: 404,
      approval_not_found: 404,
      method_not_allowed: 405,
      action_id_conflict: 409,
      approval_not_pending: 409,
      replayed: 409,
      version_conflict: 409,
      passport_revoked: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      rate_limited: 429,
      internal: 500,
      internal_error: 500,
      unavailable: 503,
      state_conflict: 503,
      sms_not_configured: 503,
      twilio_not_configured: 503,
      slack_not_configured: 503,
      too_many_streams: 503,
      too_many_streams_for_issuer: 503,
    } as const satisfies Partial<Record<ErrorCode, number>>;
    const codes = Object.keys(before) as (keyof typeof before)[];
    expect(Object.fromEntries(codes.map((code) => [code, ERROR_STATUS[code]]))).toEqual(before);
    // The table holds those and the bindings' problem codes (all 400), nothing else.
    expect(new Set(Object.keys(ERROR_STATUS))).toEqual(new Set([...codes, ...Object.keys(PROBLEM_CODES)]));
  });

  it("both HTTP layers take the status from it", () => {
    expect(new ApiError("rate_limited", "x").status).toBe(429);
    expect(new HttpError("payload_too_large", "x").status).toBe(413);
    expect(errors.notFound("approval", "apr_1")).toMatchObject({ status: 404, code: "approval_not_found" });
    expect(errors.unauthorized("pop_required", "x").status).toBe(401);
    expect(isErrorCode("out_of_range")).toBe(true); // a problem code: in the one table, at 400
    expect(statusOf("out_of_range")).toBe(400);
    expect(isErrorCode("no_such_code")).toBe(false);
    expect(statusOf("state_conflict")).toBe(503);
  });

  it("maps what the enforcer and the bindings throw to the same codes and statuses as before", () => {
    const problem = { code: "out_of_range", path: "cost_cents", message: "too big" } as const;
    expect(toApiError(new RequestError(problem))).toMatchObject({ status: 400, code: "out_of_range", extra: { path: "cost_cents" } });
    expect(toApiError(new PassportError([{ code: "unknown_constraint", path: "constraints.x", message: "?" }]))).toMatchObject({
      status: 400,
      code: "unknown_constraint",
    });
    for (const [code, status] of [
      ["passport_not_found", 404],
      ["missing_passport_id", 400],
      ["action_id_conflict", 409],
      ["state_conflict", 503],
    ] as const) {
      expect(toApiError(new EnforcerError(code, "m"))).toMatchObject({ status, code });
    }
    expect(toApiError(new EnforcerError("state_conflict", "m")).extra.headers).toEqual({ "retry-after": "1" });
    expect(toApiError(new EnforcerError("bad_state", "m"))).toMatchObject({ status: 500, code: "internal" });
    expect(toApiError(new StoreClosedError())).toMatchObject({ status: 503, code: "unavailable" });
    expect(toApiError(new Error("boom"))).toMatchObject({ status: 500, code: "internal" });
  });

  it("no file above the enforcer pairs a status number with an error code by hand", () => {
    const skip = new Set(["enforcer", "bindings", "assembly", "test", "node_modules", "dist", "build", "bench", "scripts", "examples", "docs", "schemas"]);
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name.startsWith(".") || (dir === ROOT && skip.has(name))) continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (dir !== ROOT && name.endsWith(".ts")) {
          readFileSync(path, "utf8")
            .split("\n")
            .forEach((line, i) => {
              if (
                /\b(ApiError|HttpError)\(\s*\d{3}|sendError\(\s*\w+,\s*\d{3}|_STATUS\s*:\s*Record<string/.test(line) ||
                /\brpcError\(\s*\w+,\s*\d{3},.*,\s*("[a-z]+(_[a-z]+)+"|\w+\.code|code)\s*\);?\s*$/.test(line)
              )
                offenders.push(`${relative(ROOT, path)}:${i + 1}`);
            });
        }
      }
    };
    walk(ROOT);
    expect(offenders).toEqual([]);
  });
});
