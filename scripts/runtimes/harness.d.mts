// Types of harness.mjs, for test/runtimes/runtimes.spec.ts.
import type { Browser } from "playwright-core";

export interface Project {
  dir: string;
  project: string;
  tarball: string;
  wasm: string;
  cleanup(): void;
}

export interface ColdStart {
  import_ms: number;
  load_engine_ms: number;
  compile_ms: number;
  first_decision_ms: number;
  total_ms: number;
}

/** What driver.mjs reports from one runtime. */
export interface RuntimeResult {
  runtime: string;
  /** The package file "agent-warden" resolved to in that runtime (or bundler). */
  resolved: string | null;
  cold: ColdStart;
  first: string;
  sync: string;
  digest?: string;
  count?: number;
  lines?: string[];
  divergences?: string[];
  nodeImports?: string[];
  external?: { spawn_to_ready_ms: number; first_request_ms: number };
  browser?: string;
}

export interface RunOptions {
  coldOnly?: boolean;
}

export interface Worker {
  dir: string;
  resolved: string | null;
  nodeImports: string[];
}

export interface StaticServer {
  origin: string;
  bundled: { resolved: string | null; nodeImports: string[] };
  vite: { resolved: string | null; nodeImports: string[] };
  close(): Promise<void>;
}

export const COLD_CASE: { passport: unknown; request: unknown; now: string };
export const CHROMIUM_ARGS: string[];
export const BROWSER_VARIANTS: Record<string, string>;

export function prepareProject(options?: { build?: boolean }): Promise<Project>;
export function runNode(p: Project, options?: RunOptions): Promise<RuntimeResult>;
export function runNodeCjs(p: Project, options?: RunOptions): Promise<RuntimeResult>;
export function runDeno(p: Project, bin: string, options?: RunOptions): Promise<RuntimeResult>;
export function runBun(p: Project, bin: string, options?: RunOptions): Promise<RuntimeResult>;
export function freePort(): Promise<number>;
export function prepareWorker(p: Project): Promise<Worker>;
export function runWorkerd(p: Project, bin: string, worker: Worker, options?: RunOptions): Promise<RuntimeResult>;
export function startStaticServer(p: Project): Promise<StaticServer>;
export function launchChromium(bin: string): Promise<Browser>;
export function runChromiumPage(browser: Browser, server: StaticServer, pagePath: string, options?: RunOptions): Promise<RuntimeResult>;
