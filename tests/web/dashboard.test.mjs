// The dashboard: every role that may see it (analytics.read) signs in and
// sees its KPIs, attention counts and chart; a sale posted through the API
// reaches the open dashboard's live feed within a second (measured, printed);
// the dashboard's time to interactive is measured from navigation beside
// the sign-in page's (printed, read by deploy/bench-web.sh); axe finds
// nothing serious; screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE, ROLES, axe, call, figure, loginAs, open, openSignedOut, shot } from './harness.mjs';

const viewers = ROLES; // every staff role holds analytics.read (docs/security.md)

test('each role sees the dashboard with its numbers', async () => {
  for (const role of viewers) {
    const { page, context } = await open(role, '/');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.locator('[data-kpi="revenue"]').first().waitFor();
    const revenue = await page.locator('[data-kpi="revenue"]').first().textContent();
    assert.match(revenue, /\d/, `${role}: today's revenue shows a figure`);
    const review = await page.locator('[data-kpi="waiting_review"]').textContent();
    if (role === 'admin' || role === 'fraud_analyst') assert.match(review, /^\d/, `${role}: ${review}`);
    else assert.match(review, /not for your role/, `${role}: ${review}`);
    await page.getByRole('heading', { name: 'Sales per hour, last 24 h' }).waitFor();
    await axe(page);
    await shot(page, `dashboard-${role}`);
    await context.close();
  }
});

async function inStock(token, store) {
  const r = await call('GET', `/api/v1/inventory/${store}?limit=200`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const lvl = r.body.items.find((l) => l.available > 5);
  assert.ok(lvl, `store ${store} has a product in stock`);
  const p = await call('GET', `/api/v1/products/${lvl.product_id}`, { token });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return { id: lvl.product_id, cents: p.body.unit_price_cents };
}

test('a sale posted through the API appears in the live feed within a second', async () => {
  const { page, context, tokens } = await open('admin', '/');
  await page.locator('[data-live="live"]').waitFor({ timeout: 10000 });
  const store = 1;
  const product = await inStock(tokens.access_token, store);
  const t0 = Date.now();
  const r = await call('POST', '/api/v1/transactions', {
    token: tokens.access_token,
    headers: { 'Idempotency-Key': `web-live-${t0}` },
    body: {
      store_id: store,
      lines: [{ product_id: product.id, quantity: 1, unit_price: product.cents / 100 }],
      channel: 'pos',
      payment_method: 'cash',
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const item = page.locator(`.feed li[data-topic="txn.created"][data-id="${r.body.id}"]`);
  await item.waitFor({ timeout: 5000 });
  const at = Number(await item.getAttribute('data-at'));
  const ms = at - t0;
  figure('live_feed_ms', ms, 'ms (POST /api/v1/transactions sent → the sale in the open dashboard\'s feed)');
  assert.ok(ms < 1000, `the sale took ${ms} ms to appear`);
  await shot(page, 'dashboard-live-feed');
  await context.close();
});

test('the dashboard is interactive within a second of navigation', async () => {
  const tti = async (page, mark) =>
    page.evaluate(
      (m) =>
        new Promise((resolve) => {
          const look = () => {
            const e = performance.getEntriesByName(m)[0];
            if (e) resolve(e.startTime);
            else setTimeout(look, 20);
          };
          look();
        }),
      mark,
    );
  // each page loaded once first, then measured on a second navigation, as a
  // returning user opens it (scripts from the browser's cache, as nginx lets it)
  const { page: p0, context: c0 } = await openSignedOut('/signin');
  await tti(p0, 'tm-signin-ready');
  await p0.goto(`${BASE}/signin`);
  const signin = await tti(p0, 'tm-signin-ready');
  await c0.close();
  const { page, context } = await open('analyst', '/');
  await tti(page, 'tm-dashboard-ready');
  await page.goto(`${BASE}/`);
  const ms = await tti(page, 'tm-dashboard-ready');
  figure('signin_tti_ms', Math.round(signin), 'ms (navigation → the sign-in form drawn; no API call)');
  figure('dashboard_tti_ms', Math.round(ms), 'ms (navigation → the overview drawn and its controls live)');
  // What the dashboard adds to any page of the app in this browser, now
  // (its API calls and drawing): under a second. The absolute figure
  // against 1 s is make bench's (deploy/bench-web.sh), on a quiet machine;
  // here other work may be slowing the browser itself.
  assert.ok(ms - signin < 1000, `dashboard ${ms} ms vs the sign-in page's ${signin} ms`);
  await context.close();
});
