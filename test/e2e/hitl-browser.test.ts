// The pages in real headless Chromium (Debian `chromium` driven by playwright-core) against `warden serve` in process:
// approving through the link page, the dashboard's live feed, inline approval, and an emergency stop that blocks
// the agent's next enforce_action. Screenshots go to test-artifacts/screenshots/.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { SHOTS, launchChromium, signIn as signInAs, type Chromium } from "./browser";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MemoryStore } from "../../enforcer/memory-store";
import { createApiKey } from "../../server/auth";
import { createWardenServer, type WardenServer } from "../../server/server";
import { RecordingNotifier, SMS_SECRET, travelPassport } from "../hitl-helpers";

const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 10_000 };

let server: WardenServer;
let base = "";
let apiKey = "";
let browser: Chromium;
let context: BrowserContext;
const notifier = new RecordingNotifier();

beforeAll(async () => {
  browser = await launchChromium({ width: 1200, height: 900 });
  context = browser.context;
  server = await createWardenServer({
    store: new MemoryStore(),
    storeKind: "memory",
    log: () => undefined,
    hitl: { smsSecret: SMS_SECRET, notifier, publicUrl: () => base },
  });
  base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
  apiKey = (await createApiKey(server.store, "iss_acme")).key;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh passport and an MCP client acting for it over Streamable HTTP, as an agent would. */
async function agent(extra: Record<string, unknown> = {}) {
  const passport = travelPassport({ ...extra, issuer_id: "iss_acme" });
  await server.enforcer.register(passport);
  const client = new Client({ name: "e2e-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { "x-passport-id": passport.id as string } } }));
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
    expect(res.isError ?? false, JSON.stringify(res.content)).toBe(false);
    return res.structuredContent as Record<string, any>;
  };
  return { pid: passport.id as string, name: passport.agent_name as string, client, call };
}

async function signIn(page: Page): Promise<void> {
  await signInAs(page, base, apiKey, WAIT);
  await page.getByText("Live feed connected.").waitFor(WAIT);
}

const card = (page: Page, pid: string) => page.locator(`section[data-passport="${pid}"]`);

describe("approval link page in Chromium", () => {
  it("shows the request and approves it from the keyboard; the agent then gets its permit", async () => {
    const bot = await agent();
    await bot.call("enforce_action", { action: "web:search", cost_cents: 1250 });
    const hold = await bot.call("enforce_action", { action: "travel:book", cost_cents: 35000, target: "airline.example" });
    expect(hold.decision).toBe("request_hold");
    const notice = await waitFor(() => notifier.notices.find((n) => n.approval_id === hold.approval_request_id));
    const page = await context.newPage();
    try {
      await page.setViewportSize(PHONE);
      await page.goto(notice.link);
      await expect(page.title()).resolves.toBe("Approve this action?");
      const text = await page.locator("main").innerText();
      for (const s of ["Travel bot", "travel:book", "airline.example", "$350.00", "$12.50 of $500.00 daily limit"]) expect(text).toContain(s);
      await page.getByText(/Expires in \d+ min/).waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/approval-page-phone.png`, fullPage: true });
      // Keyboard only: focus the button and press Enter.
      await page.getByRole("button", { name: "Approve" }).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Approved" }).waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/approval-approved-phone.png`, fullPage: true });
      const status = await bot.call("get_approval_status", { approval_id: hold.approval_request_id });
      expect(status).toMatchObject({ status: "approved" });
      expect(await bot.call("report_action_result", { permit_token: status.permit_token, success: true })).toEqual({ accepted: true });
      // Opening the link again shows the answer, with no buttons.
      await page.goto(notice.link);
      expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
      expect(await page.locator("[role=status]").innerText()).toContain("already answered: approved");
    } finally {
      await page.close();
      await bot.client.close();
    }
  });
});

describe("dashboard in Chromium", () => {
  it("the live feed shows a new decision without a reload; a hold is approved inline", async () => {
    const bot = await agent({ agent_name: "Feed bot" });
    await bot.call("get_passport_status"); // a tool call is a heartbeat: the agent shows as Active
    const page = await context.newPage();
    try {
      await signIn(page);
      const c = card(page, bot.pid);
      await expect(c.locator(".badge").innerText()).resolves.toBe("Active");
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 42;
      });
      await bot.call("enforce_action", { action: "web:search", cost_cents: 25, target: "serpapi.com" });
      await c.locator(".feed li", { hasText: "allow web:search ($0.25)" }).waitFor(WAIT);
      // Same document: the marker set before the decision is still there.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      await c.getByText("Today: $0.25 of $500.00").waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/dashboard-feed.png`, fullPage: true });

      const hold = await bot.call("enforce_action", { action: "travel:book", cost_cents: 4200 });
      await c.getByText("Waiting for approval:").waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/dashboard-pending.png`, fullPage: true });
      await c.getByRole("button", { name: /^Approve/ }).click();
      await c.locator(".feed li", { hasText: "approval approved: travel:book ($42.00)" }).waitFor(WAIT);
      // The feed line and the card refresh arrive separately: the pending card must go away.
      await c.getByText("Waiting for approval:").waitFor({ ...WAIT, state: "detached" });
      expect(await c.getByText("Waiting for approval:").count()).toBe(0);
      expect(await bot.call("get_approval_status", { approval_id: hold.approval_request_id })).toMatchObject({ status: "approved" });
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    } finally {
      await page.close();
      await bot.client.close();
    }
  });

  it("an emergency stop asks for confirmation, then blocks the agent's next enforce_action", async () => {
    const bot = await agent({ agent_name: "Stop bot" });
    await bot.call("get_passport_status");
    const page = await context.newPage();
    try {
      await signIn(page);
      const c = card(page, bot.pid);
      const dialog = page.getByRole("dialog", { name: "Emergency stop?" });
      // Cancel first: Escape closes the dialog and nothing is stopped.
      await c.getByRole("button", { name: /^Emergency stop/ }).click();
      await dialog.waitFor(WAIT);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden", ...WAIT });
      expect((await server.enforcer.state(bot.pid)).emergency_stopped).toBe(false);

      await c.getByRole("button", { name: /^Emergency stop/ }).click();
      await dialog.waitFor(WAIT);
      expect(await dialog.innerText()).toContain("Stop Stop bot?");
      await page.screenshot({ path: `${SHOTS}/dashboard-stop-dialog.png` });
      await dialog.getByRole("button", { name: "Stop the agent" }).click();
      await c.locator('.badge[data-status="stopped"]').waitFor(WAIT);
      await c.getByText("Emergency stop: every action is blocked until you resume.").waitFor(WAIT);
      await c.locator(".feed li", { hasText: "emergency stop" }).waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/dashboard-stopped.png`, fullPage: true });
      // The history rendered with the page and the live feed never show one record twice.
      const repeats = await page.evaluate(() =>
        Array.from(document.querySelectorAll(".feed")).map((f) => {
          const seqs = Array.from(f.querySelectorAll("li")).map((li) => li.getAttribute("data-seq"));
          return seqs.length - new Set(seqs).size;
        }),
      );
      expect(repeats.every((n) => n === 0)).toBe(true);

      const blocked = await bot.call("enforce_action", { action: "web:search", cost_cents: 1 });
      expect(blocked).toMatchObject({ decision: "block", reason: "emergency_stopped" });
      await c.locator(".feed li", { hasText: "block web:search ($0.01) — emergency_stopped" }).waitFor(WAIT);

      await c.getByRole("button", { name: /^Resume/ }).click();
      await c.locator(".badge", { hasText: "Active" }).waitFor(WAIT);
      expect((await bot.call("enforce_action", { action: "web:search", cost_cents: 1 })).decision).toBe("allow");
    } finally {
      await page.close();
      await bot.client.close();
    }
  });

  it("reads on a phone: one column, nothing wider than the screen", async () => {
    const page = await context.newPage();
    try {
      await page.setViewportSize(PHONE);
      await signIn(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // Every control has an accessible name.
      const unnamed = await page.evaluate(
        () =>
          Array.from(document.querySelectorAll("button, input:not([type=hidden])")).filter(
            (el) => !(el.textContent?.trim() || el.getAttribute("aria-label") || (el.id && document.querySelector(`label[for="${el.id}"]`))),
          ).length,
      );
      expect(unnamed).toBe(0);
      await page.screenshot({ path: `${SHOTS}/dashboard-phone.png`, fullPage: true });
    } finally {
      await page.close();
    }
  });
});

/** Polls (bounded) until `fn` returns a value. */
async function waitFor<T>(fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error("timed out");
}
