// /v1/passports: issue, read, list, update, re-issue and revoke passports; state, resets and operator acts; attestations.

import { Reply, expectObject } from "../http";
import type { Router } from "../router";
import { errors } from "../errors";
import { type ServerDeps, channelOf, issuerOf } from "../context";
import { validateBody } from "../../bindings/validate-body";
import { propertyTypes, reissueSchema, windowResetSchema } from "../../bindings/gen/zod";
import { COMMON_ERRORS, OK_FLAG, type Operation, PASSPORT_ID, json, obj, ref, schemaBody } from "../openapi-operation";

export function passportRoutes(router: Router, { enforcer, passports }: ServerDeps): void {
  router.post(
    "/v1/passports",
    async (ctx) => {
      const created = await passports.create(issuerOf(ctx), expectObject(await ctx.json()));
      return new Reply(201, created, { location: `/v1/passports/${encodeURIComponent(created.passport.id as string)}` });
    },
    {
      doc: {
        summary: "Issue a passport",
        description:
          "Validates and stores the passport with a server-assigned id (an `id` in the body is replaced, with a warning) and the caller's issuer, creates its Ed25519 key pair and returns the private key exactly once; the server keeps only the public key. Trust tier L3 passports must sign each enforce request with it (see POST /v1/enforce).",
        tags: ["passports"],
        requestBody: schemaBody("Passport", "operator"),
        responses: { "201": json(ref("CreatedPassport"), "Created"), ...COMMON_ERRORS },
      },
    },
  );

  router.get("/v1/passports", async (ctx) => ({ passports: await passports.list(issuerOf(ctx)) }), {
    doc: {
      summary: "The caller's passports",
      tags: ["passports"],
      responses: { "200": json(obj({ passports: { type: "array", items: ref("Passport") } }, ["passports"])), ...COMMON_ERRORS },
    },
  });

  router.get("/v1/passports/:id", async (ctx) => passports.get(issuerOf(ctx), ctx.params.id!), {
    doc: {
      summary: "One passport and its public key",
      tags: ["passports"],
      parameters: [PASSPORT_ID],
      responses: {
        "200": json(obj({ passport: ref("Passport"), public_key_jwk: { oneOf: [ref("Jwk"), { type: "null" }] } }, ["passport", "public_key_jwk"])),
        ...COMMON_ERRORS,
      },
    },
  });

  // Updates and re-issues are operator acts (the default role): an agent key gets 403 operator_only.
  router.add(
    "PUT",
    "/v1/passports/:id",
    async (ctx) => passports.update(issuerOf(ctx), ctx.params.id!, expectObject(await ctx.json()), { by: issuerOf(ctx), channel: "api" }),
    {
      doc: {
        summary: "Update a passport in place",
        description:
          "Operator keys only (an agent key gets 403 operator_only). The body is the whole passport, validated exactly as at issue; a failed update changes nothing. The passport gets the next `version`; id, issuer_id and trust_tier stay (a different value is 400 immutable_field); counters are kept. A `version` in the body is the version you edited: another one is 409 version_conflict. A revoked passport is 409 passport_revoked. A signed `update` audit record names both versions and the changed JSON paths; a pending approval is re-checked against the new limits when answered (docs/decisions.md).",
        tags: ["passports"],
        parameters: [PASSPORT_ID],
        requestBody: schemaBody("Passport", "operator"),
        responses: { "200": json(ref("PassportUpdate")), ...COMMON_ERRORS },
      },
    },
  );

  router.post(
    "/v1/passports/:id/reissue",
    async (ctx) => {
      const issuer = issuerOf(ctx);
      await passports.owner(issuer, ctx.params.id!); // another issuer's passport reads as missing, whatever the body
      const raw = await ctx.rawBody();
      const body = validateBody(reissueSchema, raw.length === 0 ? {} : await ctx.json(), "re-issue", propertyTypes.Reissue);
      return passports.reissue(issuer, ctx.params.id!, body, { by: issuer, channel: "api" });
    },
    {
      doc: {
        summary: "Re-issue a passport with a new key",
        description:
          "Operator keys only. Replaces the proof-of-possession key: with `public_key_jwk` (Ed25519, public half only) that key, otherwise a new pair whose private key is returned exactly once. The old key is refused at once (401 pop_invalid) on every node; counters are kept; a signed `reissue` audit record names both versions and the key thumbprints (RFC 7638).",
        tags: ["passports"],
        parameters: [PASSPORT_ID],
        requestBody: schemaBody("Reissue", "operator", { required: false }),
        responses: {
          "200": json({
            allOf: [
              ref("PassportUpdate"),
              { type: "object", properties: { public_key_jwk: ref("Jwk"), private_key_jwk: ref("Jwk") }, required: ["public_key_jwk"] },
            ],
          }),
          ...COMMON_ERRORS,
        },
      },
    },
  );

  router.post("/v1/passports/:id/revoke", async (ctx) => passports.revoke(issuerOf(ctx), ctx.params.id!), {
    doc: {
      summary: "Revoke a passport",
      description: "Sets status revoked: every later request is blocked with passport_revoked, on every node.",
      tags: ["passports"],
      parameters: [PASSPORT_ID],
      responses: { "200": json(obj({ passport: ref("Passport") }, ["passport"])), ...COMMON_ERRORS },
    },
  });

  router.get(
    "/v1/passports/:id/state",
    async (ctx) => {
      await passports.owner(issuerOf(ctx), ctx.params.id!);
      return enforcer.state(ctx.params.id!, channelOf(ctx));
    },
    {
      role: "agent",
      doc: {
        summary: "Counter snapshot (SPEC §6), limits and window resets",
        tags: ["state"],
        parameters: [PASSPORT_ID],
        responses: { "200": json(ref("PassportState")), ...COMMON_ERRORS },
      },
    },
  );

  router.post(
    "/v1/passports/:id/state/reset",
    async (ctx) => {
      await passports.owner(issuerOf(ctx), ctx.params.id!);
      const { window_type } = validateBody(windowResetSchema, await ctx.json(), "window reset", propertyTypes.WindowReset);
      return enforcer.resetWindow(ctx.params.id!, window_type);
    },
    {
      doc: {
        summary: "Reset a spending window",
        tags: ["state"],
        parameters: [PASSPORT_ID],
        requestBody: schemaBody("WindowReset", "operator"),
        responses: { "200": OK_FLAG, ...COMMON_ERRORS },
      },
    },
  );

  type Channel = ReturnType<typeof channelOf>["channel"];
  const act = (
    path: string,
    op: (id: string, opts: { channel: Channel; actor: { by: string; channel: string } }) => Promise<{ ok: boolean }>,
    doc: Operation,
    role: "agent" | "operator" = "operator",
  ) =>
    router.post(
      `/v1/passports/:id/${path}`,
      async (ctx) => {
        await passports.owner(issuerOf(ctx), ctx.params.id!);
        return op(ctx.params.id!, { channel: channelOf(ctx).channel, actor: { by: issuerOf(ctx), channel: "api" } });
      },
      { role, doc: { ...doc, parameters: [PASSPORT_ID], responses: { "200": OK_FLAG, ...COMMON_ERRORS } } },
    );
  act(
    "heartbeat",
    (id, { channel }) => enforcer.heartbeat(id, { channel }),
    {
      summary: "Record a heartbeat (clears a pause; keeps fail_closed passports open)",
      tags: ["state"],
      responses: {},
    },
    "agent",
  );
  act("pause", (id, { channel }) => enforcer.pause(id, { channel }), {
    summary: "Pause enforcement: every request is blocked until the next heartbeat",
    tags: ["state"],
    responses: {},
  });
  act("emergency-stop", (id, opts) => enforcer.emergencyStop(id, opts), {
    summary: "Emergency stop",
    description: "Denies the pending approval, releases reservations, blocks every later request with emergency_stopped and writes a PANIC audit record.",
    tags: ["state"],
    responses: {},
  });
  act("resume", (id, opts) => enforcer.resume(id, opts), { summary: "Clear an emergency stop", tags: ["state"], responses: {} });

  router.get(
    "/v1/passports/:id/attestations",
    async (ctx) => {
      const id = ctx.params.id!;
      await passports.owner(issuerOf(ctx), id);
      const fromParam = ctx.url.searchParams.get("from_seq");
      const from = fromParam === null ? 1 : Number(fromParam);
      if (!Number.isSafeInteger(from) || from < 1) throw errors.badRequest("invalid_value", "from_seq must be a whole number ≥ 1", "from_seq");
      const head = await enforcer.attestationHead(id);
      async function* lines(): AsyncIterable<string> {
        for await (const json of enforcer.attestationJson(id, from)) yield `${json}\n`;
      }
      return Reply.raw(200, "application/jsonl; charset=utf-8", lines(), head ? { "x-warden-audit-head": `${head.seq}:${head.hash}` } : {});
    },
    {
      doc: {
        summary: "The passport's signed, hash-chained audit log (JSON Lines)",
        description:
          "One audit record per line, oldest first. The `X-Warden-Audit-Head` header gives `seq:hash` of the last record, to detect truncation when verifying.",
        tags: ["audit"],
        parameters: [
          PASSPORT_ID,
          { name: "from_seq", in: "query", schema: { type: "integer", minimum: 1 }, description: "First record to return (default 1)." },
        ],
        responses: { "200": { description: "JSON Lines", content: { "application/jsonl": { schema: ref("AuditRecord") } } }, ...COMMON_ERRORS },
      },
    },
  );
}
