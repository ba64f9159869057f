// The Transactions and Fraud review pages: every role holding txn.read walks
// the sales with their filters and one sale's lines and fired rules; the
// review queue and fraud statistics only with fraud.review; roles without
// txn.read get neither nav item. A card used at two stores within ten
// minutes (the default rule card_stores_10m, docs/fraud.md) makes a sale
// wait for review; a fraud analyst sees the rule's observed value beside its
// threshold, labels the sale and sees it leave the queue. Axe; screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axe, open, shot } from './harness.mjs';
import { RUN, must, navItems, newProduct, newStore, receive, sale } from './fixtures.mjs';

const READERS = ['admin', 'store_manager', 'analyst', 'fraud_analyst']; // txn.read
const REVIEWERS = ['admin', 'fraud_analyst']; // fraud.review

/**
 * A sale flagged for review at a new store: {a, b, flagged (the sale)}.
 * The default rule set (version 1) is made current first: the C suites that
 * run before these publish rule sets of their own.
 */
async function flaggedSale() {
  const defaults = await must('GET', '/api/v1/fraud/rules/1', undefined, 200);
  await must('POST', '/api/v1/fraud/rules', { ...defaults.rules, note: 'web tests: the default rule set' }, 201);
  const a = (await newStore('fa', 'Europe/London')).id;
  const b = (await newStore('fb', 'Europe/London')).id;
  const product = (await newProduct('fr', 900, 400)).id;
  await receive(a, product, 10);
  await receive(b, product, 10);
  const card = `web-${RUN}-card-${a}`; // a card of its own: new to every store
  const body = (store) => ({
    store_id: store,
    lines: [{ product_id: product, quantity: 1, unit_price: 9.0 }],
    channel: 'pos',
    payment_method: 'card',
    instrument: card,
  });
  await sale(body(a));
  const flagged = await sale(body(b));
  assert.equal(flagged.fraud.decision, 'review', `the second store's sale is flagged: ${JSON.stringify(flagged.fraud)}`);
  assert.ok(flagged.fraud.rules.some((r) => r.code === 'card_stores_10m'), JSON.stringify(flagged.fraud));
  return { a, b, flagged };
}

test('transactions: readers walk the sales and a sale; the queue and statistics only for reviewers', async () => {
  const { b, flagged } = await flaggedSale();
  for (const role of READERS) {
    const scoped = role === 'store_manager';
    const { page, context } = await open(role, scoped ? '/transactions' : `/transactions?store_id=${b}&decision=review`);
    const nav = await navItems(page);
    assert.ok(nav.includes('Transactions'), `${role}: ${nav.join(', ')}`);
    assert.equal(nav.includes('Fraud review'), REVIEWERS.includes(role), `${role}: ${nav.join(', ')}`);
    await page.getByRole('heading', { level: 1, name: 'Transactions' }).waitFor();
    await page.locator('caption', { hasText: 'Sales' }).waitFor();
    await page.waitForSelector('.paged-table .loading', { state: 'detached' });
    if (scoped) {
      const opts = await page.locator('select[name="store_id"] option').allTextContents();
      assert.equal(opts.length, 2, `store manager's stores: ${opts.join(', ')}`);
      await axe(page);
      await shot(page, `transactions-${role}`);
      // its own store's sale opens with a void control (txn.write)
      const first = page.locator('.paged-table tbody tr a').first();
      if (await first.count()) {
        await first.click();
        await page.locator('[data-sale]').waitFor();
        assert.equal(await page.getByText('Void this sale').count(), (await page.locator('[data-sale][data-status="completed"]').count()) ? 1 : 0);
      }
      await context.close();
      continue;
    }
    const link = page.getByRole('link', { name: `#${flagged.id}`, exact: true });
    await link.waitFor();
    assert.equal(await page.locator('.paged-table tbody tr').count(), 1, 'store and decision filters: the one flagged sale');
    await axe(page);
    await shot(page, `transactions-${role}`);
    await link.click();
    await page.locator(`[data-sale="${flagged.id}"]`).waitFor();
    const rule = page.locator('tr[data-rule="card_stores_10m"]');
    await rule.waitFor();
    assert.equal((await rule.locator('[data-observed]').textContent()).trim(), '2');
    assert.equal((await rule.locator('[data-threshold]').textContent()).trim(), '2');
    assert.match(await page.locator('caption', { hasText: 'Lines' }).locator('..').textContent(), /\$9\.00/);
    assert.equal(await page.getByRole('button', { name: 'Record label' }).count(), REVIEWERS.includes(role) ? 1 : 0);
    assert.equal(await page.getByText('Void this sale').count(), role === 'admin' ? 1 : 0);
    await axe(page);
    await shot(page, `transaction-${role}`);
    if (REVIEWERS.includes(role)) {
      await page.goto(page.url().replace(/\/transactions.*$/, '/fraud'));
      await page.getByRole('heading', { level: 1, name: 'Fraud review' }).waitFor();
      await page.locator('[data-kpi="precision"]').waitFor();
      await page.locator('[data-waiting]').waitFor();
      await axe(page);
      await shot(page, `fraud-review-${role}`);
    }
    await context.close();
  }
  for (const role of ['buyer', 'viewer']) {
    const { page, context } = await open(role, '/');
    const nav = await navItems(page);
    assert.ok(!nav.includes('Transactions') && !nav.includes('Fraud review'), `${role}: ${nav.join(', ')}`);
    await context.close();
  }
});

