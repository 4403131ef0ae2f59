// Routes without an API key: health, the decision-signing keys (JWKS), metrics and the API description.

import { Reply } from "../http";
import type { Router } from "../router";
import type { ServerDeps } from "../context";
import { openApiDocument } from "../openapi";
import { Records } from "../../enforcer/records";
import { json, open, ref } from "../openapi-operation";

const HEALTH = { "200": json(ref("Health")), "503": json(ref("Health"), "Draining or store unreachable") };

export function publicRoutes(router: Router, { enforcer, store, metrics, storeKind }: ServerDeps, state: { draining: boolean }): void {
  const probe = new Records<unknown>(store, "server");
  const health = async () => {
    if (state.draining) return new Reply(503, { status: "draining", store: storeKind });
    try {
      await probe.get("health");
    } catch (err) {
      return new Reply(503, { status: "store_unavailable", store: storeKind, message: (err as Error).message });
    }
    return { status: "ok", store: storeKind };
  };
  router.get("/healthz", health, { auth: "none", doc: { summary: "Liveness and store reachability", tags: ["meta"], ...open, responses: HEALTH } });
  router.get("/v1/healthz", health, { auth: "none", doc: { summary: "Same as /healthz", tags: ["meta"], ...open, responses: HEALTH } });

  const jwks = async () => new Reply(200, { keys: [enforcer.publicJwk] }, { "cache-control": "public, max-age=300" });
  router.get("/.well-known/jwks.json", jwks, {
    auth: "none",
    doc: { summary: "Public keys that verify decision signatures and audit records", tags: ["meta"], ...open, responses: { "200": json(ref("Jwks")) } },
  });
  router.get("/v1/jwks.json", jwks, {
    auth: "none",
    doc: { summary: "Same as /.well-known/jwks.json", tags: ["meta"], ...open, responses: { "200": json(ref("Jwks")) } },
  });

  router.get("/metrics", async () => Reply.raw(200, metrics.contentType, await metrics.render()), {
    auth: "none",
    doc: {
      summary: "Prometheus metrics",
      description: "Decisions by outcome and rule, enforce latency histogram, HTTP requests by route and status.",
      tags: ["meta"],
      ...open,
      responses: { "200": { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } } },
    },
  });

  router.get("/v1/openapi.json", async () => openApiDocument(router), {
    auth: "none",
    doc: { summary: "This document", tags: ["meta"], ...open, responses: { "200": json({ type: "object" }) } },
  });
}
