// Evaluates the conformance corpus with any engine and digests the decisions: the one piece of code
// every runtime runs (Node, Deno, Bun, workerd, Chromium), so their digests can be compared.

/** A frozen corpus (corpus.json): passports shared by index, then single-shot cases in order. */
export interface Corpus {
  version: number;
  passports: unknown[];
  cases: CorpusCase[];
}

export interface CorpusCase {
  name: string;
  /** An index into `passports`. */
  passport: number;
  request: unknown;
  counters?: unknown;
  now: string;
  explain?: boolean;
}

/** The part of the engine API the corpus needs, so the runner depends on no loader. */
export interface EngineLike {
  compile(passport: unknown): PolicyLike;
}
interface PolicyLike {
  evaluate(request: unknown, counters?: unknown, options?: { now?: string; explain?: boolean }): unknown;
  dispose(): void;
}

export interface CorpusResult {
  /** SHA-256 (hex) of the lines, each followed by "\n": `sha256sum` of the JSONL file gives the same. */
  digest: string;
  count: number;
  /** One JSON text per case, in corpus order: the decision, or `{"error": {code, message}}`. */
  lines: string[];
}

/** Errors are compared by their stable code and message (class names may be renamed by bundlers). */
function errorLine(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return JSON.stringify({ error: { code: typeof e?.code === "string" ? e.code : "thrown", message: String(e?.message ?? err) } });
}

export async function runCorpus(engine: EngineLike, corpus: Corpus): Promise<CorpusResult> {
  const policies = new Map<number, PolicyLike | { failed: string }>();
  const policyFor = (i: number): PolicyLike | { failed: string } => {
    let p = policies.get(i);
    if (p === undefined) {
      try {
        p = engine.compile(corpus.passports[i]);
      } catch (err) {
        p = { failed: errorLine(err) };
      }
      policies.set(i, p);
    }
    return p;
  };
  const lines: string[] = [];
  for (const c of corpus.cases) {
    const policy = policyFor(c.passport);
    if ("failed" in policy) {
      lines.push(policy.failed);
      continue;
    }
    try {
      lines.push(JSON.stringify(policy.evaluate(c.request, c.counters, { now: c.now, explain: c.explain === true })));
    } catch (err) {
      lines.push(errorLine(err));
    }
  }
  for (const p of policies.values()) if (!("failed" in p)) p.dispose();
  return { digest: await sha256Hex(lines.map((l) => `${l}\n`).join("")), count: lines.length, lines };
}

/** WebCrypto's SHA-256: present in Node 20, Deno, Bun, workerd and browsers (on http://127.0.0.1 too). */
export async function sha256Hex(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  let hex = "";
  for (const b of new Uint8Array(hash)) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** A case whose outcome is known to depend on the runtime (known-divergences.json). */
export interface DivergentCase {
  name: string;
  passport: unknown;
  request: unknown;
  counters?: unknown;
  now: string;
  /** The outcome each runtime family gives: `decision:reason` or `error:code`. */
  outcomes: Record<string, string>;
}

/** The short outcome of each case: `decision:reason`, or `error:code` for a rejected passport or request. */
export function runOutcomes(engine: EngineLike, cases: readonly DivergentCase[]): string[] {
  return cases.map((c) => {
    try {
      const policy = engine.compile(c.passport);
      try {
        const d = policy.evaluate(c.request, c.counters, { now: c.now }) as { decision: string; reason: string };
        return `${d.decision}:${d.reason}`;
      } finally {
        policy.dispose();
      }
    } catch (err) {
      return `error:${(err as { code?: string })?.code ?? "thrown"}`;
    }
  });
}
