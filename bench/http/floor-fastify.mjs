// The second floor of bench:http: Fastify doing nothing, set up as `warden serve` sets it up (the
// same options, bodies buffered as bytes by a catch-all content-type parser, an async onRequest
// hook that watches the response close, routes from a table) and answering like floor-server.mjs.
// Its CPU per request minus the node:http floor's is what Fastify costs a request; divided by a
// decision's CPU in the same run, it is Fastify's share of a decision (issue 14: at most 10%).
//   node bench/http/floor-fastify.mjs <port>     (prints "listening" when ready)
import Fastify from "fastify";
import { ANSWER, ANSWER_HEADERS } from "./floor-answer.mjs";

const app = Fastify({
  bodyLimit: 1024 * 1024,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  return503OnClosing: false,
  routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 },
});
app.server.headersTimeout = 10_000;
app.removeAllContentTypeParsers();
app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

// As many routes as warden serve has, so the router's table is as large as the real one.
for (let i = 0; i < 60; i++) app.get(`/v1/other/${i}/:id`, async () => ({}));

let inFlight = 0;
app.addHook("onRequest", async (_request, reply) => {
  inFlight++;
  reply.raw.once("close", () => {
    inFlight--;
  });
});

app.post("/v1/enforce", { config: { route: "enforce" } }, async (request, reply) => {
  let status = 200;
  try {
    JSON.parse(request.body.toString("utf8"));
  } catch {
    status = 400;
  }
  return reply.code(status).headers(ANSWER_HEADERS).send(ANSWER);
});

await app.listen({ port: Number(process.argv[2]), host: "127.0.0.1" });
console.log("listening");
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
