// A small SVG writer for the README chart: one horizontal bar per case (median latency), a whisker
// to its p99, on a log-scale axis in decades. No chart library; the output is plain, diffable text.
import { duration } from "./format.mjs";

const COLORS = {
  floor: "#9aa0a6",
  evaluate: "#1a73e8",
  reference: "#a142f4",
  peers: "#e8710a",
  scan: "#12b5cb",
  compile: "#188038",
  enforce: "#d93025",
  "cold start": "#5f6368",
};
const FONT = "font-family=\"ui-sans-serif,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\"";
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Axis label for 10^d ns: 1 ns, 10 ns, 100 ns, 1 µs, … */
function decade(d) {
  const units = ["ns", "µs", "ms", "s"];
  const u = Math.min(units.length - 1, Math.floor(d / 3));
  return `${10 ** (d - 3 * u)} ${units[u]}`;
}

/** `rows`: [{ group, name, median_ns, p99_ns }]; `footer`: one line of provenance. */
export function latencyChart(rows, { title, footer }) {
  const LABEL_W = 430,
    PLOT_W = 560,
    VALUE_W = 90,
    ROW_H = 20,
    TOP = 56,
    PAD = 12;
  const width = LABEL_W + PLOT_W + VALUE_W + PAD * 2;
  const height = TOP + rows.length * ROW_H + 58;
  const lo = Math.floor(Math.log10(Math.min(...rows.map((r) => r.median_ns))));
  const hi = Math.ceil(Math.log10(Math.max(...rows.map((r) => Math.max(r.median_ns, r.p99_ns)))));
  const x = (ns) => PAD + LABEL_W + ((Math.log10(Math.max(ns, 10 ** lo)) - lo) / (hi - lo)) * PLOT_W;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${PAD}" y="22" font-size="15" font-weight="600" fill="#202124">${esc(title)}</text>`);
  out.push(`<text x="${PAD}" y="40" fill="#5f6368">median per call (bar) and p99 (whisker), log scale; lower is better</text>`);
  const plotBottom = TOP + rows.length * ROW_H;
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    out.push(`<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${plotBottom}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${gx}" y="${plotBottom + 16}" text-anchor="middle" fill="#5f6368">${esc(decade(d))}</text>`);
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const color = COLORS[r.group] ?? "#1a73e8";
    const x0 = x(10 ** lo),
      xm = x(r.median_ns),
      xp = x(Math.max(r.p99_ns, r.median_ns));
    if (i % 2 === 0) out.push(`<rect x="0" y="${y}" width="${width}" height="${ROW_H}" fill="#f8f9fa"/>`);
    out.push(`<text x="${PAD + LABEL_W - 8}" y="${y + 14}" text-anchor="end" fill="#202124">${esc(r.name)}</text>`);
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${y + 4}" width="${Math.max(1, xm - x0).toFixed(1)}" height="${ROW_H - 8}" fill="${color}"><title>${esc(`${r.name}: median ${duration(r.median_ns)}, p99 ${duration(r.p99_ns)}`)}</title></rect>`,
    );
    out.push(`<line x1="${xm.toFixed(1)}" y1="${y + ROW_H / 2}" x2="${xp.toFixed(1)}" y2="${y + ROW_H / 2}" stroke="#202124" stroke-width="1"/>`);
    out.push(`<line x1="${xp.toFixed(1)}" y1="${y + 6}" x2="${xp.toFixed(1)}" y2="${y + ROW_H - 6}" stroke="#202124" stroke-width="1"/>`);
    out.push(`<text x="${(xp + 6).toFixed(1)}" y="${y + 14}" fill="#202124">${esc(duration(r.median_ns))}</text>`);
  });
  const legend = [...new Set(rows.map((r) => r.group))];
  let lx = PAD;
  for (const g of legend) {
    out.push(`<rect x="${lx}" y="${plotBottom + 28}" width="10" height="10" fill="${COLORS[g] ?? "#1a73e8"}"/>`);
    out.push(`<text x="${lx + 14}" y="${plotBottom + 37}" fill="#202124">${esc(g)}</text>`);
    lx += 24 + g.length * 7;
  }
  out.push(`<text x="${PAD}" y="${height - 6}" font-size="11" fill="#5f6368">${esc(footer)}</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
