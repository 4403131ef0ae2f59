// The package entry agent-warden/hitl, kept for existing users and deprecated in favour of
// agent-warden/node (embed/index.ts), which exports the same names from the same list
// (embed/human-loop.ts): the human-in-the-loop module (`createHitl`), dashboard keys, the notifiers
// and the MCP server. The internals it once re-exported
// (page renderers, SSE plumbing, the approval desk, SMS parsing…) are not public API (docs/decisions.md).
// Nothing in the source imports this file (dependency-cruiser checks it).

export * from "../embed/human-loop";
