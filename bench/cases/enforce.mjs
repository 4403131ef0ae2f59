// Enforcer.enforce on MemoryStore: signed as shipped; with `signDecisions: false` (the decision is
// not signed, its audit record still is); the signing an enforce does (two Ed25519 compact JWS: the
// decision and its audit record), measured alone; enforce minus that signing (derived); and enforce
// with Ed25519 stubbed out of WebCrypto, which measures the same thing directly as a cross-check;
// and signed through node:crypto (`hostCrypto: nodeCrypto`, package export "./node-crypto"), as
// warden serve does.
import { CompactSign } from "jose";
import { Enforcer, MemoryStore, canonicalJson, generateSigningKey } from "../../dist/enforcer/index.js";
import { nodeCrypto } from "../../dist/node/node-crypto.js";
import { smallCase } from "../lib/inputs.mjs";

// The Enforcer reads its clock; this one moves one minute per call through weekday working hours
// (07:00–19:59 UTC, inside the README passport's 07:00–22:00 Berlin in winter and summer), so every
// call is a fresh allow: 1 action a minute and 2 cents each stay far under every rate and cost cap.
const MONDAY = Date.parse("2026-03-02T00:00:00Z");
const FIRST_MINUTE = 7 * 60,
  MINUTES_PER_DAY = 13 * 60,
  DAY = 86_400_000,
  MINUTE = 60_000;

function workingClock() {
  let k = 0;
  const at = () => {
    const day = Math.floor(k / MINUTES_PER_DAY),
      minute = k % MINUTES_PER_DAY;
    return MONDAY + (Math.floor(day / 5) * 7 + (day % 5)) * DAY + (FIRST_MINUTE + minute) * MINUTE;
  };
  return {
    now: at,
    advance: () => {
      k++;
    },
  };
}

async function enforcerOnMemory(passport, options = {}) {
  const clock = workingClock();
  const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: clock.now, timers: false, ...options });
  await enforcer.register(passport);
  const input = { passport_id: passport.id, ...smallCase().request };
  const tally = { calls: 0, notAllowed: 0 };
  const enforce = async () => {
    clock.advance();
    const d = await enforcer.enforce(input);
    tally.calls++;
    if (d.decision !== "allow") tally.notAllowed++;
    return d;
  };
  return { enforcer, enforce, tally };
}

const tallyNote = (t) => (t.notAllowed === 0 ? `all ${t.calls.toLocaleString("en-US")} calls allowed` : `${t.notAllowed} of ${t.calls} calls not allowed`);

export async function enforceCases() {
  const { passport } = smallCase();
  const signed = await enforcerOnMemory(passport);
  const first = await signed.enforce();
  if (first.decision !== "allow") throw new Error(`enforce benchmark request should be allowed: ${JSON.stringify(first)}`);

  // What enforcer/signing.ts signCompact does, on what the Enforcer signs per decision.
  const key = await generateSigningKey();
  const encoder = new TextEncoder();
  const sign = (payload) => new CompactSign(encoder.encode(canonicalJson(payload))).setProtectedHeader({ alg: "EdDSA", kid: key.kid }).sign(key.privateKey);
  const { signature: _s, ...decisionPayload } = first;
  const auditPayload = { hash: "9f".repeat(32), seq: 1234 };

  const unsignedDecisions = await enforcerOnMemory(passport, { signDecisions: false });
  const probe = await unsignedDecisions.enforce();
  const switchWorks = probe.decision === "allow" && probe.signature === "";
  const stubbed = await enforcerOnMemory(passport);
  const native = await enforcerOnMemory(passport, { hostCrypto: nodeCrypto });
  const subtle = globalThis.crypto.subtle;
  const fakeSignature = new Uint8Array(64).buffer;
  const fakeSign = async () => fakeSignature;

  return [
    {
      id: "enforce.signed",
      group: "enforce",
      name: "Enforcer.enforce, MemoryStore, signed",
      async: true,
      fn: signed.enforce,
      note: () => `README passport; decision + audit record signed (Ed25519); ${tallyNote(signed.tally)}`,
    },
    switchWorks
      ? {
          id: "enforce.decision_unsigned",
          group: "enforce",
          name: "Enforcer.enforce, signDecisions: false",
          async: true,
          fn: unsignedDecisions.enforce,
          note: () => `decision not signed; its audit record still is (one Ed25519 JWS); ${tallyNote(unsignedDecisions.tally)}`,
        }
      : {
          id: "enforce.decision_unsigned",
          group: "enforce",
          name: "Enforcer.enforce, signDecisions: false",
          pending: "this build of the Enforcer has no signDecisions option",
        },
    {
      id: "enforce.signing",
      group: "enforce",
      name: "signing alone: 2 × Ed25519 compact JWS",
      async: true,
      fn: async () => {
        await sign(decisionPayload);
        await sign(auditPayload);
      },
      note: "jose CompactSign over canonical JSON, as enforcer/signing.ts signCompact",
    },
    {
      id: "enforce.unsigned",
      group: "enforce",
      name: "Enforcer.enforce − all signing (derived)",
      derived: true,
      derive: (r) => {
        const median = r["enforce.signed"].median_ns - r["enforce.signing"].median_ns;
        return { median_ns: median, p99_ns: r["enforce.signed"].p99_ns - r["enforce.signing"].median_ns, ops_per_s: 1e9 / median };
      },
      note: "signed enforce minus signing alone (medians; p99 is the signed p99 minus the signing median; ops/s is 1 ÷ median). `signDecisions: false` skips only the decision's signature, so no switch removes both",
    },
    {
      id: "enforce.node_crypto",
      group: "enforce",
      name: "Enforcer.enforce, signed with node:crypto",
      async: true,
      fn: native.enforce,
      note: () => `as enforce signed, with \`hostCrypto: nodeCrypto\` (agent-warden/node-crypto), as warden serve signs; ${tallyNote(native.tally)}`,
    },
    {
      id: "enforce.stubbed",
      group: "enforce",
      name: "Enforcer.enforce, Ed25519 stubbed",
      async: true,
      fn: stubbed.enforce,
      before: () => {
        subtle.sign = fakeSign;
      },
      after: () => {
        delete subtle.sign;
      },
      note: () => `crypto.subtle.sign replaced by a constant: JWS assembly and hashing stay; ${tallyNote(stubbed.tally)}`,
    },
  ];
}
