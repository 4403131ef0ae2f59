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
});
