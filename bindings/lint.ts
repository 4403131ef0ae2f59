// Cross-field checks of a valid passport: constraints that validate one by one but together cannot
// do what their author meant (a hold that can never fire, a cap that never binds, dollars written
// as cents). One table; each rule's claim is checked against the module by test/lint.test.ts.
// These are warnings: `warden check` prints them and fails on them under --strict.

import type { Constraints, Passport } from "./gen/types";
import type { Problem } from "./errors";
import type { ProblemCode } from "./problem-codes";

type Cost =
  | "core:cost:max_per_action"
  | "core:cost:max_per_day"
  | "core:cost:max_per_week"
  | "core:cost:max_per_month"
  | "core:cost:max_total"
  | "core:cost:max_cumulative";

/** Caps on what has been spent: cost > cap - spent is blocked, so cost > cap always is. */
export const SPEND_CAPS: readonly Cost[] = [
  "core:cost:max_per_day",
  "core:cost:max_per_week",
  "core:cost:max_per_month",
  "core:cost:max_total",
  "core:cost:max_cumulative",
];
const COST_CAPS: readonly Cost[] = ["core:cost:max_per_action", ...SPEND_CAPS];

export interface LintRule {
  code: ProblemCode;
  /** One sentence a newcomer understands: what the rule catches. */
  about: string;
  check(c: Constraints): Problem[];
}

const at = (key: string): string => `constraints[${JSON.stringify(key)}]`;
const num = (c: Constraints, key: Cost | "core:cost:approval_threshold"): number | undefined => (typeof c[key] === "number" ? (c[key] as number) : undefined);
const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

export const LINT_RULES: readonly LintRule[] = [
  {
    code: "threshold_unreachable",
    about: "an approval threshold at or above a cost cap: every cost above the threshold is blocked by the cap first, so the hold never fires",
    check(c) {
      const t = num(c, "core:cost:approval_threshold");
      if (t === undefined) return [];
      const cap = COST_CAPS.find((k) => num(c, k) !== undefined && t >= num(c, k)!);
      if (cap === undefined) return [];
      return [
        {
          code: "threshold_unreachable",
          path: at("core:cost:approval_threshold"),
          message: `approval threshold ${t} is not below ${cap} ${num(c, cap)}: an action costing more than ${t} is blocked by the cap before it can be held`,
          hint: `set the threshold below ${num(c, cap)} cents, or raise the cap`,
        },
      ];
    },
  },
  {
    code: "per_action_not_below_cap",
    about: "a per-action cap at or above a spending cap: any cost it would block, the spending cap blocks too",
    check(c) {
      const a = num(c, "core:cost:max_per_action");
      if (a === undefined) return [];
      const cap = SPEND_CAPS.find((k) => num(c, k) !== undefined && a >= num(c, k)!);
      if (cap === undefined) return [];
      return [
        {
          code: "per_action_not_below_cap",
          path: at("core:cost:max_per_action"),
          message: `max_per_action ${a} is not below ${cap} ${num(c, cap)}: it never blocks anything the ${cap.slice("core:cost:".length)} cap would allow`,
          hint: `set max_per_action below ${num(c, cap)} cents, or drop it`,
        },
      ];
    },
  },
  {
    code: "cents_look_like_dollars",
    about: "a cost cap under 100 cents (a dollar): amounts are cents, and small numbers are often dollars written as cents",
    check(c) {
      return COST_CAPS.filter((k) => {
        const v = num(c, k);
        return v !== undefined && v > 0 && v < 100;
      }).map((k) => ({
        code: "cents_look_like_dollars",
        path: at(k),
        message: `${num(c, k)} cents is ${dollars(num(c, k)!)}: cost amounts are in cents`,
        hint: `if you meant ${dollars(num(c, k)! * 100)}, write ${num(c, k)! * 100}`,
      }));
    },
  },
];

/** Every cross-field warning of a passport that already validated, in table order. */
export function lintPassport(passport: Passport): Problem[] {
  const c = passport.constraints ?? {};
  return LINT_RULES.flatMap((rule) => rule.check(c));
}
