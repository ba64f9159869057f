// tests/web/harness.mjs — what every browser test uses (docs/web.md):
// Debian's Chromium driven by playwright-core, one user per role made
// through the admin API, sign-in as a role, an axe-core check that fails on
// serious or critical violations, screenshots under the run's folder, and
// node's fetch for API calls beside the browser.
//
// Environment (deploy/run-tests.sh sets it; see docs/web.md to run by hand):
//   TM_WEB_URL        the stack's nginx, http://127.0.0.1:PORT
//   TM_ADMIN_EMAIL, TM_ADMIN_PASSWORD   the stack's admin
//   TM_WEB_SHOTS      where screenshots go (default: a new folder in /tmp)
//   TM_WEB_CHROMIUM   the browser (default /usr/bin/chromium)
//   TM_WEB_USER_TAG   makes the test users' emails (default "web"): users
//                     already made by an earlier file of the run are reused
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const AXE_SRC = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = (process.env.TM_WEB_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SHOTS = process.env.TM_WEB_SHOTS || mkdtempSync(join(tmpdir(), 'tm-web-shots.'));
mkdirSync(SHOTS, { recursive: true });
const CHROMIUM = process.env.TM_WEB_CHROMIUM || '/usr/bin/chromium';
const TAG = process.env.TM_WEB_USER_TAG || 'web';
export const ROLES = ['admin', 'store_manager', 'buyer', 'analyst', 'fraud_analyst', 'viewer'];

let browserP = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The shared Chromium of this test file (closed after its last test). */
export function browser() {
  if (!browserP) {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run make deps (Debian's chromium)`);
    // playwright gives each launch a fresh, empty profile (--user-data-dir)
    browserP = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
  return browserP;
}

after(async () => {
  if (browserP) await (await browserP).close();
});

/**
 * One API call from node (not the browser): {status, body (parsed JSON or
 * text), headers}. token: an access token or null.
 */
export async function call(method, path, { token = null, body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Tries a login (try() → {status, retryAfter}) until it is not refused by
 * the per-address login limit: every test signs in from this one address,
 * so a 429 is waited out (its Retry-After, at most 65 s) up to three times.
 * Returns the last try's answer.
 */
async function outwaitLoginLimit(attempt) {
  for (let i = 0; ; i++) {
    const r = await attempt();
    if (r.status !== 429 || i >= 3) return r;
    const wait = Number(r.retryAfter || 10);
    console.log(`# login limit reached: waiting ${wait} s`);
    await sleep(Math.min(wait, 65) * 1000);
  }
}

/** POST /api/v1/auth/login, waiting out the per-address login limit (429). */
export async function apiLogin(email, password) {
  const r = await outwaitLoginLimit(async () => {
    const x = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    return { ...x, retryAfter: x.headers.get('retry-after') };
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Signs in through the page's form (fills Email and Password, presses Sign
 * in) and returns the status of POST /api/v1/auth/login, the login limit's
 * 429 waited out as apiLogin does (the button pressed again).
 */
export async function signInForm(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  const r = await outwaitLoginLimit(async () => {
    const answer = page.waitForResponse((x) => x.url().endsWith('/api/v1/auth/login') && x.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const x = await answer;
    return { status: x.status(), retryAfter: x.headers()['retry-after'] };
  });
  return r.status;
}

let adminTok = null;
/** An admin access token (one login per test file). */
export async function adminToken() {
  if (!adminTok) adminTok = (await apiLogin(process.env.TM_ADMIN_EMAIL, process.env.TM_ADMIN_PASSWORD)).access_token;
  return adminTok;
}

let usersP = null;
/**
 * The test users, one per role: {role: {email, password, stores}}. Made
 * through POST /api/v1/users (the store manager runs the first store); a
 * user an earlier test file made (409) is reused.
 */
export function users() {
  if (!usersP) {
    usersP = (async () => {
      const tok = await adminToken();
      const stores = await call('GET', '/api/v1/stores?limit=1', { token: tok });
      assert.equal(stores.status, 200, JSON.stringify(stores.body));
      const first = stores.body.items[0].id;
      const out = { admin: { email: process.env.TM_ADMIN_EMAIL, password: process.env.TM_ADMIN_PASSWORD, stores: [] } };
      for (const role of ROLES.slice(1)) {
        const u = { email: `${TAG}-${role.replace('_', '-')}@techmart.test`, password: `${TAG}-${role}-pass-1234`, stores: role === 'store_manager' ? [first] : [] };
        const body = { email: u.email, name: `Web ${role}`, role, password: u.password };
        if (u.stores.length) body.stores = u.stores;
        const r = await call('POST', '/api/v1/users', { token: tok, body });
        assert.ok(r.status === 201 || r.status === 409, `create ${role}: ${r.status} ${JSON.stringify(r.body)}`);
        out[role] = u;
      }
      return out;
    })();
  }
  return usersP;
}

/** Logs a role in through the API: {access_token, refresh_token, expires_in, user}. */
export async function loginAs(role) {
  const u = (await users())[role];
  return { ...(await apiLogin(u.email, u.password)), user: u };
}

/**
 * A new browser context signed in as `role` (its own session: the tokens are
 * put in the tab's sessionStorage once, as the sign-in page would) on `path`,
 * the shell drawn. Returns {page, context, tokens, user}; close the context.
 */
export async function open(role, path = '/') {
  const tokens = await loginAs(role);
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
  const session = JSON.stringify({
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: Date.now() + tokens.expires_in * 1000,
  });
  await context.addInitScript((s) => {
    if (!sessionStorage.getItem('tm.injected')) {
      sessionStorage.setItem('tm.injected', '1');
      sessionStorage.setItem('tm.session', s);
    }
  }, session);
  const page = await context.newPage();
  await page.goto(BASE + path);
  await page.waitForSelector('header.top');
  return { page, context, tokens, user: tokens.user };
}

/** A new, signed-out browser context on path: {page, context}. */
export async function openSignedOut(path = '/') {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(BASE + path);
  return { page, context };
}

/**
 * Runs axe-core on the page; fails listing every serious or critical
 * violation (rule, impact, what to fix, the first offending elements).
 */
export async function axe(page, { exclude = [] } = {}) {
  // evaluated, not added as an inline <script>: the app's CSP
  // (deploy/nginx.conf.in) refuses inline scripts, as it should
  await page.evaluate(AXE_SRC);
  const res = await page.evaluate(async (ex) => {
    const ctx = ex.length ? { exclude: ex.map((s) => [s]) } : document;
    return await window.axe.run(ctx, { resultTypes: ['violations'] });
  }, exclude);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`)
    .join('\n  ');
  assert.equal(bad.length, 0, `axe on ${page.url()}:\n  ${text}`);
  return res.violations;
}

/** A full-page PNG as SHOTS/<name>.png; prints and returns its path. */
export async function shot(page, name) {
  const file = join(SHOTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
  return file;
}

/** Prints a measured figure as "# web: NAME VALUE UNIT" (deploy/bench-web.sh reads these). */
export function figure(name, value, unit) {
  console.log(`web: ${name} ${value} ${unit}`);
}
