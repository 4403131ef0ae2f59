// Every code a caller can receive is in one closed table (bindings/problem-codes.ts for problems and
// engine failures, enforcer/error-codes.ts for HTTP): the tables hold only codes the code base
// produces, docs/errors.md lists exactly them, every problem code is answered 400, and a code that
// arrives from outside (a remote server, a schema's params) never passes through unchecked.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError, PassportError, RequestError, WardenError, type Problem } from "../bindings/errors";
import { ENGINE_CODES, FALLBACK_PROBLEM_CODE, PROBLEM_CODES, isProblemCode, toProblemCode, type ProblemCode } from "../bindings/problem-codes";
import { zodProblems } from "../bindings/validate";
import { loadEngine } from "../bindings/index";
import { ERROR_STATUS, VALIDATION_STATUS, isErrorCode, statusOf, type ErrorCode } from "../enforcer/error-codes";
import { EnforcerError } from "../enforcer/enforcer";
import { ApiError, toApiError } from "../server/errors";
import { RemoteError, RemoteGuard } from "../gateway/remote";

const ROOT = join(import.meta.dirname, "..");
const SOURCE_DIRS = ["bindings", "enforcer", "server", "humans", "desk", "mcp", "gateway", "cli", "node", "embed", "adapters"];
const TABLE_FILES = new Set(["bindings/problem-codes.ts", "enforcer/error-codes.ts"]);

const problemCodes = Object.keys(PROBLEM_CODES) as ProblemCode[];
const engineCodes = Object.keys(ENGINE_CODES);
const httpOnlyCodes = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => !isProblemCode(c));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return rel.endsWith(".ts") && !TABLE_FILES.has(rel) ? [rel] : [];
  });
}

