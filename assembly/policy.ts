// A compiled passport: decoded once from the bytes the host wrote (docs/abi.md "Compiled
// passport"), kept in WASM memory and evaluated many times.

import { Key, Rule, ValueKind, keyKind } from "./catalogue";
import { MINUTES_PER_DAY } from "./constants";
import { Reader } from "./io";
import { ByteList } from "./match/bytelist";
import { DomainSet } from "./match/domains";
import { expandSentinel } from "./match/sentinels";

export const POLICY_MAGIC: u32 = 0x31505741; // "AWP1"

export const enum CompileError { BadMagic = -1, Truncated = -2, UnknownKey = -3, BadValue = -4 }

export const enum Window { Daily, Weekly, Monthly, Total }

export class Policy {
  revoked: bool = false;
  hasNotBefore: bool = false;
  notBefore: i64 = 0;
  hasExpiresAt: bool = false;
  expiresAt: i64 = 0;
  permissions: ByteList = new ByteList();
  present: StaticArray<bool> = new StaticArray<bool>(Key.COUNT);
  ints: StaticArray<i64> = new StaticArray<i64>(Key.COUNT);
  actionAllow: ByteList = new ByteList();
  actionBlock: ByteList = new ByteList();
  forActions: ByteList = new ByteList();
  domainAllow: DomainSet | null = null;
  domainBlock: DomainSet | null = null;
  /** Operating-hours ranges, four i32 each: timezone index, day mask (bit 0 = Monday), start, end (minutes). */
  ranges: Array<i32> = [];
  timezones: i32 = 0;
  blackoutStart: Array<i64> = [];
  blackoutEnd: Array<i64> = [];
  blackoutReason: ByteList = new ByteList();
  /** The rules this passport evaluates, in pipeline order. */
  rules: Array<u8> = [];

  has(k: Key): bool { return unchecked(this.present[k]); }
  int(k: Key): i64 { return unchecked(this.ints[k]); }
  flag(k: Key): bool { return unchecked(this.present[k]) && unchecked(this.ints[k]) != 0; }
}

function readPatterns(r: Reader, into: ByteList, sentinels: bool): void {
  const n = <i32>r.u32();
  for (let i = 0; i < n && !r.bad; i++) {
    const p = r.bytes();
    if (r.bad) return;
    if (!sentinels || !expandSentinel(into, p, r.lastLen)) into.pushFolded(p, r.lastLen);
  }
}

function readDomains(r: Reader): DomainSet {
  const n = <i32>r.u32();
  const set = new DomainSet(n < 1 << 24 ? n : 0);
  for (let i = 0; i < n && !r.bad; i++) {
    const wildcard = r.u8() != 0;
    const p = r.bytes();
    if (!r.bad) set.add(p, r.lastLen, wildcard);
  }
  return set;
}

function readSchedule(r: Reader, policy: Policy): void {
  const n = <i32>r.u32();
  for (let i = 0; i < n && !r.bad; i++) {
    const tz = r.i32(), days = r.i32(), start = r.i32(), end = r.i32();
    if (tz < 0 || tz >= policy.timezones || start < 0 || start >= MINUTES_PER_DAY || end < 0 || end > MINUTES_PER_DAY || start == end) {
      r.bad = true; return;
    }
    policy.ranges.push(tz); policy.ranges.push(days); policy.ranges.push(start); policy.ranges.push(end);
  }
}

function readBlackouts(r: Reader, policy: Policy): void {
  const n = <i32>r.u32();
  for (let i = 0; i < n && !r.bad; i++) {
    policy.blackoutStart.push(r.i64());
    policy.blackoutEnd.push(r.i64());
    const p = r.bytes();
    if (!r.bad) policy.blackoutReason.push(p, r.lastLen);
  }
}

function readConstraint(r: Reader, policy: Policy, key: i32): void {
  unchecked(policy.present[key] = true);
  switch (keyKind(key)) {
    case ValueKind.Int: case ValueKind.Bool: case ValueKind.Window:
      unchecked(policy.ints[key] = r.i64()); break;
    case ValueKind.Patterns: {
      const list = key == Key.ScopeActionAllowlist ? policy.actionAllow
        : key == Key.ScopeActionBlocklist ? policy.actionBlock : policy.forActions;
      readPatterns(r, list, key == Key.ApprovalForActions);
      break;
    }
    case ValueKind.Domains:
      if (key == Key.ScopeDomainAllowlist) policy.domainAllow = readDomains(r);
      else policy.domainBlock = readDomains(r);
      break;
    case ValueKind.Schedule: readSchedule(r, policy); break;
    case ValueKind.Blackouts: readBlackouts(r, policy); break;
  }
}

