// Inventory: every role (all hold stock.read) walks the page's views; only
// the roles with stock.write get the write buttons; a store manager records
// a receipt in the browser and sees the product's level and the ledger
// change; a refused movement shows the API's message and field; axe on
// every view; screenshots.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ROLES, axe, open, shot } from './harness.mjs';
import { firstStore, level, must, newProduct, newStore, receive } from './fixtures.mjs';

const WRITERS = ['admin', 'store_manager']; // stock.write (docs/security.md#roles)
let store;
let product;

before(async () => {
  store = await firstStore();
  product = await newProduct('inv');
});

test('each role walks the inventory views; write buttons only with stock.write', async () => {
  for (const role of ROLES) {
    const { page, context } = await open(role, `/inventory?store_id=${store.id}`);
    await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
    const nav = await page.locator('nav.main-nav a').allTextContents();
    assert.ok(nav.includes('Inventory'), `${role}: nav ${nav}`);
    await page.locator('caption', { hasText: `Stock at ${store.name}` }).waitFor();
    await page.locator('.paged-table tbody tr').first().waitFor({ timeout: 10000 }).catch(() => {});
    const writes = await page.getByRole('button', { name: 'Record a movement', exact: true }).count();
    assert.equal(writes > 0, WRITERS.includes(role), `${role}: "Record a movement" shown: ${writes}`);
    await axe(page);
    await shot(page, `inventory-${role}`);
    await page.getByLabel('Show').selectOption('urgent');
    await page.locator('.paged-table .loading').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Movements', exact: true }).click();
    await page.locator('caption', { hasText: 'Stock movements, oldest first' }).waitFor();
    if (role === 'admin') await axe(page);
    await page.getByRole('button', { name: 'Transfers', exact: true }).click();
    await page.locator('caption', { hasText: 'Transfers' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Request a transfer' }).count() > 0, WRITERS.includes(role), role);
    if (role === 'admin' || role === 'viewer') {
      await axe(page);
      await shot(page, `inventory-transfers-${role}`);
    }
    await context.close();
  }
});

test('a store manager records a receipt: the level and the ledger change', async () => {
  const { page, context } = await open('store_manager', `/inventory?view=product&product_id=${product.id}`);
  // before: no store stocks the new product
  await page.getByText('No store stocks this product.').waitFor();

  await page.goto(page.url().replace(/\?.*$/, `?store_id=${store.id}`));
  await page.getByRole('button', { name: 'Record a movement', exact: true }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: /Record a movement at/ }) });
  await form.getByLabel('Find product').fill(product.sku);
  await form.getByLabel('Product', { exact: true }).locator(`option[value="${product.id}"]`).waitFor({ state: 'attached' });
  await form.getByLabel('Product', { exact: true }).selectOption(String(product.id));

  // a refused movement: an adjustment without a reason names the field
  await form.getByLabel('Kind').selectOption('adjustment');
  await form.getByLabel('Quantity').fill('-2');
  await form.getByRole('button', { name: 'Record adjustment' }).click();
  const err = form.locator('.error-box[role="alert"]');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-field'), 'reason', await err.textContent());
  assert.match(await err.textContent(), /field: reason/);
  assert.equal(await form.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
  await shot(page, 'inventory-movement-refused');

  await form.getByLabel('Kind').selectOption('receipt');
  await form.getByLabel('Quantity').fill('7');
  await form.getByLabel('Reference').fill('delivery web-1');
  await form.getByRole('button', { name: 'Record receipt' }).click();
  await form.getByText('on hand is now 7').waitFor();
  await axe(page);
  await shot(page, 'inventory-receipt-recorded');

  // the level, in every store's view of the product
  await page.getByRole('button', { name: 'A product in every store', exact: true }).click();
  await page.getByLabel('Find product').fill(product.sku);
  await page.getByLabel('Product', { exact: true }).locator(`option[value="${product.id}"]`).waitFor({ state: 'attached' });
  await page.getByLabel('Product', { exact: true }).selectOption(String(product.id));
  const row = page.locator('.paged-table tbody tr', { hasText: store.name });
  await row.waitFor();
  assert.equal((await row.locator('[data-col="on_hand"]').textContent()).trim(), '7');

  // the ledger: one receipt of 7 for the product at the store
  await page.goto(page.url().replace(/\?.*$/, `?view=ledger&store_id=${store.id}&product_id=${product.id}`));
  const mv = page.locator('.paged-table tbody tr');
  await mv.first().waitFor();
  assert.equal(await mv.count(), 1);
  assert.match(await mv.first().textContent(), /receipt/);
  assert.equal((await mv.first().locator('[data-col="quantity"]').textContent()).trim(), '7');
  await axe(page);
  await shot(page, 'inventory-ledger-after-receipt');
  await context.close();
});

