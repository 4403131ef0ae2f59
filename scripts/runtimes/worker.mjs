// The workerd worker: bundled like wrangler does (conditions workerd, worker, browser; .wasm kept
// as a module import), it answers GET /run (cold start + corpus) and GET /cold (cold start only).
import { main } from "./driver.mjs";

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      return Response.json(await main({ corpus: pathname !== "/cold" }));
    } catch (err) {
      return new Response(String(err?.stack ?? err), { status: 500 });
    }
  },
};
