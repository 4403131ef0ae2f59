// The package entry agent-warden/hitl, kept for existing users and deprecated in favour of
// agent-warden/node (embed/index.ts), which exports the same names: the human-in-the-loop module
// (`createHitl`), dashboard keys, the notifiers and the MCP server. The internals it once re-exported
// (page renderers, SSE plumbing, the approval desk, SMS parsing…) are not public API (docs/decisions.md).
// Nothing in the source imports this file (dependency-cruiser checks it).

export { createHitl, Hitl, type HitlOptions, type HitlRoute } from "../server/hitl";
export { createMcpServer, type McpServerOptions } from "../mcp/server";
export { PASSPORT_HEADER } from "../mcp/http";
export { staticKeys, type DashboardAuth, type Principal } from "../humans/session";
export {
  ConsoleNotifier,
  FileNotifier,
  WebhookNotifier,
  FanoutNotifier,
  notifierFromSpecs,
  type Notifier,
  type Notice,
  type ApprovalNotice,
  type WebhookNotifierOptions,
} from "../humans/notify";
export type { OutcomeNotice } from "../humans/outcomes";
export type { ConfirmationNotice } from "../humans/notice";
export { SmtpNotifier, type SmtpNotifierOptions } from "../humans/notifiers/smtp";
export { TwilioNotifier, type TwilioNotifierOptions, type TwilioHttpClient } from "../humans/notifiers/twilio";
export { SignatureVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../humans/signature";
