// The TypeScript of Modei's "REST API with fetch" (modei.ai/docs/sdk/typescript), types stripped so
// Node runs it as is; only MODEI_API (the base URL) and MODEI_API_KEY differ. Prints one JSON line.
const MODEI_API = process.env.MODEI_API_URL ?? "https://modei.ai/api/v1";
const API_KEY = process.env.MODEI_API_KEY;

async function issuePassport(agentId, permissions) {
  const res = await fetch(`${MODEI_API}/passports`, {
    method: "POST",
    headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      issuer_id: process.env.MODEI_ISSUER_ID,
      agent_id: agentId,
      permissions,
      expires_in_days: 30,
      constraints: { "core:cost:max_per_day": 1000 },
    }),
  });
  if (!res.ok) throw new Error(`issue failed: ${res.status} ${await res.text()}`);
  return res.json();
}

async function enforceAction(passportId, action, costCents) {
  const res = await fetch(`${MODEI_API}/enforce`, {
    method: "POST",
    headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ passport_id: passportId, action, cost_cents: costCents, target: null, context: {} }),
  });
  if (!res.ok) throw new Error(`enforce failed: ${res.status} ${await res.text()}`);
  return res.json();
}

async function getState(passportId) {
  const res = await fetch(`${MODEI_API}/passports/${passportId}/state`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  return res.json();
}

const passport = await issuePassport("research-agent", ["web:search"]);
const decision = await enforceAction(passport.id, "web:search", 250);
const state = await getState(passport.id);
console.log(JSON.stringify({ passport, decision, state }));
