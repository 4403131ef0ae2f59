// Number formatting shared by the Markdown report, the chart and the progress lines.

/** A duration in ns, with a unit that keeps 3 significant digits: 3.12 ns, 412 ns, 2.41 µs, 18.2 ms. */
export function duration(ns) {
  if (!Number.isFinite(ns)) return "—";
  const units = [
    [1e9, "s"],
    [1e6, "ms"],
    [1e3, "µs"],
    [1, "ns"],
  ];
  for (const [scale, unit] of units) if (Math.abs(ns) >= scale || unit === "ns") return `${sig3(ns / scale)} ${unit}`;
  return `${ns} ns`;
}

/** Three significant digits, no exponent. */
export function sig3(x) {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export const count = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");

/** A ratio: 1.07×, 23.4×, 1,180×. */
export function ratio(x) {
  if (!Number.isFinite(x)) return "—";
  return x >= 1000 ? `${count(x)}×` : `${sig3(x)}×`;
}

export const mbps = (x) => (Number.isFinite(x) ? `${x >= 100 ? count(x) : sig3(x)} MB/s` : "—");