test('fraud review: an analyst labels a flagged sale and it leaves the queue', async () => {
  const { b, flagged } = await flaggedSale();
  const { page, context } = await open('fraud_analyst', `/fraud?store_id=${b}`);
  await page.getByRole('heading', { level: 1, name: 'Fraud review' }).waitFor();
  const link = page.getByRole('link', { name: `#${flagged.id}`, exact: true });
  await link.waitFor();
  await shot(page, 'fraud-queue-fraud_analyst');
  await link.click();
  await page.locator(`[data-sale="${flagged.id}"]`).waitFor();
  await page.getByLabel('Fraud', { exact: true }).check();
  await page.getByLabel('Note').fill('card testing across two stores');
  await page.getByRole('button', { name: 'Record label' }).click();
  await page.locator('[data-review="fraud"]').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Record label' }).count(), 0, 'labelled once');
  await shot(page, 'transaction-labelled-fraud_analyst');
  await page.goBack(); // to this store's queue
  await page.getByRole('heading', { level: 1, name: 'Fraud review' }).waitFor();
  await page.locator('caption', { hasText: 'Flagged sales' }).waitFor();
  await page.waitForSelector('.paged-table .loading', { state: 'detached' });
  await page.getByText('Nothing waiting: every flagged sale has been labelled.').waitFor();
  assert.equal(await page.getByRole('link', { name: `#${flagged.id}`, exact: true }).count(), 0, 'gone from the queue');
  // still listed among every flagged sale, with its label
  await page.getByLabel('Show').selectOption('true');
  const row = page.locator('.paged-table tbody tr', { has: page.getByRole('link', { name: `#${flagged.id}`, exact: true }) });
  await row.waitFor();
  assert.match(await row.textContent(), /fraud$/);
  await axe(page);
  await context.close();
});

test('transactions: newest first, and oldest first when asked', async () => {
  const store = (await newStore('order', 'Europe/London')).id;
  const product = (await newProduct('order', 500, 200)).id;
  await receive(store, product, 10);
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const s = await sale({ store_id: store, lines: [{ product_id: product, quantity: 1, unit_price: 5.0 }], channel: 'pos', payment_method: 'cash' });
    ids.push(s.id);
  }
  const { page, context } = await open('admin', `/transactions?store_id=${store}`);
  const shown = async (first) => {
    // the first row is that sale (not merely a row of the previous order)
    await page.locator('.paged-table tbody tr').first().getByRole('link', { name: `#${first}`, exact: true }).waitFor();
    await page.waitForSelector('.paged-table .loading', { state: 'detached' });
    return (await page.locator('.paged-table tbody tr a').allTextContents()).map((t) => Number(t.replace('#', '')));
  };
  assert.deepEqual(await shown(ids[2]), [...ids].reverse(), 'newest first by default');
  await page.getByLabel('Order').selectOption('oldest');
  await page.waitForURL(/order=oldest/);
  assert.deepEqual(await shown(ids[0]), ids, 'oldest first when asked');
  await context.close();
});
