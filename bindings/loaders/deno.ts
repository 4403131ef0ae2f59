// Deno: reads warden.wasm from beside this file (needs read permission for it, e.g.
// `deno run --allow-read`), so loadEngineSync works as in Node.

import type { Engine } from "../engine";
import { EngineError } from "../errors";
import { engineFromModule, engineFromModuleSync } from "../load";

export * from "./shared";

/** The part of the Deno namespace used here (no dependency on Deno's type declarations). */
declare const Deno: {
  readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
};

const WASM_URL = new URL("./warden.wasm", import.meta.url);

let compiled: WebAssembly.Module | null = null;
let pending: Promise<WebAssembly.Module> | null = null;

function notFound(err: unknown): EngineError {
  return new EngineError("wasm_not_found", `could not read ${WASM_URL.href}: ${(err as Error)?.message ?? err}`, { cause: err });
}

/** Compiles the module once per isolate and instantiates a new engine on it. */
export async function loadEngine(): Promise<Engine> {
  pending ??= Deno.readFile(WASM_URL).then(
    (bytes) => WebAssembly.compile(bytes).then((m) => (compiled = m)),
    (err: unknown) => {
      pending = null;
      throw notFound(err);
    },
  );
  return engineFromModule(await pending);
}

/** Synchronous variant: reads and compiles the module on the calling thread (once). */
export function loadEngineSync(): Engine {
  if (compiled === null) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Deno.readFileSync(WASM_URL);
    } catch (err) {
      throw notFound(err);
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return engineFromModuleSync(compiled);
}
