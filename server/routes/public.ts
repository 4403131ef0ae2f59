// Routes without an API key: health, the decision-signing keys (JWKS), metrics and the API description.

import { Reply } from "../http";
import type { Router } from "../router";
import type { ServerDeps } from "../context";
import { openApiDocument } from "../openapi";
import { Records } from "../../enforcer/records";

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
  router.get("/healthz", health, { auth: "none" });
  router.get("/v1/healthz", health, { auth: "none" });

  const jwks = async () => new Reply(200, { keys: [enforcer.publicJwk] }, { "cache-control": "public, max-age=300" });
  router.get("/.well-known/jwks.json", jwks, { auth: "none" });
  router.get("/v1/jwks.json", jwks, { auth: "none" });

  router.get("/metrics", async () => Reply.raw(200, metrics.contentType, await metrics.render()), { auth: "none" });

  router.get("/v1/openapi.json", async () => openApiDocument(router), { auth: "none" });
}
