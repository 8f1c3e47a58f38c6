/**
 * The HTML report in a real browser: a real verification over real HTTP of a provider that answers
 * 200 for a 401 case, its report opened from a file:// URL in headless Chromium (Debian's `chromium`,
 * driven by playwright-core; .ci/run installs it when absent). Clicking a red matrix cell shows the
 * failing case, its response body and its curl line; the filters hide passing cases; the page loads
 * nothing but itself.
 *
 * `REPORT_SCREENSHOT=docs/img/report-failing.png npx jest provider-tests/report-browser.test.ts`
 * refreshes the screenshot docs/reports.md shows.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(180_000);

import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Credentials } from '../src/credentials';
import { writeReports } from '../src/report/write';
import { verifyProvider } from '../src/verifier/verify';
import { startMisbehavingProvider, writeMisbehavingPact, type MisbehavingProvider } from '../test-support/misbehaving-provider';

const CHROMIUM = '/usr/bin/chromium';
const REAL: Credentials = { appKey: 'browserAppKeyH5t8Nw3Qz2', masterSecret: 'bzQ9x7Lk2Vw5Mn8Pt3Rc6Yh1' };

describe('the HTML report in headless Chromium', () => {
  let provider: MisbehavingProvider;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const requested: string[] = [];

  beforeAll(async () => {
    provider = await startMisbehavingProvider();
    dir = mkdtempSync(path.join(os.tmpdir(), 'pc-browser-'));
    await writeMisbehavingPact(path.join(dir, 'pacts'));
    const result = await verifyProvider({ providerBaseUrl: provider.url, sources: [{ kind: 'dir', dir: path.join(dir, 'pacts') }], credentials: REAL });
    writeReports(result.model, { html: path.join(dir, 'report.html') }, result.secrets);
    profile = mkdtempSync(path.join(os.tmpdir(), 'pc-chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`file://${path.join(dir, 'report.html')}`);
  });

  afterAll(async () => {
    await context?.close();
    await provider?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The matrix cell of an endpoint row and a status column. */
  async function cellOf(endpoint: string, status: number) {
    const headers = await page.locator('table.matrix thead th').allTextContents();
    const row = page.locator('table.matrix tbody tr').filter({ has: page.locator(`td:nth-child(2):text-is("${endpoint}")`) });
    return row.locator('td').nth(headers.indexOf(String(status)));
  }

  it('loads nothing but the file itself: no script, style, font or image from anywhere', () => {
    expect(requested).toEqual([`file://${path.join(dir, 'report.html')}`]);
  });

  it('shows the failing case, its response body and its curl line when a red cell is clicked', async () => {
    const cell = await cellOf('push', 401);
    expect(await cell.getAttribute('class')).toBe('cell failed');
    await cell.locator('a').click();
    const failing = page.locator('section.case', { hasText: "'push with wrong credentials'" });
    await failing.waitFor({ state: 'visible' });
    expect(page.url()).toMatch(/#case-\d+$/);
    expect(await failing.getAttribute('id')).toBe(page.url().split('#')[1]);
    await expect(failing.locator('.root').first().textContent()).resolves.toBe('STATUS expected 401, got 200 (response.status.mismatch)');
    const response = failing.locator('pre.response');
    expect(await response.isVisible()).toBe(true);
    expect(await response.textContent()).toContain('"msg_id": "1828256757"');
    const curl = failing.locator('pre.curl');
    expect(await curl.isVisible()).toBe(true);
    expect(await curl.textContent()).toMatch(/^curl -sS -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/v3\/push' -H 'authorization: Basic /);
    // The cell narrows the list to its own cases: the passing uncatalogued case is hidden.
    expect(await page.locator('section.case', { hasText: "'list webhooks'" }).isVisible()).toBe(false);
    expect(await page.locator('#cell-filter').isVisible()).toBe(true);
    if (process.env.REPORT_SCREENSHOT) {
      const shot = path.join(dir, 'report-failing.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      copyFileSync(shot, process.env.REPORT_SCREENSHOT);
    }
    await page.locator('#clear-cell').click();
    expect(await page.locator('section.case', { hasText: "'list webhooks'" }).isVisible()).toBe(true);
  });

  it('hides passing cases when filtered by verdict, and filters by consumer, endpoint and status', async () => {
    const passing = page.locator('section.case', { hasText: "'list webhooks'" });
    const failing = page.locator('section.case.failed');
    expect(await passing.isVisible()).toBe(true);
    await page.selectOption('select[name=verdict]', 'failed');
    expect(await passing.isVisible()).toBe(false);
    expect(await failing.count()).toBe(2);
    for (const el of await failing.all()) expect(await el.isVisible()).toBe(true);
    await page.selectOption('select[name=status]', '200');
    expect(await page.locator('section.case:visible').count()).toBe(1);
    expect(await page.locator('section.case:visible h3').textContent()).toContain("'push a notification'");
    await page.selectOption('select[name=verdict]', 'passed');
    expect(await page.locator('section.case:visible').count()).toBe(1);
    expect(await passing.isVisible()).toBe(true);
    await page.selectOption('select[name=endpoint]', 'jpush-v3 push');
    expect(await page.locator('section.case:visible').count()).toBe(0);
    expect(await page.locator('#none-shown').isVisible()).toBe(true);
    await page.selectOption('select[name=endpoint]', '');
    await page.selectOption('select[name=status]', '');
    await page.selectOption('select[name=verdict]', '');
    await page.selectOption('select[name=consumer]', 'shop-app');
    expect(await page.locator('section.case:visible').count()).toBe(3);
  });
});
