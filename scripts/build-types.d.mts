// Types of build-types.mjs, for test/api-docs.test.ts.

export interface TypedEntry {
  /** The `exports` subpath: ".", "./node", … */
  subpath: string;
  /** The .d.ts the entry names (rolled up by API Extractor). */
  types: string;
  /** The .d.cts copies its `require` conditions name. */
  copies: string[];
}

export function typedEntries(exportsField: Record<string, unknown>): TypedEntry[];
export function forCommonJs(dts: string): string;
