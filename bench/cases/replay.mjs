// What-if replay (issue 22): requests decided in time order with the counters rebuilt in the
// module (Replay.step, one lane), and `warden replay` end to end on 1,000,000 recorded requests
// (read, parse, validate, sort, replay against the recorded decisions, report). Target: ≥ 1,000,000
// requests in ≤ 30 s, i.e. ≥ 33,334 requests/s end to end.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Replay } from "../../dist/bindings/index.js";
import { ROOT, readJson } from "../lib/inputs.mjs";

export const REPLAY_REQUESTS = 1_000_000;
const TRAFFIC = ROOT + "examples/traffic/research-agent.jsonl";
const OLD = ROOT + "examples/passports/research-agent.json";
const NEW = ROOT + "examples/passports/research-agent-v2.json";

/** The example day of traffic, repeated day after day up to `n` lines (times shifted by whole weeks). */
function recording(n) {
  const day = readFileSync(TRAFFIC, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const out = [];
  for (let k = 0; out.length < n; k++) {
    for (const r of day) {
      if (out.length >= n) break;
      out.push({ ...r, at: new Date(Date.parse(r.at) + k * 7 * 86_400_000).toISOString() });
    }
  }
  return out;
}

export function replayCases({ engine }) {
  const day = recording(4096).map((r) => ({ req: { action: r.action, cost_cents: r.cost_cents, target: r.target }, at: Date.parse(r.at) }));
  const span = day[day.length - 1].at - day[0].at + 7 * 86_400_000;
  let replay = null,
    i = 0,
    lap = 0;
  return [
    {
      id: "replay.step",
      group: "replay",
      name: "Replay.step: one recorded request, counters rebuilt in the module",
      before: () => {
        replay = new Replay(engine, [engine.compile(readJson(NEW))]);
        i = 0;
        lap = 0;
      },
      fn: () => {
        const r = day[i];
        replay.step(0, r.req, r.at + lap * span, "approve");
        if (++i === day.length) {
          i = 0;
          lap++;
        }
      },
      note: "research-agent-v2 passport over the example traffic (examples/traffic/), time moving forward; ops/s = requests/s",
    },
    {
      id: "replay.cli_1m",
      group: "replay",
      name: `warden replay: ${REPLAY_REQUESTS.toLocaleString("en-US")} recorded requests end to end`,
      process: () => {
        const dir = mkdtempSync(join(tmpdir(), "warden-replay-bench-"));
        try {
          const file = join(dir, "traffic.jsonl");
          writeFileSync(
            file,
            recording(REPLAY_REQUESTS)
              .map((r) => JSON.stringify(r))
              .join("\n") + "\n",
          );
          const t0 = process.hrtime.bigint();
          let out;
          try {
            out = execFileSync(process.execPath, [ROOT + "dist/cli/warden.js", "replay", "--passport", NEW, "--baseline", OLD, file, "--json"], {
              encoding: "utf8",
              maxBuffer: 1 << 26,
            });
          } catch (err) {
            if (err.status !== 1) throw err; // 1: something changed, as it should
            out = err.stdout;
          }
          const ns = Number(process.hrtime.bigint() - t0);
          const report = JSON.parse(out);
          if (report.total !== REPLAY_REQUESTS) throw new Error(`replayed ${report.total} requests, expected ${REPLAY_REQUESTS}`);
          const per = ns / REPLAY_REQUESTS;
          return { median_ns: per, p99_ns: per, mean_ns: per, ops_per_s: 1e9 / per, samples: 1, total_s: ns / 1e9, changed: report.changed };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      note: (r) =>
        `one process: ${r.total_s.toFixed(1)} s for ${REPLAY_REQUESTS.toLocaleString("en-US")} requests (read, parse, validate, sort, two passports replayed, report; Node start included); ${r.changed.toLocaleString("en-US")} changed; per-request figures are total ÷ requests`,
    },
  ];
}
