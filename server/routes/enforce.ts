// POST /v1/enforce (with proof of possession for L3 passports) and POST /v1/actions/report.

import { errors } from "../errors";
import { expectObject, parseJson } from "../http";
import type { Router } from "../router";
import { type ServerDeps, channelOf, issuerOf } from "../context";
import { POP_HEADER } from "../pop";
import type { EnforceRequest, ReportInput } from "../../enforcer/types";

const REPORT_FIELDS = new Set(["permit_token", "success", "result", "actual_cost_cents"]);

export function enforceRoutes(router: Router, { enforcer, passports, pop, metrics, events }: ServerDeps): void {
  router.post(
    "/v1/enforce",
    async (ctx) => {
      const issuer = issuerOf(ctx);
      const raw = await ctx.rawBody();
      const body = expectObject(parseJson(raw));
      if (typeof body.passport_id !== "string") throw errors.badRequest("invalid_type", "passport_id is required (a string)", "passport_id");
      const owner = await passports.owner(issuer, body.passport_id);
      if (owner.trust_tier === "L3") {
        const header = ctx.req.headers[POP_HEADER];
        await pop.verify(body.passport_id, { method: "POST", path: ctx.url.pathname, body: raw, header: Array.isArray(header) ? header[0] : header });
      }
      const t0 = performance.now();
      const decision = await enforcer.enforce(body as unknown as EnforceRequest, channelOf(ctx));
      const ms = performance.now() - t0;
      metrics.enforceSeconds.observe(ms / 1000);
      metrics.decisions.inc({ decision: decision.decision, rule: decision.rule ?? "none" });
      events.emit("decision", {
        decision,
        issuer_id: issuer,
        duration_ms: ms,
        action: typeof body.action === "string" ? body.action : undefined,
        cost_cents: typeof body.cost_cents === "number" ? body.cost_cents : undefined,
      });
      return decision;
    },
    { role: "agent" },
  );

  router.post(
    "/v1/actions/report",
    async (ctx) => {
      const issuer = issuerOf(ctx);
      const body = expectObject(await ctx.json());
      const extra = Object.keys(body).find((k) => !REPORT_FIELDS.has(k));
      if (extra !== undefined) throw errors.badRequest("unknown_field", `unknown field ${JSON.stringify(extra)}`, extra);
      if (typeof body.permit_token !== "string") throw errors.badRequest("invalid_type", "permit_token is required (a string)", "permit_token");
      if (typeof body.success !== "boolean") throw errors.badRequest("invalid_type", "success is required (true or false)", "success");
      // Another issuer's permit is answered exactly like an unknown one, and is not consumed.
      const permit = await enforcer.getPermit(body.permit_token);
      if (permit) {
        try {
          await passports.owner(issuer, permit.passport_id);
        } catch {
          return { accepted: false, reason: "unknown_or_used_permit" };
        }
      }
      return enforcer.report(body as unknown as ReportInput, channelOf(ctx));
    },
    { role: "agent" },
  );
}
