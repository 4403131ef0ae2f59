// HTTP agents collect their permit after a human approves: GET /v1/approvals/:id carries permit_token
// once (then never again); another issuer's key sees nothing. API answers and stops name the issuer and the api channel.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../enforcer/memory-store";
import { createApiKey } from "../server/auth";
import { createWardenServer, type WardenServer } from "../server/server";
import { api } from "./server-harness";

const now = Date.parse("2026-02-24T10:00:00Z");
let server: WardenServer;
let base: string;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  const store = new MemoryStore();
  keyA = (await createApiKey(store, "iss_a")).key;
  keyB = (await createApiKey(store, "iss_b")).key;
  server = await createWardenServer({ store, storeKind: "memory", clock: () => now, maxBodyBytes: 64 * 1024, rateLimit: 0, log: () => undefined });
  const addr = await server.listen(0);
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await server.close();
});

async function hold(): Promise<{ pid: string; id: string }> {
  const r = await api(base, "POST", "/v1/passports", { key: keyA, body: { agent_name: "Travel", constraints: { "core:cost:approval_threshold": 2000 } } });
  const pid = r.body.passport.id as string;
  const d = await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "travel:book", cost_cents: 35000 } });
  expect(d.body.decision).toBe("request_hold");
  return { pid, id: d.body.approval_request_id };
}

describe("GET /v1/approvals/:id hands the permit over once", () => {
  it("pending: no permit; approved: the permit once, then none; the permit reports", async () => {
    const { id } = await hold();
    expect((await api(base, "GET", `/v1/approvals/${id}`, { key: keyA })).body.permit_token).toBeUndefined();
    const yes = await api(base, "POST", `/v1/approvals/${id}/approve`, { key: keyA });
    expect(yes.body).toMatchObject({ status: "approved", permit: true });
    // Another issuer: 404, and the permit is not taken.
    expect((await api(base, "GET", `/v1/approvals/${id}`, { key: keyB })).status).toBe(404);
    const first = await api(base, "GET", `/v1/approvals/${id}`, { key: keyA });
    expect(first.body).toMatchObject({ status: "approved", permit_token: yes.body.permit_token, answered_by: "iss_a", channel: "api" });
    expect(typeof first.body.permit_expires_at).toBe("string");
    const second = await api(base, "GET", `/v1/approvals/${id}`, { key: keyA });
    expect(second.body.status).toBe("approved");
    expect(second.body.permit_token).toBeUndefined();
    expect((await api(base, "POST", "/v1/actions/report", { key: keyA, body: { permit_token: first.body.permit_token, success: true } })).body).toEqual({
      accepted: true,
    });
  });

  it("a denied approval carries no permit; API stops and resumes are recorded with the issuer and the api channel", async () => {
    const { pid, id } = await hold();
    expect((await api(base, "POST", `/v1/approvals/${id}/deny`, { key: keyA })).body).toMatchObject({ status: "denied", permit: false });
    const got = await api(base, "GET", `/v1/approvals/${id}`, { key: keyA });
    expect(got.body).toMatchObject({ status: "denied", answered_by: "iss_a", channel: "api" });
    expect(got.body.permit_token).toBeUndefined();
    expect((await api(base, "POST", `/v1/passports/${pid}/emergency-stop`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "POST", `/v1/passports/${pid}/resume`, { key: keyA })).body).toEqual({ ok: true });
    const att = await api(base, "GET", `/v1/passports/${pid}/attestations`, { key: keyA });
    const records = (att.body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.filter((r) => r.type === "panic" || r.type === "resume").map((r) => [r.type, r.by, r.channel])).toEqual([
      ["panic", "iss_a", "api"],
      ["resume", "iss_a", "api"],
    ]);
  });
});
