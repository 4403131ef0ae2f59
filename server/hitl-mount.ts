// Mounts the human-in-the-loop routes on `warden serve`'s router, with the server's API keys for the dashboard.

import type { ServerDeps } from "./context";
import type { ApiKeys } from "./auth";
import type { Router } from "./router";
import { createHitl, type Hitl, type HitlOptions } from "./hitl";
import { notifierFromSpecs } from "../humans/notify";
import type { DashboardAuth } from "../humans/session";

/** What `warden serve` may set; the enforcer, clock and API keys come from the server. */
export type HitlServerOptions = Omit<HitlOptions, "enforcer" | "auth" | "clock" | "mcpProof">;

/**
 * Adds every route of `hitl.routes` to the router and returns the module (call `close()` on shutdown).
 * @example const hitl = hitlRoutes(router, deps, hitlOptionsFromEnv(process.env));
 */
export function hitlRoutes(router: Router, deps: Pick<ServerDeps, "enforcer" | "store" | "clock" | "pop">, keys: ApiKeys, opts: HitlServerOptions = {}): Hitl {
  // /mcp checks L3 proofs exactly as /v1/enforce does (same verifier, same nonce store).
  const hitl = createHitl({ ...opts, enforcer: deps.enforcer, clock: deps.clock, auth: serverKeys(keys), mcpProof: deps.pop });
  for (const r of hitl.routes) {
    router.add(
      r.method,
      r.pattern,
      async (ctx) => {
        await r.run(ctx.req, ctx.res, ctx.params, ctx.auth ? { issuer_id: ctx.auth.issuer_id, key_id: ctx.auth.key_id } : null);
      },
      { auth: r.auth, raw: true, doc: r.doc },
    );
  }
  return hitl;
}

/**
 * The server's API keys (`warden keys create`) sign people in to the dashboard; a key sees its
 * issuer's passports. Only operator keys: the dashboard approves and stops (SPEC §11). Sessions and
 * streams ask `isLive` so a revoked key loses them within seconds.
 */
function serverKeys(keys: ApiKeys): DashboardAuth {
  return {
    async verifyKey(key) {
      try {
        const info = await keys.verify(`Bearer ${key}`);
        return info.role === "operator" ? { issuer_id: info.issuer_id, key_id: info.key_id } : null;
      } catch {
        return null;
      }
    },
    isLive: (keyId) => keys.isLive(keyId),
  };
}

/**
 * The environment of `warden serve`: WARDEN_PUBLIC_URL (approval links), WARDEN_NOTIFY (console, none,
 * file:PATH, webhook:URL, smtp://…?from=, twilio:; comma-separated), TWILIO_* (twilio: notifier and POST /v1/sms/twilio), WARDEN_WEBHOOK_SECRET (signs webhook notifications),
 * WARDEN_SMS_SECRET (verifies SMS replies; comma-separated for rotation), WARDEN_SESSION_SECRET (dashboard cookies, same on every node),
 * WARDEN_MCP_ALLOWED_ORIGINS (origins besides the server's own that may reach /mcp; comma-separated).
 */
export function hitlOptionsFromEnv(env: Record<string, string | undefined>, fallbackUrl?: string): HitlServerOptions {
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const notify = list(env.WARDEN_NOTIFY);
  return {
    publicUrl: env.WARDEN_PUBLIC_URL || fallbackUrl,
    notifier: notifierFromSpecs(notify.length > 0 ? notify : ["console"], env.WARDEN_WEBHOOK_SECRET || undefined),
    smsSecret: list(env.WARDEN_SMS_SECRET).length > 0 ? list(env.WARDEN_SMS_SECRET) : undefined,
    sessionSecret: env.WARDEN_SESSION_SECRET || undefined,
    mcpAllowedOrigins: list(env.WARDEN_MCP_ALLOWED_ORIGINS),
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || undefined,
    slack:
      env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET && env.SLACK_CHANNEL
        ? { token: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, channel: env.SLACK_CHANNEL }
        : undefined,
  };
}