test("a store manager changes a level's settings: the API's refusal by field, then the saved values", async () => {
  const p = await newProduct('inv-set');
  await receive(store.id, p.id, 5);
  const { page, context } = await open('store_manager', `/inventory?view=product&product_id=${p.id}`);
  await page.getByRole('button', { name: `Settings at ${store.name}` }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: /Settings of/ }) });
  await form.getByText(p.name).waitFor(); // the heading names the product, not its id
  await form.getByLabel('Reorder point').fill('-4');
  await form.getByRole('button', { name: 'Save settings' }).click();
  const err = form.locator('.error-box[role="alert"]');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-field'), 'reorder_point', await err.textContent());
  assert.equal(await form.getByLabel('Reorder point').getAttribute('aria-invalid'), 'true');
  assert.equal((await level(store.id, p.id)).reorder_point, 0, 'a refused change changed nothing');

  await form.getByLabel('Reorder point').fill('9');
  await form.getByLabel('Safety stock').fill('3');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await form.locator('[data-saved-reorder-point="9"]').waitFor();
  const l = await level(store.id, p.id);
  assert.equal(l.reorder_point, 9);
  assert.equal(l.safety_stock, 3);
  // 5 on hand is now under the reorder point: the row says low
  await page.locator('.paged-table tbody tr', { hasText: store.name }).locator('[data-status="low"]').waitFor();
  await axe(page);
  await shot(page, 'inventory-level-settings');
  await context.close();
});

test('a transfer received with a shortfall: the difference and its reason stay on the line', async () => {
  const from = await newStore('inv-tr');
  const to = await newStore('inv-to'); // its own store: the transfers list shows this one alone
  const p = await newProduct('inv-tr');
  await receive(from.id, p.id, 10);
  const t = await must('POST', '/api/v1/transfers', { from_store_id: from.id, to_store_id: to.id, lines: [{ product_id: p.id, quantity: 6 }] });
  await must('POST', `/api/v1/transfers/${t.id}/ship`);

  const { page, context } = await open('admin', `/inventory?view=transfers&store_id=${to.id}&status=shipped`);
  const row = page.locator('.paged-table tbody tr', { hasText: p.name }); // the line names its product
  await row.waitFor();
  await row.getByRole('button', { name: 'Receive with differences' }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: `Receive transfer ${t.id}` }) });
  assert.equal(await form.getByLabel(`Received of ${p.name}`).inputValue(), '6', 'prefilled with what was shipped');
  // more than shipped without a reason: refused, by the line's field
  await form.getByLabel(`Received of ${p.name}`).fill('7');
  await form.getByRole('button', { name: 'Receive', exact: true }).click();
  const err = form.locator('.error-box[role="alert"]');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-field'), 'lines[0].received', await err.textContent());
  await form.getByLabel(`Received of ${p.name}`).fill('4');
  await form.getByLabel(`Why not as shipped: ${p.name}`).fill('two broken in transit');
  await form.getByRole('button', { name: 'Receive', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Transfer ${t.id}: received.` }).waitFor();
  const got = await must('GET', `/api/v1/transfers/${t.id}`);
  assert.equal(got.status, 'received');
  assert.equal(got.lines[0].received, 4);
  assert.equal(got.lines[0].reason, 'two broken in transit');
  assert.equal((await level(to.id, p.id)).on_hand, 4);
  await axe(page);
  await shot(page, 'inventory-transfer-received-short');
  await context.close();
});
