// Modei compatibility: Modei's documented paths and field names, translated onto our own /v1
// routes (docs/migrating-from-modei.md). Each Modei route reuses the handler and the options (auth,
// and any the router gains) of the /v1 route it stands for; only the shapes are translated here.
// Every number comes from the module: expiry dates (engine.expiryAfterDays), daily caps
// (policy.dailyLimits) and window resets (enforcer.state).

import { createPrivateKey, createPublicKey } from "node:crypto";
import type { JWK } from "jose";
import { errors } from "./errors";
import { Reply, expectObject } from "./http";
import type { RequestContext, Route, Router } from "./router";
import type { ServerDeps } from "./context";
import type { PassportState } from "../enforcer/types";
import { validateBody } from "../bindings/validate-body";
import { modeiWindowResetSchema, propertyTypes } from "../bindings/gen/zod";
import { schemaBody } from "./openapi-operation";

/** Largest `expires_in_days` accepted (100 years); the module computes the date. */
const MAX_EXPIRES_IN_DAYS = 36_500;

/** Mount after every other route: it aliases /v1 routes and /mcp that must exist already. */
export function modeiRoutes(router: Router, { enforcer, clock }: Pick<ServerDeps, "enforcer" | "clock">): void {
  const find = (method: string, pattern: string): Route => {
    const r = router.list().find((x) => x.method === method && x.pattern === pattern);
    if (!r) throw new Error(`modei: route ${method} ${pattern} must be mounted first`);
    return r;
  };
  /** Adds `pattern` with the target's handler (wrapped) and all its options. */
  const alias = (
    target: Route,
    method: string,
    pattern: string,
    wrap?: (ctx: RequestContext, run: Route["handler"]) => Promise<unknown>,
    requestBody?: Record<string, unknown>,
  ) => {
    const { method: _m, pattern: _p, name: _n, handler, doc, ...opts } = target;
    // Its documentation is the target's, marked as the Modei-compatible path.
    const targetName = `${target.method} ${target.pattern.replace(/:([A-Za-z_]+)/g, "{$1}")}`;
    router.add(method, pattern, wrap ? (ctx) => wrap(ctx, handler) : handler, {
      ...opts,
      doc: doc && {
        ...doc,
        summary: `${doc.summary} (Modei-compatible path)`,
        tags: ["modei"],
        description: `The same as ${targetName} under Modei's path and field names (docs/migrating-from-modei.md).${doc.description ? ` ${doc.description}` : ""}`,
        ...(requestBody && { requestBody }),
      },
    });
  };

  // POST /api/v1/passports: expires_in_days → expires_at; answers with Modei's top-level fields beside ours.
  const create = find("POST", "/v1/passports");
  alias(create, "POST", "/api/v1/passports", async (ctx, run) => {
    const body = { ...expectObject(await ctx.json()) };
    if (body.expires_in_days !== undefined) {
      const days = body.expires_in_days;
      if (typeof days !== "number" || !Number.isSafeInteger(days) || days < 1 || days > MAX_EXPIRES_IN_DAYS) {
        throw errors.badRequest("invalid_value", `expires_in_days must be a whole number of days from 1 to ${MAX_EXPIRES_IN_DAYS}`, "expires_in_days");
      }
      if (body.expires_at !== undefined && body.expires_at !== null) {
        throw errors.badRequest("conflicting_fields", "give expires_in_days or expires_at, not both", "expires_in_days");
      }
      body.expires_at = new Date(enforcer.engine.expiryAfterDays(clock(), days)).toISOString();
      delete body.expires_in_days;
    }
    const reply = await run(withBody(ctx, body));
    if (!(reply instanceof Reply)) return reply;
    const created = reply.body as { passport: Record<string, unknown>; private_key_jwk: JWK; public_key_jwk: JWK };
    const p = created.passport;
    return new Reply(
      reply.status,
      {
        id: p.id,
        passport_id: p.id,
        agent_id: p.agent_id ?? null,
        agent_name: p.agent_name ?? null,
        issuer_id: p.issuer_id,
        permissions: p.permissions ?? [],
        trust_tier: p.trust_tier ?? null,
        status: p.status ?? "active",
        expires_at: p.expires_at ?? null,
        metadata: p.metadata ?? {},
        public_key: createPublicKey({ key: created.public_key_jwk as import("node:crypto").JsonWebKey, format: "jwk" }).export({ type: "spki", format: "pem" }),
        private_key: createPrivateKey({ key: created.private_key_jwk as import("node:crypto").JsonWebKey, format: "jwk" }).export({
          type: "pkcs8",
          format: "pem",
        }),
        ...created,
      },
      reply.headers,
    );
  });

  // POST /api/v1/enforce and /api/enforce: the same body and handler (target: null is accepted everywhere).
  const enforce = find("POST", "/v1/enforce");
  alias(enforce, "POST", "/api/v1/enforce");
  alias(enforce, "POST", "/api/enforce");

  // GET …/state: ours, plus Modei's daily fields (caps from the module, resets from the enforcer).
  const state = find("GET", "/v1/passports/:id/state");
  const withModei = async (ctx: RequestContext, run: Route["handler"]) => {
    const s = (await run(ctx)) as PassportState;
    const caps = (await enforcer.policy(ctx.params.id!)).dailyLimits();
    return {
      ...s,
      daily_cost_cents: s.spent_today_cents,
      daily_cost_limit_cents: caps.cost_cents,
      daily_requests: s.actions_today,
      daily_request_limit: caps.requests,
      // Modei names one reset instant; ours are per window.
      window_resets_at: s.window_resets_at.daily,
      window_resets: s.window_resets_at,
    };
  };
  alias(state, "GET", "/api/v1/passports/:id/state", withModei);
  alias(state, "GET", "/api/passports/:id/state", withModei);

  // POST …/state/reset: Modei's body may be empty (reset the daily window) or name window_type.
  const reset = find("POST", "/v1/passports/:id/state/reset");
  alias(
    reset,
    "POST",
    "/api/v1/passports/:id/state/reset",
    async (ctx, run) => {
      const raw = await ctx.json();
      const body = validateBody(modeiWindowResetSchema, raw === undefined ? {} : raw, "window reset", propertyTypes.ModeiWindowReset);
      return run(withBody(ctx, { window_type: body.window_type ?? "daily" }));
    },
    schemaBody("ModeiWindowReset", "operator", { required: false }),
  );

  // MCP at Modei's Supravision URL: the /mcp handler itself (same auth, same checks).
  for (const r of router.list().filter((x) => x.pattern === "/mcp")) alias(r, r.method, "/api/mcp/supravision");
}

/**
 * The request with a rewritten body for the /v1 handler. A body too deep to write out again is the
 * caller's (a 400, never a stack overflow): the /v1 route would refuse it too.
 */
function withBody<C extends { json(): Promise<unknown>; rawBody(): Promise<Buffer> }>(ctx: C, body: unknown): C {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    throw errors.badRequest("invalid_body", "the body nests too deeply");
  }
  return { ...ctx, json: async () => JSON.parse(text), rawBody: async () => Buffer.from(text) };
}
