// Forecasts: a product with eight weeks of daily sales (stock commits dated
// in the past, a weekend peak) at the store manager's store; every role
// (all hold stock.read) sees its forecast, the model and class, the backtest
// beside seasonal naive, the patterns; only stock.write may recompute it,
// and a store manager does, seeing the stored forecast afterwards; axe;
// screenshots.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ROLES, adminToken, axe, call, open, shot } from './harness.mjs';
import { RUN, firstStore, must, newProduct, newStore, receive, sale, until } from './fixtures.mjs';

const WRITERS = ['admin', 'store_manager'];
const DAYS = 56;
let store;
let product;

before(async () => {
  store = await firstStore();
  product = await newProduct('fc');
  const day = (d) => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10);
  await receive(store.id, product.id, 2000, `${day(DAYS + 2)}T08:00:00Z`);
  for (let d = DAYS; d >= 1; d--) {
    const dow = new Date(`${day(d)}T12:00:00Z`).getUTCDay();
    const qty = 4 + (dow === 0 || dow === 6 ? 5 : 0) + (d % 3);
    await must('POST', '/api/v1/stock-commits', {
      sale_id: `web-fc-${RUN}-${d}`,
      lines: [{ store_id: store.id, product_id: product.id, quantity: qty }],
      occurred_at: `${day(d)}T12:00:00Z`,
    }, 201);
  }
});

test('each role sees the forecast with its bands, model, backtest and patterns', async () => {
  for (const role of ROLES) {
    const { page, context } = await open(role, `/forecasts?product_id=${product.id}&store_id=${store.id}`);
    await page.getByRole('heading', { level: 1, name: 'Forecasts' }).waitFor();
    const nav = await page.locator('nav.main-nav a').allTextContents();
    assert.ok(nav.includes('Forecasts'), `${role}: nav ${nav}`);
    await page.locator('[data-kpi="model"]').waitFor({ timeout: 20000 });
    assert.notEqual((await page.locator('[data-kpi="model"]').textContent()).trim(), '');
    assert.match(await page.locator('[data-kpi="class"]').textContent(), /smooth|erratic|intermittent|lumpy/);
    await page.locator('table[data-table="backtest"]').getByText('Seasonal naive', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Weekday and trend' }).waitFor();
    await page.locator('figure.chart canvas').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Recompute now' }).count() > 0, WRITERS.includes(role), role);
    await axe(page);
    await shot(page, `forecasts-${role}`);
    await context.close();
  }
});

test('a store manager recomputes the forecast and sees it stored', async () => {
  const { page, context } = await open('store_manager', `/forecasts?product_id=${product.id}&store_id=${store.id}&horizon_days=28`);
  await page.locator('[data-kpi="model"]').waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: 'Recompute now' }).click();
  const done = page.locator('[data-refreshed]');
  await done.waitFor({ timeout: 30000 });
  assert.ok(Number(await done.getAttribute('data-refreshed')) >= 1, await done.textContent());
  await page.locator('[data-stored="stored"]').waitFor({ timeout: 20000 });
  // 28 days ahead: the figures table under the chart lists them
  const rows = await page.locator('figure.chart details tbody tr').count();
  assert.ok(rows >= 28, `chart rows ${rows}`);
  await axe(page);
  await shot(page, 'forecasts-recomputed');
  await context.close();
});

test('with no product chosen the page lists the best sellers; one opens its forecast', async () => {
  const s = await newStore('fc-best');
  const p = await newProduct('fc-best');
  await receive(s.id, p.id, 20);
  await sale({ store_id: s.id, lines: [{ product_id: p.id, quantity: 4, unit_price: 12.5 }], channel: 'pos', payment_method: 'cash' });
  await until(
    async () => {
      const r = await call('GET', `/api/v1/analytics/top-products?store_id=${s.id}`, { token: await adminToken() });
      return r.status === 200 && r.body.items.some((x) => x.product_id === p.id);
    },
    20000,
    'the sale in top-products',
  );
  const { page, context } = await open('analyst', `/forecasts?store_id=${s.id}`);
  const row = page.locator(`tr[data-best="${p.id}"]`);
  await row.waitFor();
  assert.equal((await row.locator('td.num').first().textContent()).trim(), '4', 'its units');
  await axe(page);
  await shot(page, 'forecasts-best-sellers');
  await row.getByRole('link', { name: p.name }).click();
  await page.waitForURL(new RegExp(`product_id=${p.id}`));
  // the product is chosen (one day of sales is too little for a forecast: its message shows instead)
  await page.getByLabel('Product', { exact: true }).locator(`option[value="${p.id}"]`).waitFor({ state: 'attached' });
  assert.equal(await page.getByLabel('Product', { exact: true }).inputValue(), String(p.id));
  assert.equal(await page.locator('tr[data-best]').count(), 0, 'the list gives way to the forecast');
  await context.close();
});
