// Host preparation: canonical hosts of targets and domain-list entries (SPEC §3, §10 "Hosts").

import { describe, expect, it } from "vitest";
import { canonicalEntry, canonicalHost } from "../bindings/host";

describe("canonicalHost", () => {
  it.each([
    ["https://api.openai.com/v1/x", "api.openai.com"],
    ["serpapi.com", "serpapi.com"],
    ["host:8443/path", "host"],
    ["https://Example.COM:443/a?b#c", "example.com"],
    ["localhost:3000", "localhost"],
  ])("takes the host of %s", (target, host) => {
    expect(canonicalHost(target)).toBe(host);
  });

  it("drops the port and the trailing dot, and lower-cases", () => {
    expect(canonicalHost("EXAMPLE.com.")).toBe("example.com");
    expect(canonicalHost("https://example.com.:8080/")).toBe("example.com");
    expect(canonicalHost("a.com:443")).toBe("a.com");
  });

  it("drops userinfo the way the URL parser does", () => {
    expect(canonicalHost("https://openai.com@evil.com")).toBe("evil.com");
    expect(canonicalHost("https://openai.com:pw@evil.com/x")).toBe("evil.com");
    expect(canonicalHost("user@a.com")).toBe("a.com");
  });

  it("turns internationalised names into punycode", () => {
    expect(canonicalHost("bücher.de")).toBe("xn--bcher-kva.de");
    expect(canonicalHost("https://BÜCHER.de/x")).toBe("xn--bcher-kva.de");
    expect(canonicalHost("XN--BCHER-KVA.de")).toBe("xn--bcher-kva.de");
  });

  it.each([
    ["0x0a.0.0.1", "10.0.0.1"],
    ["012.0.0.1", "10.0.0.1"],
    ["167772161", "10.0.0.1"],
    ["10.1", "10.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["10.0.0.1:8080", "10.0.0.1"],
  ])("canonicalises the IPv4 spelling %s", (target, host) => {
    expect(canonicalHost(target)).toBe(host);
  });

  it("strips the brackets of IPv6 and canonicalises it", () => {
    expect(canonicalHost("[::1]")).toBe("::1");
    expect(canonicalHost("http://[::1]:8080/x")).toBe("::1");
    expect(canonicalHost("[0:0:0:0:0:0:0:1]")).toBe("::1");
    expect(canonicalHost("[2001:DB8::1]")).toBe("2001:db8::1");
  });

  it("reads other schemes as they are", () => {
    expect(canonicalHost("ftp://Files.Example.org/x")).toBe("files.example.org");
    expect(canonicalHost("s3://Bucket.Example/key")).toBe("bucket.example");
  });

  it.each(["", "   ", "http://", "a b.com", "http://a.com:99999", "[::1", "a.1.", "http://.", "file:///etc/passwd", "xn--zz.com", "a.com:abc"])(
    "gives null for %j",
    (target) => {
      expect(canonicalHost(target)).toBeNull();
    },
  );

  it("agrees with the URL parser on its fast path", () => {
    const reference = (t: string): string | null => {
      try {
        const url = new URL(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(t) ? t : `http://${t}`);
        const h = url.hostname
          .toLowerCase()
          .replace(/^\[(.*)\]$/, "$1")
          .replace(/\.$/, "");
        return h === "" ? null : h;
      } catch {
        return null;
      }
    };
    const hosts = [
      "a.com",
      "A.Com",
      "a.com.",
      "a..b",
      "-a.b-",
      "1.2.3.com",
      "a.0x",
      "a.09",
      "a.0x1f",
      "x.1",
      "com",
      "a-b.c-d.e",
      "xn--bcher-kva.de",
      "a.com..",
      ".a",
    ];
    const prefixes = ["", "http://", "https://", "HTTP://", "ftp://"];
    const suffixes = ["", "/", ":80", ":65535", ":65536", ":0", "?q", "#f", "/p@q", ":8080/x"];
    for (const h of hosts)
      for (const p of prefixes)
        for (const s of suffixes) {
          const t = p + h + s;
          expect(canonicalHost(t), t).toBe(reference(t));
        }
  });
});

describe("canonicalEntry", () => {
  it("reads plain and wildcard entries", () => {
    expect(canonicalEntry("example.com")).toEqual({ host: "example.com", wildcard: false });
    expect(canonicalEntry("*.Example.com.")).toEqual({ host: "example.com", wildcard: true });
    expect(canonicalEntry("bücher.de")).toEqual({ host: "xn--bcher-kva.de", wildcard: false });
  });

  it("reads IP addresses, IPv6 with or without brackets", () => {
    expect(canonicalEntry("10.0.0.1")).toEqual({ host: "10.0.0.1", wildcard: false });
    expect(canonicalEntry("0x0a.0.0.1")).toEqual({ host: "10.0.0.1", wildcard: false });
    expect(canonicalEntry("::1")).toEqual({ host: "::1", wildcard: false });
    expect(canonicalEntry("[2001:db8::1]")).toEqual({ host: "2001:db8::1", wildcard: false });
  });

  it.each([
    "",
    "*",
    "*.",
    "*.*.a.com",
    "a.*.com",
    "https://a.com",
    "a.com/path",
    "a.com:80",
    "user@a.com",
    "a b.com",
    "[::1]:80",
    "*.10.0.0.1",
    "*.::1",
    "a.1.",
    "xn--zz.com",
  ])("rejects %j", (entry) => {
    expect(canonicalEntry(entry)).toBeNull();
  });
});
