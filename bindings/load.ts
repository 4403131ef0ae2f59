// Runtime-neutral loading: instantiate the module (given as a WebAssembly.Module) into an Engine.

import { Core } from "./core";
import { Engine } from "./engine";

export async function engineFromModule(module: WebAssembly.Module): Promise<Engine> {
  return new Engine(await Core.instantiate(module));
}

export function engineFromModuleSync(module: WebAssembly.Module): Engine {
  return new Engine(Core.instantiateSync(module));
}
