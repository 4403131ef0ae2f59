# The Python of Modei's "Passport-Only Enforcement" guide (modei.ai/docs/guides/passport-only), as a
# user copies it: only MODEI_API_URL (the base URL) and MODEI_API_KEY differ. Prints one JSON line.
import httpx
import json
import os

client = httpx.Client(
    base_url=os.environ.get("MODEI_API_URL", "https://modei.ai/api/v1"),
    headers={"Authorization": f"Bearer {os.environ['MODEI_API_KEY']}"}
)

response = client.post("/passports", json={
    "issuer_id": os.environ["MODEI_ISSUER_ID"],
    "agent_id": "my-agent-001",
    "agent_name": "Autonomous Research Agent",
    "permissions": ["web:search", "web:fetch", "documents:read"],
    "trust_tier": "L1",
    "expires_in_days": 30,
    "constraints": {
        # Spend caps
        "core:cost:max_per_action": 500,
        "core:cost:max_per_day": 10000,
        # Rate limits
        "core:rate:max_per_day": 1000,
    },
})
response.raise_for_status()
passport = response.json()
passport_id = passport["id"]
private_key = passport["private_key"]  # save it now: it is returned once


def enforce(action, cost_cents=0, target=None, context=None):
    r = client.post("/enforce", json={
        "passport_id": passport_id,
        "action": action,
        "cost_cents": cost_cents,
        "target": target,
        "context": context or {},
    })
    r.raise_for_status()
    return r.json()


first = enforce("web:search", cost_cents=30)
second = enforce("web:search", cost_cents=600, target="serpapi.com")
state = client.get(f"/passports/{passport_id}/state").json()
reset = client.post(f"/passports/{passport_id}/state/reset")
print(json.dumps({
    "passport": passport, "first": first, "second": second, "state": state,
    "reset_status": reset.status_code,
}))
