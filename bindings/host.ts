// Host preparation (SPEC §3, §10 "Hosts"): canonical hosts of targets and domain-list entries; matching is in WebAssembly.

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** A plain http(s) or bare target whose host the URL parser would only lower-case. */
const SIMPLE = /^(?:[Hh][Tt][Tt][Pp][Ss]?:\/\/)?([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?:[/?#]|$)/;
/** A last label that makes the WHATWG parser read the host as IPv4 (decimal, octal, hex). */
const NUMERIC_LABEL = /^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/;
const MAX_PORT = 65535;

/**
 * The canonical host of a target, or null when it has none or cannot be parsed.
 * A URL (`scheme://...`) is parsed as is, a bare target as `http://` + target, with the WHATWG
 * URL parser: userinfo is dropped, IPv4 spellings canonicalised, IDN turned into punycode.
 * The result is lower-case, without its trailing dot, IPv6 without brackets.
 * @example canonicalHost("https://openai.com@evil.com/x") // "evil.com"
 * @example canonicalHost("host:8443/path") // "host"
 */
export function canonicalHost(target: string): string | null {
  return simpleHost(target) ?? parsedHost(target);
}

/** The fast path: an ASCII name the parser would only lower-case; null means "ask the parser". */
function simpleHost(target: string): string | null {
  const m = SIMPLE.exec(target);
  if (m === null) return null;
  if (m[2] !== undefined && Number(m[2]) > MAX_PORT) return null;
  const host = dropTrailingDot(m[1]!.toLowerCase());
  if (host === "" || host.startsWith(".") || host.includes("xn--")) return null; // punycode is checked by the parser
  return NUMERIC_LABEL.test(host.slice(host.lastIndexOf(".") + 1)) ? null : host;
}

const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * SPEC §11 "Bypasses closed": an IPv4-mapped IPv6 literal (`::ffff:a9fe:a9fe`, which the URL parser
 * makes of `[::ffff:169.254.169.254]`) is its IPv4 address, so it matches IPv4 entries.
 */
function unmapIpv4(host: string): string {
  const m = IPV4_MAPPED.exec(host);
  if (m === null) return host;
  const hi = parseInt(m[1]!, 16),
    lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function parsedHost(target: string): string | null {
  let url: URL;
  try {
    url = new URL(HAS_SCHEME.test(target) ? target : `http://${target}`);
  } catch {
    return null;
  }
  let host = url.hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) return unmapIpv4(host.slice(1, -1));
  // Parsers differ on forbidden domain code points (Chromium keeps `exa%20mple.com`): refuse them
  // here, so every runtime gets the same answer (URL Standard "forbidden domain code point").
  if (FORBIDDEN_IN_DOMAIN.test(host)) return null;
  host = dropTrailingDot(host);
  return host === "" ? null : host;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what a host may not hold
const FORBIDDEN_IN_DOMAIN = /[\u0000-\u0020\u007f#%/:<>?@[\\\]^|]/;

function dropTrailingDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** A domain-list entry: a canonical host, and whether it only matches subdomains (`*.`). */
export interface DomainEntry {
  host: string;
  wildcard: boolean;
}

/** Characters no host entry may contain: URL parts (path, query, userinfo), spaces, stray `*`. */
const NOT_A_HOST = /[\s/?#@\\*]/;
const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;

/**
 * A domain-list entry prepared for matching, or null when it is not a host. Entries are bare
 * hosts (no scheme, port or path); `*.example.com` matches subdomains only; IPv6 may be written
 * with or without brackets. A wildcard before an IP address is not a host.
 * @example canonicalEntry("*.Example.com.") // { host: "example.com", wildcard: true }
 */
export function canonicalEntry(entry: string): DomainEntry | null {
  const wildcard = entry.startsWith("*.");
  const rest = wildcard ? entry.slice(2) : entry;
  if (rest === "" || NOT_A_HOST.test(rest)) return null;
  const literal = rest.includes(":") && !rest.startsWith("[") ? `[${rest}]` : rest;
  if (literal.includes(":") && !(literal.startsWith("[") && literal.endsWith("]"))) return null;
  const host = parsedHost(`http://${literal}`);
  if (host === null) return null;
  if (wildcard && (IPV4.test(host) || host.includes(":"))) return null;
  return { host, wildcard };
}
