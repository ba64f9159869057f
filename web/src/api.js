// src/api.js — every call the app makes to TechMart's API goes through here.
// It adds the bearer token, sends and reads JSON, builds query strings, turns
// the API's {"error":{code,message,field}} into an ApiError, and on a 401
// rotates the refresh token once (POST /api/v1/auth/refresh) and retries.
// Tokens live in sessionStorage: one session per tab, so two tabs never spend
// the same refresh token (a spent one presented again ends the whole session,
// docs/security.md). Framework-free: pages use it through src/useFetch.js.

const KEY = 'tm.session';
const listeners = new Set();
let tokens = load();
let refreshing = null; // the refresh in flight: concurrent 401s share it

export class ApiError extends Error {
  constructor(status, code, message, field = '', details = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || '';
    this.details = details;
  }
}

function load() {
  try {
    const t = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return t && t.access_token && t.refresh_token ? t : null;
  } catch {
    return null;
  }
}

function store(t) {
  tokens = t;
  if (t) sessionStorage.setItem(KEY, JSON.stringify(t));
  else sessionStorage.removeItem(KEY);
  for (const fn of listeners) fn(t);
}

function fromLogin(body) {
  return {
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    expires_at: Date.now() + (body.expires_in || 900) * 1000,
  };
}

/** Calls fn(tokens|null) whenever the tokens change; returns the unsubscriber. */
export function onTokens(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** True when this tab holds a session (it may still turn out revoked). */
export function hasSession() {
  return tokens !== null;
}

/** "?a=1&b=x" from an object; null, undefined and '' values are left out. */
export function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: an nginx page, a proxy's answer */
  }
  const e = body && body.error;
  if (e && typeof e === 'object')
    return new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.field, e.details);
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || 'error'}`);
}

async function send(method, path, opt, token) {
  const headers = { Accept: opt.accept || 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (opt.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opt.body);
  }
  try {
    return await fetch(path + query(opt.query), { method, headers, body, signal: opt.signal });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'cannot reach the server; check the connection and retry');
  }
}

/**
 * One API call. opt: {query, body, signal, auth (default true), raw (answer the
 * Response instead of parsed JSON), accept}. Resolves to the JSON body (null
 * for an empty one); rejects with ApiError. A 401 with a session rotates the
 * refresh token once and retries; when that fails too, the session ends.
 */
export async function api(method, path, opt = {}) {
  const auth = opt.auth !== false;
  let res = await send(method, path, opt, auth && tokens ? tokens.access_token : null);
  if (res.status === 401 && auth && tokens) {
    const used = tokens.access_token;
    if (await refresh(used)) res = await send(method, path, opt, tokens.access_token);
  }
  if (!res.ok) throw await errorOf(res);
  if (opt.raw) return res;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, q, opt = {}) => api('GET', path, { ...opt, query: q });
export const post = (path, body, q, opt = {}) => api('POST', path, { ...opt, body, query: q });
export const patch = (path, body, q, opt = {}) => api('PATCH', path, { ...opt, body, query: q });
export const del = (path, q, opt = {}) => api('DELETE', path, { ...opt, query: q });

/**
 * Rotates the refresh token: resolves true with new tokens stored, false
 * when the session is over (then it is cleared). `used` is the access token
 * the caller saw refused: when another call already rotated it, no second
 * refresh is spent.
 */
export function refresh(used) {
  if (!tokens) return Promise.resolve(false);
  if (used && tokens.access_token !== used) return Promise.resolve(true);
  if (refreshing) return refreshing;
  const spent = tokens.refresh_token;
  refreshing = (async () => {
    try {
      const res = await send('POST', '/api/v1/auth/refresh', { body: { refresh_token: spent } }, null);
      if (!res.ok) {
        if (res.status === 401 || res.status === 400) store(null);
        return false;
      }
      store(fromLogin(await res.json()));
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** An access token valid for at least minS more seconds (refreshed if not). */
export async function freshToken(minS = 30) {
  if (tokens && tokens.expires_at - Date.now() < minS * 1000) await refresh(tokens.access_token);
  return tokens ? tokens.access_token : null;
}

/** POST /api/v1/auth/login; stores the tokens. Rejects with ApiError. */
export async function login(email, password) {
  const body = await api('POST', '/api/v1/auth/login', { body: { email, password }, auth: false });
  store(fromLogin(body));
}

/**
 * POST /api/v1/auth/logout with the refresh token: the server revokes this
 * session's tokens at once. The tab's session is cleared whatever it answers
 * (a failed revocation is reported to the caller).
 */
export async function logout() {
  if (!tokens) return;
  const t = tokens;
  try {
    await send('POST', '/api/v1/auth/logout', { body: { refresh_token: t.refresh_token } }, t.access_token).then(
      async (res) => {
        if (!res.ok && res.status !== 401) throw await errorOf(res);
      },
    );
  } finally {
    store(null);
  }
}

/** Forgets this tab's tokens without asking the server (after a revocation). */
export function forget() {
  store(null);
}
