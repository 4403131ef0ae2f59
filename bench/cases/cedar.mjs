// @cedar-policy/cedar-wasm on the Cedar translation of bench/cedar/equivalent-passport.json
// (bench/cedar/README.md documents the translation). Cedar gets the canonical host ready-made.
import { readFileSync } from "node:fs";
import { ROOT, NOW, readJson } from "../lib/inputs.mjs";

export const CEDAR_PASSPORT = readJson(ROOT + "bench/cedar/equivalent-passport.json");
export const CEDAR_REQUEST = { action: "web:search", cost_cents: 2, target: "https://serpapi.com/search?q=sparse+attention", context: {} };
export const CEDAR_COUNTERS = { spent_today_cents: 4250, spent_month_cents: 30000, held_cents: 0 };
const POLICY_SET_ID = "warden-bench";

/** The Cedar request for a Warden request: the same facts, as principal, action, resource and context. */
export function cedarCall(request, counters, host) {
  return {
    principal: { type: "Agent", id: CEDAR_PASSPORT.agent_id },
    action: { type: "Action", id: request.action },
    resource: { type: "Target", id: host ?? "" },
    context: {
      cost_cents: request.cost_cents ?? 0,
      spent_today_cents: counters.spent_today_cents ?? 0,
      spent_month_cents: counters.spent_month_cents ?? 0,
      held_cents: counters.held_cents ?? 0,
      ...(host === null ? {} : { host }),
    },
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [],
  };
}

const hostOf = (target) => (target === undefined ? null : new URL(/^[a-z]+:\/\//i.test(target) ? target : `http://${target}`).hostname);

/** Requests both engines must decide alike before any timing. */
const AGREEMENT = [
  CEDAR_REQUEST,
  { ...CEDAR_REQUEST, target: "https://en.wikipedia.org/wiki/X" },
  { ...CEDAR_REQUEST, target: "wikipedia.org" },
  { ...CEDAR_REQUEST, target: "https://badserpapi.com/" },
  { ...CEDAR_REQUEST, action: "web:post" },
  { ...CEDAR_REQUEST, cost_cents: 501 },
  { ...CEDAR_REQUEST, cost_cents: 5751 },
  { action: "documents:read", cost_cents: 0 },
];

export async function cedarCases({ engine }) {
  const cedar = await import("@cedar-policy/cedar-wasm/nodejs");
  const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: readFileSync(ROOT + "bench/cedar/policy.cedar", "utf8") });
  if (parsed.type !== "success") throw new Error(`Cedar policy does not parse: ${JSON.stringify(parsed.errors)}`);
  const policy = engine.compile(CEDAR_PASSPORT);
  for (const req of AGREEMENT) {
    const ours = policy.evaluate(req, CEDAR_COUNTERS, { now: NOW }).decision === "allow" ? "allow" : "deny";
    const answer = cedar.statefulIsAuthorized(cedarCall(req, CEDAR_COUNTERS, hostOf(req.target)));
    if (answer.type !== "success" || answer.response.decision !== ours) {
      throw new Error(`Cedar translation disagrees on ${JSON.stringify(req)}: ${JSON.stringify(answer)} vs ${ours}`);
    }
  }
  const call = cedarCall(CEDAR_REQUEST, CEDAR_COUNTERS, hostOf(CEDAR_REQUEST.target));
  return [
    {
      id: "cedar.stateful",
      group: "peers",
      name: "cedar-wasm statefulIsAuthorized: equivalent policy",
      fn: () => cedar.statefulIsAuthorized(call),
      note: `Cedar ${cedar.getCedarVersion()} (cedar-wasm ${cedar.getCedarSDKVersion()}), preparsed policy set, allow; agrees with Warden on ${AGREEMENT.length} requests`,
    },
  ];
}
