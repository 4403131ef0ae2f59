// The dashboard's passport form in real headless Chromium (playwright-core) against `warden serve` in process:
// a typo shows its JSON path and did-you-mean live (checked in the page by the WebAssembly engine), the fix
// saves and the passport is listed, and editing a limit saves a new version. Screenshots at desktop and phone
// widths go to test-artifacts/screenshots/.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { SHOTS, launchChromium, signIn as signInAs, type Chromium } from "./browser";
import { MemoryStore } from "../../enforcer/memory-store";
import { createApiKey } from "../../server/auth";
import { createWardenServer, type WardenServer } from "../../server/server";

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const WAIT = { timeout: 15_000 };

let server: WardenServer;
let base = "";
let apiKey = "";
let browser: Chromium;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync("dist/browser/passport-form.js")) throw new Error("dist/browser/passport-form.js is missing: run `node scripts/build.mjs`");
  browser = await launchChromium(WIDTHS.desktop);
  context = browser.context;
  server = await createWardenServer({ store: new MemoryStore(), storeKind: "memory", log: () => undefined, hitl: { notifier: null, publicUrl: () => base } });
  base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
  apiKey = (await createApiKey(server.store, "iss_form")).key;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await signInAs(page, base, apiKey, WAIT);
}

const typo = (day: number) => JSON.stringify({ agent_name: "Form bot", constraints: { "core:cost:max_per_dya": day } }, null, 2);
const fixed = (day: number) => JSON.stringify({ agent_name: "Form bot", constraints: { "core:cost:max_per_day": day } }, null, 2);

describe.each(Object.entries(WIDTHS))("passport form in Chromium (%s)", (width, viewport) => {
  it("shows a typo's path and did-you-mean live, saves the fix, lists it, and saves an edit as a new version", async () => {
    const page = await context.newPage();
    const errorsSeen: string[] = [];
    page.on("pageerror", (e) => errorsSeen.push(e.message));
    try {
      await page.setViewportSize(viewport);
      await signIn(page);
      await page.getByRole("link", { name: "New passport" }).click();
      await page.getByRole("heading", { name: "New passport" }).waitFor(WAIT);
      const state = page.locator("#check-state");
      await expect.poll(() => state.textContent(), WAIT).toBe("Valid.");

      // A typo: the engine in the page names the path and the key it meant, as `warden check` does.
      const editor = page.getByLabel("Passport (JSON)");
      await editor.fill(typo(5000));
      const problem = page.locator("#problems li.error[data-path='constraints[\"core:cost:max_per_dya\"]']");
      await problem.waitFor(WAIT);
      expect(await problem.textContent()).toBe(
        'Error: constraints["core:cost:max_per_dya"]: unknown constraint "core:cost:max_per_dya"; did you mean "core:cost:max_per_day"?',
      );
      expect(await page.getByRole("button", { name: "Create passport" }).isDisabled()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/passport-form-typo-${width}.png`, fullPage: true });

      // A lint warning (a cap that looks like dollars) is shown but does not block saving.
      await editor.fill(fixed(5));
      await page.locator("#problems li.warning").first().waitFor(WAIT);
      // The fix: valid, saved, listed on the dashboard.
      await editor.fill(fixed(5000));
      await expect.poll(() => state.textContent(), WAIT).toBe("Valid.");
      await page.getByRole("button", { name: "Create passport" }).click();
      await expect.poll(() => state.textContent(), WAIT).toMatch(/^Saved pass_\S+ as version 1\.$/);
      expect(await page.locator("#key-json").textContent()).toContain('"d"');
      const id = (await state.textContent())!.split(" ")[1]!;
      expect((await server.enforcer.policy(id)).passport).toMatchObject({ issuer_id: "iss_form", constraints: { "core:cost:max_per_day": 5000 } });

      await page.goto(`${base}/dashboard`);
      const card = page.locator(`section[data-passport="${id}"]`);
      await card.waitFor(WAIT);
      expect(await card.textContent()).toContain("Form bot");

      // Edit a limit: saved as version 2, the counters and id kept, an update record in the audit log.
      await card.getByRole("link", { name: "Edit passport" }).click();
      await page.getByRole("heading", { name: "Edit Form bot" }).waitFor(WAIT);
      await expect.poll(() => state.textContent(), WAIT).toBe("Valid.");
      const current = JSON.parse(await editor.inputValue()) as Record<string, any>;
      expect(current).toMatchObject({ id, version: 1 });
      current.constraints["core:cost:max_per_day"] = 7500;
      await editor.fill(JSON.stringify(current, null, 2));
      await page.getByRole("button", { name: "Save as a new version" }).click();
      await expect.poll(() => state.textContent(), WAIT).toBe(`Saved ${id} as version 2.`);
      await page.screenshot({ path: `${SHOTS}/passport-form-saved-${width}.png`, fullPage: true });
      expect((await server.enforcer.policy(id)).passport).toMatchObject({ version: 2, constraints: { "core:cost:max_per_day": 7500 } });
      const records: Array<Record<string, unknown>> = [];
      for await (const r of server.enforcer.auditLog(id)) records.push(r);
      expect(records.at(-1)).toMatchObject({
        type: "update",
        from_version: 1,
        to_version: 2,
        changed: ['constraints["core:cost:max_per_day"]'],
        channel: "dashboard",
      });

      // Saving the stale version 1 again (another tab) is refused, and the page says so.
      current.constraints["core:cost:max_per_day"] = 100;
      await editor.fill(JSON.stringify(current, null, 2));
      await page.getByRole("button", { name: "Save as a new version" }).click();
      await expect.poll(() => state.textContent(), WAIT).toMatch(/^Not saved: you edited version 1 but the passport is at version 2/);
      expect(errorsSeen).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe("passport form routes", () => {
  it("writes need the session and its CSRF token; signed out, the form redirects to sign-in", async () => {
    const put = await fetch(`${base}/dashboard/passports`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(put.status).toBe(401);
    const form = await fetch(`${base}/dashboard/passports/new`, { redirect: "manual" });
    expect(form.status).toBe(303);
    const asset = await fetch(`${base}/dashboard/assets/warden.wasm`);
    expect(asset.headers.get("content-type")).toBe("application/wasm");
    expect((await fetch(`${base}/dashboard/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
