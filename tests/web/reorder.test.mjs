// The Reorder page: every role holding stock.read walks the suggestions
// (filters, the whole arithmetic of one), write controls only with
// reorder.write; a buyer approves a suggestion made for this test (a new
// store and product with four weeks of dated sales and a supplier's offer,
// all through the API) and sees its purchase order linked; the supplier
// choice's ranked breakdown shows that supplier; axe; screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLES, axe, open, shot } from './harness.mjs';
import { RUN, must, navItems, newOffer, newProduct, newStore, newSupplier, receive } from './fixtures.mjs';

const DAY = 86400000;
const WRITERS = ['admin', 'store_manager', 'buyer']; // reorder.write (docs/security.md)

/** A level at a new store that is due for reordering: {store, product, supplier, id}. */
async function dueLevel() {
  const store = (await newStore('ro', 'Europe/London')).id;
  const product = (await newProduct('ro', 30000, 20000)).id; // 300.00 a unit: its EOQ is weeks, not months
  const today = Math.floor(Date.now() / DAY);
  await receive(store, product, 2 * 28 + 4, new Date((today - 29) * DAY).toISOString());
  for (let d = today - 28; d < today; d++)
    await must('POST', '/api/v1/stock-commits', {
      sale_id: `web-${RUN}-ro-${product}-${d}`,
      lines: [{ store_id: store, product_id: product, quantity: 2 }],
      occurred_at: new Date(d * DAY + DAY / 2).toISOString(),
    });
  const supplier = await newSupplier('ro');
  await newOffer(supplier.id, product, { moq: 6, pack: 6, lead: 4 });
  const g = await must('POST', `/api/v1/inventory/generate-reorder-suggestion/${product}?store_id=${store}`, undefined, 201);
  assert.equal(g.suggestion.status, 'open', JSON.stringify(g));
  return { store, product, supplier, id: g.suggestion.id };
}

test('reorder: each role walks the suggestions; a buyer approves one and sees its PO linked', async () => {
  const lvl = await dueLevel();
  for (const role of ROLES) {
    const scoped = role === 'store_manager';
    const { page, context } = await open(role, scoped ? '/reorder' : `/reorder?status=any&store_id=${lvl.store}`);
    assert.ok((await navItems(page)).includes('Reorder'), `${role} has the Reorder nav item`);
    await page.getByRole('heading', { level: 1, name: 'Reorder' }).waitFor();
    await page.locator('caption', { hasText: 'Reorder suggestions' }).waitFor();
    await page.waitForSelector('.paged-table .loading', { state: 'detached' });
    const compute = page.getByText('Compute a suggestion for one product now');
    assert.equal(await compute.count(), WRITERS.includes(role) ? 1 : 0, `${role}: compute only with reorder.write`);
    if (scoped) {
      // a store manager's store choice holds its own stores only
      const opts = await page.locator('select[name="store_id"]').first().locator('option').allTextContents();
      assert.equal(opts.length, 2, `store manager's stores: ${opts.join(', ')}`);
      await axe(page);
      await shot(page, `reorder-${role}`);
      await context.close();
      continue;
    }
    const link = page.getByRole('link', { name: `#${lvl.id}`, exact: true });
    await link.waitFor();
    await axe(page);
    await shot(page, `reorder-${role}`);
    await link.click();
    await page.locator(`[data-suggestion="${lvl.id}"]`).waitFor();
    await page.locator('[data-reason]').waitFor();
    assert.match(await page.locator('[data-reason]').textContent(), /at or under the reorder point/);
    // every input and term is shown, the forecast's model and class among them
    await page.locator('table.kv tr[data-name^="forecast."]').first().waitFor();
    assert.ok((await page.locator('table.kv tr[data-name^="forecast."]').count()) >= 2, 'the forecast inputs');
    assert.ok((await page.locator('table.kv').nth(1).locator('tbody tr').count()) >= 5, 'the terms');
    const approve = page.getByRole('button', { name: /^Approve/ });
    if (role !== 'buyer') {
      assert.equal(await approve.count(), WRITERS.includes(role) ? 1 : 0, `${role}: approve only with reorder.write`);
      if (role === 'viewer') assert.equal(await page.getByRole('heading', { name: /Supplier choice/ }).count(), 0);
      await axe(page);
      await shot(page, `reorder-detail-${role}`);
      await context.close();
      continue;
    }
    // the buyer: the ranked breakdown names the offer's supplier, then approves
    await page.locator(`tr[data-supplier="${lvl.supplier.id}"]`).waitFor();
    await page.locator('[data-choice-reason]').waitFor();
    await axe(page);
    await shot(page, 'reorder-detail-buyer');
    await approve.click();
    await page.locator('h2 [data-status="approved"]').waitFor();
    const po = page.locator('[data-purchase-orders] a').first();
    await po.waitFor();
    const poText = await po.textContent();
    assert.match(poText, /^PO #\d+$/);
    await shot(page, 'reorder-approved-buyer');
    await po.click();
    await page.getByRole('heading', { level: 1, name: 'Purchase order' }).waitFor();
    const box = page.locator('[data-po]');
    await box.waitFor();
    assert.equal(await box.getAttribute('data-po'), poText.slice(4));
    assert.equal(await box.getAttribute('data-status'), 'draft');
    assert.match(await page.locator('#po-h + p').textContent(), new RegExp(`reference reorder-${lvl.id}`));
    await context.close();
  }
});

test('reorder: a rejection needs its reason, and the API error names the field', async () => {
  const lvl = await dueLevel();
  const { page, context } = await open('admin', `/reorder/${lvl.id}`);
  await page.getByRole('button', { name: 'Reject' }).click();
  const err = page.locator('.error-box[data-field="reason"]');
  await err.waitFor();
  assert.match(await err.textContent(), /field: reason/);
  await page.getByLabel('Reason for rejecting').fill('overstocked at the next store');
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.locator('h2 [data-status="rejected"]').waitFor();
  assert.match(await page.locator('.reorder-detail').textContent(), /overstocked at the next store/);
  await context.close();
});
