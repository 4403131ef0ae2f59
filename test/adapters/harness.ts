// Shared set-up of the adapter tests: one passport and three tools (an allowed search, a forbidden
// delete, a booking that needs approval), against an embedded Enforcer or a real `warden serve`
// on loopback through agent-warden/client. The operator's side (approve, state) is separate from
// what the adapter gets, as it is in a deployment.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Enforcer } from "../../enforcer/enforcer";
import { MemoryStore } from "../../enforcer/memory-store";
import { WardenClient } from "../../adapters/client/index";
import type { ToolPolicy, WardenLike } from "../../adapters/core";
import { type ServerProcess, api, runWarden, startServer } from "../server-harness";

export const PASSPORT = {
  id: "pass_adapters",
  agent_name: "adapter test agent",
  permissions: ["web:search", "travel:book"],
  constraints: {
    "core:cost:max_per_day": 2000,
    "core:cost:approval_threshold": 500,
  },
};

export const SEARCH_COST = 150;
export const BOOK_COST = 600;

/** How the tools' calls become requests (the same map for every framework). */
export const TOOL_POLICIES: Record<string, ToolPolicy> = {
  search: { action: "web:search", cost: () => SEARCH_COST, target: (i: { query: string }) => `https://search.example.com/?q=${encodeURIComponent(i.query)}` },
  delete_files: { action: "files:delete" },
  book_flight: { action: "travel:book", cost: (i: { price_cents: number }) => i.price_cents, actualCost: (r: { charged_cents: number }) => r.charged_cents },
};

export interface Backend {
  kind: "embedded" | "remote";
  /** What the adapter is given. */
  warden: WardenLike;
  passportId: string;
  /** The operator: approves a held call. */
  approve(approvalId: string): Promise<{ status: string }>;
  deny(approvalId: string): Promise<{ status: string }>;
  /** The operator: spend so far. */
  spentToday(): Promise<number>;
  /** Every audit record type of the passport, in order (embedded only; remote returns null). */
  auditTypes(): Promise<string[] | null>;
  close(): Promise<void>;
}

export async function embeddedBackend(): Promise<Backend> {
  const enforcer = await Enforcer.create({ store: new MemoryStore() });
  await enforcer.register(PASSPORT);
  return {
    kind: "embedded",
    warden: enforcer,
    passportId: PASSPORT.id,
    approve: (id) => enforcer.approve(id),
    deny: (id) => enforcer.deny(id),
    spentToday: async () => (await enforcer.state(PASSPORT.id)).spent_today_cents,
    async auditTypes() {
      const out: string[] = [];
      for await (const r of enforcer.auditLog(PASSPORT.id)) out.push(r.type);
      return out;
    },
    async close() {
      enforcer.close();
    },
  };
}

export async function remoteBackend(): Promise<Backend & { server: ServerProcess; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), "warden-adapters-"));
  const store = `sqlite:${join(dir, "warden.db")}`;
  const key = (await runWarden(["keys", "create", "--issuer", "iss_adapters", "--store", store])).trim();
  const server = await startServer(store);
  try {
    const created = await api(server.url, "POST", "/v1/passports", { key, body: PASSPORT });
    if (created.status !== 201) throw new Error(`passport not created: ${JSON.stringify(created.body)}`);
    const passportId = (created.body as { passport: { id: string } }).passport.id;
    const client = new WardenClient({ baseUrl: server.url, apiKey: key });
    return {
      kind: "remote",
      warden: client,
      passportId,
      server,
      key,
      approve: (id) => client.approve(id),
      deny: (id) => client.deny(id),
      spentToday: async () => (await client.state(passportId)).spent_today_cents,
      auditTypes: async () => null,
      async close() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Both backends, for `describe.each`. */
export const BACKENDS = [
  ["embedded Enforcer", embeddedBackend],
  ["remote warden serve", remoteBackend],
] as const;

/** The tools' bodies: each counts its runs so a test can see a blocked tool never ran. */
export function toolBodies() {
  const runs = { search: 0, delete_files: 0, book_flight: 0 };
  return {
    runs,
    search: async ({ query }: { query: string }) => {
      runs.search++;
      return { results: [`result for ${query}`] };
    },
    delete_files: async ({ path }: { path: string }) => {
      runs.delete_files++;
      return { deleted: path };
    },
    book_flight: async ({ price_cents }: { price_cents: number }) => {
      runs.book_flight++;
      return { booked: true, charged_cents: price_cents };
    },
  };
}
