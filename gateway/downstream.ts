// One downstream MCP server behind the gateway: an MCP SDK client over stdio (a child process) or Streamable HTTP.

import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type LoggingLevel,
  type LoggingMessageNotification,
  type Progress,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { version as VERSION } from "../package.json";
import type { DownstreamServer } from "./config";

/** A call may run this long between two progress notifications from its server. */
export const CALL_TIMEOUT_MS = 300_000;

export type DownstreamStatus = "starting" | "ready" | "failed" | "closed";

export interface DownstreamEvents {
  /** A log line the server sent (notifications/message). */
  onLog(server: string, params: LoggingMessageNotification["params"]): void;
  /** Its tool list changed (already re-read). */
  onToolsChanged(server: string): void;
  /** A line for the operator (stderr). */
  log(line: string): void;
}

export class Downstream {
  status: DownstreamStatus = "starting";
  /** Why it is not ready, for error results and stderr. */
  problem = "it is starting";
  tools: Tool[] = [];
  private client: Client | null = null;
  private stdio: StdioClientTransport | null = null;

  constructor(
    readonly key: string,
    private readonly spec: DownstreamServer,
    private readonly base: string,
    private readonly events: DownstreamEvents,
  ) {}

  /** Connects and reads the tool list; a failure leaves it `failed` (calls to it are refused), never throws. */
  async start(): Promise<void> {
    const client = new Client({ name: "agent-warden-gateway", version: VERSION }, { capabilities: {} });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => this.events.onLog(this.key, n.params));
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.refresh().then(
        () => this.events.onToolsChanged(this.key),
        (err) => this.events.log(`warden proxy: ${this.key}: cannot re-read its tools: ${message(err)}`),
      );
    });
    client.onclose = () => {
      if (this.status === "closed") return;
      this.fail(this.status === "starting" ? "it closed the connection while starting" : "it exited or closed the connection");
    };
    try {
      await client.connect(this.transport());
      this.client = client;
      await this.refresh();
      if (this.status === "starting") this.status = "ready";
    } catch (err) {
      this.fail(`it failed to start: ${message(err)}`);
      await client.close().catch(() => undefined);
    }
  }

  private transport(): Transport {
    if ("url" in this.spec) {
      return new StreamableHTTPClientTransport(new URL(this.spec.url), { requestInit: { headers: strings(this.spec.headers) } });
    }
    const t = (this.stdio = new StdioClientTransport({
      command: this.spec.command,
      args: this.spec.args ?? [],
      env: this.spec.env ? strings(this.spec.env) : undefined,
      cwd: this.spec.cwd ? resolve(this.base, this.spec.cwd) : this.base,
      stderr: "pipe",
    }));
    // Its stderr is the operator's, line by line with the server's key in front; never the agent's.
    let partial = "";
    t.stderr?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") this.events.log(`[${this.key}] ${line}`);
    });
    return t;
  }

  private async refresh(): Promise<void> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client!.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    this.tools = tools;
  }

  private fail(why: string): void {
    if (this.status === "failed") return;
    this.status = "failed";
    this.problem = why;
    this.tools = [];
    this.events.log(`warden proxy: downstream server ${this.key} is unavailable: ${why}; its calls are refused`);
  }

  /** Forwards one call; progress comes back through `onProgress`, cancellation goes down through `signal`. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<CallToolResult> {
    if (this.status !== "ready" || !this.client) throw new Error(`downstream server ${this.key} is unavailable: ${this.problem}`);
    return (await this.client.callTool({ name: tool, arguments: args }, undefined, {
      signal,
      timeout: CALL_TIMEOUT_MS,
      resetTimeoutOnProgress: true,
      ...(onProgress ? { onprogress: onProgress } : {}),
    })) as CallToolResult;
  }

  /** The process id of a stdio server while it runs (for the operator's tools and tests). */
  get pid(): number | null {
    return this.stdio?.pid ?? null;
  }

  /** Passes the agent's logging level on, when the server logs at all. */
  async setLoggingLevel(level: LoggingLevel): Promise<void> {
    if (this.status === "ready" && this.client?.getServerCapabilities()?.logging) await this.client.setLoggingLevel(level);
  }

  async close(): Promise<void> {
    this.status = "closed";
    await this.client?.close().catch(() => undefined);
  }
}

/** A map of strings without the undefined that the generated index signature allows. */
const strings = (m: Record<string, string | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, string] => e[1] !== undefined));

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
