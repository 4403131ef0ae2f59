// Cloudflare Workers / workerd: code generation from bytes is disallowed there, so the module is
// imported as a compiled WebAssembly.Module (wrangler and workerd's `wasm` module type do this).

import wasm from "./warden.wasm";
import type { Engine } from "../engine";
import { engineFromModule, engineFromModuleSync } from "../load";

export * from "./shared";

/** Instantiates a new engine on the module the runtime compiled at deploy time. */
export async function loadEngine(): Promise<Engine> {
  return engineFromModule(wasm);
}

/** Synchronous: instantiating an already compiled module is allowed in workerd. */
export function loadEngineSync(): Engine {
  return engineFromModuleSync(wasm);
}
