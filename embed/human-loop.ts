// The human-in-the-loop half of agent-warden/node: the module (`createHitl`), dashboard keys, the
// notifiers and the MCP server. agent-warden/node (embed/index.ts) and the deprecated
// agent-warden/hitl (hitl/index.ts) both export exactly this list.

export { createMcpServer, type McpServerOptions } from "../mcp/server";
export { PASSPORT_HEADER } from "../mcp/http";
export { createHitl, Hitl, type HitlOptions, type HitlRoute } from "../server/hitl";
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
