// tests/web/data.mjs — test data made through the API from node (never the
// sample data): a store, a product, stock received at a store, a supplier
// with an offer, a sale. Each name carries a tag unique to the run, so the
// files can run again on the same stack. Used by the page tests beside
// harness.mjs (docs/web.md).
import assert from 'node:assert/strict';
import { call } from './harness.mjs';

export const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
let n = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** POST as token expecting want (201 by default); the body answered. */
export async function make(token, path, body, want = 201, headers = {}) {
  const r = await call('POST', path, { token, body, headers });
  assert.equal(r.status, want, `POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A new store (its code unique to the run), in Europe/London. */
export async function newStore(token, name = 'Web test store') {
  const code = `W${RUN}${n++}`.slice(0, 16);
  return (await make(token, '/api/v1/stores', { code, name: `${name} ${code}`, city: 'Leeds', time_zone: 'Europe/London' })).id;
}

/** A new product (category 1) at price and cost in cents. */
export async function newProduct(token, { price = 30000, cost = 20000, name = 'web test product' } = {}) {
  const sku = `W${RUN}-${n++}`;
  return (await make(token, '/api/v1/products', { sku, name: `${name} ${sku}`, category_id: 1, unit_price_cents: price, unit_cost_cents: cost })).id;
}

/** Books quantity units of product into store (a receipt), dated occurredAt when given. */
export async function receive(token, store, product, quantity, occurredAt) {
  const body = { store_id: store, product_id: product, type: 'receipt', quantity, reason: 'web test' };
  if (occurredAt) body.occurred_at = occurredAt;
  return make(token, '/api/v1/stock-movements', body);
}

/** The store's level of product: {on_hand, available, incoming, ...}. */
export async function level(token, store, product) {
  const r = await call('GET', `/api/v1/inventory/${store}/${product}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** A supplier without an ordering API (its POs are sent by hand). */
export async function newSupplier(token, name = 'Web supplier') {
  const code = `w${RUN}-${n++}`.toLowerCase();
  return make(token, '/api/v1/suppliers', { code, name: `${name} ${code}`, currency: 'USD' });
}

/** An offer of product from supplier: price breaks, MOQ and pack, lead time. */
export async function newOffer(token, supplier, product, { breaks = [[1, 250]], moq = 1, pack = 1, lead = 4 } = {}) {
  return make(token, `/api/v1/suppliers/${supplier}/offers`, {
    product_id: product,
    price_breaks: breaks.map(([q, p]) => ({ min_quantity: q, unit_price_cents: p })),
    moq,
    pack_size: pack,
    lead_time_days: lead,
  });
}

/**
 * Posts a sale (POST /api/v1/transactions, its own Idempotency-Key); waits
 * while tm-txn has not yet heard of a new store or product (422 naming it).
 */
export async function sale(token, body) {
  const key = `web-${RUN}-${n++}`;
  for (let i = 0; ; i++) {
    const r = await call('POST', '/api/v1/transactions', { token, body, headers: { 'Idempotency-Key': key } });
    const unknown = r.status === 422 && r.body && r.body.error && /store_id|product_id|lines/.test(r.body.error.field || '');
    if (r.status === 201 || !unknown || i >= 50) {
      assert.equal(r.status, 201, `sale: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    }
    await sleep(200);
  }
}

/** The nav's page links as the role sees them (text of each). */
export async function navItems(page) {
  return page.locator('nav.main-nav a').allTextContents();
}
