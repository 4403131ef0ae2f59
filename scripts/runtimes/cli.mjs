// Runs the driver in a command-line runtime (Node ESM, Deno, Bun) and prints its result as JSON.
import { main } from "./driver.mjs";

const corpus = !(globalThis.Deno?.args ?? globalThis.process?.argv ?? []).includes("--cold-only");
console.log(JSON.stringify(await main({ corpus })));
