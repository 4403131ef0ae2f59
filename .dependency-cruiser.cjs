// The one-way rule of the house (DEVELOPERS.md, docs/decisions.md "Layers"), checked by `npm run lint`:
//   cli → server → (mcp, humans, gateway) → desk → enforcer → bindings → module (assembly/, through the ABI)
// adapters/ sit beside server/ (they use the enforcer or the HTTP client), node/ is Node-only wiring
// any upper layer may use, hitl/ is only the re-exporting package entry `agent-warden/hitl`, embed/ the package entry
// `agent-warden/node` (re-exports and two thin mounting helpers).
/** A folder may import the folders listed for it (and itself); everything else is a violation. */
const ALLOWED = {
  bindings: ["bindings"],
  enforcer: ["enforcer", "bindings"],
  desk: ["desk", "enforcer", "bindings"],
  mcp: ["mcp", "desk", "enforcer", "bindings"],
  humans: ["humans", "desk", "enforcer", "bindings"],
  gateway: ["gateway", "enforcer", "bindings"],
  adapters: ["adapters", "enforcer", "bindings"],
  node: ["node", "enforcer", "bindings"],
  server: ["server", "mcp", "humans", "desk", "node", "adapters", "enforcer", "bindings"],
  hitl: ["hitl", "embed", "server", "mcp", "humans", "desk", "cli", "enforcer", "bindings", "node"],
  embed: ["embed", "server", "mcp", "humans", "desk", "enforcer", "bindings", "node"],
  cli: ["cli", "server", "mcp", "humans", "desk", "gateway", "node", "adapters", "enforcer", "bindings"],
};
const FOLDERS = Object.keys(ALLOWED);

module.exports = {
  forbidden: [
    ...FOLDERS.map((from) => ({
      name: `layers-${from}`,
      comment: `${from}/ may import only ${ALLOWED[from].join(", ")} (the one-way rule)`,
      severity: "error",
      from: { path: `^${from}/` },
      to: { path: `^(${FOLDERS.filter((f) => !ALLOWED[from].includes(f)).join("|")})/` },
    })).filter((r) => !r.to.path.includes("()")),
    {
      name: "no-circular",
      comment: "no import circles: move the shared part down",
      severity: "error",
      from: { path: `^(${FOLDERS.join("|")})/` },
      to: { circular: true },
    },
    {
      name: "no-assembly-from-ts",
      comment: "TypeScript reaches the module only through the ABI (bindings/), never its AssemblyScript sources",
      severity: "error",
      from: { path: `^(${FOLDERS.join("|")})/` },
      to: { path: "^assembly/" },
    },
    {
      name: "no-test-from-src",
      comment: "shipped code never imports tests",
      severity: "error",
      from: { path: `^(${FOLDERS.join("|")})/` },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|build|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
