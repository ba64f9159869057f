// The app shell: served by nginx with its caching headers, signed-out
// visitors get the sign-in page, each role sees the navigation its
// permissions allow, unknown paths are the app's (not nginx's) and /api/ is
// never the app's fallback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE, ROLES, axe, call, open, openSignedOut, shot } from './harness.mjs';

test('nginx serves the app: index no-cache, hashed assets a year, SPA fallback, /api/ untouched', async () => {
  const index = await fetch(`${BASE}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const asset = html.match(/\/assets\/[^"]+\.js/);
  assert.ok(asset, 'index.html names a hashed script');
  const js = await fetch(BASE + asset[0], { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control'), /max-age=31536000/);
  const deep = await fetch(`${BASE}/inventory/3?x=1`);
  assert.equal(deep.status, 200);
  assert.match(await deep.text(), /<div id="app">/);
  const missing = await fetch(`${BASE}/assets/nope-123.js`);
  assert.equal(missing.status, 404);
  const api = await call('GET', '/api/v1/no-such-route');
  assert.notEqual(api.status, 200);
  assert.equal(typeof api.body, 'object', 'an /api/ path answers JSON, not the app');
});

test('signed out: any page shows the sign-in form', async () => {
  const { page, context } = await openSignedOut('/');
  await page.getByLabel('Email').waitFor();
  await page.getByLabel('Password').waitFor();
  await axe(page);
  await shot(page, 'signin');
  await context.close();
});

test('each role sees the navigation of its permissions', async () => {
  for (const role of ROLES) {
    const { page, context } = await open(role, '/');
    const who = await page.locator('.who-name').getAttribute('data-role');
    assert.equal(who, role);
    const me = await page.evaluate(async () => {
      const s = JSON.parse(sessionStorage.getItem('tm.session'));
      const r = await fetch('/api/v1/auth/me', { headers: { Authorization: `Bearer ${s.access_token}` } });
      return r.json();
    });
    assert.ok(Array.isArray(me.permissions), 'GET /api/v1/auth/me lists the permissions');
    const shown = await page.locator('nav.main-nav a').evaluateAll((as) => as.map((a) => a.textContent));
    if (me.permissions.includes('analytics.read')) assert.ok(shown.includes('Dashboard'), `${role}: ${shown}`);
    else assert.ok(!shown.includes('Dashboard'), `${role}: ${shown}`);
    await context.close();
  }
});

test('an unknown path is the app\'s "not found" page', async () => {
  const { page, context } = await open('viewer', '/no/such/page');
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  await axe(page);
  await context.close();
});
