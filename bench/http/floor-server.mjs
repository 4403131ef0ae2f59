// The floor of bench:http: a node:http server that does nothing but what every HTTP API must do —
// read the request body, parse its JSON, answer 200 with a JSON body as long as a real allow from
// `POST /v1/enforce` — with the same keep-alive settings as `warden serve`. Driven by the same
// client at the same rate, it shows the latency this machine gives before any policy work.
//   node bench/http/floor-server.mjs <port>     (prints "listening" when ready)
import { createServer } from "node:http";

// An allow as warden serve answers it (1,134 bytes): the decision, its ids, a permit and an Ed25519 compact JWS.
const ANSWER = Buffer.from(
  JSON.stringify({
    decision: "allow",
    reason: "allowed",
    rule: null,
    detail: "allowed: 7 rules passed",
    retryable: false,
    holds: [],
    warnings: [],
    suggestions: [],
    decision_id: "dec_b47ed274746c4d62e3adbaad867e188d",
    passport_id: "pass_a09ac4441bb05ac0e624d5ce5c6f440a",
    action_id: null,
    at: "2026-11-23T16:17:27.964Z",
    permit_token: "pmt_7007516c4f61e4d89e53cbe3bdc02d1b",
    permit_expires_at: "2026-11-23T16:17:57.964Z",
    signature: `${"e".repeat(88)}.${"p".repeat(540)}.${"s".repeat(86)}`,
  }),
  "utf8",
);

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let status = 200;
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      status = 400;
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": ANSWER.length });
    res.end(ANSWER);
  });
});
server.requestTimeout = 30_000;
server.headersTimeout = 10_000;
server.keepAliveTimeout = 5_000;
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
