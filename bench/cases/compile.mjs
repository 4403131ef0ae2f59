// engine.compile (validate + encode + build the domain table in WASM) against allowlist size.
import { allowlistPassport } from "../lib/inputs.mjs";

export const COMPILE_SIZES = [10, 100, 1_000, 10_000, 100_000];

export function compileCases({ engine }) {
  return COMPILE_SIZES.map((n) => {
    const passport = allowlistPassport(n);
    return {
      id: `compile.${n}`,
      group: "compile",
      name: `engine.compile: ${n.toLocaleString("en-US")}-entry allowlist`,
      fn: () => engine.compile(passport).dispose(),
      entries: n,
      note: "README passport with its allowlist replaced; includes validation and dispose()",
    };
  });
}
