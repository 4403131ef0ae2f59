// SPEC §11 "Bypasses closed", from the attacker's side: spellings that used to slip past a guard.
import { describe, expect, it } from "vitest";
import { NOW, policy } from "./helpers";

describe("bypasses closed (SPEC §11)", () => {
  it.each(["purge", "wipe", "rm", "erase", "unlink", "overwrite", "reset", "clear", "flush", "shred"])("read_only blocks the write verb %s", async (verb) => {
    const p = await policy({ "core:data:read_only": true });
    expect(p.evaluate({ action: `files:${verb}`, context: {} }, {}, { now: NOW })).toMatchObject({ decision: "block", reason: "read_only" });
    expect(p.evaluate({ action: `db:${verb}All` }, {}, { now: NOW })).toMatchObject({ decision: "block", reason: "read_only" });
  });

  it.each(["http://[::ffff:169.254.169.254]/latest/meta-data", "[::ffff:a9fe:a9fe]", "http://[::FFFF:A9FE:A9FE]:80/"])(
    "an IPv4-mapped IPv6 literal %s matches the IPv4 entry",
    async (target) => {
      const blocked = await policy({ "core:scope:domain_blocklist": ["169.254.169.254"] });
      expect(blocked.evaluate({ action: "web:fetch", target }, {}, { now: NOW })).toMatchObject({ decision: "block", reason: "domain_blocked" });
      const allowed = await policy({ "core:scope:domain_allowlist": ["169.254.169.254"] });
      expect(allowed.evaluate({ action: "web:fetch", target }, {}, { now: NOW }).decision).toBe("allow");
    },
  );

  it("Bearer followed by tabs is a secret", async () => {
    const p = await policy({ "core:data:no_secrets_export": true });
    for (const sep of ["\t", " \t ", "\t\t"]) {
      expect(p.evaluate({ action: "web:fetch", context: { h: `Bearer${sep}abcdefghijklmnop1234` } }, {}, { now: NOW })).toMatchObject({
        decision: "block",
        reason: "secret_detected",
      });
    }
  });

  describe("percent-decoded targets are scanned and matched (SPEC §11)", () => {
    const secret = "sk_live_abcdefghijklmnopqrstuvwx";
    it.each([
      `https://api.example/v1?key=${secret.replace(/_/g, "%5F")}`,
      `https://api.example/v1?key=${secret.replace(/_/g, "%5f")}`,
      `https://api.example/v1?key=${secret.replace(/_/g, "%255F")}`, // double encoding
      `https://api.example/%73%6b%5f%6c%69%76%65%5f${secret.slice(8)}`,
    ])("a percent-encoded secret in the target %s is a secret", async (target) => {
      const p = await policy({ "core:data:no_secrets_export": true });
      expect(p.evaluate({ action: "web:fetch", target }, {}, { now: NOW })).toMatchObject({ decision: "block", reason: "secret_detected" });
      const inContext = p.evaluate({ action: "web:fetch", context: { url: target } }, {}, { now: NOW });
      expect(inContext).toMatchObject({ decision: "block", reason: "secret_detected" });
    });

    it.each(["https://crm.example/lookup?email=jane%40example.com", "https://crm.example/lookup?email=jane%2540example.com", "jane%40example.com"])(
      "a percent-encoded e-mail address in %s is personal data",
      async (target) => {
        const p = await policy({ "core:data:no_pii_export": true });
        expect(p.evaluate({ action: "web:fetch", target }, {}, { now: NOW })).toMatchObject({ decision: "block", reason: "pii_detected" });
      },
    );

    it("escapes that decode to nothing sensitive still pass", async () => {
      const p = await policy({ "core:data:no_secrets_export": true, "core:data:no_pii_export": true });
      for (const target of ["https://api.example/search?q=100%25%20off", "https://api.example/a%2Fb?x=%zz", "https://api.example/%E2%9C%93"]) {
        expect(p.evaluate({ action: "web:fetch", target }, {}, { now: NOW }).decision).toBe("allow");
      }
    });

    it("hosts match in their decoded canonical form: the allowlist, never the spelling", async () => {
      const allow = await policy({ "core:scope:domain_allowlist": ["api.example"] });
      const decide = (target: string) => allow.evaluate({ action: "web:fetch", target }, {}, { now: NOW });
      expect(decide("https://%41pi.example/v1").decision).toBe("allow"); // %41 is A: api.example
      expect(decide("https://api.example/%2e%2e/%2e%2e/admin").decision).toBe("allow"); // the path is not the host
      expect(decide("https://api.example%2eevil.example/")).toMatchObject({ decision: "block", reason: "domain_not_allowed" });
      expect(decide("https://%2541pi.example/")).toMatchObject({ decision: "block", reason: "invalid_target" }); // double: not a host
      expect(decide("https://evil.example%2fapi.example/")).toMatchObject({ decision: "block" });
      const block = await policy({ "core:scope:domain_blocklist": ["evil.example"] });
      for (const target of ["https://%65vil.example/%2e%2e/x", "https://evil%2Eexample/", "http://EVIL.example%2E/"]) {
        expect(block.evaluate({ action: "web:fetch", target }, {}, { now: NOW }), target).toMatchObject({ decision: "block", reason: "domain_blocked" });
      }
    });
  });
});
