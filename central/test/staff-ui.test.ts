import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiMount } from '../src/ui/index.js';
import { BACKENDS } from './helpers/backends.js';
import { type Harness, PASSWORD, seedAccount, startHarness, T0 } from './helpers/api-harness.js';

const BEIJING = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'tariffs',
  'cn-beijing-monthly-ladder.json',
);
const CHROMIUM = process.env.GRIDBILL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe.skipIf(!existsSync(CHROMIUM))(`staff screens in real Chromium (${CHROMIUM})`, () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness(BACKENDS[0]!, [uiMount]);
    await seedAccount(h, '1001', 'postpaid', 'Wanjiru Kamau');
    await h.call('clerk', 'POST', '/api/accounts/1001/charges', {
      category: 'energy',
      component: 'energy',
      amountMinor: 4000,
      reference: 'bill-oct',
      reason: 'October bill',
      effectiveAtMs: T0 - 5000,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signInAs(page: Page, username: string) {
    await page.goto(`${h.server.url}/ui/sign-in`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/ui/customers');
  }

  it('a cashier finds a customer, posts a payment, sees balance and timeline change', async () => {
    const page = await browser.newPage();
    try {
      await signInAs(page, 'cashier');
      await page.fill('input[name=q]', 'Wanjiru');
      await page.waitForSelector('#results a');
      await page.click('#results a');
      await page.waitForURL('**/ui/accounts/1001');
      expect(await page.textContent('#balance')).toBe('KES -40.00');
      const rowsBefore = await page.locator('#timeline tbody tr').count();
      expect(await page.locator('#balance-chart canvas').count()).toBeGreaterThan(0);

      await page.click('header a[href="/ui/cashier"]');
      await page.fill('#account', '1001');
      await page.click('#look-up');
      await page.waitForSelector('#confirm-card');
      expect(await page.textContent('#confirm-name')).toBe('Wanjiru Kamau');
      expect(await page.textContent('#confirm-address')).toContain('1001 Mombasa Road');
      expect(await page.textContent('#confirm-meter')).toBe('SN-1001');
      await page.fill('#amount', '25.50');
      await page.click('#confirm-pay');
      await page.waitForSelector('#payment-receipt');
      expect(await page.textContent('#new-balance')).toBe('KES -14.50');

      await page.click('#open-account');
      await page.waitForURL('**/ui/accounts/1001');
      expect(await page.textContent('#balance')).toBe('KES -14.50');
      expect(await page.locator('#timeline tbody tr').count()).toBe(rowsBefore + 1);
      expect(await page.textContent('#payments')).toContain('KES 25.50');
    } finally {
      await page.close();
    }
  });

  it('shows a clear error for an unknown account and a bad amount, posting nothing', async () => {
    const page = await browser.newPage();
    try {
      await signInAs(page, 'cashier');
      await page.goto(`${h.server.url}/ui/cashier`);
      await page.fill('#account', 'NOPE');
      await page.click('#look-up');
      await page.waitForSelector('#problem');
      expect(await page.textContent('#problem')).toContain('No account NOPE');
      const before = await h.store.db.selectFrom('payments').select('id').execute();
      await page.fill('#account', '1001');
      await page.click('#look-up');
      await page.waitForSelector('#confirm-card');
      await page.fill('#amount', '1.005');
      await page.click('#confirm-pay');
      await page.waitForSelector('#receipt #problem');
      expect(await page.textContent('#receipt #problem')).toContain('3 decimal places');
      expect(await h.store.db.selectFrom('payments').select('id').execute()).toHaveLength(
        before.length,
      );
    } finally {
      await page.close();
    }
  });

  it('rates a month in the tariff simulator (Beijing ladder, 500 kWh → CNY 282.15)', async () => {
    // Reference case CN-BJ-MONTHLY-LADDER (tariff-cases.json): 240×0.4883 + 160×0.5383
    // + 100×0.7883 = 282.15 CNY.
    const doc = JSON.parse(readFileSync(BEIJING, 'utf8')) as { versionId: string };
    expect((await h.call('clerk', 'POST', '/api/tariffs/import', { document: doc })).status).toBe(
      201,
    );
    const page = await browser.newPage();
    try {
      await signInAs(page, 'clerk');
      await page.goto(`${h.server.url}/ui/tariffs`);
      expect(await page.textContent('#tariffs')).toContain(doc.versionId);
      await page.selectOption('#sim-version', doc.versionId);
      await page.fill('#sim-month', '2012-08');
      await page.fill('#sim-kwh', '500');
      await page.click('#sim-run');
      await page.waitForSelector('#simulation-total');
      expect(await page.textContent('#simulation-total')).toBe('CNY 282.15');
    } finally {
      await page.close();
    }
  });

  it('a billing clerk cannot reach admin pages', async () => {
    const page = await browser.newPage();
    try {
      await signInAs(page, 'clerk');
      expect(await page.locator('header a[href="/ui/admin/users"]').count()).toBe(0);
      const res = await page.goto(`${h.server.url}/ui/admin/users`);
      expect(res?.status()).toBe(403);
      expect(await page.textContent('main')).toContain('may not open this page');
      const cashier = await page.goto(`${h.server.url}/ui/cashier`);
      expect(cashier?.status()).toBe(403);
    } finally {
      await page.close();
    }
  });

  it('sends a visitor without a session to sign-in', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${h.server.url}/ui/accounts/1001`);
      expect(page.url()).toContain('/ui/sign-in');
    } finally {
      await page.close();
    }
  });
});
