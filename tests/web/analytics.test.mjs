// Analytics: every role (all hold analytics.read) opens the reports; a sale
// posted through the API at a new store shows in hourly sales and top
// products; ranking by units and a report's CSV download (the file's header
// and the sale's row); a range with one end is refused with its field shown;
// axe; screenshots.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { ROLES, adminToken, axe, call, open, shot } from './harness.mjs';
import { newProduct, newStore, receive, sale, until } from './fixtures.mjs';

let store;
let product;

before(async () => {
  store = await newStore('an');
  product = await newProduct('an', 1250, 700);
  await receive(store.id, product.id, 50);
  // sale() waits while tm-txn has not yet heard of the new store or product
  const posted = await sale({ store_id: store.id, lines: [{ product_id: product.id, quantity: 3, unit_price: 12.5 }], channel: 'pos', payment_method: 'cash' });
  assert.ok(posted.id, JSON.stringify(posted));
  // the read models follow the sale's event: wait until the report has it
  await until(
    async () => {
      const r = await call('GET', `/api/v1/analytics/top-products?store_id=${store.id}`, { token: await adminToken() });
      return r.status === 200 && r.body.items.some((p) => p.product_id === product.id);
    },
    20000,
    'the sale in top-products',
  );
});

test('each role opens the analytics reports', async () => {
  for (const role of ROLES) {
    const { page, context } = await open(role, '/analytics');
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    for (const h of ['Hourly sales', 'Top products', 'Customer segments (RFM)', 'Category performance'])
      await page.getByRole('heading', { level: 2, name: h }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15000 });
    const nav = await page.locator('nav.main-nav a').allTextContents();
    assert.ok(nav.includes('Analytics'), `${role}: nav ${nav}`);
    if (role === 'store_manager') {
      // a store-scoped role picks among its own stores only
      const opts = await page.getByLabel('Store', { exact: true }).locator('option').allTextContents();
      assert.ok(!opts.some((o) => o.includes(store.name)), `store manager sees only its stores: ${opts}`);
    }
    await axe(page);
    await shot(page, `analytics-${role}`);
    await context.close();
  }
});

test('a sale shows in the reports; rank by units; CSV download; a half range is refused', async () => {
  const { page, context } = await open('analyst', `/analytics?store_id=${store.id}`);
  const top = page.locator('section[data-report="top"]');
  const row = top.locator(`tr[data-product="${product.id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /\$37\.50/); // 3 × $12.50, from cents
  const hourly = page.locator('section[data-report="hourly"]');
  await hourly.locator('tbody tr', { hasText: store.name }).first().waitFor();

  await top.getByLabel('Rank by').selectOption('units');
  await page.waitForURL(/by=units/);
  await row.waitFor();
  assert.match(await row.textContent(), /\$37\.50/);

  const [download] = await Promise.all([page.waitForEvent('download'), top.getByRole('button', { name: /Download CSV: Top products/ }).click()]);
  assert.equal(download.suggestedFilename(), 'top-products-by-units.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  assert.match(header, /sku/);
  assert.ok(rows.some((r) => r.includes(product.sku)), csv);
  await axe(page);
  await shot(page, 'analytics-store-sale');

  // from without to: the API's 400 names `to`, shown with its field
  await page.getByLabel('From (local day)').fill('2026-01-01');
  await page.getByLabel('To (local day, included)').fill('');
  const err = top.locator('.error-box[role="alert"]');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-field'), 'to', await err.textContent());
  await shot(page, 'analytics-half-range');
  await context.close();
});
