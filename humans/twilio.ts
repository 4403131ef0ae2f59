// POST /v1/sms/twilio: Twilio calls it directly with each text an approver sends. The request is checked
// with the twilio package's own validateRequest (X-Twilio-Signature over the public URL and the form),
// a MessageSid is acted on once (replays are refused), and the reply is TwiML (the package's MessagingResponse).
// Channel: operator (SPEC §11) — only a text from a passport's approver number answers its approvals.

import { Records } from "../enforcer/records";
import type { IncomingMessage, ServerResponse } from "node:http";
import twilio from "twilio";
import type { ApprovalDesk } from "../desk/desk";
import { handleSmsInbound, type LinkMaker } from "./sms";
import { HttpError, fieldsOf, header, readBody, sendError } from "../desk/web";
import { validateBody } from "../bindings/validate-body";
import { propertyTypes, twilioInboundSchema } from "../bindings/gen/zod";

/** Store namespace of Twilio message sids already acted on. */
/** Twilio retries a webhook for at most a few hours; a sid is remembered for a day. */
const SID_TTL_MS = 24 * 3600_000;
const MAX_FORM_BODY = 16 * 1024;

export interface TwilioInboundOptions {
  /** TWILIO_AUTH_TOKEN: the key of X-Twilio-Signature. */
  authToken: string;
  /** The URL Twilio was told to call (`<public url>/v1/sms/twilio`): the signature covers it. */
  url: string;
  desk: ApprovalDesk;
  linkFor: LinkMaker;
  clock: () => number;
}

export async function handleTwilioInbound(req: IncomingMessage, res: ServerResponse, opts: TwilioInboundOptions): Promise<void> {
  const raw = await readBody(req, MAX_FORM_BODY);
  const signature = header(req, "x-twilio-signature");
  if (!signature) return sendError(res, "bad_signature", "X-Twilio-Signature is missing");
  const fields = fieldsOf(req, raw);
  if (!twilio.validateRequest(opts.authToken, signature, opts.url, fields)) {
    return sendError(res, "bad_signature", "X-Twilio-Signature does not match (check WARDEN_PUBLIC_URL: Twilio signs the URL it calls)");
  }
  // The fields are read only once the signature over them holds.
  const form = validateBody(twilioInboundSchema, fields, "Twilio message", propertyTypes.TwilioInbound);
  const sid = form.MessageSid ?? form.SmsSid;
  if (!sid) throw new HttpError("missing_field", "MessageSid is required", "MessageSid");
  const now = opts.clock();
  const fresh = await new Records<{ at: string }>(opts.desk.enforcer.store, "twilioSids").put(
    sid,
    { at: new Date(now).toISOString() },
    { ifAbsent: true, ttlMs: SID_TTL_MS, now },
  );
  if (!fresh) return sendError(res, "replayed", `message ${sid} was already handled`);
  const outcome = await handleSmsInbound(opts.desk, { from: form.From, body: form.Body ?? "" }, opts.linkFor);
  const twiml = new twilio.twiml.MessagingResponse();
  twiml.message(outcome.reply);
  const xml = twiml.toString();
  res.writeHead(200, { "content-type": "text/xml; charset=utf-8", "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}
