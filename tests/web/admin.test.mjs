// The Admin page (user.admin: admins only). The admin walks its four views
// (users, roles, API keys, audit log); every other role signs in without an
// Admin item in its navigation, and the roles matrix the page shows agrees
// with GET /api/v1/auth/me for each of those roles (the API has no roles
// route: the matrix is docs/security.md's, checked here). The admin creates
// a user and finds it listed; creates an API key and sees its secret once —
// and never again after hiding it or reloading. axe; screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE, ROLES, adminToken, axe, call, open, shot, users } from './harness.mjs';

const tag = `${process.pid}-${Date.now()}`;

/** Goes through the table's pages (Next) until a row with `text` shows. */
async function findRow(page, caption, text, maxPages = 30) {
  const table = page.locator(`.paged-table:has(caption:text-is("${caption}"))`);
  for (let i = 0; i < maxPages; i++) {
    await table.locator('tbody tr').first().waitFor();
    await page.waitForFunction((c) => !document.querySelector(`.paged-table .loading`), caption);
    const row = table.locator('tbody tr', { hasText: text });
    if ((await row.count()) > 0) return row;
    const next = table.getByRole('button', { name: 'Next' });
    if (await next.isDisabled()) break;
    await next.click();
  }
  assert.fail(`no row with ${text} in ${caption}`);
}

async function matrix(page) {
  await page.getByRole('navigation', { name: 'Admin views' }).getByRole('link', { name: 'Roles' }).click();
  await page.locator('table.matrix').waitFor();
  return page.evaluate(() => {
    const out = {};
    for (const td of document.querySelectorAll('table.matrix td[data-has="1"]')) {
      const role = td.dataset.role;
      (out[role] = out[role] || []).push(td.closest('tr').dataset.perm);
    }
    return out;
  });
}

test('the admin creates a user and sees it listed; other roles get no Admin item', async () => {
  const { page, context } = await open('admin', '/admin');
  await page.getByRole('heading', { level: 1, name: 'Admin' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
  await page.locator('table:has(caption:text-is("Users")) tbody tr').first().waitFor();
  await axe(page);
  await shot(page, 'admin-users');

  const email = `web-new-${tag}@techmart.test`;
  await page.getByRole('button', { name: 'New user' }).click();
  const form = page.locator('form:has(h2:text-is("New user"))');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Full name').fill('Web New User');
  await form.getByLabel('Role').selectOption('store_manager');
  await form.getByLabel('First password').fill(`pw-${tag}-long-enough`);
  await form.getByRole('button', { name: 'Create user' }).click();
  // a store manager without stores: the API's refusal, message and field
  const bad = form.locator('.error-box[data-field="stores"]');
  await bad.waitFor();
  assert.match(await bad.textContent(), /store/);
  const first = (await users()).store_manager.stores[0];
  await form.getByLabel('Stores').selectOption(String(first));
  await form.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('status').filter({ hasText: `User ${email} created.` }).waitFor();
  const row = await findRow(page, 'Users', email);
  assert.match(await row.textContent(), /store manager/);
  assert.match(await row.textContent(), /active/);
  await shot(page, 'admin-user-created');

  // disable it: the list says so, and the user can no longer sign in
  await row.getByRole('button', { name: `Disable ${email}` }).click();
  await page.getByRole('status').filter({ hasText: `${email} disabled` }).waitFor();
  const again = await findRow(page, 'Users', email);
  assert.match(await again.textContent(), /disabled/);
  const login = await call('POST', '/api/v1/auth/login', { body: { email, password: `pw-${tag}-long-enough` } });
  assert.equal(login.status, 401);

  const shown = await matrix(page);
  await axe(page);
  await shot(page, 'admin-roles');
  await page.getByRole('navigation', { name: 'Admin views' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Path starts with').fill('/api/v1/users');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/path_prefix=/);
  await findRow(page, 'Audit log, oldest first', '/api/v1/users');
  await axe(page);
  await shot(page, 'admin-audit');
  await context.close();

  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const o = await open(role, '/');
    const nav = o.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link').first().waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0, `${role} sees no Admin item`);
    const me = await call('GET', '/api/v1/auth/me', { token: o.tokens.access_token });
    assert.deepEqual([...shown[role]].sort(), [...me.body.permissions].sort(), `${role}: the roles page agrees with /auth/me`);
    await o.page.goto(`${BASE}/admin`);
    await o.page.getByText('Your role may not see this page').waitFor();
    await o.context.close();
  }
});

test('an API key\'s secret is shown once, with a copy button, then never again', async () => {
  const { page, context } = await open('admin', '/admin?view=keys');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  const first = (await users()).store_manager.stores[0];
  const name = `web key ${tag}`;
  const form = page.locator('form:has(h2:text-is("New POS key"))');
  await form.getByLabel('Key name').fill(name);
  await form.getByRole('button', { name: 'Create key' }).click();
  await form.locator('.error-box[data-field="stores"]').waitFor(); // a key needs a store
  await form.getByLabel('Stores').selectOption(String(first));
  await form.getByRole('button', { name: 'Create key' }).click();
  const secretBox = page.locator('[data-secret-shown]');
  await secretBox.waitFor();
  const secret = (await secretBox.locator('[data-secret]').textContent()).trim();
  assert.match(secret, /^tmk_/);
  await secretBox.getByRole('button', { name: 'Copy key' }).click();
  await secretBox.getByRole('status').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the copy button copies the key');
  await axe(page);
  await shot(page, 'admin-key-secret');

  // the key works
  const me = await call('GET', '/api/v1/auth/me', { headers: { 'X-API-Key': secret } });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.role, 'pos');

  // listed without it; hidden for good
  const row = await findRow(page, 'API keys', name);
  assert.ok(!(await row.textContent()).includes(secret));
  await secretBox.getByRole('button', { name: /hide the key/ }).click();
  assert.equal(await page.locator('[data-secret-shown]').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');
  await page.reload();
  await findRow(page, 'API keys', name);
  assert.ok(!(await page.content()).includes(secret), 'and does not come back');
  const list = await call('GET', '/api/v1/api-keys?limit=200', { token: await adminToken() });
  assert.ok(!JSON.stringify(list.body).includes(secret));

  // disable it: the key stops working
  await (await findRow(page, 'API keys', name)).getByRole('button', { name: `Disable key ${name}` }).click();
  await (await findRow(page, 'API keys', name)).locator('text=disabled').waitFor();
  const gone = await call('GET', '/api/v1/auth/me', { headers: { 'X-API-Key': secret } });
  assert.equal(gone.status, 401);
  await context.close();
});
