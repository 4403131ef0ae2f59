// Human in the loop: MCP server, notifiers, SMS replies, approval links, dashboard and live feed (docs/human-in-the-loop.md).

export { createHitl, Hitl, type HitlOptions, type HitlRoute } from "./hitl";
export { createMcpServer, HeartbeatThrottle, HEARTBEAT_EVERY_MS, MCP_INSTRUCTIONS, liftFromContext, type McpServerOptions } from "./mcp";
export { handleMcpHttp, isCredentialGrade, PASSPORT_HEADER, type McpHttpOptions } from "./mcp-http";
export { mcpCommand, MCP_HELP } from "./mcp-stdio";
export { ApprovalDesk, APPROVER_PHONE_FIELD, APPROVER_EMAIL_FIELD, dailyLimit, type ApprovalView, type PassportInfo, type DeskAnswer } from "./desk";
export { ApprovalAlerts, type ApprovalAlertsOptions } from "./alerts";
export {
  ConsoleNotifier, FileNotifier, WebhookNotifier, FanoutNotifier, approvalNotice, notifierFromSpecs,
  type Notifier, type Notice, type ApprovalNotice, type WebhookNotifierOptions,
} from "./notify";
export { OutcomeAlerts, outcomeNotice, type OutcomeNotice, type OutcomeKind, type OutcomeAlertsOptions } from "./outcomes";
export { SmtpNotifier, approvalMail, type SmtpNotifierOptions } from "./notifiers/smtp";
export { TwilioNotifier, type TwilioNotifierOptions } from "./notifiers/twilio";
export { handleTwilioInbound, type TwilioInboundOptions } from "./twilio";
export { SlackApp, verifySlackSignature, SLACK_TOLERANCE_S, type SlackOptions } from "./slack";
export { handleSmsInbound, parseSmsReply, SMS_WORDS, SMS_HELP, type SmsIntent, type SmsInbound, type SmsOutcome } from "./sms";
export { SignatureVerifier, sign, signatureHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER, SIGNATURE_TOLERANCE_S } from "./signature";
export { EventHub, toActivity, EVENT_BACKLOG, type ActivityEvent, type ActivityListener } from "./events";
export { SseStreams, SSE_KEEPALIVE_MS } from "./sse";
export { classify, DISCONNECTED_AFTER_MS, STATUS_LABELS, type PassportStatus, type StatusKey } from "./status";
export { staticKeys, canSee, type DashboardAuth, type Principal } from "./session";
export { renderApprovalPage, renderLinkNotFound } from "./pages/approval";
export { renderDashboard, renderSummary, renderLogin, type DashboardCard } from "./pages/dashboard";
export { hitlRoutes, hitlOptionsFromEnv, type HitlServerOptions } from "./mount";
