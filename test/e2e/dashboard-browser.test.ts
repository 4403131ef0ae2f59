// The dashboard in real headless Chromium (playwright-core) against `warden serve` in process, at desktop
// (1280×800) and phone (390×844) widths: meters for every cap including max_cumulative, budget runway
// per cap from the module, heartbeat_stale in the feed, the paused badge when the fail-closed timer
// trips, and the setup panel's snippets. Screenshots go to test-artifacts/screenshots/.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { SHOTS, launchChromium, signIn as signInAs, type Chromium } from "./browser";
import { MemoryStore } from "../../enforcer/memory-store";
import { createApiKey } from "../../server/auth";
import { createWardenServer, type WardenServer } from "../../server/server";
import { RecordingNotifier, SMS_SECRET, manualClock, travelPassport } from "../hitl-helpers";

const WAIT = { timeout: 10_000 };
const DAY = 86_400_000;
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

let server: WardenServer;
let base = "";
let apiKey = "";
let browser: Chromium;
let context: BrowserContext;
const notifier = new RecordingNotifier();
const clock = manualClock(Date.parse("2026-03-02T09:00:00Z")); // a Monday
const budget = travelPassport({
  agent_name: "Budget bot",
  constraints: {
    "core:cost:max_per_day": 10_000,
    "core:cost:max_cumulative": 50_000,
    "core:cost:cumulative_window": "weekly",
    "core:cost:max_total": 200_000,
  },
});
const silent = travelPassport({ agent_name: "Silent bot", constraints: { "core:cost:max_per_day": 5_000, "core:safety:fail_closed": true } });

beforeAll(async () => {
  browser = await launchChromium({ width: 1280, height: 800 });
  context = browser.context;
  server = await createWardenServer({
    store: new MemoryStore(),
    storeKind: "memory",
    clock: clock.now,
    failClosedIntervalMs: 0,
    log: () => undefined,
    hitl: { smsSecret: SMS_SECRET, notifier, publicUrl: () => base },
  });
  base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
  apiKey = (await createApiKey(server.store, "iss_acme")).key;

  // Budget bot: one heartbeat, then $20 a day for five days (its later decisions carry heartbeat_stale).
  await server.enforcer.register(budget);
  await server.enforcer.register(silent);
  const agent = { channel: "agent" as const };
  await server.enforcer.heartbeat(budget.id as string, agent);
  await server.enforcer.heartbeat(silent.id as string, agent);
  for (let day = 0; day < 5; day++) {
    clock.advance(day === 0 ? 60 * 60_000 : DAY);
    const d = await server.enforcer.enforce({ passport_id: budget.id as string, action: "web:search", cost_cents: 2_000 }, agent);
    expect(d.decision).toBe("allow");
  }
  // Silent bot stopped sending heartbeats days ago: the fail-closed timer trips it.
  expect(await server.failClosed.tick()).toEqual([silent.id]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await signInAs(page, base, apiKey, WAIT);
}

const card = (page: Page, pid: unknown) => page.locator(`section[data-passport="${pid as string}"]`);

describe("dashboard in Chromium", () => {
  for (const size of WIDTHS) {
    it(`${size.name} (${size.width}×${size.height}): meters incl. max_cumulative, runway, heartbeat_stale, fail_closed badge, setup`, async () => {
      const page = await context.newPage();
      try {
        await page.setViewportSize({ width: size.width, height: size.height });
        await signIn(page);
        const b = card(page, budget.id);

        // A meter for each cap, max_cumulative on the weekly window (the tightest there).
        const weekly = b.locator('[data-meter="weekly"]');
        await expect(weekly.innerText()).resolves.toContain("This week: $100.00 of $500.00 (max_cumulative; $400.00 left)");
        await expect(weekly.getAttribute("data-rule")).resolves.toBe("core:cost:max_cumulative");
        await expect(b.locator('[data-meter="daily"]').innerText()).resolves.toContain("Today: $20.00 of $100.00 (max_per_day");
        await expect(b.locator('[data-meter="total"]').innerText()).resolves.toContain("In total: $100.00 of $2,000.00 (max_total");
        expect(await b.locator("meter").count()).toBe(3);

        // Runway: $100 in the last 7 days. Total: $1,900 left → 133 days from now; the day and week reset first.
        const pace = "at the last 7 days' pace ($100.00)";
        const now = clock.now();
        const totalAt = new Date(now + Math.floor((190_000 * 7 * DAY) / 10_000));
        const totalText = await b.locator('.runway[data-window="total"]').innerText();
        expect(totalText).toContain(`Runs out`);
        expect(totalText).toContain(`${totalAt.getUTCDate()} `);
        expect(totalText).toContain(`${totalAt.toISOString().slice(11, 16)} UTC ${pace}`);
        await expect(b.locator('.runway[data-window="weekly"]').innerText()).resolves.toBe(`Lasts until it resets Mon, 9 Mar 2026, 00:00 UTC ${pace}.`);
        await expect(b.locator('.runway[data-window="daily"]').innerText()).resolves.toContain("Lasts until it resets Sat, 7 Mar 2026, 00:00 UTC");

        // heartbeat_stale in the feed: the decisions made long after the last heartbeat.
        await expect(b.locator('.feed li[data-type="decision"]').first().innerText()).resolves.toContain("heartbeat_stale");
        // Enforcement is on for Budget bot (no fail_closed): no "Not Enforced".
        await expect(b.locator(".summary").innerText()).resolves.not.toContain("Not Enforced");

        // Silent bot: tripped by the timer — the paused badge names fail_closed, and the banner says so.
        const s = card(page, silent.id);
        const badge = s.locator(".badge");
        await expect(badge.getAttribute("data-paused-by")).resolves.toBe("fail_closed");
        await expect(badge.innerText()).resolves.toBe("Enforcement Paused · fail_closed");
        await expect(s.locator(".banner").innerText()).resolves.toContain("Not Enforced");
        await expect(s.locator(".feed li").first().innerText()).resolves.toContain("fail_closed tripped (heartbeat_stale)");

        // The setup panel: /mcp with the x-passport-id header, warden proxy, the adapters, heartbeats.
        await expect(page.locator("#setup-mcp").innerText()).resolves.toContain(`"url": "${base}/mcp"`);
        await expect(page.locator("#setup-mcp").innerText()).resolves.toContain(`"x-passport-id"`);
        await expect(page.locator("#setup-proxy").innerText()).resolves.toContain("warden proxy --config warden-proxy.yaml");
        await expect(page.locator("#setup-adapters").innerText()).resolves.toContain('from "agent-warden/ai"');
        await expect(page.locator("#setup-heartbeat").innerText()).resolves.toContain(`${base}/v1/passports/`);
        await expect(page.getByRole("button", { name: /Copy/ }).count()).resolves.toBe(4);

        // Nothing wider than the screen (the snippets scroll inside their box).
        await page.screenshot({ path: `${SHOTS}/dashboard-${size.name}.png`, fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      } finally {
        await page.close();
      }
    });
  }
});
