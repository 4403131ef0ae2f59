// Cold start in Node: fresh processes, each timing instantiate (read + compile + instantiate the
// module) + engine.compile(README passport) + the first decision. Import of the JS and Node's own
// boot are reported beside it, not in it. Not a benchmark.js case: every sample is a new process.
import { execFileSync } from "node:child_process";
import { ROOT, smallCase } from "../lib/inputs.mjs";
import { quantile } from "../lib/measure.mjs";

const PHASES = ["node_boot_ms", "import_ms", "instantiate_ms", "compile_ms", "first_decision_ms", "second_decision_ms"];

export function coldStartCases() {
  const passportPath = ROOT + smallCase().path;
  return [
    {
      id: "cold_start.node",
      group: "cold start",
      name: "cold start: instantiate + compile + first decision",
      process: (budget) => {
        const runs = [];
        for (let i = 0; i < budget.coldRuns; i++) {
          const out = JSON.parse(execFileSync(process.execPath, [ROOT + "bench/cold-start-child.mjs", passportPath], { encoding: "utf8" }));
          if (out.decision !== "allow") throw new Error(`cold start decision should be allow: ${JSON.stringify(out)}`);
          runs.push(out);
        }
        const totals = runs.map((r) => (r.instantiate_ms + r.compile_ms + r.first_decision_ms) * 1e6).sort((a, b) => a - b);
        const phases = Object.fromEntries(
          PHASES.map((p) => [
            p,
            quantile(
              runs.map((r) => r[p]).sort((a, b) => a - b),
              0.5,
            ),
          ]),
        );
        const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
        return {
          median_ns: quantile(totals, 0.5),
          p99_ns: quantile(totals, 0.99),
          mean_ns: mean,
          ops_per_s: 1e9 / mean,
          samples: runs.length,
          phases_median_ms: phases,
        };
      },
      note: (r) =>
        `${r.samples} processes; median phases: instantiate ${r.phases_median_ms.instantiate_ms.toFixed(2)} ms, compile ${r.phases_median_ms.compile_ms.toFixed(2)} ms, first decision ${r.phases_median_ms.first_decision_ms.toFixed(2)} ms (second ${(r.phases_median_ms.second_decision_ms * 1000).toFixed(0)} µs); not included: import of the bindings ${r.phases_median_ms.import_ms.toFixed(1)} ms, Node boot ${r.phases_median_ms.node_boot_ms.toFixed(0)} ms`,
    },
  ];
}
