// Sign-in, refresh rotation and sign-out in the browser: a refused sign-in
// shows the API's message and field; a good one opens the app; a refused
// access token is replaced through POST /api/v1/auth/refresh (the old
// refresh token is spent) without the user noticing; signing out revokes the
// session's tokens at the server and shows the sign-in form again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axe, call, openSignedOut, shot, signInForm, users } from './harness.mjs';

const session = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('tm.session')));

test('a wrong password is refused with its message and field', async () => {
  const u = (await users()).viewer;
  const { page, context } = await openSignedOut('/');
  assert.equal(await signInForm(page, u.email, 'not-the-password'), 401);
  const box = page.getByRole('alert');
  await box.waitFor();
  assert.match(await box.textContent(), /wrong email or password/);
  assert.equal(await box.getAttribute('data-field'), 'password');
  assert.match(await box.textContent(), /field: password/);
  assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  await axe(page);
  await shot(page, 'signin-refused');
  await context.close();
});

test('sign in, a refused token refreshed by rotation, sign out revokes', async () => {
  const u = (await users()).store_manager;
  const { page, context } = await openSignedOut('/');
  assert.equal(await signInForm(page, u.email, u.password), 200);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  assert.equal(await page.locator('.who-name').getAttribute('data-role'), 'store_manager');
  const first = await session(page);

  // the access token refused (as an expired one is): the app rotates the
  // refresh token once and carries on
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('tm.session'));
    s.access_token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.bm90LWEtc2lnbmF0dXJl';
    sessionStorage.setItem('tm.session', JSON.stringify(s));
  });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.locator('[data-kpi="revenue"]').first().waitFor();
  const second = await session(page);
  assert.notEqual(second.refresh_token, first.refresh_token, 'the refresh token was rotated');
  assert.notEqual(second.access_token, first.access_token);
  const me = await call('GET', '/api/v1/auth/me', { token: second.access_token });
  assert.equal(me.status, 200);

  // sign out: the session's tokens are revoked at the server at once
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Password').waitFor();
  assert.equal(await session(page), null, 'the tab forgot its tokens');
  assert.equal((await call('GET', '/api/v1/auth/me', { token: second.access_token })).status, 401);
  const again = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: second.refresh_token } });
  assert.equal(again.status, 401, JSON.stringify(again.body));
  await shot(page, 'signed-out');
  await context.close();
});

// A `next` that a browser would read as another host (`//evil.example`, or
// `/\evil.example`, which URL parsing turns into the same) is not followed:
// after sign-in the app opens the dashboard on its own origin (safeNext in
// src/router.js), with no error thrown.
for (const next of ['/\\evil.example', '//evil.example']) {
  test(`sign-in with next=${next} lands on the dashboard`, async () => {
    const u = (await users()).store_manager;
    const { page, context } = await openSignedOut(`/signin?next=${encodeURIComponent(next)}`);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const origin = new URL(page.url()).origin;
    assert.equal(await signInForm(page, u.email, u.password), 200);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const at = new URL(page.url());
    assert.equal(at.origin, origin);
    assert.equal(at.pathname, '/');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
