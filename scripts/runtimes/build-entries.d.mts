// Types of build-entries.mjs, for the tests that reuse its plugin and runtime table.
import type { Plugin } from "esbuild";

export interface WebRuntime {
  loader: string;
  platform: "browser" | "neutral";
  conditions: string[];
}
export const WEB_RUNTIMES: Record<"browser" | "workerd" | "deno", WebRuntime>;
export function loaderSwap(loader: string): Plugin;
export function buildRuntimeEntries(): Promise<void>;
