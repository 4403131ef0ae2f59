// One request as the host wrote it into the input area (docs/abi.md "Request"), read in place.

import { foldedLen, foldIntoScratch, hasNonAscii } from "./match/casefold";

// The byte layout (offsets R_*, REQ_HEADER, ReqFlag, CounterFlag) is defined once, in
// schemas/abi-layout.json; the bindings' copy is generated from the same table.
import { R_ACTION_LEN, R_CONTEXT_LEN, R_COST, R_COUNTER_FLAGS, R_FLAGS, R_HOST_LEN, R_NOW, R_TARGET_LEN, R_TZ_COUNT, REQ_HEADER } from "./gen/abi-layout";
export * from "./gen/abi-layout";

/** The request being evaluated; fields point into the input area. Reused, never reallocated. */
export class Input {
  base: usize = 0;
  now: i64 = 0;
  cost: i64 = 0;
  flags: u32 = 0;
  counterFlags: u32 = 0;
  action: usize = 0; actionLen: i32 = 0;
  /**
   * The action as patterns are matched against it: non-ASCII letters lower-cased (match/casefold.ts;
   * ASCII letters are folded while matching). The action itself when it is ASCII. Detail texts
   * quote `action`, never this.
   */
  matchAction: usize = 0; matchActionLen: i32 = 0;
  host: usize = 0; hostLen: i32 = 0;
  target: usize = 0; targetLen: i32 = 0;
  context: usize = 0; contextLen: i32 = 0;
  tzOffsets: usize = 0; tzCount: i32 = 0;

  i64at(off: i32): i64 { return load<i64>(this.base + <usize>off); }
  hasFlag(f: u32): bool { return (this.flags & f) != 0; }
  counter(f: u32): bool { return (this.counterFlags & f) != 0; }
  tzOffsetMinutes(i: i32): i32 { return i < this.tzCount ? load<i32>(this.tzOffsets + (<usize>i << 2)) : 0; }
}

export const input = new Input();

/** Points `input` at the request in [base, base+len). Returns false when the lengths do not add up. */
export function readInput(base: usize, len: i32): bool {
  if (len < REQ_HEADER) return false;
  const inp = input;
  inp.base = base;
  inp.now = load<i64>(base + R_NOW);
  inp.cost = load<i64>(base + R_COST);
  inp.flags = load<u32>(base + R_FLAGS);
  inp.counterFlags = load<u32>(base + R_COUNTER_FLAGS);
  inp.actionLen = load<i32>(base + R_ACTION_LEN);
  inp.hostLen = load<i32>(base + R_HOST_LEN);
  inp.targetLen = load<i32>(base + R_TARGET_LEN);
  inp.contextLen = load<i32>(base + R_CONTEXT_LEN);
  inp.tzCount = load<i32>(base + R_TZ_COUNT);
  if ((inp.actionLen | inp.hostLen | inp.targetLen | inp.contextLen | inp.tzCount) < 0) return false;
  inp.tzOffsets = base + <usize>REQ_HEADER;
  let p = inp.tzOffsets + (<usize>inp.tzCount << 2);
  inp.action = p; p += <usize>inp.actionLen;
  inp.host = p; p += <usize>inp.hostLen;
  inp.target = p; p += <usize>inp.targetLen;
  inp.context = p; p += <usize>inp.contextLen;
  if (p > base + <usize>len) return false;
  if (hasNonAscii(inp.action, inp.actionLen)) {
    inp.matchAction = foldIntoScratch(inp.action, inp.actionLen);
    inp.matchActionLen = foldedLen;
  } else {
    inp.matchAction = inp.action;
    inp.matchActionLen = inp.actionLen;
  }
  return true;
}
