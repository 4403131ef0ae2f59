// Reference model, input preparation for domains (SPEC §3, §10 "Hosts"): hosts come from the
// WHATWG URL parser of the runtime, exactly as the SPEC prescribes; matching is in match.ts.

/** The canonical host of a target, or null when it has none or the parser refuses it. */
export function targetHost(target: string): string | null {
  const isUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target);
  let url: URL;
  try {
    url = new URL(isUrl ? target : "http://" + target);
  } catch {
    return null;
  }
  return canonical(url.hostname);
}

function canonical(hostname: string): string | null {
  let host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  // SPEC §11: an IPv4-mapped IPv6 literal is its IPv4 address.
  const mapped = /^::ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(host);
  if (mapped) {
    const n = parseInt(mapped[1]!, 16) * 65536 + parseInt(mapped[2]!, 16);
    host = [24, 16, 8, 0].map((k) => Math.floor(n / 2 ** k) % 256).join(".");
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host === "" ? null : host;
}

export interface Entry {
  host: string;
  subdomainsOnly: boolean;
}

/** A domain-list entry: `*.suffix` matches subdomains only; IPv6 may come with or without brackets. */
export function listEntry(entry: string): Entry | null {
  const subdomainsOnly = entry.startsWith("*.");
  let rest = subdomainsOnly ? entry.slice(2) : entry;
  if (rest.includes(":") && !rest.startsWith("[")) rest = `[${rest}]`;
  let url: URL;
  try {
    url = new URL(`http://${rest}/`);
  } catch {
    return null;
  }
  const host = canonical(url.hostname);
  return host === null ? null : { host, subdomainsOnly };
}

/** An IP address literal (after canonicalisation): matches itself only. */
export function isIp(host: string): boolean {
  return host.includes(":") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}