/** The codes written in backticks in the section of docs/errors.md under `heading`. */
function documented(heading: string): string[] {
  const text = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
  const start = text.indexOf(`## ${heading}`);
  expect(start, `docs/errors.md has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\|([^\n]*)\|$/gm)].flatMap((row) =>
    [...row[1]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).slice(0, heading.startsWith("HTTP") ? undefined : 1),
  );
}

describe("the code tables", () => {
  it("hold only codes the code base produces: each is written as a literal outside the tables", () => {
    const source = SOURCE_DIRS.flatMap(sourceFiles)
      .map((f) => readFileSync(join(ROOT, f), "utf8"))
      .join("\n");
    const unused = [...problemCodes, ...engineCodes, ...httpOnlyCodes].filter((code) => !source.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });

  it("are what docs/errors.md lists, both ways", () => {
    expect(documented("Problem codes").sort()).toEqual([...problemCodes].sort());
    expect(documented("HTTP codes that are not problems").sort()).toEqual([...httpOnlyCodes].sort());
    expect(documented("Engine codes").sort()).toEqual([...engineCodes].sort());
  });

  it("every code a generated schema's own check carries is a problem code", () => {
    const generated = readFileSync(join(ROOT, "bindings/gen/zod.ts"), "utf8");
    const codes = [...generated.matchAll(/params: \{ code: "([^"]+)" \}/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !isProblemCode(c))).toEqual([]);
  });

  it("answers every problem code with VALIDATION_STATUS (400), under its own code", () => {
    expect(VALIDATION_STATUS).toBe(400);
    for (const code of problemCodes) {
      expect(isErrorCode(code), code).toBe(true);
      expect(statusOf(code), code).toBe(400);
      const answer = toApiError(new RequestError({ code, path: "x", message: "m" }));
      expect([answer.status, answer.code], code).toEqual([400, code]);
    }
    // The other codes of the HTTP table are not the caller's input: none of them is a 400.
    expect(httpOnlyCodes.filter((c) => statusOf(c) === 400)).toEqual([]);
    expect(engineCodes.filter((c) => isErrorCode(c))).toEqual([]);
  });

  it("engine errors stay hidden behind a 500 over HTTP", () => {
    expect(toApiError(new EngineError("wasm_trap", "boom"))).toMatchObject({ status: 500, code: "internal" });
  });
});

describe("a code from outside is checked against the table", () => {
  it("toProblemCode keeps a table code and turns anything else into the fallback", () => {
    expect(FALLBACK_PROBLEM_CODE).toBe("invalid_value");
    expect(toProblemCode("out_of_range")).toBe("out_of_range");
    for (const outside of ["made_up", "toString", "__proto__", "constructor", "", 7, null, undefined, { code: "out_of_range" }]) {
      expect(toProblemCode(outside)).toBe(FALLBACK_PROBLEM_CODE);
    }
  });

  it("a schema's custom issue with an unknown params.code becomes invalid_value; a known one is kept", () => {
    const issue = (code: unknown) => ({ code: "custom" as const, path: ["a"], message: "must be so", input: 1, params: { code } });
    expect(zodProblems([issue("made_up")], { a: 1 })[0]).toMatchObject({ code: "invalid_value", path: "a", expected: "must be so" });
    expect(zodProblems([issue("invalid_string")], { a: 1 })[0]).toMatchObject({ code: "invalid_string", path: "a" });
    expect(zodProblems([issue(undefined)], { a: 1 })[0]).toMatchObject({ code: "invalid_value" });
  });

  it("a RequestError built by a JavaScript caller with any string carries a table code", () => {
    const err = new RequestError({ code: "no_such_code" as ProblemCode, path: "x", message: "m" });
    expect(err.code).toBe(FALLBACK_PROBLEM_CODE);
    expect(err.problem.code).toBe(FALLBACK_PROBLEM_CODE);
    expect(new RequestError({ code: "out_of_range", path: "x", message: "m" }).problem.code).toBe("out_of_range");
  });

  describe("a remote server's answer (the gateway's server: mode)", () => {
    let server: Server;
    let base = "";
    let answer: { status: number; body: unknown } = { status: 200, body: {} };
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const guardError = async (status: number, body: unknown): Promise<unknown> => {
      answer = { status, body };
      const guard = new RemoteGuard(base, "wk_test", "pp_1", await loadEngine());
      return guard.heartbeat().then(
        () => null,
        (err: unknown) => err,
      );
    };

    it("a 400 with a path and an unknown code is a RequestError with the fallback code", async () => {
      const err = await guardError(400, { error: { code: "made_up_code", message: "nope", path: "cost_cents" } });
      expect(err).toBeInstanceOf(RequestError);
      expect(err).toMatchObject({ code: FALLBACK_PROBLEM_CODE, path: "cost_cents" });
    });

    it("a 400 with a path and a problem code keeps it", async () => {
      const err = await guardError(400, { error: { code: "out_of_range", message: "too big", path: "cost_cents" } });
      expect(err).toBeInstanceOf(RequestError);
      expect(err).toMatchObject({ code: "out_of_range", path: "cost_cents" });
    });

    it("any other answer with an unknown (or non-string) code is a RemoteError http_<status>; a table code is kept", async () => {
      for (const code of ["made_up_code", 42, { x: 1 }]) {
        const err = await guardError(409, { error: { code, message: "no" } });
        expect(err).toBeInstanceOf(RemoteError);
        expect((err as RemoteError).code).toBe("http_409");
      }
      expect(await guardError(503, { error: { code: "state_conflict", message: "busy" } })).toMatchObject({ code: "state_conflict" });
    });
  });
});

describe("the type system refuses a code outside the tables (checked by tsc)", () => {
  it("compiles only table codes", () => {
    // Each line below is a compile error; tsc fails on an unused @ts-expect-error, so if a line
    // started to compile (an open string again), `npx tsc -p tsconfig.json --noEmit` would fail.
    // @ts-expect-error -- not a problem code
    const problem: Problem = { code: "made_up_code", path: "", message: "m" };
    // @ts-expect-error -- not a problem or engine code, and the code is never inferred from the argument
    const warden = new WardenError("made_up_code", "m");
    // @ts-expect-error -- an engine error takes an engine code
    const engine = new EngineError("out_of_range", "m");
    // @ts-expect-error -- a passport problem takes a problem code
    const passport = new PassportError([{ code: "wasm_trap", path: "", message: "m" }]);
    // @ts-expect-error -- not a code of the enforcer's
    const enforcer = new EnforcerError("made_up_code", "m");
    // @ts-expect-error -- not in the HTTP table
    const api = new ApiError("made_up_code", "m");
    // @ts-expect-error -- ApiError.invalid takes a problem code, not any HTTP code
    const invalid = ApiError.invalid("rate_limited", "m");
    // What they built at run time: the classes do not check (the types do), except RequestError's fallback.
    expect([problem.code, warden.code, engine.code, passport.code, enforcer.code, api.status, invalid.status]).toEqual([
      "made_up_code",
      "made_up_code",
      "out_of_range",
      "wasm_trap",
      "made_up_code",
      undefined,
      429,
    ]);
  });
});
