import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Page } from 'playwright-core';

import { DiskPrepDriveProgress } from '@seedship/contracts';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { CHROMIUM, launchChromium } from '../test-support/browser';
import { type ConsoleFixture, TOKENS, startConsoleFixture } from '../test-support/console-fixture';

const TB = 1_000_000_000_000;
const GB = 1_000_000_000;
/** Screenshots of every page, for people to look at (tmp/ is gitignored). */
const SCREENSHOTS = join(WORKSPACE_ROOT, 'tmp/ops-console-screenshots');

describe('ops console in headless Chromium', () => {
  let fixture: ConsoleFixture;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (tools/ci/test-all.sh does)`);
    if (!existsSync(join(WORKSPACE_ROOT, 'dist/apps/ops-console/web/index.html'))) {
      throw new Error('The web UI is not built: run `npx nx run ops-console:build-web` (the test target depends on it)');
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    fixture = await startConsoleFixture();
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  async function signIn(page: Page, token: string, screenshot?: string): Promise<void> {
    await page.goto(fixture.service.baseUrl);
    await page.getByTestId('sign-in').waitFor();
    if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.getByTestId('overview').waitFor();
    await page.locator('[data-testid=live-indicator][data-connected=true]').waitFor();
  }

  function progress(bytesWritten: number) {
    return fixture.bus.publish(DiskPrepDriveProgress, {
      driveId: fixture.fleet.drives.writing,
      jobId: fixture.fleet.jobs.preparing,
      serialNumber: 'WD-FIN-0001',
      nodeName: 'copy-node-a',
      baySlot: 'pci-0000:00:17.0-ata-1',
      state: 'WRITING',
      bytesWritten: String(bytesWritten),
      bytesPlanned: String(TB),
      bytesPerSecond: 180_000_000,
      secondsLeft: (TB - bytesWritten) / 180_000_000,
    });
  }

  it('shows the fleet to a viewer and updates it live from NATS; a viewer cannot reveal a key', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await signIn(page, TOKENS.viewer, '0-sign-in.png');
      await expectText(page, 'who', 'victor (viewer)');
      await expectAttribute(page, 'bytes-onDrives', 'data-bytes', String(1.4 * TB));
      await expectText(page, 'bytes-staged', '8.5 TB');
      await expectText(page, 'critical-count', '2 critical');
      await expectText(page, 'jobs-PREPARING_DRIVES', '1');
      await expectAttribute(page, 'drive-progress-WD-FIN-0001', 'data-percent', '40');
      // Critical alerts come first.
      const firstAlert = page.locator('[data-testid=alerts] li').first();
      await page.waitForFunction(() => document.querySelector('[data-testid=alerts] li')?.className.includes('alert-critical'));
      expect(await firstAlert.getAttribute('class')).toContain('alert-critical');
      await page.screenshot({ path: join(SCREENSHOTS, '1-overview.png'), fullPage: true });

      // The disk-prep agent reports progress on NATS; the page follows without a reload.
      const navigations: string[] = [];
      page.on('framenavigated', (frame) => navigations.push(frame.url()));
      await progress(750 * GB);
      await expectAttribute(page, 'drive-progress-WD-FIN-0001', 'data-percent', '75');
      await expectAttribute(page, 'bytes-onDrives', 'data-bytes', String(1.75 * TB));
      expect(navigations).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, '2-overview-after-progress.png'), fullPage: true });

      await page.click('a.tab:has-text("Jobs")');
      await page.getByTestId('job-row').first().waitFor();
      expect(await page.getByTestId('job-row').count()).toBe(6);
      await page.screenshot({ path: join(SCREENSHOTS, '3-jobs.png'), fullPage: true });

      await page.click('a:has-text("seed-finance-2026")');
      await page.getByTestId('job-detail').waitFor();
      await progress(800 * GB);
      await expectAttribute(page, 'drive-progress-WD-FIN-0001', 'data-percent', '80');
      const reveal = page.getByTestId('reveal-WD-FIN-0002');
      expect(await reveal.isDisabled()).toBe(true);
      // Not only hidden in the UI: the API refuses the viewer too.
      const status = await page.evaluate(async (driveId) => {
        const response = await fetch(`/api/drives/${driveId}/recovery-password`, { method: 'POST' });
        return response.status;
      }, fixture.fleet.drives.ready);
      expect(status).toBe(403);
      expect(await page.getByTestId('recovery-password').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, '4-job-detail-viewer.png'), fullPage: true });

      await page.goto(`${fixture.service.baseUrl}/jobs/${fixture.fleet.jobs.shipping}`);
      await page.getByTestId('datacenter-address').waitFor();
      expect(await page.getByTestId('datacenter-address').innerText()).toContain('Amsterdam');
      await expectText(page, 'azure-job-state', 'Shipping');
      await page.screenshot({ path: join(SCREENSHOTS, '5-job-detail-shipping.png'), fullPage: true });

      await page.click('a.tab:has-text("Nodes")');
      await page.getByTestId('nodes').waitFor();
      expect(await page.getByTestId('bay-copy-node-a-Bay 2').innerText()).toContain('Pull WD-FIN-0002 and pack it with the delivery of job seed-finance-2026');
      await page.screenshot({ path: join(SCREENSHOTS, '6-nodes.png'), fullPage: true });

      await page.click('a.tab:has-text("Shipments")');
      await page.getByTestId('shipments').waitFor();
      expect(await page.getByTestId('shipments').innerText()).toContain('JD014600003828350999');
      await page.screenshot({ path: join(SCREENSHOTS, '7-shipments.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    const reveals = await fixture.prisma.jobTimelineEntry.count({ where: { action: 'recovery-password-revealed' } });
    expect(reveals).toBe(0);
  });

  it('lets an admin reveal a recovery password, and the reveal appears in the timeline', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await signIn(page, TOKENS.admin);
      await page.goto(`${fixture.service.baseUrl}/jobs/${fixture.fleet.jobs.preparing}`);
      await page.getByTestId('job-detail').waitFor();
      await page.getByTestId('reveal-WD-FIN-0002').click();
      await page.getByTestId('recovery-password').waitFor();
      const password = fixture.fleet.recoveryPasswords[fixture.fleet.drives.ready] ?? '';
      expect(password).toMatch(/^(\d{6}-){7}\d{6}$/);
      expect(await page.getByTestId('recovery-password').innerText()).toContain(password);
      const entry = page.locator('[data-testid=timeline-entry][data-action=recovery-password-revealed]');
      await entry.waitFor();
      expect(await entry.innerText()).toContain('user:ada');
      await page.screenshot({ path: join(SCREENSHOTS, '8-job-detail-admin-reveal.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    const entries = await fixture.prisma.jobTimelineEntry.findMany({ where: { action: 'recovery-password-revealed' } });
    expect(entries.map((entry) => [entry.jobId, entry.actor])).toEqual([[fixture.fleet.jobs.preparing, 'user:ada']]);
  });
});

async function expectText(page: Page, testId: string, text: string): Promise<void> {
  const locator = page.getByTestId(testId);
  await locator.waitFor();
  await page.waitForFunction(
    ([id, expected]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.includes(expected) ?? false,
    [testId, text] as const,
    { timeout: 15_000 },
  ).catch(async () => {
    throw new Error(`[data-testid=${testId}] shows '${await locator.innerText()}', expected '${text}'`);
  });
}

async function expectAttribute(page: Page, testId: string, attribute: string, value: string): Promise<void> {
  const locator = page.getByTestId(testId);
  await locator.waitFor();
  await page.waitForFunction(
    ([id, name, expected]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(name) === expected,
    [testId, attribute, value] as const,
    { timeout: 15_000 },
  ).catch(async () => {
    throw new Error(`[data-testid=${testId}] has ${attribute}='${(await locator.getAttribute(attribute)) ?? ''}', expected '${value}'`);
  });
}
