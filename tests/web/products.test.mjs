// The Products page: every role holds catalog.read and walks it (the product
// and category tables, the search form); only catalog.write (admin, buyer)
// gets the New/Edit buttons. A buyer creates a product in the browser (price
// typed as an amount, sent as cents) and finds it with the search; a bad
// price and a taken SKU show the refusal's message and field; axe finds
// nothing serious; a screenshot per role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLES, adminToken, axe, call, open, shot } from './harness.mjs';

const WRITERS = ['admin', 'buyer']; // catalog.write (docs/security.md#roles)

test('each role walks the products page; write buttons only with catalog.write', async () => {
  const tok = await adminToken();
  const tag = `walk-${process.pid}-${Date.now()}`;
  const cat = await call('POST', '/api/v1/categories', { token: tok, body: { name: `Web ${tag}` } });
  assert.equal(cat.status, 201, JSON.stringify(cat.body));
  const body = { sku: `W-${tag}`, name: `Web ${tag}`, category_id: cat.body.id, unit_price_cents: 999, unit_cost_cents: 500 };
  const p = await call('POST', '/api/v1/products', { token: tok, body });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  for (const role of ROLES) {
    const { page, context } = await open(role, '/products');
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    await page.getByRole('link', { name: 'Products' }).first().waitFor();
    await page.locator('table:has(caption:text-is("Products")) tbody tr').first().waitFor();
    await page.locator('table:has(caption:text-is("Categories")) tbody tr').first().waitFor();
    const canWrite = (await page.getByRole('button', { name: 'New product' }).count()) > 0;
    assert.equal(canWrite, WRITERS.includes(role), `${role}: New product button`);
    const edits = await page.getByRole('button', { name: /^Edit / }).count();
    assert.equal(edits > 0, WRITERS.includes(role), `${role}: Edit buttons`);
    await axe(page);
    await shot(page, `products-${role}`);
    await context.close();
  }
});

test('a buyer creates a product and finds it in the list', async () => {
  const tok = await adminToken();
  const tag = `${process.pid}-${Date.now()}`;
  const cat = await call('POST', '/api/v1/categories', { token: tok, body: { name: `Web cat ${tag}` } });
  assert.equal(cat.status, 201, JSON.stringify(cat.body));
  const sku = `WEB-${tag}`;

  const { page, context } = await open('buyer', '/products');
  await page.getByRole('button', { name: 'New product' }).click();
  const form = page.locator('form:has(h2:text-is("New product"))');
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Name').fill(`Web test kettle ${tag}`);
  await form.getByLabel('Category').selectOption(String(cat.body.id));
  await form.getByLabel('Price').fill('12.345');
  await form.getByLabel('Cost').fill('7');
  await form.getByRole('button', { name: 'Create product' }).click();
  // refused before sending: the message and the field it names
  const bad = form.locator('.error-box');
  await bad.waitFor();
  assert.equal(await bad.getAttribute('data-field'), 'unit_price_cents');
  assert.match(await bad.textContent(), /two decimals.*field: unit_price_cents/s);
  assert.equal(await form.getByLabel('Price').getAttribute('aria-invalid'), 'true');

  await form.getByLabel('Price').fill('12.34');
  await form.getByRole('button', { name: 'Create product' }).click();
  await page.getByRole('status').filter({ hasText: `Product ${sku} created.` }).waitFor();

  const made = await call('GET', `/api/v1/products?q=${encodeURIComponent(sku)}`, { token: tok });
  assert.equal(made.status, 200);
  assert.equal(made.body.items.length, 1, JSON.stringify(made.body));
  assert.equal(made.body.items[0].unit_price_cents, 1234, 'the price went as cents');
  assert.equal(made.body.items[0].unit_cost_cents, 700);

  await page.getByRole('searchbox', { name: 'Search name or SKU' }).fill(sku);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=WEB-/);
  const row = page.locator('table:has(caption:text-is("Products")) tbody tr', { hasText: sku });
  await row.waitFor();
  assert.equal(await page.locator('table:has(caption:text-is("Products")) tbody tr').count(), 1);
  assert.match(await row.textContent(), /12\.34/);
  assert.match(await row.textContent(), new RegExp(`Web cat ${tag}`));
  await shot(page, 'products-created');

  // the API's own refusal: a taken SKU, its message and field shown
  await page.getByRole('button', { name: 'New product' }).click();
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Name').fill('again');
  await form.getByLabel('Category').selectOption(String(cat.body.id));
  await form.getByLabel('Price').fill('1');
  await form.getByLabel('Cost').fill('1');
  await form.getByRole('button', { name: 'Create product' }).click();
  const taken = form.locator('.error-box[data-field="sku"]');
  await taken.waitFor();
  assert.match(await taken.textContent(), /409/);
  await form.getByRole('button', { name: 'Cancel' }).click();

  // edit: the new price reaches the list
  await row.getByRole('button', { name: `Edit ${sku}` }).click();
  const edit = page.locator(`form:has(h2:text-is("Edit product ${sku}"))`);
  await edit.getByLabel('Price').fill('15');
  await edit.getByRole('button', { name: 'Save product' }).click();
  await page.getByRole('status').filter({ hasText: `Product ${sku} saved.` }).waitFor();
  await page.locator('table:has(caption:text-is("Products")) tbody tr', { hasText: '15.00' }).waitFor();
  await axe(page);
  await context.close();
});
