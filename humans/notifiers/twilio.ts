// Text messages through Twilio with the official `twilio` package: no relay. `WARDEN_NOTIFY=twilio:` with
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (a Twilio number or messaging service sid, MG…) in the environment.

import twilio from "twilio";
import type { Notice, Notifier } from "../notice";

/**
 * The part of the `twilio` package's RequestClient the notifier calls, written out here so the
 * declarations users import never name the `twilio` package's own types (whose declarations need
 * `@types/jsonwebtoken`, which a consumer type-checking without skipLibCheck may not have).
 */
export interface TwilioHttpClient {
  request(opts: {
    method: string;
    uri: string;
    username?: string;
    password?: string;
    headers?: Record<string, string>;
    params?: object;
    data?: unknown;
    timeout?: number;
  }): Promise<{ statusCode: number; body: unknown; headers?: unknown }>;
}

/** Twilio's own type for the client option (not exported: see TwilioHttpClient). */
type TwilioClientOption = ConstructorParameters<typeof twilio.Twilio>[2] extends infer O ? (O extends { httpClient?: infer C } ? C : never) : never;

export interface TwilioNotifierOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or a messaging service sid (MG…). */
  from: string;
  /** Twilio's HTTP client (tests inject one that captures the request; no network). */
  httpClient?: TwilioHttpClient;
}

/** Texts each notice that names a phone (`to`) to it; notices without one (e-mail-only) send nothing. */
export class TwilioNotifier implements Notifier {
  private readonly client: twilio.Twilio;

  constructor(private readonly opts: TwilioNotifierOptions) {
    this.client = twilio(opts.accountSid, opts.authToken, opts.httpClient ? { httpClient: opts.httpClient as unknown as TwilioClientOption } : {});
  }

  /** From TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM; names the missing variable otherwise. */
  static fromEnv(env: Record<string, string | undefined>, httpClient?: TwilioNotifierOptions["httpClient"]): TwilioNotifier {
    const missing = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"].filter((k) => !env[k]);
    if (missing.length > 0) throw new TypeError(`twilio notifier: set ${missing.join(", ")} in the environment`);
    if (!env.TWILIO_ACCOUNT_SID!.startsWith("AC"))
      throw new TypeError("twilio notifier: TWILIO_ACCOUNT_SID starts with AC (the account sid, not an API key sid)");
    return new TwilioNotifier({ accountSid: env.TWILIO_ACCOUNT_SID!, authToken: env.TWILIO_AUTH_TOKEN!, from: env.TWILIO_FROM!, httpClient });
  }

  async notify(notice: Notice): Promise<void> {
    if (!notice.to) return;
    const from = this.opts.from.startsWith("MG") ? { messagingServiceSid: this.opts.from } : { from: this.opts.from };
    await this.client.messages.create({ to: notice.to, body: notice.text, ...from });
  }
}
