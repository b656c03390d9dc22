/**
 * A real browser for end-to-end tests: Debian's chromium driven by playwright-core (no browser
 * download: CHROMIUM_PATH, default /usr/bin/chromium), headless with a fresh profile directory.
 * `openBrowser` once per test file; `journey()` per test (cookies cleared: another person at
 * another device); `screenshot` writes test-output/screenshots/<name>.png; `signInToConsole`
 * signs a staff member in through the console's sign-in page.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-output/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the browser did during one journey, for the journey's assertions. */
export interface Journey {
  page: Page;
  /** window.confirm / alert messages, in order; every one is accepted. */
  dialogs: string[];
  /** Uncaught errors in the page's scripts (htmx included). */
  errors: string[];
  close(): Promise<void>;
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new page with no cookies from the journey before. */
  journey(): Promise<Journey>;
  close(): Promise<void>;
}

/**
 * @param opts.viewport default 1280×800; phones: { width: 360, height: 740 }
 * @param opts.locale the browser's language (Accept-Language), default en-US
 */
export async function openBrowser(opts: { viewport?: { width: number; height: number }; locale?: string; isMobile?: boolean } = {}): Promise<TestBrowser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-e2e-chromium-'));
  // Playwright refuses --user-data-dir in args: a profile directory is a persistent context.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    ...(opts.isMobile ? { isMobile: true, hasTouch: true } : {}),
    locale: opts.locale ?? 'en-US',
    timezoneId: 'Asia/Jakarta',
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async journey() {
      await context.clearCookies();
      const page = await context.newPage();
      const j: Journey = { page, dialogs: [], errors: [], close: () => page.close() };
      page.on('dialog', (d) => {
        j.dialogs.push(d.message());
        void d.accept();
      });
      page.on('pageerror', (err) => j.errors.push(err.message));
      return j;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot at test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Text of the first element matching `selector`, whitespace collapsed. */
export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until `check` holds (polled every 25 ms), or fails with `what`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The page's path and query. */
export function pathOf(page: Page): string {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/**
 * Signs in through the staff console's sign-in page, in English (signed out, the console speaks
 * Indonesian until the language link is followed), and waits for the page it leads to.
 * @param lands where sign-in should lead (default the dashboard; /admin/password for a one-time password)
 */
export async function signInToConsole(page: Page, baseUrl: string, username: string, password: string, lands: RegExp = /\/admin$/): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  if ((await text(page, 'h1')) !== 'Sign in to the console') {
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/admin\/login$/);
  }
  assert.equal(await text(page, 'h1'), 'Sign in to the console');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(lands);
}

/**
 * A fresh journey for every test of the file (another person at another device: no cookies from
 * the test before), closed after it. Call at the top level of a test file.
 * @param browser the file's browser, opened in its `before`
 * @returns the current test's journey
 * @throws AssertionError when called outside a test
 */
export function journeyPerTest(browser: () => TestBrowser): () => Journey {
  let journey: Journey | null = null;
  beforeEach(async () => {
    journey = await browser().journey();
  });
  afterEach(async () => {
    await journey?.close();
    journey = null;
  });
  return () => {
    assert.ok(journey, 'a page is open');
    return journey;
  };
}
