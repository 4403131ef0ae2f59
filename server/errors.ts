// The server's errors: one `ApiError` with a stable code whose HTTP status comes from the one table
// (enforcer/error-codes.ts, the bindings' problem codes included), and the mapping from every error the enforcer and bindings throw, so bad
// input is never answered with a 500.

import { PassportError, RequestError, WardenError, type Problem } from "../bindings/errors";
import type { ProblemCode } from "../bindings/problem-codes";
import { ERROR_STATUS, type ErrorCode, isErrorCode, statusOf } from "../enforcer/error-codes";
import { StoreClosedError } from "../enforcer/store";

/** The body of every error response: `{ error: { code, message, path?, ... } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; path?: string; problems?: Problem[]; hint?: string };
}

/** The codes of the table whose status is S. */
type CodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ERROR_STATUS)[C] extends S ? C : never }[ErrorCode];

type ApiErrorExtra = { path?: string; problems?: Problem[]; hint?: string; headers?: Record<string, string> };

export class ApiError extends Error {
  readonly status: number;

  /** An error of the table: its status is the table's. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: ApiErrorExtra = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = statusOf(code);
  }

  /** A validation problem of the bindings, answered under its own problem code (the table's VALIDATION_STATUS). */
  static invalid(problemCode: ProblemCode, message: string, extra: ApiErrorExtra = {}): ApiError {
    return new ApiError(problemCode, message, extra);
  }

  get body(): ErrorBody {
    const { path, problems, hint } = this.extra;
    return { error: { code: this.code, message: this.message, ...(path !== undefined && { path }), ...(problems && { problems }), ...(hint && { hint }) } };
  }
}

// Enforcer errors answered with their own code (the others are internal: a 500 that hides them).
const ENFORCER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "passport_not_found",
  "missing_passport_id",
  "action_id_conflict",
  "state_conflict",
  "forbidden_channel",
  "version_conflict",
  "passport_revoked",
  "immutable_field",
]);

/** Any thrown value as an ApiError; an unknown one is a 500 whose message hides internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PassportError) {
    return ApiError.invalid(err.code, err.message, { path: problemPath(err.problems[0]), problems: err.problems });
  }
  if (err instanceof RequestError) {
    return ApiError.invalid(err.code, err.message, { path: err.path, hint: err.hint });
  }
  if (err instanceof StoreClosedError) return new ApiError("unavailable", "the server is shutting down", { headers: { "retry-after": "1" } });
  if (err instanceof WardenError && isErrorCode(err.code) && ENFORCER_CODES.has(err.code)) {
    return new ApiError(err.code, err.message, statusOf(err.code) === 503 ? { headers: { "retry-after": "1" } } : {});
  }
  return new ApiError("internal", "internal error; the server log has the details");
}

function problemPath(p: Problem | undefined): string | undefined {
  return p === undefined ? undefined : p.path;
}

/** Shorthands for the errors handlers raise themselves. */
export const errors = {
  badRequest: (code: ErrorCode & CodeWithStatus<400>, message: string, path?: string) => new ApiError(code, message, { path }),
  unauthorized: (code: ErrorCode & CodeWithStatus<401>, message: string) =>
    new ApiError(code, message, { headers: { "www-authenticate": 'Bearer realm="warden"' } }),
  notFound: (what: "passport" | "approval", id?: string) => new ApiError(`${what}_not_found`, id === undefined ? `no such ${what}` : `no ${what} ${id}`),
  conflict: (code: ErrorCode & CodeWithStatus<409>, message: string) => new ApiError(code, message),
};
