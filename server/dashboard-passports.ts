// The dashboard's passport form (#17): the form pages, create and update from a signed-in session
// (operator channel, CSRF-checked), and the browser build of the engine the form checks with.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IncomingMessage } from "node:http";
import { ApiError, errors } from "./errors";
import { expectObject } from "./http";
import type { Router } from "./router";
import type { ServerDeps } from "./context";
import type { Hitl } from "./hitl";
import { sendPage } from "../desk/web";
import { renderPassportForm } from "../humans/pages/passport-form";
import type { Session } from "../humans/session";
import * as d from "./hitl-openapi";
import { schemaBody } from "./openapi-operation";

/** dist/browser from the sources (server/) and from the bundled CLI (dist/cli/). */
const ASSET_DIRS = ["../dist/browser/", "../browser/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|wasm)$/;
const CONTENT_TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", wasm: "application/wasm" };

export function dashboardPassportRoutes(router: Router, { passports }: Pick<ServerDeps, "passports">, hitl: Hitl): void {
  const signedIn = async (req: IncomingMessage): Promise<Session & { issuer_id: string }> => {
    const session = await hitl.dashboardSession(req);
    if (!session?.issuer_id) throw errors.unauthorized("unauthorized", "sign in to the dashboard first");
    return session as Session & { issuer_id: string };
  };
  /** A write: signed in, with the session's CSRF token in x-csrf-token. */
  const writer = async (req: IncomingMessage): Promise<Session & { issuer_id: string }> => {
    const session = await signedIn(req);
    const token = req.headers["x-csrf-token"];
    if (!hitl.dashboardCsrf(session, typeof token === "string" ? token : undefined)) {
      throw new ApiError("bad_csrf_token", "reload the page and try again");
    }
    return session;
  };
  const none = { auth: "none" } as const;
  /** Pages and assets write the response themselves (Fastify hands them the raw response). */
  const page = { auth: "none", raw: true } as const;

  router.add(
    "GET",
    "/dashboard/passports/new",
    async (ctx) => {
      const session = await hitl.dashboardSession(ctx.req);
      if (!session?.issuer_id) return redirectToSignIn(ctx.res);
      sendPage(ctx.res, renderPassportForm({ csrf: session.csrf }));
    },
    {
      ...page,
      doc: {
        summary: "The passport form: create",
        description:
          "A JSON editor checked on every edit in the page by the WebAssembly engine (the problems of `warden check`). Signed out: 303 to /dashboard.",
        tags: ["human-in-the-loop"],
        ...d.open,
        responses: { "200": d.html("The form."), "303": d.seeOther("/dashboard") },
      },
    },
  );

  router.add(
    "GET",
    "/dashboard/passports/:id/edit",
    async (ctx) => {
      const session = await hitl.dashboardSession(ctx.req);
      if (!session?.issuer_id) return redirectToSignIn(ctx.res);
      const { passport } = await passports.get(session.issuer_id, ctx.params.id!);
      sendPage(ctx.res, renderPassportForm({ csrf: session.csrf, passport }));
    },
    {
      ...page,
      doc: {
        summary: "The passport form: edit",
        description: "The stored passport in the form; saving makes a new version.",
        tags: ["human-in-the-loop"],
        ...d.open,
        parameters: [d.PASSPORT],
        responses: { "200": d.html("The form."), "303": d.seeOther("/dashboard"), "404": d.error("No such passport.") },
      },
    },
  );

  router.add(
    "POST",
    "/dashboard/passports",
    async (ctx) => {
      const session = await writer(ctx.req);
      return passports.create(session.issuer_id, expectObject(await ctx.json()));
    },
    {
      ...none,
      doc: {
        summary: "Create a passport from the dashboard",
        description: `${d.SESSION} The body and answer are those of POST /v1/passports.`,
        tags: ["human-in-the-loop"],
        ...d.open,
        requestBody: schemaBody("Passport", "operator"),
        responses: {
          "200": d.jsonOf({ $ref: "#/components/schemas/CreatedPassport" }),
          "400": d.error("Invalid passport."),
          "401": d.error("Signed out."),
          "403": d.error("Bad CSRF token."),
        },
      },
    },
  );

  router.add(
    "PUT",
    "/dashboard/passports/:id",
    async (ctx) => {
      const session = await writer(ctx.req);
      return passports.update(session.issuer_id, ctx.params.id!, expectObject(await ctx.json()), { by: session.issuer_id, channel: "dashboard" });
    },
    {
      ...none,
      doc: {
        summary: "Update a passport from the dashboard",
        description: `${d.SESSION} The body and answer are those of PUT /v1/passports/{id}; the audit record names channel dashboard.`,
        tags: ["human-in-the-loop"],
        ...d.open,
        parameters: [d.PASSPORT],
        requestBody: schemaBody("Passport", "operator"),
        responses: {
          "200": d.jsonOf({ $ref: "#/components/schemas/PassportUpdate" }),
          "400": d.error("Invalid passport."),
          "401": d.error("Signed out."),
          "403": d.error("Bad CSRF token."),
          "404": d.error("No such passport."),
          "409": d.error("Version conflict or revoked."),
        },
      },
    },
  );

  router.add(
    "GET",
    "/dashboard/assets/:file",
    async (ctx) => {
      const file = ctx.params.file!;
      const dir = ASSET_NAME.test(file) ? ASSET_DIRS.find((d) => existsSync(d + file)) : undefined;
      if (dir === undefined) throw new ApiError("not_found", `no asset ${file}: run \`npm run build\``);
      const bytes = readFileSync(dir + file);
      ctx.res.writeHead(200, {
        "content-type": CONTENT_TYPES[file.slice(file.lastIndexOf(".") + 1)]!,
        "content-length": String(bytes.length),
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      ctx.res.end(bytes);
    },
    {
      ...page,
      doc: {
        summary: "The browser build of the engine and the form's script",
        description: "Files of dist/browser (JavaScript modules and warden.wasm) for the passport form.",
        tags: ["human-in-the-loop"],
        ...d.open,
        parameters: [d.param("file", "A file name of dist/browser (engine.js, passport-form.js, chunk-*.js, warden.wasm).")],
        responses: {
          "200": {
            description: "The file.",
            content: { "text/javascript": { schema: { type: "string" } }, "application/wasm": { schema: { type: "string" } } },
          },
          "404": d.error("No such asset."),
        },
      },
    },
  );
}

function redirectToSignIn(res: import("node:http").ServerResponse): void {
  res.writeHead(303, { location: "/dashboard", "cache-control": "no-store" });
  res.end();
}
