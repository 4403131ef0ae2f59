// What a person or an agent is shown about a passport's limits, computed here so that every view
// (MCP, approval page, dashboard) shows the same numbers the pipeline decides with: the effective
// cap per spending window (max_per_* and max_cumulative on its window, the tightest wins), the
// headroom under it, and the fold actions are compared by (SPEC §3).

import { Key, Rule } from "./catalogue";
import { lower } from "./match/bytelist";
import { foldedCapacity, foldUtf8 } from "./match/casefold";
import { OUT, OUT_SIZE } from "./io";
import { Policy, Window } from "./policy";
import {
  R_HELD, R_SPENT_MONTH, R_SPENT_TODAY, R_SPENT_TOTAL, R_SPENT_WEEK, REQ_HEADER, SC_PER_ACTION, SC_SIZE, SC_WINDOWS,
  WC_HEADROOM, WC_HELD, WC_LIMIT, WC_PAD, WC_RULE, WC_SPENT, WC_SIZE,
} from "./request";

const SPENT_AT: i32[] = [R_SPENT_TODAY, R_SPENT_WEEK, R_SPENT_MONTH, R_SPENT_TOTAL];
const WINDOW_KEY: Key[] = [Key.CostMaxPerDay, Key.CostMaxPerWeek, Key.CostMaxPerMonth, Key.CostMaxTotal];
const WINDOW_RULE: Rule[] = [Rule.CostPerDay, Rule.CostPerWeek, Rule.CostPerMonth, Rule.CostTotal];
const NONE: i64 = -1;

/** The window max_cumulative applies to (cumulative_window, default daily), as rules/cost.ts reads it. */
function cumulativeWindow(p: Policy): i32 {
  return p.has(Key.CostCumulativeWindow) ? <i32>p.int(Key.CostCumulativeWindow) : Window.Daily;
}

/**
 * Writes the SpendCaps record (docs/abi.md "spend_caps") for the counter block of the request
 * header at `base`; returns its length. A window's cap is the smallest of max_per_<window> and
 * max_cumulative when it names that window; on a tie the rule earlier in the pipeline names it.
 */
export function writeSpendCaps(p: Policy, base: usize): i32 {
  store<i64>(OUT + <usize>SC_PER_ACTION, p.has(Key.CostMaxPerAction) ? p.int(Key.CostMaxPerAction) : NONE);
  const held = load<i64>(base + <usize>R_HELD);
  const cw = p.has(Key.CostMaxCumulative) ? cumulativeWindow(p) : -1;
  for (let w = 0; w < 4; w++) {
    let limit = NONE;
    let rule: u32 = u32.MAX_VALUE;
    const key = unchecked(WINDOW_KEY[w]);
    if (p.has(key)) { limit = p.int(key); rule = <u32>unchecked(WINDOW_RULE[w]); }
    if (cw == w && (limit == NONE || p.int(Key.CostMaxCumulative) < limit)) {
      limit = p.int(Key.CostMaxCumulative); rule = <u32>Rule.CostCumulative;
    }
    const spent = load<i64>(base + <usize>unchecked(SPENT_AT[w]));
    const room = limit - spent - held;
    const at = OUT + <usize>(SC_WINDOWS + w * WC_SIZE);
    store<i64>(at + <usize>WC_LIMIT, limit);
    store<i64>(at + <usize>WC_SPENT, spent);
    store<i64>(at + <usize>WC_HELD, held);
    store<i64>(at + <usize>WC_HEADROOM, limit == NONE ? NONE : room > 0 ? room : 0);
    store<u32>(at + <usize>WC_RULE, rule);
    store<u32>(at + <usize>WC_PAD, 0);
  }
  return SC_SIZE;
}

/** Whether `len` bytes hold a request header (only its counter block is read). */
export function spendCapsInputOk(len: i32): bool { return len >= REQ_HEADER; }

/**
 * Writes the fold of the UTF-8 text at [p, p+n) (every letter, ASCII and not, by the module's
 * simple lower-case mapping) to the output area; returns its length, or -1 when it would not fit.
 */
export function writeFold(p: usize, n: i32): i32 {
  if (n < 0 || foldedCapacity(n) > OUT_SIZE) return -1;
  // foldUtf8 leaves ASCII to the matcher, which folds it byte by byte (match/bytelist.ts `lower`): do that here too.
  const len = foldUtf8(p, n, OUT);
  for (let i = 0; i < len; i++) store<u8>(OUT + <usize>i, <u8>lower(load<u8>(OUT + <usize>i)));
  return len;
}
