// Mounts the human-in-the-loop routes on `warden serve`'s router, with the server's API keys for the dashboard.

import type { ServerDeps } from "../server/context";
import { ApiKeys } from "../server/auth";
import type { Router } from "../server/router";
import { createHitl, type Hitl, type HitlOptions } from "./hitl";
import { notifierFromSpecs } from "./notify";
import type { DashboardAuth } from "./session";

/** What `warden serve` may set; the enforcer, clock and API keys come from the server. */
export type HitlServerOptions = Omit<HitlOptions, "enforcer" | "auth" | "clock">;

/**
 * Adds every route of `hitl.routes` to the router and returns the module (call `close()` on shutdown).
 * @example const hitl = hitlRoutes(router, deps, hitlOptionsFromEnv(process.env));
 */
export function hitlRoutes(router: Router, deps: Pick<ServerDeps, "enforcer" | "store" | "clock">, opts: HitlServerOptions = {}): Hitl {
  const hitl = createHitl({ ...opts, enforcer: deps.enforcer, clock: deps.clock, auth: serverKeys(deps) });
  for (const r of hitl.routes) {
    router.add(r.method, r.pattern, async (ctx) => {
      await r.run(ctx.req, ctx.res, ctx.params, ctx.auth ? { issuer_id: ctx.auth.issuer_id } : null);
    }, { auth: r.auth });
  }
  return hitl;
}

/** The server's API keys (`warden keys create`) sign people in to the dashboard; a key sees its issuer's passports. */
function serverKeys(deps: Pick<ServerDeps, "store" | "clock">): DashboardAuth {
  const keys = new ApiKeys(deps.store, deps.clock);
  return {
    async verifyKey(key) {
      try {
        return { issuer_id: (await keys.verify(`Bearer ${key}`)).issuer_id };
      } catch {
        return null;
      }
    },
  };
}

/**
 * The environment of `warden serve`: WARDEN_PUBLIC_URL (approval links), WARDEN_NOTIFY (console, none,
 * file:PATH, webhook:URL, smtp://…?from=, twilio:; comma-separated), TWILIO_* (twilio: notifier and POST /v1/sms/twilio), WARDEN_WEBHOOK_SECRET (signs webhook notifications),
 * WARDEN_SMS_SECRET (verifies SMS replies; comma-separated for rotation), WARDEN_SESSION_SECRET (dashboard cookies, same on every node).
 */
export function hitlOptionsFromEnv(env: Record<string, string | undefined>, fallbackUrl?: string): HitlServerOptions {
  const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const notify = list(env.WARDEN_NOTIFY);
  return {
    publicUrl: env.WARDEN_PUBLIC_URL || fallbackUrl,
    notifier: notifierFromSpecs(notify.length > 0 ? notify : ["console"], env.WARDEN_WEBHOOK_SECRET || undefined),
    smsSecret: list(env.WARDEN_SMS_SECRET).length > 0 ? list(env.WARDEN_SMS_SECRET) : undefined,
    sessionSecret: env.WARDEN_SESSION_SECRET || undefined,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || undefined,
    slack: env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET && env.SLACK_CHANNEL
      ? { token: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, channel: env.SLACK_CHANNEL } : undefined,
  };
}
