// Browsers (plain <script type="module"> or a bundler) and other web-standard runtimes: fetches
// warden.wasm from beside this file and compiles it while it downloads.

import type { Engine } from "../engine";
import { EngineError } from "../errors";
import { engineFromModule, engineFromModuleSync } from "../load";

export * from "./shared";

/** Where the module is: next to this file, so a plain static server or a CDN serves both. */
const WASM_URL = new URL("./warden.wasm", import.meta.url);

let compiled: WebAssembly.Module | null = null;
let pending: Promise<WebAssembly.Module> | null = null;

/**
 * Streaming compilation needs the `application/wasm` content type; a server that sends another
 * one (or a runtime without compileStreaming) gets the bytes compiled instead.
 */
async function compileFrom(url: URL): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new EngineError("wasm_not_found", `could not fetch ${url.href}: ${(err as Error)?.message ?? err}`, { cause: err });
  }
  if (!response.ok) throw new EngineError("wasm_not_found", `could not fetch ${url.href}: HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === "function") {
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch {
      /* wrong content type: fall through to compiling the bytes */
    }
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function wasmModule(): Promise<WebAssembly.Module> {
  pending ??= compileFrom(WASM_URL).then(
    (m) => (compiled = m),
    (err: unknown) => {
      pending = null; // let a later call retry (the network may come back)
      throw err;
    },
  );
  return pending;
}

/**
 * Compiles the module once per page (or worker) and instantiates a new engine on it.
 * @example const engine = await loadEngine(); engine.compile(passport).evaluate({ action: "web:search" });
 */
export async function loadEngine(): Promise<Engine> {
  return engineFromModule(await wasmModule());
}

/**
 * Synchronous variant: a page cannot fetch synchronously, so this works once `loadEngine()` has
 * compiled the module (or pass your own module to `engineFromModuleSync`).
 */
export function loadEngineSync(): Engine {
  if (compiled === null) {
    throw new EngineError(
      "wasm_not_loaded",
      "loadEngineSync() in a browser needs the module compiled first: await loadEngine() once, or call engineFromModuleSync(module)",
    );
  }
  return engineFromModuleSync(compiled);
}
