// agent-warden/client against a real `warden serve` on loopback: every route and body field it
// uses exists in the server's own OpenAPI document, refusals become typed errors naming the path,
// and an unknown approval is null rather than an exception.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES, WardenClient, WardenClientError } from "../../adapters/client/index";
import { remoteBackend } from "./harness";

type Json = Record<string, any>;
let backend: Awaited<ReturnType<typeof remoteBackend>>;
let doc: Json;

beforeAll(async () => {
  backend = await remoteBackend();
  doc = (await (await fetch(`${backend.server.url}/v1/openapi.json`)).json()) as Json;
}, 60_000);
afterAll(async () => {
  await backend?.close();
});

/** The property names a request body schema allows (following $ref and allOf). */
function bodyFields(schema: Json | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (s: Json | undefined): void => {
    if (!s) return;
    if (typeof s.$ref === "string") return visit(doc.components.schemas[s.$ref.split("/").pop()!]);
    for (const part of s.allOf ?? []) visit(part);
    for (const k of Object.keys(s.properties ?? {})) out.add(k);
  };
  visit(schema);
  return out;
}

describe("agent-warden/client and the OpenAPI document", () => {
  it.each(Object.entries(ROUTES))("%s: its route and body fields are in /v1/openapi.json", (_name, route) => {
    const op = doc.paths[route.path]?.[route.method.toLowerCase()];
    expect(op, `${route.method} ${route.path} is documented`).toBeDefined();
    expect(op["x-undocumented"]).toBeUndefined();
    const fields = bodyFields(op.requestBody?.content?.["application/json"]?.schema);
    for (const f of route.body) expect(fields, `${route.path} body field ${f}`).toContain(f);
  });

  it("a route missing from the document would be noticed (the check reads the live document)", () => {
    expect(doc.paths["/v1/no-such-route"]).toBeUndefined();
    expect(Object.keys(doc.paths)).toContain("/v1/enforce");
  });
});

describe("agent-warden/client behaviour", () => {
  it("decides, reports and reads state through the typed methods", async () => {
    const client = backend.warden as WardenClient;
    const d = await client.enforce({ passport_id: backend.passportId, action: "web:search", cost_cents: 7 });
    expect(d.decision).toBe("allow");
    expect(await client.report({ permit_token: d.permit_token!, success: true, passport_id: backend.passportId })).toEqual({ accepted: true });
    expect(await client.report({ permit_token: d.permit_token!, success: true })).toEqual({ accepted: false, reason: "unknown_or_used_permit" });
    expect((await client.state(backend.passportId)).spent_today_cents).toBeGreaterThanOrEqual(7);
  });

  it("bad input is a WardenClientError with the server's code and path, never a crash", async () => {
    const client = backend.warden as WardenClient;
    const err = await client.enforce({ passport_id: backend.passportId, action: "web:search", cost_cents: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenClientError);
    expect(err).toMatchObject({ status: 400, path: "cost_cents" });
  });

  it("an unknown approval is null; a wrong key is 401 invalid_api_key", async () => {
    const client = backend.warden as WardenClient;
    expect(await client.getApproval("apr_00000000000000000000000000000000")).toBeNull();
    const stranger = new WardenClient({ baseUrl: backend.server.url, apiKey: `wk_${"0".repeat(16)}_${"0".repeat(64)}` });
    await expect(stranger.enforce({ passport_id: backend.passportId, action: "web:search" })).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("refuses a base URL that is not http(s) and a missing key", () => {
    expect(() => new WardenClient({ baseUrl: "file:///etc/passwd", apiKey: "k" })).toThrow(/baseUrl/);
    expect(() => new WardenClient({ baseUrl: "http://127.0.0.1:1", apiKey: "" })).toThrow(/apiKey/);
  });
});