/**
 * Which rules of the pipeline this passport evaluates, in pipeline order (catalogue order). A flag
 * set to false is listed too (it is evaluated, and passes), so the trace shows every configured rule.
 */
function activeRules(p: Policy): Array<u8> {
  const on = new StaticArray<bool>(Rule.COUNT);
  on[Rule.EmergencyStop] = true;
  on[Rule.FailClosed] = true;
  on[Rule.PassportStatus] = true;
  on[Rule.PassportNotBefore] = p.hasNotBefore;
  on[Rule.PassportExpiresAt] = p.hasExpiresAt;
  on[Rule.Permissions] = p.permissions.length > 0;
  on[Rule.ActionBlocklist] = p.has(Key.ScopeActionBlocklist);
  on[Rule.ActionAllowlist] = p.has(Key.ScopeActionAllowlist);
  on[Rule.DomainBlocklist] = p.has(Key.ScopeDomainBlocklist);
  on[Rule.DomainAllowlist] = p.has(Key.ScopeDomainAllowlist);
  on[Rule.ReadOnly] = p.has(Key.DataReadOnly);
  on[Rule.BlackoutWindows] = p.has(Key.TimeBlackoutWindows);
  on[Rule.OperatingHours] = p.has(Key.TimeOperatingHours);
  on[Rule.NoSecretsExport] = p.has(Key.DataNoSecretsExport);
  on[Rule.NoPiiExport] = p.has(Key.DataNoPiiExport);
  on[Rule.CostPerAction] = p.has(Key.CostMaxPerAction);
  on[Rule.CostPerDay] = p.has(Key.CostMaxPerDay);
  on[Rule.CostPerWeek] = p.has(Key.CostMaxPerWeek);
  on[Rule.CostPerMonth] = p.has(Key.CostMaxPerMonth);
  on[Rule.CostTotal] = p.has(Key.CostMaxTotal);
  on[Rule.CostCumulative] = p.has(Key.CostMaxCumulative);
  on[Rule.RatePerMinute] = p.has(Key.RateMaxPerMinute);
  on[Rule.RatePerHour] = p.has(Key.RateMaxPerHour);
  on[Rule.RatePerDay] = p.has(Key.RateMaxPerDay);
  on[Rule.ApprovalRequired] = p.has(Key.ApprovalRequired);
  on[Rule.ApprovalForActions] = p.has(Key.ApprovalForActions);
  on[Rule.ApprovalThreshold] = p.has(Key.CostApprovalThreshold);
  on[Rule.IdleTimeout] = p.has(Key.TimeIdleTimeoutMinutes);
  on[Rule.AnomalySuspend] = p.has(Key.SafetyAnomalySuspend);
  const rules: Array<u8> = [];
  for (let i = 0; i < Rule.ApprovalPending; i++) if (on[i]) rules.push(<u8>i);
  return rules;
}

/** Decodes a compiled passport. Returns the policy, or null with the error in `lastCompileError`. */
export let lastCompileError: i32 = 0;

export function decodePolicy(ptr: usize, len: i32): Policy | null {
  const r = new Reader(ptr, len);
  if (r.u32() != POLICY_MAGIC) { lastCompileError = CompileError.BadMagic; return null; }
  const p = new Policy();
  p.revoked = r.u32() == 1;
  const validity = r.u32();
  p.notBefore = r.i64(); p.hasNotBefore = (validity & 1) != 0;
  p.expiresAt = r.i64(); p.hasExpiresAt = (validity & 2) != 0;
  readPatterns(r, p.permissions, false);
  p.timezones = <i32>r.u32();
  const n = <i32>r.u32();
  for (let i = 0; i < n && !r.bad; i++) {
    const key = <i32>r.u32();
    if (key < 0 || key >= Key.COUNT) { lastCompileError = CompileError.UnknownKey; return null; }
    readConstraint(r, p, key);
  }
  if (r.bad) { lastCompileError = CompileError.Truncated; return null; }
  p.rules = activeRules(p);
  return p;
}
