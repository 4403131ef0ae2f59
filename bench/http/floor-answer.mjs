// The answer both floors of bench:http send: an allow as warden serve answers it (1,134 bytes) —
// the decision, its ids, a permit and an Ed25519 compact JWS — so the floors write as much as a real decision.
export const ANSWER = Buffer.from(
  JSON.stringify({
    decision: "allow",
    reason: "allowed",
    rule: null,
    detail: "allowed: 7 rules passed",
    retryable: false,
    holds: [],
    warnings: [],
    suggestions: [],
    decision_id: "dec_b47ed274746c4d62e3adbaad867e188d",
    passport_id: "pass_a09ac4441bb05ac0e624d5ce5c6f440a",
    action_id: null,
    at: "2026-11-23T16:17:27.964Z",
    permit_token: "pmt_7007516c4f61e4d89e53cbe3bdc02d1b",
    permit_expires_at: "2026-11-23T16:17:57.964Z",
    signature: `${"e".repeat(88)}.${"p".repeat(540)}.${"s".repeat(86)}`,
  }),
  "utf8",
);

/** The headers both floors send with it, as warden serve does. */
export const ANSWER_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": ANSWER.length };
