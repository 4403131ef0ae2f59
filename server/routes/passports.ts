// /v1/passports: issue, read, list, update, re-issue and revoke passports; state, resets and operator acts; attestations.

import { Reply, expectObject } from "../http";
import type { Router } from "../router";
import { errors } from "../errors";
import { type ServerDeps, channelOf, issuerOf } from "../context";
import type { WindowType } from "../../enforcer/types";

const WINDOW_TYPES: readonly WindowType[] = ["daily", "weekly", "monthly", "total", "all"];

export function passportRoutes(router: Router, { enforcer, passports }: ServerDeps): void {
  router.post("/v1/passports", async (ctx) => {
    const created = await passports.create(issuerOf(ctx), expectObject(await ctx.json()));
    return new Reply(201, created, { location: `/v1/passports/${encodeURIComponent(created.passport.id as string)}` });
  });

  router.get("/v1/passports", async (ctx) => ({ passports: await passports.list(issuerOf(ctx)) }));

  router.get("/v1/passports/:id", async (ctx) => passports.get(issuerOf(ctx), ctx.params.id!));

  // Updates and re-issues are operator acts (the default role): an agent key gets 403 operator_only.
  router.add("PUT", "/v1/passports/:id", async (ctx) =>
    passports.update(issuerOf(ctx), ctx.params.id!, expectObject(await ctx.json()), { by: issuerOf(ctx), channel: "api" }),
  );

  router.post("/v1/passports/:id/reissue", async (ctx) =>
    passports.reissue(issuerOf(ctx), ctx.params.id!, (await ctx.rawBody()).length === 0 ? {} : expectObject(await ctx.json()), {
      by: issuerOf(ctx),
      channel: "api",
    }),
  );

  router.post("/v1/passports/:id/revoke", async (ctx) => passports.revoke(issuerOf(ctx), ctx.params.id!));

  router.get(
    "/v1/passports/:id/state",
    async (ctx) => {
      await passports.owner(issuerOf(ctx), ctx.params.id!);
      return enforcer.state(ctx.params.id!, channelOf(ctx));
    },
    { role: "agent" },
  );

  router.post("/v1/passports/:id/state/reset", async (ctx) => {
    await passports.owner(issuerOf(ctx), ctx.params.id!);
    const body = expectObject(await ctx.json());
    const wt = body.window_type;
    if (typeof wt !== "string" || !(WINDOW_TYPES as readonly string[]).includes(wt)) {
      throw errors.badRequest("invalid_value", `window_type must be one of ${WINDOW_TYPES.join(", ")}`, "window_type");
    }
    const extra = Object.keys(body).find((k) => k !== "window_type");
    if (extra !== undefined) throw errors.badRequest("unknown_field", `unknown field ${JSON.stringify(extra)}`, extra);
    return enforcer.resetWindow(ctx.params.id!, wt as WindowType);
  });

  type Channel = ReturnType<typeof channelOf>["channel"];
  const act = (
    path: string,
    op: (id: string, opts: { channel: Channel; actor: { by: string; channel: string } }) => Promise<{ ok: boolean }>,
    role: "agent" | "operator" = "operator",
  ) =>
    router.post(
      `/v1/passports/:id/${path}`,
      async (ctx) => {
        await passports.owner(issuerOf(ctx), ctx.params.id!);
        return op(ctx.params.id!, { channel: channelOf(ctx).channel, actor: { by: issuerOf(ctx), channel: "api" } });
      },
      { role },
    );
  act("heartbeat", (id, { channel }) => enforcer.heartbeat(id, { channel }), "agent");
  act("pause", (id, { channel }) => enforcer.pause(id, { channel }));
  act("emergency-stop", (id, opts) => enforcer.emergencyStop(id, opts));
  act("resume", (id, opts) => enforcer.resume(id, opts));

  router.get("/v1/passports/:id/attestations", async (ctx) => {
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
  });
}
