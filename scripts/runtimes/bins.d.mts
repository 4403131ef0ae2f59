// Types of bins.mjs.
export const ROOT: string;
export const RUNTIMES_PREFIX: string;
export type RuntimeName = "deno" | "bun" | "workerd" | "chromium";
export type RuntimeBin = { path: string; version: string } | { path: null; reason: string };
export function runtimeBins(): Record<RuntimeName, RuntimeBin>;
