// Node (ESM, and the CommonJS build made from it) and Bun: the loader is bindings/index.ts, which
// reads build/warden.wasm with node:fs; this file names it in the per-runtime family.

export * from "../index";
