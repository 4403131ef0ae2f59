// Many requests against one compiled passport in one call (docs/abi.md "evaluate_many"): the
// host's `policy.evaluateMany` crosses the boundary once per batch instead of once per request.
// Each decision is the one `evaluate` would make; only where it is written differs.

import { decision } from "./decision";
import { D_DETAIL, D_DETAIL_LEN, D_SIZE, D_SUGGESTION_COUNT, D_SUGGESTIONS, D_SUGGESTIONS_MAX } from "./gen/abi-layout";
import { ioBase, OUT } from "./io";
import { evaluatePolicy } from "./pipeline";
import { Policy } from "./policy";
import { input, readInput, ReqFlag } from "./request";

const BAD_HANDLE: i32 = -10,
  BAD_REQUEST: i32 = -11;

/**
 * Evaluates `count` requests. At `table` in the input area: `count` pairs of u32 (offset from the
 * area's start, length) of requests laid out as for `evaluate`; decision i is copied to the area's
 * start + i × D_SIZE, in the layout of the output area (only its used parts: the fixed sections,
 * the detail's bytes, the suggestions when there are any). Returns `count`, or the first error code.
 */
export function evaluateBatch(p: Policy | null, count: i32, table: i32): i32 {
  if (p == null) return BAD_HANDLE;
  const base = ioBase();
  for (let i = 0; i < count; i++) {
    const entry = base + <usize>table + (<usize>i << 3);
    if (!readInput(base + <usize>load<u32>(entry), <i32>load<u32>(entry, 4))) return BAD_REQUEST;
    decision.reset(input.hasFlag(ReqFlag.Explain));
    evaluatePolicy(p);
    decision.serialize();
    const to = base + <usize>(i * D_SIZE);
    memory.copy(to, OUT, <usize>D_DETAIL + <usize>load<u32>(OUT, D_DETAIL_LEN));
    if (load<u8>(OUT, D_SUGGESTION_COUNT) > 0) memory.copy(to + <usize>D_SUGGESTIONS, OUT + <usize>D_SUGGESTIONS, <usize>D_SUGGESTIONS_MAX);
  }
  return count;
}
