// The server's errors: one `ApiError` with a stable code and an HTTP status, and the mapping from
// every error the enforcer and bindings throw, so bad input is never answered with a 500.

import { PassportError, RequestError, WardenError, type Problem } from "../bindings/errors";
import { StoreClosedError } from "../enforcer/store";

/** The body of every error response: `{ error: { code, message, path?, ... } }`. */
export interface ErrorBody {
  error: { code: string; message: string; path?: string; problems?: Problem[]; hint?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { path?: string; problems?: Problem[]; hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  get body(): ErrorBody {
    const { path, problems, hint } = this.extra;
    return { error: { code: this.code, message: this.message, ...(path !== undefined && { path }), ...(problems && { problems }), ...(hint && { hint }) } };
  }
}

// Enforcer error codes that are the caller's doing, by HTTP status.
const ENFORCER_STATUS: Record<string, number> = {
  passport_not_found: 404,
  missing_passport_id: 400,
  action_id_conflict: 409,
  state_conflict: 503,
  forbidden_channel: 403,
};

/** Any thrown value as an ApiError; an unknown one is a 500 whose message hides internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PassportError) {
    return new ApiError(400, err.code, err.message, { path: problemPath(err.problems[0]), problems: err.problems });
  }
  if (err instanceof RequestError) {
    return new ApiError(400, err.code, err.message, { path: err.path, hint: err.hint });
  }
  if (err instanceof StoreClosedError) return new ApiError(503, "unavailable", "the server is shutting down", { headers: { "retry-after": "1" } });
  if (err instanceof WardenError && ENFORCER_STATUS[err.code] !== undefined) {
    const status = ENFORCER_STATUS[err.code]!;
    return new ApiError(status, err.code, err.message, status === 503 ? { headers: { "retry-after": "1" } } : {});
  }
  return new ApiError(500, "internal", "internal error; the server log has the details");
}

function problemPath(p: Problem | undefined): string | undefined {
  return p === undefined ? undefined : p.path;
}

/** Shorthands for the errors handlers raise themselves. */
export const errors = {
  badRequest: (code: string, message: string, path?: string) => new ApiError(400, code, message, { path }),
  unauthorized: (code: string, message: string) => new ApiError(401, code, message, { headers: { "www-authenticate": 'Bearer realm="warden"' } }),
  notFound: (what: string, id?: string) => new ApiError(404, `${what}_not_found`, id === undefined ? `no such ${what}` : `no ${what} ${id}`),
  conflict: (code: string, message: string) => new ApiError(409, code, message),
};
