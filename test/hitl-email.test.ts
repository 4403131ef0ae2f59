// E-mail through a real SMTP server started here (smtp-server on 127.0.0.1): the hold's mail is parsed
// (mailparser), its link is followed against the running Hitl routes, and the approval is approved;
// the outcome mail names who answered and through which channel.

import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { SmtpNotifier } from "../humans/notifiers/smtp";
import { notifierFromSpecs } from "../humans/notify";
import { startRig, travelPassport, type Rig } from "./hitl-helpers";

interface Inbox {
  mails: ParsedMail[];
  envelopes: string[][];
  logins: string[];
  port: number;
  close(): Promise<void>;
  waitFor(n: number): Promise<ParsedMail[]>;
}

async function startSmtp(auth?: { user: string; pass: string }): Promise<Inbox> {
  const mails: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    disabledCommands: auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) {
        logins.push(a.username!);
        return cb(null, { user: a.username });
      }
      cb(new Error("bad credentials"));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        envelopes.push(session.envelope.rcptTo.map((r) => r.address));
        cb();
      }, cb);
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    envelopes,
    logins,
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
    async waitFor(n) {
      for (let i = 0; i < 200 && mails.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      return mails;
    },
  };
}

let rig: Rig | null = null;
let inbox: Inbox | null = null;
let mailer: SmtpNotifier | null = null;
afterEach(async () => {
  await rig?.close();
  mailer?.close();
  await inbox?.close();
  rig = null;
  inbox = null;
  mailer = null;
});

const passport = () => travelPassport({ metadata: { approver_email: ["ops@example.test", "cfo@example.test"] } });

describe("e-mail notifier (smtp://)", () => {
  it("the hold's mail carries amount, spend against the limit and expiry; its link approves, and the outcome mail follows", async () => {
    inbox = await startSmtp({ user: "warden", pass: "s3cret" });
    mailer = SmtpNotifier.fromSpec(`smtp://warden:s3cret@127.0.0.1:${inbox.port}?from=warden@example.test`);
    rig = await startRig({ notifier: mailer }, passport());
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search", cost_cents: 1234 });
    const d = await rig.enforcer.enforce({ passport_id: rig.pid, action: "travel:book", cost_cents: 35000, target: "airline.example" });
    expect(d.decision).toBe("request_hold");
    await rig.hitl.settled();
    const [mail] = await inbox.waitFor(1);
    expect(inbox.logins).toEqual(["warden"]);
    expect(inbox.envelopes[0]).toEqual(["ops@example.test", "cfo@example.test"]);
    expect(mail!.from?.text).toBe("warden@example.test");
    expect(mail!.subject).toBe("Approval needed: Travel bot wants to travel:book for $350.00");
    for (const body of [mail!.text!, String(mail!.html)]) {
      expect(body).toContain("$350.00");
      expect(body).toContain("$12.34 of $500.00 daily limit");
      expect(body).toContain("5 minutes");
    }
    const link = /Approve or deny: (\S+)/.exec(mail!.text!)![1]!;
    expect(String(mail!.html)).toContain(`href="${link}"`);
    expect(link.startsWith(`${rig.base}/a/`)).toBe(true);
    // Opening the link answers nothing; its Approve button does.
    expect((await fetch(link)).status).toBe(200);
    expect((await rig.enforcer.getApproval(d.approval_request_id!))!.status).toBe("pending");
    const answer = await fetch(`${link}/approve`, { method: "POST", redirect: "manual" });
    expect(answer.status).toBe(303);
    const approval = (await rig.enforcer.getApproval(d.approval_request_id!))!;
    expect(approval).toMatchObject({ status: "approved", answered_by: "approval link", channel: "link" });
    await rig.hitl.settled();
    const mails = await inbox.waitFor(2);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe("Agent Warden — Approved by approval link (link): Travel bot may travel:book for $350.00.");
  });

  it("a passport without approver_email gets no mail; bad specs are refused with a hint", async () => {
    inbox = await startSmtp();
    mailer = SmtpNotifier.fromSpec(`smtp://127.0.0.1:${inbox.port}?from=warden@example.test`);
    rig = await startRig({ notifier: mailer });
    const d = await rig.enforcer.enforce({ passport_id: rig.pid, action: "travel:book", cost_cents: 35000 });
    expect(d.decision).toBe("request_hold");
    await rig.hitl.settled();
    await new Promise((r) => setTimeout(r, 50));
    expect(inbox.mails).toHaveLength(0);
    expect(() => notifierFromSpecs(["smtp://127.0.0.1:25"])).toThrow(/\?from=/);
    expect(() => notifierFromSpecs(["smtp://127.0.0.1:25?from=nobody"])).toThrow(/\?from=/);
    expect(notifierFromSpecs([`smtp://127.0.0.1:25?from=a@b.test`])).toBeInstanceOf(SmtpNotifier);
  });

  it("a server refusing the credentials fails the notice (logged), and the hold stays pending", async () => {
    inbox = await startSmtp({ user: "warden", pass: "s3cret" });
    mailer = SmtpNotifier.fromSpec(`smtp://warden:wrong@127.0.0.1:${inbox.port}?from=warden@example.test`);
    const lines: string[] = [];
    rig = await startRig({ notifier: mailer, log: (l) => lines.push(l) }, passport());
    const d = await rig.enforcer.enforce({ passport_id: rig.pid, action: "travel:book", cost_cents: 35000 });
    await rig.hitl.settled();
    expect(inbox.mails).toHaveLength(0);
    expect(lines.join("\n")).toMatch(/notification for .* failed/);
    expect((await rig.enforcer.getApproval(d.approval_request_id!))!.status).toBe("pending");
  });
});
