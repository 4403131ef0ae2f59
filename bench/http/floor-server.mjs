// The floor of bench:http: a node:http server that does nothing but what every HTTP API must do —
// read the request body, parse its JSON, answer 200 with a JSON body as long as a real allow from
// `POST /v1/enforce` — with the same keep-alive settings as `warden serve`. Driven by the same
// client at the same rate, it shows the latency this machine gives before any policy work.
//   node bench/http/floor-server.mjs <port>     (prints "listening" when ready)
import { createServer } from "node:http";
import { ANSWER, ANSWER_HEADERS } from "./floor-answer.mjs";

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
    res.writeHead(status, ANSWER_HEADERS);
    res.end(ANSWER);
  });
});
server.requestTimeout = 30_000;
server.headersTimeout = 10_000;
server.keepAliveTimeout = 5_000;
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
