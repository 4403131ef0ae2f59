// Money, time and text formatting shared by notifications, pages and MCP answers (display only; decisions never use it).

const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥", CAD: "CA$", AUD: "A$" };

/** Integer cents as money text, exactly (no floating point): 123456 → "$1,234.56"; unknown labels go after. */
export function formatCents(cents: number, currency = "USD"): string {
  const sign = cents < 0 ? "-" : "";
  const abs = BigInt(Math.trunc(Math.abs(cents)));
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (abs % 100n).toString().padStart(2, "0");
  const code = currency.toUpperCase();
  const symbol = SYMBOLS[code];
  return symbol ? `${sign}${symbol}${whole}.${frac}` : `${sign}${whole}.${frac} ${currency}`;
}

/** "10:05 UTC" for an RFC 3339 instant (messages are read on phones in any zone: UTC is stated). */
export function formatClock(isoTime: string): string {
  const d = new Date(isoTime);
  if (Number.isNaN(d.getTime())) return isoTime;
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/** A lifetime the module reports, as people read it: 300000 → "5 minutes", 30000 → "30 seconds". */
export function formatDuration(ms: number): string {
  const [n, unit] = ms % 60_000 === 0 ? [ms / 60_000, "minute"] : ms % 1000 === 0 ? [ms / 1000, "second"] : [ms, "millisecond"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Phone numbers compare by their digits and a leading "+": "+1 (555) 010-0000" → "+15550100000". */
export function normalizePhone(raw: string): string {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, "");
  return trimmed.startsWith("+") ? `+${digits}` : digits;
}

/** An instant (epoch ms) as a date and time people read anywhere: "Tue, 10 Mar 2026, 15:00 UTC". */
export function formatWhen(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "—";
  const day = d.toLocaleDateString("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" });
  return `${day}, ${d.toISOString().slice(11, 16)} UTC`;
}
