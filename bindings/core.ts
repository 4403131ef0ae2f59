// One instance of the WebAssembly module: its memory views, the catalogue tables it exports,
// and recovery from a trap (a fresh instance; the engine then recompiles its live policies).

import { EngineError } from "./errors";
import { CatalogueTable } from "./gen/abi-layout";

/** The module's exports, as documented in docs/abi.md. */
export interface WardenExports {
  memory: WebAssembly.Memory;
  io_ptr(len: number): number;
  out_ptr(): number;
  compile(len: number): number;
  release(handle: number): void;
  collect(): void;
  evaluate(handle: number, len: number): number;
  evaluate_many(handle: number, count: number, table: number): number;
  catalogue_name(table: number, id: number): number;
  deadline(kind: number): void;
  window_resets(): void;
  daily_limits(handle: number): number;
  selftest_trap(): void;
  noop(): void;
  state_op(op: number, len: number): number;
  replay_reset(lane: number): number;
  replay_step(handle: number, lane: number, len: number, flags: number): number;
  replay_op(lane: number, op: number, len: number): number;
  detect_buf(len: number): number;
  detect_secret(len: number, from: number): number;
  detect_pii(len: number, from: number): number;
  detect_start(): number;
  detect_end(): number;
  detect_kind_name(family: number, id: number): number;
  spend_caps(handle: number, len: number): number;
  spend_runway(handle: number, len: number): number;
  fold_action(len: number): number;
}

/** Names the module defines once (assembly/catalogue.ts), read back at load time. */
export interface Catalogue {
  rules: string[];
  reasons: string[];
  keys: string[];
  keyKinds: number[];
  warnings: string[];
  keyIds: Map<string, number>;
  /** Sentinels of core:approval:for_actions and the patterns each expands to (SPEC §4). */
  sentinels: Map<string, string[]>;
}

const TABLE_RULES = CatalogueTable.Rules,
  TABLE_REASONS = CatalogueTable.Reasons,
  TABLE_KEYS = CatalogueTable.Keys;
const TABLE_KEY_KINDS = CatalogueTable.KeyKinds,
  TABLE_WARNINGS = CatalogueTable.Warnings,
  TABLE_SENTINELS = CatalogueTable.Sentinels;

export class Core {
  exports!: WardenExports;
  bytes!: Uint8Array;
  view!: DataView;
  /** The memory as 32-bit words, for comparing aligned areas a word at a time. */
  words!: Uint32Array;
  outPtr = 0;
  catalogue!: Catalogue;
  private ioPtr = 0;
  private ioCap = 0;
  /** Bumped on every re-instantiation, so stale handles are recognised. */
  generation = 0;
  /**
   * True while a request sits half-written in the input area and the bindings read the caller's
   * objects (whose getters may run any code). `io` refuses then: a getter that calls back into this
   * instance would otherwise overwrite the request being written, and the outer call would decide
   * on the mixture without a word.
   */
  writing = false;

  constructor(
    readonly module: WebAssembly.Module,
    instance: WebAssembly.Instance,
  ) {
    this.attach(instance);
    this.catalogue = readCatalogue(this);
  }

  static instantiateSync(module: WebAssembly.Module): Core {
    return new Core(module, new WebAssembly.Instance(module, {}));
  }

  static async instantiate(module: WebAssembly.Module): Promise<Core> {
    return new Core(module, await WebAssembly.instantiate(module, {}));
  }

  private attach(instance: WebAssembly.Instance): void {
    this.exports = instance.exports as unknown as WardenExports;
    this.outPtr = this.exports.out_ptr();
    this.ioPtr = 0;
    this.ioCap = 0;
    this.rebuildViews();
  }

  /** Replaces a trapped instance with a fresh one from the same module. */
  reinstantiate(): void {
    this.attach(new WebAssembly.Instance(this.module, {}));
    this.generation++;
  }

  /** Memory growth detaches views: re-create them whenever the buffer changed. */
  refresh(): void {
    // Growth detaches the old buffer, and views of a detached buffer have length 0.
    if (this.bytes.byteLength === 0) this.rebuildViews();
  }

  private rebuildViews(): void {
    const buf = this.exports.memory.buffer;
    this.bytes = new Uint8Array(buf);
    this.view = new DataView(buf);
    this.words = new Uint32Array(buf);
  }

  /** The address of the input area, as the last `io` call returned it. */
  get inputPtr(): number {
    return this.ioPtr;
  }

  /** How many bytes the input area at `inputPtr` holds (at least what was last asked for). */
  get ioCapacity(): number {
    return this.ioCap;
  }

  /**
   * The address of an input area of at least `len` bytes, with views that are current. Asks the
   * module every time (a call costs nanoseconds): anything that calls `io_ptr` or `detect_buf`
   * directly may have moved the area, and a stale address would write into freed memory.
   */
  io(len: number): number {
    this.checkFree();
    const ptr = this.exports.io_ptr(len);
    // The area only grows: at the same address it holds at least the most asked for since it moved.
    if (ptr !== this.ioPtr) {
      this.ioPtr = ptr;
      this.ioCap = len;
    } else if (len > this.ioCap) this.ioCap = len;
    this.refresh();
    return ptr;
  }

  /** Throws EngineError `reentrant_call` while a request is being written (see `writing`). */
  checkFree(): void {
    if (this.writing) {
      throw new EngineError(
        "reentrant_call",
        "the engine was called from code that runs while a request is being read (a getter or proxy in the request, its context or the counter snapshot); read such values into plain data before evaluating",
      );
    }
  }

  readUtf8(ptr: number, len: number): string {
    return readText(this.bytes, ptr, len);
  }
}

const decoder = new TextDecoder("utf-8");

/** Short ASCII strings are decoded without TextDecoder: it dominates the cost of small decisions. */
export function readText(bytes: Uint8Array, ptr: number, len: number): string {
  if (len <= 64) {
    let s = "";
    for (let i = 0; i < len; i++) {
      const c = bytes[ptr + i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(ptr, ptr + len));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(ptr, ptr + len));
}

function readTable(core: Core, table: number): string[] {
  const out: string[] = [];
  for (let id = 0; ; id++) {
    const n = core.exports.catalogue_name(table, id);
    if (n === 0) return out;
    core.refresh();
    out.push(core.readUtf8(core.outPtr, n));
  }
}

function readCatalogue(core: Core): Catalogue {
  const keys = readTable(core, TABLE_KEYS);
  return {
    rules: readTable(core, TABLE_RULES),
    reasons: readTable(core, TABLE_REASONS),
    keys,
    keyKinds: readTable(core, TABLE_KEY_KINDS).map(Number),
    warnings: readTable(core, TABLE_WARNINGS),
    keyIds: new Map(keys.map((k, i) => [k, i])),
    sentinels: new Map(
      readTable(core, TABLE_SENTINELS).map((e) => {
        const [name, ...patterns] = e.split(" ");
        return [name!, patterns];
      }),
    ),
  };
}
