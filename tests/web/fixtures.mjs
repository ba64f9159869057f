// tests/web/fixtures.mjs — data a browser test makes for itself through the
// API (node fetch, as the admin), so no test leans on the sample data: a
// category, products, a store, stock received, a supplier and its offer,
// sales. Names carry the run's time so files and reruns on one stack never
// collide.
import assert from 'node:assert/strict';
import { adminToken, call } from './harness.mjs';

export const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
let made = 0; // a file may make several of one kind with one tag

/** An API call as the admin that must answer `want`; its body. */
export async function must(method, path, body, want = [200, 201], headers = {}) {
  const r = await call(method, path, { token: await adminToken(), body, headers });
  assert.ok([].concat(want).includes(r.status), `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The first store the API lists (the harness's store manager runs it). */
export async function firstStore() {
  return (await must('GET', '/api/v1/stores?limit=1')).items[0];
}

/** A new store (time zone tz). */
export async function newStore(tag, tz = 'America/New_York') {
  const code = `W${RUN}${made++}${tag}`.toUpperCase().replace(/[^A-Z0-9-]/g, '').slice(0, 16);
  return must('POST', '/api/v1/stores', { code, name: `Web ${tag} ${RUN}`, city: 'Testville', time_zone: tz });
}

/** A new product in a new category; price and cost in cents. */
export async function newProduct(tag, price = 1250, cost = 700) {
  const k = made++;
  const cat = await must('POST', '/api/v1/categories', { name: `Web ${tag} ${RUN} ${k}` });
  return must('POST', '/api/v1/products', {
    sku: `web-${tag}-${RUN}-${k}`,
    name: `Web ${tag} ${RUN} ${k}`,
    category_id: cat.id,
    unit_price_cents: price,
    unit_cost_cents: cost,
  });
}

/** Receives qty of product at store (a receipt movement), dated occurredAt if given. */
export async function receive(storeId, productId, qty, occurredAt) {
  const body = { store_id: storeId, product_id: productId, type: 'receipt', quantity: qty, reference: `web-${RUN}` };
  if (occurredAt) body.occurred_at = occurredAt;
  return must('POST', '/api/v1/stock-movements', body, 201);
}

/** Polls fn() until it answers truthy (every 250 ms, at most ms); its answer. */
export async function until(fn, ms = 15000, what = 'the condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < end, `waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The level of product at store: {on_hand, available, incoming, ...}. */
export async function level(storeId, productId) {
  return must('GET', `/api/v1/inventory/${storeId}/${productId}`, undefined, 200);
}

/** A new supplier without an ordering API (its POs are sent by hand). */
export async function newSupplier(tag) {
  const code = `w${RUN}-${made++}-${tag}`.toLowerCase().replace(/[^a-z0-9-]/g, '');
  return must('POST', '/api/v1/suppliers', { code, name: `Web ${tag} ${RUN}`, currency: 'USD' }, 201);
}

/** An offer of product from supplier: price breaks [[min_quantity, cents]], MOQ, pack, lead time. */
export async function newOffer(supplierId, productId, { breaks = [[1, 250]], moq = 1, pack = 1, lead = 4 } = {}) {
  return must('POST', `/api/v1/suppliers/${supplierId}/offers`, {
    product_id: productId,
    price_breaks: breaks.map(([q, p]) => ({ min_quantity: q, unit_price_cents: p })),
    moq,
    pack_size: pack,
    lead_time_days: lead,
  }, 201);
}

let sales = 0;

/**
 * Posts a sale as the admin (its own Idempotency-Key); waits while tm-txn
 * has not yet heard of a new store or product (a 422 naming it).
 */
export async function sale(body) {
  const key = `web-${RUN}-sale-${sales++}`;
  const token = await adminToken();
  for (let i = 0; ; i++) {
    const r = await call('POST', '/api/v1/transactions', { token, body, headers: { 'Idempotency-Key': key } });
    const unknown = r.status === 422 && r.body && r.body.error && /store_id|product_id|lines/.test(r.body.error.field || '');
    if (r.status === 201 || !unknown || i >= 50) {
      assert.equal(r.status, 201, `sale: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** The navigation's page links as the signed-in role sees them (their text). */
export async function navItems(page) {
  return page.locator('nav.main-nav a').allTextContents();
}
