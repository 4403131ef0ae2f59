// The package entry agent-warden/hitl, kept for existing users: one import for the human-in-the-loop
// pieces (docs/human-in-the-loop.md), which live in mcp/ (the agent's MCP server), humans/ (notifiers,
// SMS replies, pages, live feed), desk/ (what both share), server/ (the routes) and cli/commands/mcp.ts.
// Nothing in the source imports this file (dependency-cruiser checks it).

export { createHitl, Hitl, type HitlOptions, type HitlRoute } from "../server/hitl";
export { createMcpServer, HeartbeatThrottle, HEARTBEAT_EVERY_MS, mcpInstructions, liftFromContext, type McpServerOptions } from "../mcp/server";
export { handleMcpHttp, isCredentialGrade, PASSPORT_HEADER, type McpHttpOptions } from "../mcp/http";
export { mcpCommand, MCP_HELP } from "../cli/commands/mcp";
export { ApprovalDesk, APPROVER_PHONE_FIELD, APPROVER_EMAIL_FIELD, type ApprovalView, type PassportInfo, type DeskAnswer } from "../desk/desk";
export { ApprovalAlerts, type ApprovalAlertsOptions } from "../humans/alerts";
export {
  ConsoleNotifier,
  FileNotifier,
  WebhookNotifier,
  FanoutNotifier,
  approvalNotice,
  notifierFromSpecs,
  type Notifier,
  type Notice,
  type ApprovalNotice,
  type WebhookNotifierOptions,
} from "../humans/notify";
export {
  ApproverRegistry,
  MAX_CONFIRM_ATTEMPTS,
  normalizeAddress,
  type ApproverKind,
  type ApproverDoc,
  type ApproverView,
  type ApproverRequest,
  type ConfirmResult,
} from "../desk/approvers";
export { parseConfirm, confirmationNotice, requestConfirmation, type ConfirmationSender } from "../humans/confirm";
export type { ConfirmationNotice } from "../humans/notice";
export { OutcomeAlerts, outcomeNotice, type OutcomeNotice, type OutcomeKind, type OutcomeAlertsOptions } from "../humans/outcomes";
export { SmtpNotifier, approvalMail, type SmtpNotifierOptions } from "../humans/notifiers/smtp";
export { TwilioNotifier, type TwilioNotifierOptions } from "../humans/notifiers/twilio";
export { handleTwilioInbound, type TwilioInboundOptions } from "../humans/twilio";
export { SlackApp, verifySlackSignature, SLACK_TOLERANCE_S, type SlackOptions } from "../humans/slack";
export { handleSmsInbound, parseSmsReply, SMS_WORDS, SMS_HELP, type SmsIntent, type SmsInbound, type SmsOutcome } from "../humans/sms";
export { SignatureVerifier, sign, signatureHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER, SIGNATURE_TOLERANCE_S } from "../humans/signature";
export { EventHub, toActivity, EVENT_BACKLOG, type ActivityEvent, type ActivityListener } from "../humans/events";
export { SseStreams, SSE_KEEPALIVE_MS } from "../humans/sse";
export { classify, STATUS_LABELS, type HeartbeatView, type PassportStatus, type StatusKey } from "../desk/status";
export { staticKeys, canSee, type DashboardAuth, type Principal } from "../humans/session";
export { renderApprovalPage, renderLinkNotFound } from "../humans/pages/approval";
export { renderDashboard, renderSummary, renderLogin, type DashboardCard } from "../humans/pages/dashboard";
export { hitlRoutes, hitlOptionsFromEnv, type HitlServerOptions } from "../server/hitl-mount";
