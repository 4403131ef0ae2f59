// The browser page's module script: runs the driver and leaves the result for playwright to read.
import { main } from "./driver.mjs";

const corpus = !location.search.includes("cold-only");
main({ corpus }).then(
  (out) => (globalThis.__warden = out),
  (err) => (globalThis.__wardenError = String(err?.stack ?? err)),
);
