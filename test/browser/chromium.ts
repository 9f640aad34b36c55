/**
 * Chromium for browser tests: found on the machine (never downloaded), launched headless,
 * with every console error, uncaught exception and failed request of the page recorded so
 * a test can fail on them.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$CHROMIUM_PATH`, else `chromium` on PATH, else /usr/bin/chromium; throws how to install it when none exists. */
export function findChromium(): string {
  const candidates = [
    ...(process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium')),
    '/usr/bin/chromium',
  ];
  const found = candidates.find(executable);
  if (!found) {
    throw new Error('Chromium was not found (looked at $CHROMIUM_PATH, `chromium` on PATH and /usr/bin/chromium). '
      + 'The browser tests need it: install it with `apt-get update && apt-get install -y chromium` (Debian), '
      + 'or set CHROMIUM_PATH to a Chromium or Chrome executable.');
  }
  return found;
}

export interface TestPage {
  browser: Browser;
  page: Page;
  /** Console errors, page exceptions and failed requests so far, one line each. */
  problems: string[];
}

/** Launches headless Chromium and opens `url`, recording what goes wrong in the page. */
export async function openTestPage(url: string): Promise<TestPage> {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'convlens' in window, undefined, { timeout: 30_000 });
  } catch (e) {
    await browser.close();
    throw new Error(`The test page did not load the convlens bundle: ${problems.join('; ') || (e as Error).message}`, { cause: e });
  }
  return { browser, page, problems };
}
