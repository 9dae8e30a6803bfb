import type { Browser } from 'playwright-core';

export interface BrowserStep {
  /** What the user types into the Playground's compose box. */
  readonly say: string;
  /** Text that must appear in the conversation afterwards. */
  readonly expect: RegExp;
}

export interface BrowserCheckResult {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Chromium from Debian, headless; these flags keep it from reaching out (the network is closed anyway). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Drives the Agents Playground like a person: types each question, waits for the bot's card or text, and
 * optionally saves a screenshot. playwright-core is a dev dependency, loaded only here.
 */
export async function checkInBrowser(
  playgroundUrl: string,
  steps: readonly BrowserStep[],
  screenshotPath?: string,
): Promise<BrowserCheckResult[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const results: BrowserCheckResult[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(playgroundUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    for (const step of steps) {
      try {
        const box = page.locator('textarea, [contenteditable="true"], input[type="text"]').first();
        await box.waitFor({ timeout: 30_000 });
        await box.click();
        await box.fill(step.say);
        await page.keyboard.press('Enter');
        await page.getByText(step.expect).first().waitFor({ timeout: 30_000 });
        results.push({ step: step.say, ok: true, detail: 'seen' });
      } catch (error) {
        results.push({ step: step.say, ok: false, detail: String((error as Error).message).split('\n')[0] });
      }
    }
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
  } finally {
    await browser.close();
  }
  return results;
}
