// POST /v1/enforce (with proof of possession for L3 passports) and POST /v1/actions/report.

import { errors } from "../errors";
import { expectObject, parseJson } from "../http";
import type { Router } from "../router";
import { type ServerDeps, channelOf, issuerOf } from "../context";
import type { EnforceRequest } from "../../enforcer/types";
import { validateBody } from "../../bindings/validate-body";
import { actionReportSchema, propertyTypes } from "../../bindings/gen/zod";
import { COMMON_ERRORS, err, json, obj, ref, schemaBody } from "../openapi-operation";
import { POP_HEADER, POP_MAX_SKEW_S } from "../pop";

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
    {
      role: "agent",
      doc: {
        summary: "Decide one action",
        description: `Evaluates the request against the passport and its counters, commits (allow) or reserves (hold) its cost, and returns the signed decision. A repeated action_id returns the first decision (409 action_id_conflict if the request differs). For trust_tier L3 passports the \`Warden-PoP\` header must carry a compact JWS (alg EdDSA, typ warden-pop+jws) signed with the passport's private key, whose payload is {iat (seconds, within ±${POP_MAX_SKEW_S} s), nonce (16–128 of A-Za-z0-9_-, never reused), htm: "POST", htu: "/v1/enforce", sha256: base64url SHA-256 of the exact body bytes}; otherwise 401 pop_required, pop_invalid, pop_stale or pop_replayed.`,
        tags: ["enforce"],
        parameters: [
          { name: "Warden-PoP", in: "header", required: false, schema: { type: "string" }, description: "Proof of possession (trust_tier L3 only)." },
        ],
        requestBody: schemaBody("EnforceRequest", "agent"),
        responses: {
          "200": json(ref("Decision"), "The decision (allow, request_hold or block)"),
          ...COMMON_ERRORS,
          "409": err("action_id reused for a different request."),
        },
      },
    },
  );

  router.post(
    "/v1/actions/report",
    async (ctx) => {
      const issuer = issuerOf(ctx);
      const body = validateBody(actionReportSchema, await ctx.json(), "report", propertyTypes.ActionReport);
      // Another issuer's permit is answered exactly like an unknown one, and is not consumed.
      const permit = await enforcer.getPermit(body.permit_token);
      if (permit) {
        try {
          await passports.owner(issuer, permit.passport_id);
        } catch {
          return { accepted: false, reason: "unknown_or_used_permit" };
        }
      }
      return enforcer.report(body, channelOf(ctx));
    },
    {
      role: "agent",
      doc: {
        summary: "Report an action's result with its permit (closes the audit loop)",
        description: "Permits are single-use and expire 30 s after issue; actual_cost_cents trues up the committed spend.",
        tags: ["enforce"],
        requestBody: schemaBody("ActionReport", "agent"),
        responses: {
          "200": json(obj({ accepted: { type: "boolean" }, reason: { enum: ["unknown_or_used_permit", "permit_expired"] } }, ["accepted"])),
          ...COMMON_ERRORS,
        },
      },
    },
  );
}
