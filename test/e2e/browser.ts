// Real headless Chromium for the e2e tests: Debian's `chromium` driven by playwright-core, with a
// fresh profile each run, and the dashboard's sign-in as a person does it.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../scripts/runtimes/harness.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where the tests write their screenshots. */
export const SHOTS = "test-artifacts/screenshots";
/** The runtime conformance run's flags (no network beyond loopback, no first-run work), headless. */
const FLAGS = ["--headless", ...CHROMIUM_ARGS];

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Chromium at `viewport`, or one clear line naming what to install when it is missing. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  // A fresh profile each run (--user-data-dir): Playwright passes it for a persistent context.
  const profile = mkdtempSync(join(tmpdir(), "warden-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the dashboard and signs in with `apiKey` unless the context kept the session cookie from an earlier test. */
export async function signIn(page: Page, base: string, apiKey: string, wait: { timeout: number }): Promise<void> {
  await page.goto(`${base}/dashboard`);
  if ((await page.getByLabel("API key").count()) > 0) {
    await page.getByLabel("API key").fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.getByRole("heading", { name: "Agents" }).waitFor(wait);
}
